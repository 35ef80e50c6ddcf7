# shellcheck shell=bash
# npm_install_locked DIR: `npm ci` in DIR when its package-lock.json changed since the last install there
# (a hash kept in DIR/node_modules/.scratch-lock), so repeated runs cost nothing and CI gets exact versions.
npm_install_locked() {
  local dir=$1 hash
  command -v npm >/dev/null || {
    echo "npm not found (scripts/install-deps.sh installs it)" >&2
    return 1
  }
  hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [[ -f $dir/node_modules/.scratch-lock && $(<"$dir/node_modules/.scratch-lock") == "$hash" ]]; then
    return 0
  fi
  printf '==> npm ci in %s\n' "$dir" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  printf '%s\n' "$hash" >"$dir/node_modules/.scratch-lock"
}
