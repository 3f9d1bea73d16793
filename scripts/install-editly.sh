#!/usr/bin/env bash
# Installs editly 0.14 for `npm run bench:render` (the comparison the renderer issue asks for):
#   bash scripts/install-editly.sh [DIR]        (default /opt/editly; needs root for apt-get)
# editly's canvas and headless-gl compile from source (about 6 min on 2 cores) and only work under
# the Node they were built for: under Node 24, editly 0.14 exits 0 with most frames missing, so it is
# built with the machine's own Node (Debian's or nodesource's, 18–22). The bench finds it through
# REELAY_EDITLY_DIR and REELAY_EDITLY_NODE, printed at the end.
set -euo pipefail
dir="${1:-/opt/editly}"
node_bin="${REELAY_EDITLY_NODE:-/usr/bin/node}"
[ -x "$node_bin" ] || { echo "install-editly: no Node at $node_bin (set REELAY_EDITLY_NODE to a Node 18–22)" >&2; exit 1; }
major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 18 ] || [ "$major" -gt 22 ]; then
  echo "install-editly: $node_bin is Node $major; editly 0.14's native modules need Node 18–22" >&2
  exit 1
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential pkg-config python3 libcairo2-dev \
    libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev libxi-dev libglu1-mesa-dev libglew-dev xvfb ffmpeg >/dev/null
fi

# node-gyp wants `python`; Debian has only python3.
shim="$(mktemp -d)"
trap 'rm -rf "$shim"' EXIT
ln -s "$(command -v python3)" "$shim/python"
node_dir="$(dirname "$node_bin")"

mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name":"editly-bench","private":true}' >package.json
# The machine's npm config may point native builds at another Node's headers: build against this one.
PATH="$shim:$node_dir:/usr/bin:/bin" npm_config_nodedir="$("$node_bin" -p 'path.resolve(process.execPath, "../..")' 2>/dev/null || echo /usr)" \
  "$node_bin" "$(command -v npm)" install --no-audit --no-fund editly@0.14
echo "editly installed: export REELAY_EDITLY_DIR=$dir REELAY_EDITLY_NODE=$node_bin"
