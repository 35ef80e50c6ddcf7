#!/usr/bin/env bash
# Run the browser tests against a running scratchd that serves the console.
#   SCRATCHD_URL=http://127.0.0.1:3010 PGSOURCE_URL=postgresql://user:pw@127.0.0.1:5432/source tests/e2e/run.sh
# PGSOURCE_URL: a PostgreSQL database the tests may create (and drop) e2e_* tables in; scratchd must be
# able to reach it too (the PostgreSQL connector reads and writes it). Screenshots go to
# tests/e2e/screenshots/. Extra arguments are test files (default: all of specs/).
# OPENAI_EMULATOR_URL (optional): the scripted OpenAI emulator (tests/emulators/openai) that this scratchd
# uses as its agent endpoint (SCRATCH_AGENT_BASE_URL=$OPENAI_EMULATOR_URL/v1, SCRATCH_AGENT_API_KEY=test-key);
# without it specs/agent.test.mjs is skipped.
# Needs node, npm and Debian's chromium (CHROMIUM=/path to use another).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

die() {
  printf 'e2e/run.sh: %s\n' "$*" >&2
  exit 1
}
[[ -n ${SCRATCHD_URL:-} ]] || die "set SCRATCHD_URL (a running scratchd), or use tests/e2e/start-and-run.sh"
[[ -n ${PGSOURCE_URL:-} ]] || die "set PGSOURCE_URL (a PostgreSQL database for the source tables)"
[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || die "chromium not found: apt-get install -y chromium"
command -v psql >/dev/null || die "psql not found: apt-get install -y postgresql-client"
curl -fsS "$SCRATCHD_URL/readyz" >/dev/null || die "scratchd at $SCRATCHD_URL is not ready"
curl -fsS "$SCRATCHD_URL/" | grep -q '<div id="root">' || die "$SCRATCHD_URL/ does not serve the console (build it: scripts/build-web.sh)"

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f node_modules/.scratch-lock || $(<node_modules/.scratch-lock) != "$lock_hash" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
  printf '%s\n' "$lock_hash" >node_modules/.scratch-lock
fi
rm -rf screenshots
mkdir -p screenshots
export SCRATCHD_URL PGSOURCE_URL
if (($#)); then files=("$@"); else files=(specs/*.test.mjs); fi
if [[ -z ${OPENAI_EMULATOR_URL:-} ]]; then
  kept=()
  for f in "${files[@]}"; do
    if [[ $(basename "$f") == agent.test.mjs ]]; then
      printf 'e2e/run.sh: skipping %s: OPENAI_EMULATOR_URL is not set (the agent test needs scratchd on the OpenAI emulator; tests/e2e/start-and-run.sh sets it up)\n' "$f" >&2
    else
      kept+=("$f")
    fi
  done
  files=("${kept[@]}")
  ((${#files[@]})) || exit 0
else
  curl -fsS "${OPENAI_EMULATOR_URL%/}/_emulator/health" >/dev/null || die "the OpenAI emulator at $OPENAI_EMULATOR_URL does not answer"
  export OPENAI_EMULATOR_URL
fi
node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
