#!/usr/bin/env bash
# Ensure the Debian 12 packages Scratch needs are installed.
# Only missing packages are installed, so this is quiet and fast when all are present.
# Runs apt-get directly as root, through sudo otherwise (when available).
set -euo pipefail

# Single list of required packages: add new dependencies here.
PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  libpistache-dev libpqxx-dev libpq-dev nlohmann-json3-dev
  libboost-dev libboost-filesystem-dev liblua5.4-dev
  libspdlog-dev libfmt-dev libcurl4-openssl-dev libssl-dev
  libgtest-dev libgmock-dev libvalijson-dev
  postgresql-15 postgresql-client-15
  clang-format curl
  python3
  chromium fonts-liberation
)
# Node.js and npm (the web console's build, the MCP client test): Debian's, unless the machine has its own.
if ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: dpkg-query not found; this script supports Debian 12 only." >&2
  echo "install-deps: install these packages by other means: ${PACKAGES[*]}" >&2
  exit 1
fi

# Print the packages from "$@" that are not fully installed.
# One dpkg-query call for all packages keeps the common case well under a second.
missing_packages() {
  local -A ok=()
  local name status
  while read -r name status; do
    [[ $status == installed ]] && ok[$name]=1
  done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null || true)
  for name in "$@"; do
    [[ -n ${ok[$name]:-} ]] || printf '%s\n' "$name"
  done
}

mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
((${#missing[@]} == 0)) && exit 0

echo "install-deps: missing packages: ${missing[*]}" >&2
install_cmd=(apt-get install -y --no-install-recommends "${missing[@]}")

if ((EUID == 0)); then
  DEBIAN_FRONTEND=noninteractive apt-get update
  DEBIAN_FRONTEND=noninteractive "${install_cmd[@]}"
elif command -v sudo >/dev/null 2>&1; then
  # sudo may drop environment variables, so pass DEBIAN_FRONTEND through env.
  sudo env DEBIAN_FRONTEND=noninteractive apt-get update
  sudo env DEBIAN_FRONTEND=noninteractive "${install_cmd[@]}"
else
  echo "install-deps: sudo is not available; as root, run:" >&2
  echo "  apt-get update && ${install_cmd[*]}" >&2
  exit 1
fi

# Verify, so a partial failure is reported here and not as a confusing build error.
mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
if ((${#missing[@]} > 0)); then
  echo "install-deps: still missing after install: ${missing[*]}" >&2
  exit 1
fi
