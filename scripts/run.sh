#!/usr/bin/env bash
# Build and run the Scratch server: `scripts/run.sh [scratchd serve options]`.
#
# With DATABASE_URL (environment, or a DATABASE_URL=... line in .env at the repo
# root) scratchd uses that database. Otherwise a private PostgreSQL cluster is
# kept in the data folder, started here if needed, and stopped when scratchd
# exits if this script started it.
#
# Environment:
#   SCRATCH_DATA_DIR   data folder (default: <repo>/data; relative = to the cwd)
#   SCRATCH_PG_PORT    port of the embedded PostgreSQL (default: 54329)
#   PORT               HTTP port scratchd listens on (default: 3010; read by scratchd)
#   BUILD_DIR, BUILD_TYPE, JOBS, SCRATCH_SKIP_DEPS: see scripts/build.sh
#   SCRATCH_SKIP_BUILD=1  test-only: skip scripts/build.sh (use an existing or
#                         fake $BUILD_DIR/bin/scratchd)
set -euo pipefail

orig_pwd=$PWD
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
# shellcheck source=scripts/lib/pg.sh
source scripts/lib/pg.sh

die() {
  printf 'run.sh: %s\n' "$*" >&2
  exit 1
}
say() { printf '==> %s\n' "$*" >&2; }

if [[ ${SCRATCH_SKIP_BUILD:-0} != 1 ]]; then
  scripts/build.sh
fi
build_dir=${BUILD_DIR:-build}
scratchd=$build_dir/bin/scratchd
[[ -x $scratchd ]] || die "$scratchd not found or not executable (did the build fail?)"
# The first-party connectors just built, plus the data folder's plugins (third-party .so files go there).
if [[ -z ${SCRATCH_PLUGIN_DIRS:-} ]]; then
  plugin_build_dir=$build_dir
  [[ $plugin_build_dir == /* ]] || plugin_build_dir=$repo/$plugin_build_dir
  SCRATCH_PLUGIN_DIRS="$plugin_build_dir/plugins:${SCRATCH_DATA_DIR:-$repo/data}/plugins"
  export SCRATCH_PLUGIN_DIRS
fi

# Print the value of KEY from a dotenv file (last assignment wins; quotes removed).
dotenv_get() {
  local key=$1 file=$2 line val='' found=1
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?${key}[[:space:]]*=[[:space:]]*(.*)$ ]] || continue
    val=${BASH_REMATCH[2]}
    if [[ $val =~ ^\"(.*)\"[[:space:]]*$ || $val =~ ^\'(.*)\'[[:space:]]*$ ]]; then
      val=${BASH_REMATCH[1]}
    else
      # Unquoted: drop a trailing " # comment" and trailing blanks.
      val=${val%%[[:space:]]#*}
      val=${val%"${val##*[![:space:]]}"}
    fi
    found=0
  done <"$file"
  printf '%s' "$val"
  return "$found"
}

banner() {
  local port=${PORT:-3010}
  cat >&2 <<EOF
==> Scratch: http://localhost:$port
    Create your first account:
      curl -s -X POST localhost:$port/api/v1/auth/signup -H 'content-type: application/json' -d '{"email":"you@example.com","password":"a long passphrase"}'
    Or an admin (reads the password from stdin; needs the same DATABASE_URL):
      $1$scratchd admin create-user --email you@example.com --admin
EOF
}

if [[ -z ${DATABASE_URL:-} && -f .env ]]; then
  DATABASE_URL=$(dotenv_get DATABASE_URL .env) || DATABASE_URL=
fi
if [[ -n ${DATABASE_URL:-} ]]; then
  # External database: nothing to manage, scratchd can replace this shell.
  export DATABASE_URL
  say "using DATABASE_URL from the environment/.env; no embedded PostgreSQL"
  banner ""
  exec "$scratchd" serve "$@"
fi

# --- Embedded PostgreSQL -----------------------------------------------------

data_dir=${SCRATCH_DATA_DIR:-$repo/data}
[[ $data_dir == /* ]] || data_dir=$orig_pwd/$data_dir
data_dir=$(realpath -m -- "$data_dir")
export SCRATCH_DATA_DIR=$data_dir
cluster=$data_dir/postgres
pwfile=$data_dir/postgres-password
pg_port=${SCRATCH_PG_PORT:-54329}

if [[ ! -d $data_dir ]]; then
  # As root, PostgreSQL's user must enter (not list) the folder to reach its cluster.
  if ((EUID == 0)); then mode=711; else mode=700; fi
  mkdir -p -- "$data_dir"
  chmod "$mode" -- "$data_dir"
fi

if [[ ! -s $pwfile ]]; then
  if pg_is_initialized "$cluster"; then
    die "$cluster exists but $pwfile is missing: restore it, or delete $cluster to start over (this loses the database)"
  fi
  # Generated once; hex needs no quoting anywhere.
  (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$pwfile" && echo >>"$pwfile")
fi
chmod 600 -- "$pwfile"
password=$(head -n 1 -- "$pwfile")
[[ -n $password ]] || die "$pwfile is empty"

if ! pg_is_initialized "$cluster"; then
  say "creating PostgreSQL cluster in $cluster"
  pg_init "$cluster" scratch "$pwfile" || die "could not create the PostgreSQL cluster"
fi

started_here=0
sock_tmp=
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
  # Finish cleaning up even if Ctrl-C is pressed again.
  trap '' INT TERM
  if ((started_here)); then
    say "stopping PostgreSQL"
    pg_stop "$cluster" || true
  fi
  [[ -z $sock_tmp ]] || rm -rf -- "$sock_tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if pg_is_running "$cluster"; then
  # Someone else (e.g. another run.sh) started it: use it, leave it running.
  pg_port=$(pg_port "$cluster")
  say "reusing running PostgreSQL on 127.0.0.1:$pg_port"
else
  sock=$cluster
  # Unix socket paths are short (107 bytes); fall back to a private temp dir.
  if ((${#sock} > 90)); then
    sock_tmp=$(mktemp -d /tmp/scratch-pg.XXXXXX)
    pg_prepare_dir "$sock_tmp"
    sock=$sock_tmp
  fi
  say "starting PostgreSQL on 127.0.0.1:$pg_port (log: $cluster/server.log)"
  # pg_ctl runs in its own session; defer a Ctrl-C until it returns so we know
  # whether there is a server to stop.
  interrupted=
  trap 'interrupted=130' INT
  trap 'interrupted=143' TERM
  pg_start "$cluster" "$pg_port" "$sock" "$cluster/server.log" ||
    die "could not start PostgreSQL (is port $pg_port taken? set SCRATCH_PG_PORT)"
  started_here=1
  trap 'exit 130' INT
  trap 'exit 143' TERM
  [[ -z $interrupted ]] || exit "$interrupted"
fi

# Create the database on first start (trust auth over the private unix socket).
bindir=$(pg_bindir)
sock=$(pg_socket_dir "$cluster")
exists=$("$bindir/psql" -X -q -h "$sock" -p "$pg_port" -U scratch -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'scratch'")
if [[ $exists != 1 ]]; then
  say "creating database scratch"
  "$bindir/createdb" -h "$sock" -p "$pg_port" -U scratch scratch
fi

DATABASE_URL="postgresql://scratch:$(pg_urlencode "$password")@127.0.0.1:$pg_port/scratch"
export DATABASE_URL
# Tells scratchd to create its session secret and master key in the data folder.
export SCRATCH_EMBEDDED=1

url_hint="DATABASE_URL=\"postgresql://scratch:\$(cat $pwfile)@127.0.0.1:$pg_port/scratch\" "
banner "$url_hint"

# A child, not exec: the EXIT trap must stop PostgreSQL after scratchd exits. A signal sent to this script
# alone (a process manager's SIGTERM) is passed on as SIGTERM, so scratchd drains and then PostgreSQL stops;
# a terminal's Ctrl-C reaches both anyway.
"$scratchd" serve "$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true' INT TERM
rc=0
while true; do
  wait "$child" && rc=0 || rc=$?
  kill -0 "$child" 2>/dev/null || break # wait returned because of a trapped signal: keep waiting
done
exit "$rc"
