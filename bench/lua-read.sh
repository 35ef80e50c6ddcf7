#!/usr/bin/env bash
# Lua connector read() throughput: records per second through a read() that decodes a pre-fetched page of N
# records (JSON text, no network) and maps them to contract records, in the Scratch sandbox (count hook, capped
# allocator, host modules, JSON <-> Lua conversion) versus the same script in a plain unrestricted lua_State, in
# the same process and run (bench/lua_read_bench.cpp). The ratio that counts uses the SAME pure-Lua json on both
# sides (scripts-lua/dev/json.lua), so it measures the sandbox alone; the aim is at most 1.3x. A second line
# reports the sandbox with its own C++ json (what a real connector gets).
#
# Prints the figures and appends them to bench/results/lua-read-<date>.md.
# Usage: bench/lua-read.sh [--records N (2000)] [--rounds R (15)] [--build-dir DIR] [--no-build] [--no-results]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib/common.sh
source bench/lib/common.sh

records=2000
rounds=15
build_dir=${BUILD_DIR:-build}
build=1
write_results=1
while (($#)); do
  case $1 in
    --records) records=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-results) write_results=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "lua-read.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if ((build)); then
  [[ -f $build_dir/CMakeCache.txt ]] || cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  cmake --build "$build_dir" -j "${JOBS:-2}" --target lua_read_bench >/dev/null ||
    die "could not build lua_read_bench (is core/lua's scratch_lua target there?)"
fi
bench=$(find "$build_dir" -name lua_read_bench -type f -perm -u+x | head -1)
[[ -n $bench ]] || die "no lua_read_bench binary under $build_dir"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "read() of $records records per call, $rounds rounds (after one warm-up), sandbox vs plain Lua"
output=$("$bench" --script bench/lua/read_bench.lua --json-lua scripts-lua/dev/json.lua \
                  --records "$records" --rounds "$rounds")
echo "$output"

line() { jq -r "select(.mode == \"$1\") | \"| $1 | \(.sandbox_records_per_second | floor) | \(.plain_records_per_second | floor) | \(.overhead_ratio * 1000 | round / 1000) | \(.sandbox_median_ms * 10 | round / 10) | \(.plain_median_ms * 10 | round / 10) |\"" <<<"$output"; }
ratio=$(jq -r 'select(.summary) | .overhead_ratio' <<<"$output")
table=$(printf '| json | sandbox records/s | plain records/s | sandbox/plain time | sandbox ms/call | plain ms/call |\n|---|---|---|---|---|---|\n%s\n%s\n' "$(line lua)" "$(line native)")
echo
echo "$table"
verdict=$(awk "BEGIN { print ($ratio <= 1.3) ? \"within\" : \"ABOVE\" }")
say "overhead (identical Lua code): ${ratio}x, $verdict the 1.3x aim; load before: $load_before"

if ((write_results)); then
  mkdir -p bench/results
  file=bench/results/lua-read-$(date +%F).md
  {
    echo "## $(date -u +%FT%TZ) rev $(git rev-parse --short HEAD 2>/dev/null || echo unknown): $records records/call, $rounds rounds"
    echo
    echo "$table"
    echo
    echo "Overhead with identical Lua code: ${ratio}x ($verdict the 1.3x aim). 'native' pits the sandbox's C++ json"
    echo "against the plain state's pure-Lua json (informational). Load before: $load_before."
    echo
  } >>"$file"
  say "appended to $file"
fi
