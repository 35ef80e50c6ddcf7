#!/usr/bin/env bash
# Configure and build Scratch with CMake. The server ends up at $BUILD_DIR/bin/scratchd.
#
# Environment:
#   BUILD_DIR          build directory, relative to the repo root (default: build)
#   BUILD_TYPE         CMAKE_BUILD_TYPE (default: RelWithDebInfo)
#   JOBS               parallel build jobs (default: 2)
#   SCRATCH_SKIP_DEPS  set to 1 to skip scripts/install-deps.sh
#   SCRATCH_SKIP_WEB   set to 1 to skip building the web console (scripts/build-web.sh)
set -euo pipefail

# Work from the repo root whatever the caller's cwd is.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ${SCRATCH_SKIP_DEPS:-0} != 1 ]]; then
  scripts/install-deps.sh
fi

build_dir=${BUILD_DIR:-build}
# Re-running the configure step is cheap and also repairs a half-configured tree.
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}"
cmake --build "$build_dir" -j "${JOBS:-2}"
# The web console's assets (web/dist, served by scratchd at /): quick when nothing changed.
if [[ ${SCRATCH_SKIP_WEB:-0} != 1 ]]; then
  scripts/build-web.sh
fi
