#!/usr/bin/env bash
# Build the web console into web/dist (served by scratchd at /). Needs node and npm (scripts/install-deps.sh).
# Idempotent and quick when nothing changed: `npm ci` runs only when web/package-lock.json changed since the
# last install, and the build only when a source file changed since the last build (a hash in
# web/node_modules/.scratch-sources). Set SCRATCH_WEB_FORCE=1 to rebuild anyway.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../web"

die() {
  printf 'build-web.sh: %s\n' "$*" >&2
  exit 1
}
command -v npm >/dev/null || die "npm not found (run scripts/install-deps.sh, or apt-get install nodejs npm)"

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f node_modules/.scratch-lock || $(<node_modules/.scratch-lock) != "$lock_hash" ]]; then
  printf '==> web: npm ci\n' >&2
  npm ci --no-audit --no-fund --loglevel=error
  printf '%s\n' "$lock_hash" >node_modules/.scratch-lock
fi

sources_hash=$(find src index.html package-lock.json tsconfig.json vite.config.ts -type f -print0 | sort -z |
  xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [[ ${SCRATCH_WEB_FORCE:-0} != 1 && -f dist/index.html && -f node_modules/.scratch-sources && $(<node_modules/.scratch-sources) == "$sources_hash" ]]; then
  printf '==> web: web/dist is up to date\n' >&2
  exit 0
fi
printf '==> web: building web/dist\n' >&2
npm run --silent build
printf '%s\n' "$sources_hash" >node_modules/.scratch-sources
