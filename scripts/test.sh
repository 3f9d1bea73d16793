#!/usr/bin/env bash
# `npm test`: lint, type-check, then every jest suite, all under Node 24.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/system-deps.sh"
reelay_system_deps test
reelay_test_services
reelay_ensure_deps
export PATH="$REELAY_ROOT/node_modules/.bin:$PATH"
cd "$REELAY_ROOT"
echo "== lint"; npm run --silent lint
echo "== type-check"; npm run --silent typecheck
echo "== tests"
results="$(mktemp)"
status=0
jest --json --outputFile="$results" "$@" || status=$?
# One plain closing line that any CI reader understands, from jest's own counts.
node -e 'const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")); console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)' "$results" || true
rm -f "$results"
exit "$status"
