# Shared by the benchmark scripts (sourced): logging, float arithmetic, tools, a free port, a scratchd server
# and the API helper. The caller sets `tmp` (its temporary folder) before start_scratchd.

say() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }
now() { date +%s.%N; }
# calc EXPR [DECIMALS]: float arithmetic through awk (bash has none); parenthesised because awk reads
# "printf x > 5" as a redirection.
calc() { awk "BEGIN { printf \"%.${2:-3}f\", ($1) }"; }

run_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }
# ensure_tools PACKAGE...: installs the Debian packages that are missing (a package named like its command).
ensure_tools() {
  local -a missing=()
  local p
  for p in "$@"; do
    case $p in
      linux-perf) command -v perf >/dev/null || missing+=("$p") ;;
      *) command -v "$p" >/dev/null || missing+=("$p") ;;
    esac
  done
  ((${#missing[@]})) || return 0
  say "installing ${missing[*]}"
  run_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
    { run_root env DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null &&
      run_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
}

free_port() {
  local p
  for _ in {1..50}; do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  return 1
}

# start_scratchd DATABASE_URL PLUGIN_DIR: runs scratchd on a free port with its data and log in $tmp; sets
# server_pid and base (http://127.0.0.1:port) and waits until /readyz answers.
start_scratchd() {
  local http_port
  http_port=$(free_port)
  base=http://127.0.0.1:$http_port
  mkdir -p "$tmp/scratch-data"
  say "starting scratchd on :$http_port"
  DATABASE_URL="$1" PORT=$http_port SCRATCH_BIND_ADDRESS=127.0.0.1 \
    SCRATCH_DATA_DIR="$tmp/scratch-data" SCRATCH_PLUGIN_DIRS="$2" \
    SCRATCH_SESSION_SECRET="$(openssl rand -base64 48)" SCRATCH_MASTER_KEY="$(openssl rand -hex 32)" \
    SCRATCH_LOG_LEVEL=${SCRATCH_LOG_LEVEL:-warn} SCRATCH_ACCESS_TOKEN_TTL_SECONDS=7200 \
    "$scratchd" serve >"$tmp/scratchd.log" 2>&1 </dev/null &
  server_pid=$!
  local i
  for i in {1..300}; do
    kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$tmp/scratchd.log" >&2; die "scratchd exited at start"; }
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/readyz") == 200 ]] && return 0
    ((i < 300)) || die "scratchd not ready after 30 s"
    sleep 0.1
  done
}

server_gone() { # says how scratchd ended, with its log's tail; returns 1 while it still runs
  local rc=0
  kill -0 "$server_pid" 2>/dev/null && return 1
  wait "$server_pid" || rc=$?
  server_pid=
  say "scratchd is gone (exit status $rc$( ((rc > 128)) && echo ", signal $((rc - 128))")); log tail:"
  tail -n 20 "$tmp/scratchd.log" >&2
}

token=
# api METHOD PATH [JSON]: the answer's body; fails (with the problem+json) on a status >= 400.
api() {
  local method=$1 path=$2 out code
  local -a args=(-sS -X "$method" "$base$path" -w '\n%{http_code}')
  [[ -n $token ]] && args+=(-H "Authorization: Bearer $token")
  (($# > 2)) && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  out=$(curl "${args[@]}") || { say "$method $path: curl failed"; return 1; }
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  if ((code >= 400)); then
    say "$method $path -> $code: $out"
    return 1
  fi
  printf '%s\n' "$out"
}

# wait_job JOB_ID [TIMEOUT_S]: polls until the job ends; prints its final JSON.
wait_job() {
  local job state deadline=$(($(date +%s) + ${2:-600}))
  while :; do
    job=$(api GET "/api/v1/jobs/$1") || return 1
    state=$(jq -r .state <<<"$job")
    case $state in succeeded | failed | cancelled | completed_with_errors) printf '%s\n' "$job"; return 0 ;; esac
    (($(date +%s) < deadline)) || { say "job $1 still $state"; return 1; }
    sleep 0.1
  done
}
