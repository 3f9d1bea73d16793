#!/usr/bin/env bash
# `npm test`: lint, type-check, then every jest suite, all under Node 24.
set -euo pipefail
source "$(dirname "$0")/env.sh"
reelay_ensure_deps
export PATH="$REELAY_ROOT/node_modules/.bin:$PATH"
cd "$REELAY_ROOT"
echo "== lint"; npm run --silent lint
echo "== type-check"; npm run --silent typecheck
echo "== tests"; jest "$@"
