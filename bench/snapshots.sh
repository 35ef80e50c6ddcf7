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
#                           [--threads T] [--keep] [--perf] [--no-results]
#   --rows N         rows in the CSV (default 1000000; e.g. 100000 for a quick run)
#   --build-dir DIR  where scratchd and the plugins are built (default: $BUILD_DIR or build)
#   --no-build       use the binaries in the build dir as they are
#   --duration S     seconds of each measured wrk run (default 15)
#   --connections C  wrk connections (default 32); --threads T wrk threads (default 2)
#   --keep           keep the temporary folder (CSV, cluster, logs) and say where it is
#   --perf           profile the whole machine with `perf record` during the download and list the hottest
#                    functions of scratchd, its runners and this cluster's postgres processes
#   --no-results     do not append to bench/results/
# Environment: JOBS (2) build jobs, BUILD_TYPE for a build dir that is not configured yet (RelWithDebInfo),
# SCRATCH_SKIP_DEPS=1 skips scripts/install-deps.sh, TMPDIR for the temporary folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
# shellcheck source=scripts/lib/pg.sh
source scripts/lib/pg.sh
# shellcheck source=bench/lib/common.sh
source bench/lib/common.sh

rows=1000000
build_dir=${BUILD_DIR:-build}
build=1
duration=15
connections=32
threads=2
keep=0
write_results=1
seed=42
profile=0
while (($#)); do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --perf) profile=1; shift ;;
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
# The source being measured (taken now: commits made while the benchmark runs are not in the binary).
rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=
if git -C "$repo" status --porcelain -- . ':!bench' 2>/dev/null | grep -qv '^??'; then dirty=+changes; fi

script_start=$(date +%s)

# --- tools and build -----------------------------------------------------------------------------------
tools=(wrk jq curl)
((profile == 0)) || tools+=(linux-perf)
ensure_tools "${tools[@]}"

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
  if [[ -n $server_pid ]]; then
    if kill -0 "$server_pid" 2>/dev/null; then
      kill -TERM "$server_pid"
      wait "$server_pid" 2>/dev/null
    else
      server_gone
    fi
  fi
  if [[ -n $tmp ]]; then
    pg_stop "$tmp/data" || true
    if ((keep)); then say "kept $tmp"; else rm -rf -- "$tmp"; fi
  fi
  return $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'say "FAILED at line $LINENO: $BASH_COMMAND"' ERR
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scratch-snapbench.XXXXXX")
pg_prepare_dir "$tmp"
pg_init "$tmp/data" postgres "" --no-sync
# Durable settings (fsync on) as in bench/run.sh. pg_stat_statements shows where the database time goes;
# auto_explain stays off (log_min_duration defaults to -1) until one list request is explained at the end,
# through ALTER SYSTEM (so not set here: command-line settings override ALTER SYSTEM).
port=$(pg_start_on_free_port "$tmp/data" "$tmp" "$tmp/postgres.log" -c max_connections=300 \
  -c shared_preload_libraries=pg_stat_statements -c session_preload_libraries=auto_explain \
  -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on)
pg_url="postgresql://postgres@127.0.0.1:$port"
psql_() { psql "$pg_url/${DB:-postgres}" -X -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_ -c "CREATE DATABASE scratch"
DB=scratch psql_ -c "CREATE EXTENSION pg_stat_statements"
pg_version=$(psql_ -c "SHOW server_version")
pg_shared_buffers=$(psql_ -c "SHOW shared_buffers")
wal_lsn() { psql_ -c "SELECT pg_current_wal_lsn()"; }
wal_bytes_since() { psql_ -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$1')::bigint"; }

# CPU seconds (user+system) per group: scratchd itself, its children (connector runners), and this cluster's
# postgres processes (the postmaster and its children; other clusters on the machine are not counted).
clk_tck=$(getconf CLK_TCK)
postmaster_pid=$(head -n 1 "$tmp/data/postmaster.pid")
cpu_snapshot() { # prints "pid group ticks"
  awk -v s="${server_pid:-0}" -v pm="$postmaster_pid" '
    FNR == 1 { g = "" ; if ($1 == s) g = "scratchd"; else if ($4 == s) g = "runners"; else if ($1 == pm || $4 == pm) g = "postgres"
               if (g != "") print $1, g, $14 + $15 }' /proc/[0-9]*/stat 2>/dev/null || true # some exit meanwhile
}
cpu_delta() { # before-file after-file -> "scratchd=S runners=R postgres=P" (seconds)
  awk -v hz="$clk_tck" 'NR == FNR { before[$1] = $3; next }
    { d[$2] += $3 - (($1 in before) ? before[$1] : 0) }
    END { printf "scratchd=%.1f runners=%.1f postgres=%.1f", d["scratchd"] / hz, d["runners"] / hz, d["postgres"] / hz }' "$1" "$2"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if (($(calc "${load_before%% *} > 0.5" 0))); then
  say "WARNING: load average $load_before before the run; other work on this machine skews the figures"
fi

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
start_scratchd "$pg_url/scratch" "$build_dir/plugins"

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
perf_pid=
if ((profile)); then
  perf record -a -F 499 -o "$tmp/perf.data" >"$tmp/perf.log" 2>&1 &
  perf_pid=$!
fi
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
if [[ -n $perf_pid ]]; then
  kill -INT "$perf_pid"
  wait "$perf_pid" || true
  # Only our processes: scratchd, its runners and this cluster's postgres (as listed by cpu_snapshot).
  # Shares are of those processes' samples; "pid" is perf's thread id (tid:comm).
  perf_report() {
    perf report -i "$tmp/perf.data" --stdio --no-children --percentage relative \
      --pid "$(awk '{ print $1 }' "$tmp/cpu.after" | paste -sd, -)" "$@" 2>/dev/null | grep -v -e '^#' -e '^$' |
      sed -e 's/basic_json<std::map, std::vector, std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, bool, long, unsigned long, double, std::allocator, nlohmann::json_abi_v3_11_2::adl_serializer, std::vector<unsigned char, std::allocator<unsigned char> > >/json/g' \
        -e 's/nlohmann::json_abi_v3_11_2::/nlohmann::/g' \
        -e 's/std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >/std::string/g' \
        -e 's/  */ /g' | cut -c1-160
  }
  {
    echo "threads: scratchd pid $server_pid (its threads have other ids), runner(s) $(awk '$2 == "runners" { printf "%s ", $1 }' "$tmp/cpu.after")"
    perf_report --sort pid | head -n 10
    echo "hottest functions:"
    perf_report --sort pid,dso,sym --percent-limit 0.7 | head -n 40
  } >"$tmp/perf.txt" || true
fi
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
# records may be partitioned (one partition per table): count the whole tree.
ours_size=$(DB=scratch psql_ -c "SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('records')")
say "download: $ours_rps rows/s ($download_s s), $ratio of \\copy"
DB=scratch psql_ -F ' | ' -c "SELECT round(total_exec_time::numeric / 1000, 2) AS s, calls, rows,
    left(regexp_replace(query, '\s+', ' ', 'g'), 150)
  FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 8" >"$tmp/statements.txt"
db_exec_s=$(DB=scratch psql_ -c "SELECT round(sum(total_exec_time)::numeric / 1000, 1) FROM pg_stat_statements")
job_result=$(jq -c '.result' <<<"$job")
# The job's phases from its events (timestamps are their transactions' start): queued -> claimed by a worker,
# -> first page stored, -> last page stored, -> succeeded (sweep, indexes, counts).
phases=$(DB=scratch psql_ -c "WITH e AS (
    SELECT kind, min(created_at) AS first, max(created_at) AS last, count(*) AS n FROM events
    WHERE kind IN ('job.queued', 'job.running', 'download.progress', 'job.succeeded') GROUP BY kind),
  t AS (SELECT (SELECT first FROM e WHERE kind = 'job.queued') AS q, (SELECT first FROM e WHERE kind = 'job.running') AS r,
               (SELECT first FROM e WHERE kind = 'download.progress') AS p1, (SELECT last FROM e WHERE kind = 'download.progress') AS pn,
               (SELECT n FROM e WHERE kind = 'download.progress') AS pages, (SELECT first FROM e WHERE kind = 'job.succeeded') AS s)
  SELECT format('queued→claimed %s s, claimed→first page stored %s s, first→last page %s s (%s pages, %s ms each), last page→succeeded %s s',
    round(extract(epoch FROM r - q), 2), round(extract(epoch FROM p1 - r), 2), round(extract(epoch FROM pn - p1), 2), pages,
    round(1000 * extract(epoch FROM pn - p1) / greatest(pages - 1, 1)), round(extract(epoch FROM s - pn), 2)) FROM t" 2>/dev/null || echo unknown)

# --- 2. list latency --------------------------------------------------------------------------------------
urlenc() { jq -rn --arg s "$1" '$s | @uri'; }
filter='{"field":"category","op":"eq","value":"cat07"}'
sort_by='price:desc'
records_path=/api/v1/snapshots/$snapshot_id/tables/$table_id/records
list_path="$records_path?limit=100&filter=$(urlenc "$filter")&sort=$(urlenc "$sort_by")"
plain_path="$records_path?limit=100"

t=$(now)
page=$(api GET "$list_path")
first_list_ms=$(calc "($(now) - $t) * 1000" 0)
jq -e --argjson n 100 '(.items | length) == $n and all(.items[]; .values.category == "cat07")
    and ([.items[].values.price] as $p | $p == ($p | sort | reverse))' <<<"$page" >/dev/null ||
  die "the filtered, sorted page is not what was asked for: $(head -c 600 <<<"$page")"


wrk_result=
wrk_run() { # label path [seconds [threads connections]]: sets wrk_result to the WRK_RESULT line
  local out
  # --timeout 60s: wrk's default (2 s) drops slower answers from the latency figures instead of counting them.
  out=$(wrk -t "${4:-$threads}" -c "${5:-$connections}" -d "${3:-$duration}s" --timeout 60s --latency \
    -s bench/snapshots/wrk_report.lua \
    -H "Authorization: Bearer $token" "$base$2") || { server_gone || true; die "wrk $1"; }
  if server_gone; then die "scratchd stopped during wrk $1"; fi
  printf '%s\n' "$out" >>"$tmp/wrk.txt"
  wrk_result=$(grep '^WRK_RESULT' <<<"$out")
  [[ $wrk_result == *' status_errors=0 '* ]] || say "WARNING: $1 had error answers: $wrk_result"
}

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

# Big tables get indexes on the fields lists filter and sort by, built by snapshot.index jobs that such a list
# requests. Wait for them so the wrk runs measure the steady state, and say how long they took.
t=$(now)
for i in {1..1200}; do
  index_jobs=$(api GET "/api/v1/jobs?type=snapshot.index&limit=100")
  jq -e 'all(.items[]; .state != "queued" and .state != "running")' <<<"$index_jobs" >/dev/null && break
  ((i < 1200)) || say "WARNING: index jobs still running after 10 minutes"
  sleep 0.5
done
index_wait_s=$(calc "$(now) - $t" 1)
index_summary=$(jq -r 'def t: if . == null then null else (.[0:19] + "Z" | fromdate) end;
  [.items[] | "\(.payload.field // "?") \(.state) (\(if .finished_at and .started_at
      then "\((.finished_at | t) - (.started_at | t)) s" else "?" end))"] |
  if length == 0 then "none" else join(", ") end' <<<"$index_jobs")
say "index jobs: $index_summary (waited $index_wait_s s)"
# A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind, which the planner never uses.
invalid_indexes=$(DB=scratch psql_ -c "SELECT coalesce(string_agg(indexrelid::regclass::text, ', '), '')
  FROM pg_index WHERE NOT indisvalid")
if [[ -n $invalid_indexes ]]; then
  say "WARNING: invalid indexes (a CREATE INDEX CONCURRENTLY failed): $invalid_indexes"
  index_summary+="; **INVALID indexes left behind: ${invalid_indexes}** (postgres errors below)"
fi

# When wrk stops, the server still works through the requests it had accepted (slow lists queue behind the
# HTTP threads and the database pool); the next run must not start behind them.
drain() {
  local busy
  for _ in {1..600}; do
    busy=$(DB=scratch psql_ -c "SELECT count(*) FROM pg_stat_activity
      WHERE datname = 'scratch' AND state = 'active' AND pid <> pg_backend_pid()")
    ((busy == 0)) && return 0
    sleep 0.1
  done
  say "WARNING: the server still had queries running 60 s after wrk stopped"
}

say "wrk: /healthz"
wrk_run healthz /healthz
health=$wrk_result
say "wrk: filtered+sorted list (3 s warm-up, then ${duration} s)"
wrk_run warm-up "$list_path" 3
drain
wrk_run list "$list_path"
list=$wrk_result
drain
say "wrk: filtered+sorted list, one connection (5 s)"
wrk_run list-1 "$list_path" 5 1 1
list1=$wrk_result
drain
say "wrk: unfiltered list (default sort)"
wrk_run plain "$plain_path"
plain=$wrk_result
drain

# Whether autovacuum analysed the freshly downloaded records yet: without statistics the planner guesses.
records_stats=$(DB=scratch psql_ -c "SELECT string_agg(format('%s: n_live_tup %s, last analyze %s, last autovacuum %s',
    s.relname, s.n_live_tup, coalesce(to_char(greatest(s.last_analyze, s.last_autoanalyze), 'HH24:MI:SS'), 'never'),
    coalesce(to_char(s.last_autovacuum, 'HH24:MI:SS'), 'never')), '; ')
  FROM pg_stat_user_tables s JOIN pg_partition_tree('records') t ON t.relid = s.relid WHERE t.isleaf")

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
ratio_of() { awk "BEGIN { if ($2 > 0) printf \"%.3g\", $1 / $2; else printf \"n/a\" }"; }
date_tag=$(date +%F)
cpu_model=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
summary=$(
  cat <<EOF
### $(date '+%F %H:%M') · ${rows} rows · git ${rev}${dirty} · ${build_type:-?} · $(nproc) cores (${cpu_model})

CSV: $(calc "$csv_bytes / 1048576" 1) MiB, 10 columns (${field_types}).
Load average before the run: ${load_before}; after: $(cut -d' ' -f1-3 /proc/loadavg).

| ingest | rows/s | seconds | WAL | on disk |
|---|---|---|---|---|
| \`psql \\copy\` into a plain table (baseline) | ${copy_rps} | ${copy_s} | $(calc "$copy_wal / 1048576" 0) MiB | $(calc "$copy_size / 1048576" 0) MiB |
| snapshot download (POST → job succeeded) | ${ours_rps} | ${download_s} | $(calc "$ours_wal / 1048576" 0) MiB | $(calc "$ours_size / 1048576" 0) MiB (records + indexes) |
| **ratio ours / \\copy** | **${ratio}** (target ≥ 0.5) | | | |

scratchd with its defaults (4 HTTP threads, 10 database connections, 2 connector runners, 2 job workers);
PostgreSQL ${pg_version}, fsync on, shared_buffers ${pg_shared_buffers}.
Before the download: upload ${upload_s} s ($(calc "$csv_bytes / 1048576 / $upload_s" 0) MiB/s in 8 MiB chunks),
create account ${account_s} s, add table ${add_table_s} s.
Download phases: ${phases}.
CPU during the download (s): ${ours_cpu}; database execution time (pg_stat_statements): ${db_exec_s} s.
Peak RSS during the download: scratchd $(kb_mib "$server_peak") MiB (VmHWM $(kb_mib "$server_hwm") MiB);
largest runner $(kb_mib "$runner_peak") MiB (VmHWM $(kb_mib "${runner_hwm:-0}") MiB), ${runners_seen} runner(s), runners together $(kb_mib "$runners_sum") MiB.
Job result: \`${job_result}\`

First filtered list request (cold: before any index on the fields): ${first_list_ms} ms. Index jobs it started:
${index_summary}; all done ${index_wait_s} s after it. Then:

| wrk -t${threads} -c${connections} -d${duration}s | p50 ms | p99 ms | requests/s |
|---|---|---|---|
| \`GET /healthz\` | $(field "$health" p50_ms) | $(field "$health" p99_ms) | $(field "$health" rps) |
| \`GET .../records?limit=100&filter=${filter}&sort=${sort_by}\` | $(field "$list" p50_ms) | $(field "$list" p99_ms) | $(field "$list" rps) |
| the same list, 1 connection (\`-t1 -c1 -d5s\`) | $(field "$list1" p50_ms) | $(field "$list1" p99_ms) | $(field "$list1" rps) |
| \`GET .../records?limit=100\` (no filter, default sort) | $(field "$plain" p50_ms) | $(field "$plain" p99_ms) | $(field "$plain" rps) |
| ratio filtered list / healthz (32 connections) | $(ratio_of "$(field "$list" p50_ms)" "$(field "$health" p50_ms)")× | $(ratio_of "$(field "$list" p99_ms)" "$(field "$health" p99_ms)")× | $(ratio_of "$(field "$list" rps)" "$(field "$health" rps)")× |
EOF
)
details=$(
  cat <<EOF
Top statements during the download (seconds | calls | rows | query):
\`\`\`
$(cat "$tmp/statements.txt")
\`\`\`
$(if [[ -s $tmp/perf.txt ]]; then printf 'Profile of the download (perf -a at 499 Hz; share of the samples in our processes; thread id:name, object, symbol):\n```\n%s\n```\n' "$(cat "$tmp/perf.txt")"; fi)
$(if grep -q ' ERROR: ' "$tmp/postgres.log"; then printf 'PostgreSQL errors during the run (first 12 lines):\n```\n%s\n```\n' "$(grep -A3 ' ERROR: ' "$tmp/postgres.log" | cut -c1-220 | head -n 12)"; fi)
Plans of one filtered and one unfiltered list request after the wrk runs (auto_explain, ANALYZE; records: ${records_stats}):
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
say "benchmark took $(($(date +%s) - script_start)) s in all"
