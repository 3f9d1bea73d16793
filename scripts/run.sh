#!/usr/bin/env bash
# Runs a command under Node 24 with the project's dependencies installed: `bash scripts/run.sh CMD …`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
reelay_ensure_deps
export PATH="$REELAY_ROOT/node_modules/.bin:$PATH"
exec "$@"
