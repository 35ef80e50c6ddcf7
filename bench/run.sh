#!/usr/bin/env bash
# Runs the benchmarks against a throwaway PostgreSQL (same settings as the test suite) and prints the
# figures with their same-run baselines. Usage: bench/run.sh
# bench/run.sh snapshots [args] runs the snapshot benchmarks instead (bench/snapshots.sh --help).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ${1:-} == snapshots ]]; then
  shift
  exec bench/snapshots.sh "$@"
fi
source scripts/lib/pg.sh
scripts/build.sh
build_dir=${BUILD_DIR:-build}
cmake --build "$build_dir" -j "${JOBS:-2}" --target jobs_events_bench

tmp=
cleanup() {
  if [[ -n $tmp ]]; then
    pg_stop "$tmp/data" || true
    rm -rf -- "$tmp"
  fi
}
trap cleanup EXIT
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scratch-bench.XXXXXX")
pg_prepare_dir "$tmp"
pg_init "$tmp/data" postgres "" --no-sync
# Durable settings (fsync on), unlike the test cluster: the figures should resemble a real server's.
port=$(pg_start_on_free_port "$tmp/data" "$tmp" "$tmp/postgres.log" -c max_connections=300)
export SCRATCH_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
"$build_dir/bin/jobs_events_bench"
