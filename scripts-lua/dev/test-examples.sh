#!/usr/bin/env bash
# Runs the example connectors (scripts-lua/examples) end to end against a fresh tests/emulators/notes, with plain
# lua5.4 and the dev host (no scratchd needed). Usage: scripts-lua/dev/test-examples.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
command -v lua5.4 >/dev/null || { echo "needs lua5.4 (apt-get install -y lua5.4)" >&2; exit 2; }
out=$(mktemp)
python3 -u tests/emulators/notes/emulator.py --port 0 >"$out" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q LISTENING "$out" && break; sleep 0.1; done
port=$(awk '/LISTENING/ {print $2}' "$out")
[[ -n $port ]] || { cat "$out" >&2; exit 1; }
lua5.4 scripts-lua/dev/e2e.lua "http://127.0.0.1:$port"
