#!/usr/bin/env bash
# Snapshot benchmarks against a throwaway PostgreSQL and the real scratchd, each next to a same-run baseline:
#
#   1. ingest: a generated N-row, 10-column CSV (1,000,000 rows, ~100 MB by default) loaded by `psql \copy`
#      into a plain table (the baseline), then uploaded through the chunked upload API into a csv account and
#      downloaded into a snapshot (POST /snapshots/{id}/download, timed from the POST until the job
#      succeeded). Rows/s for both, the ratio, and the peak memory of scratchd and its connector runners.
#   2. list latency: wrk against GET .../records?limit=100&filter=<one field>&sort=<another>:desc on that
#      table, next to GET /healthz measured the same way (p50, p99, requests/s).
#
# Prints a summary and appends it to bench/results/snapshots-<date>.md. Also bench/run.sh snapshots [...].
#
# Usage: bench/snapshots.sh [--rows N] [--build-dir DIR] [--no-build] [--duration S] [--connections C]
#                           [--threads T] [--keep] [--no-results]
#   --rows N         rows in the CSV (default 1000000; e.g. 100000 for a quick run)
#   --build-dir DIR  where scratchd and the plugins are built (default: $BUILD_DIR or build)
#   --no-build       use the binaries in the build dir as they are
#   --duration S     seconds of each measured wrk run (default 15)
#   --connections C  wrk connections (default 32); --threads T wrk threads (default 2)
#   --keep           keep the temporary folder (CSV, cluster, logs) and say where it is
#   --no-results     do not append to bench/results/
# Environment: JOBS (2) build jobs, BUILD_TYPE for a build dir that is not configured yet (RelWithDebInfo),
# SCRATCH_SKIP_DEPS=1 skips scripts/install-deps.sh, TMPDIR for the temporary folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
# shellcheck source=scripts/lib/pg.sh
source scripts/lib/pg.sh

rows=1000000
build_dir=${BUILD_DIR:-build}
build=1
duration=15
connections=32
threads=2
keep=0
write_results=1
seed=42
while (($#)); do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-results) write_results=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "snapshots.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ $rows =~ ^[1-9][0-9]*$ ]]; then
  echo "snapshots.sh: --rows must be a positive integer" >&2
  exit 2
fi
build_dir=$(realpath -m -- "$build_dir")

say() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }
now() { date +%s.%N; }
# sub A B: B - A with 3 decimals; div A B; all arithmetic through awk (bash has no floats)
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }

# --- tools and build -----------------------------------------------------------------------------------
run_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v jq >/dev/null || missing+=(jq)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  run_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
    { run_root env DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null &&
      run_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi

if ((build)); then
  [[ ${SCRATCH_SKIP_DEPS:-0} == 1 ]] || scripts/install-deps.sh
  if [[ ! -f $build_dir/CMakeCache.txt ]]; then
    cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  fi
  say "building scratchd and the csv plugin in $build_dir"
  t=$(now)
  cmake --build "$build_dir" -j "${JOBS:-2}" --target scratchd csv_connector >/dev/null
  say "build took $(calc "$(now) - $t" 0) s"
fi
scratchd=$build_dir/bin/scratchd
[[ -x $scratchd && -f $build_dir/plugins/csv.so ]] || die "no $scratchd or $build_dir/plugins/csv.so (build first)"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)

# --- temporary folder, cluster, cleanup ------------------------------------------------------------------
tmp=
server_pid=
sampler_pid=
cleanup() {
  local rc=$?
  set +e
  [[ -n $sampler_pid ]] && { touch "$tmp/sampler.stop"; wait "$sampler_pid" 2>/dev/null; }
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null
  fi
  if [[ -n $tmp ]]; then
    pg_stop "$tmp/data" || true
    if ((keep)); then say "kept $tmp"; else rm -rf -- "$tmp"; fi
  fi
  return $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scratch-snapbench.XXXXXX")
pg_prepare_dir "$tmp"
pg_init "$tmp/data" postgres "" --no-sync
# Durable settings (fsync on) as in bench/run.sh. pg_stat_statements shows where the database time goes;
# auto_explain stays off (log_min_duration -1) until one list request is explained at the end.
port=$(pg_start_on_free_port "$tmp/data" "$tmp" "$tmp/postgres.log" -c max_connections=300 \
  -c shared_preload_libraries=pg_stat_statements -c session_preload_libraries=auto_explain \
  -c auto_explain.log_min_duration=-1 -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on \
  -c auto_explain.log_nested_statements=on)
pg_url="postgresql://postgres@127.0.0.1:$port"
psql_() { psql "$pg_url/${DB:-postgres}" -X -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_ -c "CREATE DATABASE scratch"
DB=scratch psql_ -c "CREATE EXTENSION pg_stat_statements"
wal_lsn() { psql_ -c "SELECT pg_current_wal_lsn()"; }
wal_bytes_since() { psql_ -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$1')::bigint"; }

# CPU seconds (user+system) per group: scratchd itself, its children (connector runners), postgres processes.
clk_tck=$(getconf CLK_TCK)
cpu_snapshot() { # prints "pid group ticks"
  awk -v s="${server_pid:-0}" '
    FNR == 1 { g = "" ; if ($1 == s) g = "scratchd"; else if ($4 == s) g = "runners"; else if ($2 == "(postgres)") g = "postgres"
               if (g != "") print $1, g, $14 + $15 }' /proc/[0-9]*/stat 2>/dev/null
}
cpu_delta() { # before-file after-file -> "scratchd=S runners=R postgres=P" (seconds)
  awk -v hz="$clk_tck" 'NR == FNR { before[$1] = $3; next }
    { d[$2] += $3 - (($1 in before) ? before[$1] : 0) }
    END { printf "scratchd=%.1f runners=%.1f postgres=%.1f", d["scratchd"] / hz, d["runners"] / hz, d["postgres"] / hz }' "$1" "$2"
}

# --- 1a. the CSV --------------------------------------------------------------------------------------
csv=$tmp/bench.csv
say "generating $rows rows"
t=$(now)
awk -v rows="$rows" -v seed="$seed" -f bench/snapshots/gen_csv.awk >"$csv"
csv_bytes=$(stat -c %s "$csv")
say "CSV: $(calc "$csv_bytes / 1048576" 1) MiB in $(calc "$(now) - $t" 1) s"

# --- 1b. baseline: psql \copy into a plain table ---------------------------------------------------------
psql_ -c "CREATE TABLE copy_baseline (id bigint, name text, email text, category text, status text,
          price numeric, quantity integer, created date, score double precision, description text)"
psql_ -c "CHECKPOINT"
say "baseline: \\copy"
lsn=$(wal_lsn)
t=$(now)
psql_ -c "\\copy copy_baseline FROM '$csv' WITH (FORMAT csv, HEADER true)"
copy_s=$(calc "$(now) - $t")
copy_wal=$(wal_bytes_since "$lsn")
copy_count=$(psql_ -c "SELECT count(*) FROM copy_baseline")
((copy_count == rows)) || die "\\copy loaded $copy_count rows, expected $rows"
copy_size=$(psql_ -c "SELECT pg_total_relation_size('copy_baseline')")
copy_rps=$(calc "$rows / $copy_s" 0)
say "baseline: $copy_rps rows/s ($copy_s s)"
psql_ -c "DROP TABLE copy_baseline"
psql_ -c "CHECKPOINT"

# --- the server ---------------------------------------------------------------------------------------
free_port() {
  local p
  for _ in {1..50}; do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  return 1
}
http_port=$(free_port)
base=http://127.0.0.1:$http_port
mkdir -p "$tmp/scratch-data"
say "starting scratchd on :$http_port"
DATABASE_URL="$pg_url/scratch" PORT=$http_port SCRATCH_BIND_ADDRESS=127.0.0.1 \
  SCRATCH_DATA_DIR="$tmp/scratch-data" SCRATCH_PLUGIN_DIRS="$build_dir/plugins" \
  SCRATCH_SESSION_SECRET="$(openssl rand -base64 48)" SCRATCH_MASTER_KEY="$(openssl rand -hex 32)" \
  SCRATCH_LOG_LEVEL=${SCRATCH_LOG_LEVEL:-warn} SCRATCH_ACCESS_TOKEN_TTL_SECONDS=7200 \
  "$scratchd" serve >"$tmp/scratchd.log" 2>&1 </dev/null &
server_pid=$!
for i in {1..300}; do
  kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$tmp/scratchd.log" >&2; die "scratchd exited at start"; }
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/readyz") == 200 ]] && break
  ((i < 300)) || die "scratchd not ready after 30 s"
  sleep 0.1
done

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

token=$(api POST /api/v1/auth/signup '{"email":"bench@example.com","password":"benchmark passphrase"}' |
  jq -er .access_token)

# --- 1c. ours: upload, account, snapshot, download ------------------------------------------------------
chunk=$((8 * 1024 * 1024))
# 'Expect:' turns off curl's Expect: 100-continue, which otherwise waits a second per chunk for an interim
# answer the server does not send; browsers and most clients never ask for one.
say "uploading in $((chunk / 1048576)) MiB chunks"
t=$(now)
upload_id=$(api POST /api/v1/uploads '{"filename":"bench.csv"}' | jq -er .id)
for ((off = 0; off < csv_bytes; off += chunk)); do
  dd if="$csv" bs=1M iflag=skip_bytes,count_bytes,fullblock skip="$off" count="$chunk" status=none |
    curl -sS --fail-with-body -X PUT "$base/api/v1/uploads/$upload_id/chunks/$off" \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/octet-stream' -H 'Expect:' \
      --data-binary @- -o /dev/null || die "chunk at $off"
done
upload_s=$(calc "$(now) - $t")
size=$(api GET "/api/v1/uploads/$upload_id" | jq -er .size_bytes)
((size == csv_bytes)) || die "upload holds $size bytes, expected $csv_bytes"

t=$(now)
account_id=$(api POST /api/v1/connector-accounts \
  "$(jq -nc --arg u "$upload_id" '{connector:"csv",display_name:"bench",config:{id_column:"id"},upload_id:$u}')" |
  jq -er .id)
account_s=$(calc "$(now) - $t")
field_types=$(api GET "/api/v1/connector-accounts/$account_id/tables" |
  jq -r '[(if type == "array" then . else (.tables // .items) end) | .[] | select(.id == "rows") | .fields[] | "\(.id):\(.type)"] | join(" ")')
say "account: $account_s s; fields: $field_types"

snapshot_id=$(api POST /api/v1/snapshots '{"name":"bench"}' | jq -er .id)
t=$(now)
table_id=$(api POST "/api/v1/snapshots/$snapshot_id/tables" \
  "$(jq -nc --arg a "$account_id" '{account_id:$a,table:"rows"}')" | jq -er .id)
add_table_s=$(calc "$(now) - $t")

# Peak memory: VmRSS of scratchd and of each child (connector runners) every 100 ms while downloading.
mem_sampler() {
  local -A peak=() cmd=()
  local p k v _ sum peak_sum=0 comm
  while [[ ! -e $tmp/sampler.stop ]]; do
    sum=0
    for p in $server_pid $(awk -v s="$server_pid" 'FNR == 1 && $4 == s { print $1 }' /proc/[0-9]*/stat 2>/dev/null); do
      v=
      while read -r k v _; do [[ $k == VmRSS: ]] && break; v=; done <"/proc/$p/status" 2>/dev/null || true
      [[ -n $v ]] || continue
      ((v > ${peak[$p]:-0})) && peak[$p]=$v
      [[ -n ${cmd[$p]:-} ]] || { read -r comm <"/proc/$p/comm" 2>/dev/null && cmd[$p]=$comm; } || true
      [[ $p == "$server_pid" ]] || sum=$((sum + v))
    done
    ((sum > peak_sum)) && peak_sum=$sum
    sleep 0.1
  done
  for p in "${!peak[@]}"; do
    if [[ $p == "$server_pid" ]]; then echo "server $p ${peak[$p]}"; else echo "runner $p ${peak[$p]} ${cmd[$p]:-}"; fi
  done
  echo "runners_sum 0 $peak_sum"
}
rm -f "$tmp/sampler.stop"
mem_sampler >"$tmp/memory.txt" &
sampler_pid=$!

DB=scratch psql_ -c "CHECKPOINT" -c "SELECT pg_stat_statements_reset()" >/dev/null
lsn=$(DB=scratch wal_lsn)
cpu_snapshot >"$tmp/cpu.before"
say "download: POST /snapshots/$snapshot_id/download"
t=$(now)
job_id=$(api POST "/api/v1/snapshots/$snapshot_id/download" '{}' | jq -er '.job.id // .id')
last_report=$t
while :; do
  job=$(api GET "/api/v1/jobs/$job_id")
  state=$(jq -r .state <<<"$job")
  case $state in
    succeeded) break ;;
    failed | cancelled) die "download job $state: $(jq -c '.error' <<<"$job")" ;;
  esac
  if (($(calc "$(now) - $last_report > 5" 0))); then
    say "  $state, progress $(jq -c '.progress' <<<"$job")"
    last_report=$(now)
  fi
  sleep 0.1
done
download_s=$(calc "$(now) - $t")
cpu_snapshot >"$tmp/cpu.after"
ours_wal=$(DB=scratch wal_bytes_since "$lsn")
# VmHWM at the end as well: the 100 ms sampler can miss a short spike.
server_hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status")
touch "$tmp/sampler.stop"
wait "$sampler_pid"
sampler_pid=
ours_cpu=$(cpu_delta "$tmp/cpu.before" "$tmp/cpu.after")
server_peak=$(awk '$1 == "server" { print $3 }' "$tmp/memory.txt")
runner_peak=$(awk '$1 == "runner" && $3 > m { m = $3 } END { print m + 0 }' "$tmp/memory.txt")
runners_seen=$(awk '$1 == "runner" { n++ } END { print n + 0 }' "$tmp/memory.txt")
runners_sum=$(awk '$1 == "runners_sum" { print $3 }' "$tmp/memory.txt")
runner_hwm=$(for p in $(awk -v s="$server_pid" 'FNR == 1 && $4 == s { print $1 }' /proc/[0-9]*/stat 2>/dev/null); do
  awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null; done | sort -n | tail -n 1)

table=$(api GET "/api/v1/snapshots/$snapshot_id/tables/$table_id")
record_count=$(jq -r .record_count <<<"$table")
((record_count == rows)) || die "the table has $record_count records after the download, expected $rows"
ours_rps=$(calc "$rows / $download_s" 0)
ratio=$(calc "$ours_rps / $copy_rps" 2)
ours_size=$(DB=scratch psql_ -c "SELECT pg_total_relation_size('records')")
say "download: $ours_rps rows/s ($download_s s), $ratio of \\copy"
DB=scratch psql_ -F ' | ' -c "SELECT round(total_exec_time::numeric / 1000, 2) AS s, calls, rows,
    left(regexp_replace(query, '\s+', ' ', 'g'), 150)
  FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 8" >"$tmp/statements.txt"
db_exec_s=$(DB=scratch psql_ -c "SELECT round(sum(total_exec_time)::numeric / 1000, 1) FROM pg_stat_statements")
job_result=$(jq -c '.result' <<<"$job")

# --- 2. list latency --------------------------------------------------------------------------------------
urlenc() { jq -rn --arg s "$1" '$s | @uri'; }
filter='{"field":"category","op":"eq","value":"cat07"}'
sort_by='price:desc'
records_path=/api/v1/snapshots/$snapshot_id/tables/$table_id/records
list_path="$records_path?limit=100&filter=$(urlenc "$filter")&sort=$(urlenc "$sort_by")"
plain_path="$records_path?limit=100"

page=$(api GET "$list_path")
jq -e --argjson n 100 '(.items | length) == $n and all(.items[]; .values.category == "cat07")
    and ([.items[].values.price] as $p | $p == ($p | sort | reverse))' <<<"$page" >/dev/null ||
  die "the filtered, sorted page is not what was asked for: $(head -c 600 <<<"$page")"

wrk_run() { # label path [seconds] -> the WRK_RESULT line
  local out
  # --timeout 60s: wrk's default (2 s) drops slower answers from the latency figures instead of counting them.
  out=$(wrk -t "$threads" -c "$connections" -d "${3:-$duration}s" --timeout 60s --latency \
    -s bench/snapshots/wrk_report.lua \
    -H "Authorization: Bearer $token" "$base$2") || die "wrk $1"
  printf '%s\n' "$out" >>"$tmp/wrk.txt"
  out=$(grep '^WRK_RESULT' <<<"$out")
  [[ $out == *' status_errors=0 '* ]] || say "WARNING: $1 had error answers: $out"
  printf '%s\n' "$out"
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

say "list latency: warm-up"
wrk_run warm-up "$list_path" 3 >/dev/null
say "wrk: /healthz"
health=$(wrk_run healthz /healthz)
say "wrk: filtered+sorted list"
list=$(wrk_run list "$list_path")
say "wrk: unfiltered list (default sort)"
plain=$(wrk_run plain "$plain_path")

# One request of each list under auto_explain (EXPLAIN ANALYZE of every statement it runs).
log_size=$(stat -c %s "$tmp/postgres.log")
psql_ -c "ALTER SYSTEM SET auto_explain.log_min_duration = 0" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
api GET "$list_path" >/dev/null
api GET "$plain_path" >/dev/null
sleep 0.5
psql_ -c "ALTER SYSTEM RESET auto_explain.log_min_duration" -c "SELECT pg_reload_conf()" >/dev/null
# Keep the plans that touch records (the list queries), not the authentication lookups.
tail -c +"$((log_size + 1))" "$tmp/postgres.log" |
  awk '/LOG:  duration: .* plan:/ { if (keep) print block; block = $0; keep = 0; next }
       /^[0-9]{4}-[0-9]{2}-[0-9]{2} / { if (keep) print block; block = ""; keep = 0; next }
       block != "" { block = block "\n" $0; if ($0 ~ /FROM records|records r/) keep = 1 }
       END { if (keep) print block }' >"$tmp/explain.txt"

# --- report ------------------------------------------------------------------------------------------------
kb_mib() { calc "$1 / 1024" 0; }
ratio_of() { calc "$1 / $2" "${3:-2}"; }
date_tag=$(date +%F)
rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=
if git -C "$repo" status --porcelain 2>/dev/null | grep -qv '^??'; then dirty=+changes; fi
cpu_model=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
summary=$(
  cat <<EOF
### $(date '+%F %H:%M') · ${rows} rows · git ${rev}${dirty} · ${build_type:-?} · $(nproc) cores (${cpu_model})

CSV: $(calc "$csv_bytes / 1048576" 1) MiB, 10 columns (${field_types}).

| ingest | rows/s | seconds | WAL | on disk |
|---|---|---|---|---|
| \`psql \\copy\` into a plain table (baseline) | ${copy_rps} | ${copy_s} | $(calc "$copy_wal / 1048576" 0) MiB | $(calc "$copy_size / 1048576" 0) MiB |
| snapshot download (POST → job succeeded) | ${ours_rps} | ${download_s} | $(calc "$ours_wal / 1048576" 0) MiB | $(calc "$ours_size / 1048576" 0) MiB (records + indexes) |
| **ratio ours / \\copy** | **${ratio}** (target ≥ 0.5) | | | |

Before the download: upload ${upload_s} s ($(calc "$csv_bytes / 1048576 / $upload_s" 0) MiB/s in 8 MiB chunks),
create account ${account_s} s, add table ${add_table_s} s.
CPU during the download (s): ${ours_cpu}; database execution time (pg_stat_statements): ${db_exec_s} s.
Peak RSS during the download: scratchd $(kb_mib "$server_peak") MiB (VmHWM $(kb_mib "$server_hwm") MiB);
largest runner $(kb_mib "$runner_peak") MiB (VmHWM $(kb_mib "${runner_hwm:-0}") MiB), ${runners_seen} runner(s), runners together $(kb_mib "$runners_sum") MiB.
Job result: \`${job_result}\`

| wrk -t${threads} -c${connections} -d${duration}s | p50 ms | p99 ms | requests/s |
|---|---|---|---|
| \`GET /healthz\` | $(field "$health" p50_ms) | $(field "$health" p99_ms) | $(field "$health" rps) |
| \`GET .../records?limit=100&filter=${filter}&sort=${sort_by}\` | $(field "$list" p50_ms) | $(field "$list" p99_ms) | $(field "$list" rps) |
| \`GET .../records?limit=100\` (no filter, default sort) | $(field "$plain" p50_ms) | $(field "$plain" p99_ms) | $(field "$plain" rps) |
| ratio filtered list / healthz | $(ratio_of "$(field "$list" p50_ms)" "$(field "$health" p50_ms)" 1)× p50 | $(ratio_of "$(field "$list" p99_ms)" "$(field "$health" p99_ms)" 1)× p99 | $(ratio_of "$(field "$list" rps)" "$(field "$health" rps)" 4)× |
EOF
)
details=$(
  cat <<EOF
Top statements during the download (seconds | calls | rows | query):
\`\`\`
$(cat "$tmp/statements.txt")
\`\`\`
Plans of one filtered and one unfiltered list request (auto_explain, ANALYZE):
\`\`\`
$(cat "$tmp/explain.txt")
\`\`\`
EOF
)

printf '\n%s\n\n%s\n' "$summary" "$details"
if ((write_results)); then
  results=bench/results/snapshots-$date_tag.md
  mkdir -p bench/results
  [[ -s $results ]] || printf '# Snapshot benchmarks, %s (bench/snapshots.sh)\n' "$date_tag" >"$results"
  printf '\n%s\n\n<details><summary>statements and plans</summary>\n\n%s\n\n</details>\n' "$summary" "$details" >>"$results"
  say "appended to $results"
fi
