#!/usr/bin/env bash
# SaaS connector throughput against the rate limit: the real scratchd and the Airtable connector against the
# Airtable emulator (tests/emulators/airtable) limiting to 5 requests per second, as Airtable does per base.
#
#   1. download: a table of N records (10,000 by default) into a snapshot, timed from the POST until the job
#      succeeded; the record pages requested must be the minimum, ceil(N / 100).
#   2. publish: M edited records (5,000 by default) of a freshly downloaded table, one text field each, timed
#      the same way; the write requests must be the minimum, ceil(M / 10).
# Each is reported next to its floor, requests / rate (the baseline: a client that waits for nothing but the
# limit), as a ratio; the aim is within 10% of it. The emulator's own counts say how many requests it saw, the
# most it saw in any 1-second window, and whether any got a 429.
#
# Prints a summary and appends it to bench/results/saas-<date>.md.
# Usage: bench/saas.sh [--download N] [--publish M] [--rate R] [--build-dir DIR] [--no-build] [--keep]
#                      [--no-results]
# Environment: JOBS (2) build jobs, SCRATCH_SKIP_DEPS=1 skips scripts/install-deps.sh, TMPDIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
# shellcheck source=scripts/lib/pg.sh
source scripts/lib/pg.sh
# shellcheck source=bench/lib/common.sh
source bench/lib/common.sh

download_n=10000
publish_n=5000
rate=5
build_dir=${BUILD_DIR:-build}
build=1
keep=0
write_results=1
while (($#)); do
  case $1 in
    --download) download_n=$2; shift 2 ;;
    --publish) publish_n=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    --no-results) write_results=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "saas.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
build_dir=$(realpath -m -- "$build_dir")
rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)

ensure_tools jq curl python3 openssl
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if ((build)); then
  [[ ${SCRATCH_SKIP_DEPS:-0} == 1 ]] || scripts/install-deps.sh
  [[ -f $build_dir/CMakeCache.txt ]] || cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  say "building scratchd and the airtable plugin in $build_dir"
  cmake --build "$build_dir" -j "${JOBS:-2}" --target scratchd airtable_connector >/dev/null
fi
scratchd=$build_dir/bin/scratchd
[[ -x $scratchd && -f $build_dir/plugins/airtable.so ]] || die "no $scratchd or airtable.so (build first)"

tmp=
server_pid=
emulator_pid=
cleanup() {
  local rc=$?
  set +e
  [[ -n $emulator_pid ]] && kill "$emulator_pid" 2>/dev/null
  [[ -n $server_pid ]] && { kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
  if [[ -n $tmp ]]; then
    pg_stop "$tmp/data" || true
    if ((keep)); then say "kept $tmp"; else rm -rf -- "$tmp"; fi
  fi
  return $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scratch-saasbench.XXXXXX")
pg_prepare_dir "$tmp"
pg_init "$tmp/data" postgres "" --no-sync
port=$(pg_start_on_free_port "$tmp/data" "$tmp" "$tmp/postgres.log" -c max_connections=300)
psql "postgresql://postgres@127.0.0.1:$port/postgres" -X -qAt -c "CREATE DATABASE scratch"
start_scratchd "postgresql://postgres@127.0.0.1:$port/scratch" "$build_dir/plugins"
token=$(api POST /api/v1/auth/signup '{"email":"bench@example.com","password":"benchmark passphrase"}' |
  jq -er .access_token)

# --- the emulator ------------------------------------------------------------------------------------------
python3 -u tests/emulators/airtable/emulator.py --port 0 --knob "rate_limit_per_second=$rate" \
  --knob penalty_seconds=30 >"$tmp/emulator.out" 2>"$tmp/emulator.err" &
emulator_pid=$!
for _ in {1..100}; do grep -q '^LISTENING' "$tmp/emulator.out" 2>/dev/null && break; sleep 0.1; done
emu=http://127.0.0.1:$(awk '/^LISTENING/ { print $2 }' "$tmp/emulator.out")
[[ $emu != *: ]] || die "the emulator did not start: $(cat "$tmp/emulator.err")"
emu_post() { curl -sS --fail-with-body -X POST "$emu/_emulator/$1" -H 'Content-Type: application/json' -d "${2:-{\}}"; }
emu_get() { curl -sS --fail-with-body "$emu/_emulator/$1"; }
emu_token=$(emu_get knobs | jq -er '.tokens[0]')

# seed N: a base whose "Projects" table holds N records; prints the base id.
seed() {
  emu_post reset >/dev/null
  emu_post seed "{\"count\": $1}" >/dev/null
  emu_get state | jq -er '.bases[0].id'
}
# A snapshot of the account's "Projects" table, downloaded; sets snapshot_id, table_id, download_s, job.
download() {
  local account=$1 table_remote
  table_remote=$(api GET "/api/v1/connector-accounts/$account/tables" | jq -er '.tables[] | select(.name == "Projects") | .id')
  snapshot_id=$(api POST /api/v1/snapshots '{"name":"bench"}' | jq -er .id)
  table_id=$(api POST "/api/v1/snapshots/$snapshot_id/tables" \
    "$(jq -nc --arg a "$account" --arg t "$table_remote" '{account_id:$a, table:$t}')" | jq -er .id)
  emu_post reset-log >/dev/null
  local t job_id
  t=$(now)
  job_id=$(api POST "/api/v1/snapshots/$snapshot_id/download" '{}' | jq -er '.job.id // .id')
  job=$(wait_job "$job_id" 1200)
  download_s=$(calc "$(now) - $t")
  [[ $(jq -r .state <<<"$job") == succeeded ]] || die "download: $(jq -c . <<<"$job")"
}
account_for() {
  api POST /api/v1/connector-accounts "$(jq -nc --arg u "$emu/v0" --arg b "$1" --arg k "$emu_token" \
    '{connector:"airtable", display_name:"bench", config:{base_url:$u, base_id:$b}, credentials:{api_key:$k}}')" |
    jq -er .id
}
# count METHOD PATH_REGEX: requests in the emulator's log that match.
count() { emu_get requests | jq --arg m "$1" --arg p "$2" '[.[] | select(.method == $m and (.path | test($p)))] | length'; }

# --- 1. download ------------------------------------------------------------------------------------------
say "download: seeding $download_n records"
base_id=$(seed "$download_n")
account=$(account_for "$base_id")
say "download: $download_n records at $rate requests/s"
download "$account"
d_wall=$download_s
d_stats=$(emu_get stats)
d_requests=$(jq .requests <<<"$d_stats")
d_pages=$(count GET "^/v0/$base_id/[^/]+$")
d_min_pages=$(((download_n + 99) / 100))
d_floor=$(calc "$d_requests / $rate")
d_ratio=$(calc "$d_wall / $d_floor")
d_peak=$(jq .max_per_second <<<"$d_stats")
d_429=$(jq '.by_status["429"] // 0' <<<"$d_stats")
records=$(api GET "/api/v1/snapshots/$snapshot_id/tables/$table_id" | jq -r '.record_count // empty')
say "download: ${d_wall} s for $d_requests requests ($d_pages record pages, minimum $d_min_pages); floor $d_floor s; ratio $d_ratio"

# --- 2. publish -------------------------------------------------------------------------------------------
say "publish: seeding $publish_n records and downloading them"
base_id=$(seed "$publish_n")
account=$(account_for "$base_id")
download "$account"
field=$(api GET "/api/v1/snapshots/$snapshot_id/tables/$table_id" |
  jq -er '[.fields[] | select(.type == "text" and (.read_only | not))][0].id')
edited=$(api POST "/api/v1/snapshots/$snapshot_id/tables/$table_id/records/bulk-update" \
  "$(jq -nc --arg f "$field" '{values: {($f): "edited by the benchmark"}}')" | jq -er .updated)
((edited == publish_n)) || die "bulk-update edited $edited records, expected $publish_n"
emu_post reset-log >/dev/null
say "publish: $publish_n edited records at $rate requests/s"
t=$(now)
job_id=$(api POST "/api/v1/snapshots/$snapshot_id/publish" '{}' | jq -er '.job.id // .id')
job=$(wait_job "$job_id" 1200)
publish_s=$(calc "$(now) - $t")
[[ $(jq -r .state <<<"$job") == succeeded ]] || die "publish: $(jq -c . <<<"$job")"
p_stats=$(emu_get stats)
p_requests=$(jq .requests <<<"$p_stats")
p_writes=$(count PATCH "^/v0/$base_id/[^/]+$")
p_min=$(((publish_n + 9) / 10))
p_floor=$(calc "$p_requests / $rate")
p_ratio=$(calc "$publish_s / $p_floor")
p_peak=$(jq .max_per_second <<<"$p_stats")
p_429=$(jq '.by_status["429"] // 0' <<<"$p_stats")
landed=$(emu_get state | jq --arg v "edited by the benchmark" '[.. | strings | select(. == $v)] | length')
say "publish: ${publish_s} s for $p_requests requests ($p_writes PATCH batches, minimum $p_min); floor $p_floor s; ratio $p_ratio; $landed values landed"

summary=$(cat <<MD
## $(date -u +%FT%TZ) rev $rev, Airtable emulator at $rate requests/s

| | records | requests (minimum) | peak req/s | 429s | wall s | floor s (requests / rate) | wall / floor |
|---|---|---|---|---|---|---|---|
| download | $download_n (snapshot holds ${records:-?}) | $d_requests: $d_pages pages ($d_min_pages) + $((d_requests - d_pages)) schema | $d_peak | $d_429 | $d_wall | $d_floor | $d_ratio |
| publish | $publish_n edited ($landed landed) | $p_requests: $p_writes batches of 10 ($p_min) + $((p_requests - p_writes)) schema | $p_peak | $p_429 | $publish_s | $p_floor | $p_ratio |

Aim: requests equal to the minimum, no 429, wall / floor <= 1.10. Machine: $(nproc) cores, load before: $load_before.
MD
)
printf '%s\n' "$summary"
if ((write_results)); then
  mkdir -p bench/results
  printf '%s\n\n' "$summary" >>"bench/results/saas-$(date -u +%F).md"
fi
