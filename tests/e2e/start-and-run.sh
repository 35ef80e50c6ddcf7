#!/usr/bin/env bash
# Local use: start a throwaway PostgreSQL cluster, the scripted OpenAI emulator (tests/emulators/openai) as
# the agent's model endpoint, and a real scratchd, then run the e2e suite (run.sh).
#
#   tests/e2e/start-and-run.sh            build the console if needed, start everything, test, clean up
#   E2E_KEEP=1 tests/e2e/start-and-run.sh keep PostgreSQL and scratchd running afterwards (prints how to stop)
#
# Needs build/bin/scratchd (scripts/build.sh) and the PostgreSQL server binaries (scripts/install-deps.sh).
# Environment: BUILD_DIR (build), E2E_SCRATCHD (default $BUILD_DIR/bin/scratchd),
# SCRATCH_WEB_DIR (default: web/dist, built first with scripts/build-web.sh). Everything else is made here.
# Arguments go to run.sh (test files).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$PWD
# shellcheck source=scripts/lib/pg.sh
source scripts/lib/pg.sh

die() {
  printf 'start-and-run.sh: %s\n' "$*" >&2
  exit 1
}
say() { printf '==> %s\n' "$*" >&2; }

build_dir=${BUILD_DIR:-build}
scratchd=${E2E_SCRATCHD:-$build_dir/bin/scratchd}
[[ $scratchd == /* ]] || scratchd=$repo/$scratchd
[[ -x $scratchd ]] || die "$scratchd not found: run scripts/build.sh first"
plugins=${SCRATCH_PLUGIN_DIRS:-$(dirname "$(dirname "$scratchd")")/plugins}
if [[ -z ${SCRATCH_WEB_DIR:-} ]]; then
  scripts/build-web.sh # quick when nothing changed
  web_dir=$repo/web/dist
else
  web_dir=$SCRATCH_WEB_DIR
fi
[[ -f $web_dir/index.html ]] || die "no console in $web_dir"

tmp=$(mktemp -d /tmp/scratch-e2e.XXXXXX)
server_pid=
proxy_pid=
emulator_pid=
cleanup() {
  trap '' INT TERM
  if [[ ${E2E_KEEP:-0} == 1 ]]; then
    say "left running: scratchd (pid $server_pid), the OpenAI emulator (pid $emulator_pid), PostgreSQL in $tmp/data; stop with: kill $server_pid${proxy_pid:+ $proxy_pid}${emulator_pid:+ $emulator_pid}; source scripts/lib/pg.sh; pg_stop $tmp/data"
    return
  fi
  [[ -z $proxy_pid ]] || kill "$proxy_pid" 2>/dev/null || true
  [[ -z $emulator_pid ]] || kill "$emulator_pid" 2>/dev/null || true
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  pg_stop "$tmp/data" || true
  rm -rf -- "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_prepare_dir "$tmp" || die "cannot prepare $tmp for PostgreSQL"
pg_init "$tmp/data" postgres "" --no-sync >/dev/null || die "initdb failed"
pg_port=$(pg_start_on_free_port "$tmp/data" "$tmp" "$tmp/postgres.log" -c fsync=off) || die "PostgreSQL did not start"
bindir=$(pg_bindir)
"$bindir/createdb" -h "$tmp" -p "$pg_port" -U postgres scratch
"$bindir/createdb" -h "$tmp" -p "$pg_port" -U postgres e2e_source
say "PostgreSQL on 127.0.0.1:$pg_port"

# The agent's model endpoint: the scripted OpenAI-compatible emulator (each test seeds its script).
python3 -u tests/emulators/openai/emulator.py --port 0 --api-key test-key >"$tmp/openai-emulator.log" 2>&1 &
emulator_pid=$!
emulator_port=
for _ in $(seq 1 100); do
  emulator_port=$(sed -n 's/^LISTENING \([0-9]*\).*/\1/p' "$tmp/openai-emulator.log" | head -n 1)
  [[ -n $emulator_port ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$tmp/openai-emulator.log" >&2; die "the OpenAI emulator exited"; }
  sleep 0.1
done
[[ -n $emulator_port ]] || die "the OpenAI emulator did not start (log: $tmp/openai-emulator.log)"
emulator_url=http://127.0.0.1:$emulator_port
say "OpenAI emulator on $emulator_url"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
http_port=$(free_port)
mkdir -p "$tmp/scratch"
(
  cd "$repo"
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/scratch"
  SCRATCH_SESSION_SECRET=$(openssl rand -base64 48 | tr -d '\n')
  SCRATCH_MASTER_KEY=$(openssl rand -hex 32)
  export SCRATCH_SESSION_SECRET SCRATCH_MASTER_KEY
  export PORT=$http_port SCRATCH_DATA_DIR=$tmp/scratch SCRATCH_PLUGIN_DIRS=$plugins
  export SCRATCH_WEB_DIR=$web_dir SCRATCH_BIND_ADDRESS=127.0.0.1 SCRATCH_LOG_LEVEL=${SCRATCH_LOG_LEVEL:-warn}
  export SCRATCH_LOGIN_MAX_FAILURES_PER_ADDRESS=1000
  export SCRATCH_AGENT_BASE_URL=$emulator_url/v1 SCRATCH_AGENT_API_KEY=test-key SCRATCH_AGENT_MODEL=e2e/scripted
  exec "$scratchd" serve
) >"$tmp/scratchd.log" 2>&1 &
server_pid=$!
url=http://127.0.0.1:$http_port
for _ in $(seq 1 150); do
  curl -fsS "$url/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/scratchd.log" >&2; die "scratchd exited"; }
  sleep 0.2
done
curl -fsS "$url/readyz" >/dev/null || { tail -n 50 "$tmp/scratchd.log" >&2; die "scratchd not ready"; }
say "scratchd on $url (log: $tmp/scratchd.log)"

# Until scratchd serves the console itself, put a small same-origin proxy in front of it.
if ! curl -fsS "$url/" 2>/dev/null | grep -q '<div id="root">'; then
  proxy_port=$(free_port)
  node tests/e2e/lib/static-proxy.mjs "$web_dir" "$url" "$proxy_port" >"$tmp/proxy.log" 2>&1 &
  proxy_pid=$!
  for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$proxy_port/" >/dev/null 2>&1 && break; sleep 0.1; done
  say "scratchd does not serve the console yet: using tests/e2e/lib/static-proxy.mjs on :$proxy_port"
  url=http://127.0.0.1:$proxy_port
fi

if [[ ${E2E_KEEP:-0} == 1 && ${E2E_NO_TESTS:-0} == 1 ]]; then
  say "console: $url   source database: postgresql://postgres@127.0.0.1:$pg_port/e2e_source   OpenAI emulator: $emulator_url"
  exit 0
fi
SCRATCHD_URL=$url PGSOURCE_URL="postgresql://postgres@127.0.0.1:$pg_port/e2e_source" OPENAI_EMULATOR_URL=$emulator_url \
  tests/e2e/run.sh "$@"
