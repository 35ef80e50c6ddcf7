# shellcheck shell=bash
# Helpers for a private PostgreSQL cluster (sourced by run.sh and test.sh).
#
# initdb/pg_ctl/postgres refuse to run as root, so as root they run as an
# unprivileged user (see pg_user); as a normal user they run as that user.
#
# Functions return non-zero on failure (they do not rely on set -e, which is
# disabled inside functions called from `if`/`||`).
#
# Environment:
#   SCRATCH_PG_BINDIR  use this PostgreSQL bin directory instead of the newest
#                      /usr/lib/postgresql/*/bin

_pg_err() { printf 'pg: %s\n' "$*" >&2; }

# Absolute path without requiring it to exist (relative to the current dir).
_pg_abs() { realpath -m -- "$1"; }

# Quote for /bin/sh: pg_ctl passes its -o options through a shell.
_pg_shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# Print the bin directory of the newest installed PostgreSQL.
pg_bindir() {
  if [[ -n ${SCRATCH_PG_BINDIR:-} ]]; then
    printf '%s\n' "$SCRATCH_PG_BINDIR"
    return 0
  fi
  local dir
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [[ ! -x $dir/postgres ]]; then
    _pg_err "no PostgreSQL server found in /usr/lib/postgresql/*/bin (install postgresql-15: scripts/install-deps.sh)"
    return 1
  fi
  printf '%s\n' "$dir"
}

# Bin directory for an existing cluster: the one matching its PG_VERSION, so a
# newer PostgreSQL installed later does not try to open an older cluster.
_pg_bindir_for() {
  local dir=$1 ver
  if [[ -z ${SCRATCH_PG_BINDIR:-} && -r $dir/PG_VERSION ]]; then
    ver=$(<"$dir/PG_VERSION")
    if [[ -x /usr/lib/postgresql/$ver/bin/postgres ]]; then
      printf '%s\n' "/usr/lib/postgresql/$ver/bin"
      return 0
    fi
    _pg_err "cluster $dir was created by PostgreSQL $ver, which is not installed (install postgresql-$ver or remove the cluster)"
    return 1
  fi
  pg_bindir
}

# Print the user the PostgreSQL binaries run as. As root: `postgres` if it
# exists, else the system user `scratch-pg` (created on first use).
pg_user() {
  if ((EUID != 0)); then
    id -un
    return 0
  fi
  if getent passwd postgres >/dev/null; then
    echo postgres
    return 0
  fi
  if ! getent passwd scratch-pg >/dev/null; then
    useradd --system --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin scratch-pg >&2 || {
      _pg_err "could not create system user scratch-pg"
      return 1
    }
  fi
  echo scratch-pg
}

# User that owns (or will own) a cluster directory. As root, an existing
# directory owned by a normal user keeps running as that user, so a cluster
# made by a developer still works under sudo.
_pg_user_for() {
  local dir=$1 owner
  [[ -d $dir ]] && owner=$(stat -c %U -- "$dir")
  if ((EUID == 0)); then
    if [[ -n ${owner:-} && $owner != root && $owner != UNKNOWN ]]; then
      echo "$owner"
      return 0
    fi
  elif [[ -n ${owner:-} && $owner != "$(id -un)" ]]; then
    _pg_err "$dir belongs to '$owner'; run as '$owner' or as root"
    return 1
  fi
  pg_user
}

# Run a command as USER, from / (the caller's cwd may be unreadable for USER).
_pg_run_as() {
  local user=$1
  shift
  if ((EUID == 0)); then
    (cd / && exec runuser -u "$user" -- "$@")
  elif [[ $user == "$(id -un)" ]]; then
    (cd / && exec "$@")
  else
    _pg_err "cannot run as '$user' without root (the cluster belongs to '$user'; run as that user or as root)"
    return 1
  fi
}

# As _pg_run_as, in a new session (setsid): a Ctrl-C in the terminal then
# reaches our foreground process, not pg_ctl/postgres, so we shut down in order.
_pg_run_detached() {
  local user=$1
  shift
  if ((EUID == 0)); then
    (cd / && exec setsid -w runuser -u "$user" -- "$@")
  elif [[ $user == "$(id -un)" ]]; then
    (cd / && exec setsid -w "$@")
  else
    _pg_err "cannot run as '$user' without root (the cluster belongs to '$user'; run as that user or as root)"
    return 1
  fi
}

# Fail with a clear message if USER cannot traverse every parent of PATH.
# We never chmod the user's directories behind their back.
pg_check_reachable() {
  local path user=$2 d bad
  path=$(_pg_abs "$1")
  ((EUID == 0)) || return 0
  local -a parents=()
  d=$(dirname -- "$path")
  while :; do
    parents=("$d" "${parents[@]}")
    [[ $d == / ]] && break
    d=$(dirname -- "$d")
  done
  # One runuser call for all parents; print the first that cannot be entered.
  # shellcheck disable=SC2016 # expanded by the inner sh
  bad=$(cd / && runuser -u "$user" -- sh -c \
    'for d in "$@"; do [ -x "$d" ] || { echo "$d"; exit 1; }; done' sh "${parents[@]}") && return 0
  _pg_err "PostgreSQL runs as user '$user', which cannot enter '$bad' ($(stat -c '%A %U' -- "$bad"))."
  _pg_err "Use a directory it can reach (scripts/run.sh: SCRATCH_DATA_DIR=/var/lib/scratch; scripts/test.sh: TMPDIR=/tmp), or allow traversal yourself: chmod o+x '$bad'"
  return 1
}

# Create DIR if needed, owned by USER with mode 700 (required by postgres).
_pg_own_dir() {
  local dir=$1 user=$2
  pg_check_reachable "$dir" "$user" || return 1
  if ((EUID == 0)); then
    mkdir -p -- "$dir" && chown -- "$user:" "$dir" && chmod 700 -- "$dir" || return 1
  else
    mkdir -p -- "$dir" && chmod 700 -- "$dir" || return 1
  fi
}

# Make DIR (e.g. a mktemp -d directory) usable by the PostgreSQL user.
pg_prepare_dir() {
  local dir user
  dir=$(_pg_abs "$1")
  user=$(_pg_user_for "$dir") || return 1
  _pg_own_dir "$dir" "$user"
}

# True if CLUSTER_DIR holds an initialized cluster.
pg_is_initialized() { [[ -f $1/PG_VERSION ]]; }

# pg_init CLUSTER_DIR SUPERUSER [PASSWORD_FILE] [extra initdb args...]
# With a password file (first line = password): scram-sha-256 for TCP, trust
# on the unix socket (its directory is private). Without: trust everywhere.
pg_init() {
  local dir user bindir superuser=$2 pwfile=${3:-} locale=C out rc=0 pwcopy=
  dir=$(_pg_abs "$1")
  shift 2
  if (($#)); then shift; fi
  user=$(_pg_user_for "$dir") || return 1
  bindir=$(pg_bindir) || return 1
  if pg_is_initialized "$dir"; then
    _pg_err "$dir already holds a cluster"
    return 1
  fi
  _pg_own_dir "$dir" "$user" || return 1

  # C.UTF-8 sorts like C but knows UTF-8 characters; plain C if unavailable.
  if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then locale=C.UTF-8; fi

  local -a args=(-D "$dir" -U "$superuser" -E UTF8 --locale="$locale" --no-instructions)
  if [[ -n $pwfile ]]; then
    args+=(--auth-local=trust --auth-host=scram-sha-256)
    if ((EUID == 0)); then
      # The password file is private to the invoking user; give initdb a copy it can read.
      pwcopy=$(mktemp /tmp/scratch-pgpw.XXXXXX) || return 1
      { head -n 1 -- "$pwfile" >"$pwcopy" && chown -- "$user:" "$pwcopy"; } || {
        rm -f -- "$pwcopy"
        return 1
      }
      args+=(--pwfile="$pwcopy")
    else
      args+=(--pwfile="$(_pg_abs "$pwfile")")
    fi
  else
    args+=(--auth=trust)
  fi

  out=$(_pg_run_as "$user" "$bindir/initdb" "${args[@]}" "$@" 2>&1) || rc=$?
  [[ -z $pwcopy ]] || rm -f -- "$pwcopy"
  if ((rc != 0)); then
    printf '%s\n' "$out" >&2
    _pg_err "initdb failed for $dir"
    return 1
  fi
}

# True if a postmaster is running on CLUSTER_DIR.
pg_is_running() {
  local dir user bindir
  dir=$(_pg_abs "$1")
  pg_is_initialized "$dir" || return 1
  user=$(_pg_user_for "$dir") || return 1
  bindir=$(_pg_bindir_for "$dir") || return 1
  _pg_run_as "$user" "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1
}

# Line N of a running cluster's postmaster.pid (4 = port, 5 = socket dir).
_pg_pidfile_line() { sed -n "${2}p" -- "$1/postmaster.pid" 2>/dev/null; }
pg_port() { _pg_pidfile_line "$1" 4; }
pg_socket_dir() { _pg_pidfile_line "$1" 5; }

# pg_start CLUSTER_DIR PORT SOCKET_DIR LOGFILE [extra postgres options, e.g. -c fsync=off]
# Listens on 127.0.0.1 only. Returns 98 if the port is already in use.
pg_start() {
  local dir port=$2 sock log user bindir opts arg out newlog size rc=0
  dir=$(_pg_abs "$1")
  sock=$(_pg_abs "$3")
  log=$(_pg_abs "$4")
  shift 4
  user=$(_pg_user_for "$dir") || return 1
  bindir=$(_pg_bindir_for "$dir") || return 1

  # Unix socket paths are limited to 107 bytes.
  if ((${#sock} + ${#port} + 10 > 107)); then
    _pg_err "socket directory path too long for a unix socket: $sock"
    return 1
  fi
  [[ -d $sock ]] || _pg_own_dir "$sock" "$user" || return 1
  if [[ ! -e $log ]]; then
    pg_check_reachable "$log" "$user" || return 1
    _pg_run_as "$user" touch -- "$log" || {
      _pg_err "user '$user' cannot create the log file $log"
      return 1
    }
  fi
  size=$(stat -c %s -- "$log")

  opts="-c listen_addresses=127.0.0.1 -p $port -k $(_pg_shq "$sock")"
  for arg in "$@"; do opts+=" $(_pg_shq "$arg")"; done

  out=$(_pg_run_detached "$user" "$bindir/pg_ctl" -D "$dir" -l "$log" -w -t 60 -s \
    -o "$opts" start 2>&1) || rc=$?
  ((rc == 0)) && return 0

  # Only look at what this attempt wrote to the log.
  newlog=$(tail -c +"$((size + 1))" -- "$log")
  if [[ $newlog == *'Address already in use'* ]]; then
    _pg_err "port $port is already in use"
    return 98
  fi
  [[ -z $out ]] || printf '%s\n' "$out" >&2
  _pg_err "could not start PostgreSQL in $dir; last lines of $log:"
  printf '%s\n' "$newlog" | tail -n 20 >&2
  return 1
}

# Stop CLUSTER_DIR (fast: disconnect clients, roll back). No-op if not running.
pg_stop() {
  local dir user bindir
  dir=$(_pg_abs "$1")
  pg_is_running "$dir" || return 0
  user=$(_pg_user_for "$dir") || return 1
  bindir=$(_pg_bindir_for "$dir") || return 1
  _pg_run_detached "$user" "$bindir/pg_ctl" -D "$dir" -m fast -w -t 60 -s stop && return 0
  _pg_err "fast shutdown of $dir failed; trying immediate"
  _pg_run_detached "$user" "$bindir/pg_ctl" -D "$dir" -m immediate -w -t 30 -s stop
}

# Percent-encode a string for use in a URL (userinfo, path).
pg_urlencode() {
  local LC_ALL=C s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [a-zA-Z0-9.~_-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s\n' "$out"
}

# pg_start_on_free_port CLUSTER_DIR SOCKET_DIR LOGFILE [extra postgres options]
# Starts the cluster on a random port in 20000-60000, trying another when one is taken (up to 10 tries).
# Prints the port. For throwaway clusters (tests, benchmarks).
pg_start_on_free_port() {
  local dir=$1 sock=$2 log=$3 candidate rc
  shift 3
  for _ in {1..10}; do
    candidate=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
    rc=0
    pg_start "$dir" "$candidate" "$sock" "$log" "$@" >&2 || rc=$?
    if ((rc == 0)); then
      printf '%s\n' "$candidate"
      return 0
    fi
    ((rc == 98)) || return 1
  done
  _pg_err "no free port found for PostgreSQL after 10 attempts"
  return 1
}
