#!/usr/bin/env bash
# Build, start a throwaway PostgreSQL cluster, and run the test suite with ctest.
# Extra arguments go to ctest (e.g. `scripts/test.sh -R Auth`).
#
# Tests get:
#   SCRATCH_TEST_DATABASE_URL  postgresql://postgres@127.0.0.1:<port>/postgres (trust auth)
#   SCRATCH_TEST_PG_BINDIR     PostgreSQL bin directory (initdb, pg_ctl, ...)
#
# Environment:
#   BUILD_DIR, BUILD_TYPE, JOBS, SCRATCH_SKIP_DEPS: see scripts/build.sh
#   SCRATCH_SKIP_BUILD=1  test-only: skip scripts/build.sh (e.g. with a fake ctest on PATH)
#   SCRATCH_SKIP_E2E=1    skip the browser tests (tests/e2e), which otherwise run after ctest
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/pg.sh
source scripts/lib/pg.sh
# shellcheck source=scripts/lib/npm.sh
source scripts/lib/npm.sh

die() {
  printf 'test.sh: %s\n' "$*" >&2
  exit 1
}

if [[ ${SCRATCH_SKIP_BUILD:-0} != 1 ]]; then
  scripts/build.sh
fi
build_dir=${BUILD_DIR:-build}
# The MCP test drives /mcp with the official TypeScript SDK (tests/agent/mcp).
npm_install_locked tests/agent/mcp || die "npm ci failed in tests/agent/mcp"

tmp=
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
  # Finish cleaning up even if Ctrl-C is pressed again.
  trap '' INT TERM
  if [[ -n $tmp ]]; then
    pg_stop "$tmp/data" || true
    rm -rf -- "$tmp"
  fi
}
# Installed before anything is created, so failures and interrupts clean up too.
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp=$(mktemp -d "${TMPDIR:-/tmp}/scratch-test.XXXXXX")
# As root, hand the directory to the unprivileged PostgreSQL user.
pg_prepare_dir "$tmp" || die "cannot prepare $tmp for PostgreSQL"
# --no-sync: the cluster is thrown away, durability does not matter.
pg_init "$tmp/data" postgres "" --no-sync || die "initdb failed"

log=$tmp/postgres.log
port=$(pg_start_on_free_port "$tmp/data" "$tmp" "$log" \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300) ||
  die "could not start PostgreSQL"

export SCRATCH_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
SCRATCH_TEST_PG_BINDIR=$(pg_bindir)
export SCRATCH_TEST_PG_BINDIR
printf '==> test PostgreSQL on 127.0.0.1:%s (%s)\n' "$port" "$tmp" >&2

set +e
ctest --test-dir "$build_dir" --output-on-failure -j "${JOBS:-2}" --timeout 300 "$@"
rc=$?
# The browser suite (tests/e2e): the web console against its own scratchd and PostgreSQL, in Chromium.
# Part of the whole suite; skipped when ctest was given a selection (arguments) or SCRATCH_SKIP_E2E=1.
e2e_rc=0
if (($# == 0)) && [[ ${SCRATCH_SKIP_E2E:-0} != 1 ]]; then
  printf '==> browser tests (tests/e2e)\n' >&2
  BUILD_DIR="$build_dir" tests/e2e/start-and-run.sh
  e2e_rc=$?
  ((e2e_rc == 0)) || echo "==> browser tests failed (exit $e2e_rc)" >&2
fi
set -e
if ((rc == 0 && e2e_rc != 0)); then
  exit "$e2e_rc"
fi

if ((rc != 0)); then
  echo "==> tests failed (exit $rc); last lines of the PostgreSQL log:" >&2
  tail -n 30 -- "$log" >&2 || true
fi
exit "$rc"
