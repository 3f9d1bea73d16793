#!/usr/bin/env bash
# `npm run e2e:n8n`: the n8n package inside the real n8n app.
# Installs n8n@2.41.1 once into a cache outside the repo (REELAY_N8N_DIR, default
# ~/.cache/reelay/n8n-2.41.1; about 4–5 min and 2.9 GB the first time, CI should cache that directory),
# builds dist/ with `n8n-node build`, then runs test/e2e/n8n-app.test.ts, which imports credentials and
# workflows with n8n's CLI and runs them with `n8n execute` / `n8n start` against a live bridge.
set -euo pipefail
source "$(dirname "$0")/env.sh"
# Installs the project's dependencies only on a fresh checkout (CI installs them before calling this).
[ -d "$REELAY_ROOT/node_modules/n8n-core" ] || reelay_ensure_deps
export PATH="$REELAY_ROOT/node_modules/.bin:$PATH"
cd "$REELAY_ROOT"

N8N_VERSION=2.41.1
N8N_DIR="${REELAY_N8N_DIR:-${REELAY_TOOLS_DIR:-$HOME/.cache/reelay}/n8n-$N8N_VERSION}"
N8N_BIN="$N8N_DIR/node_modules/.bin/n8n"

if [ ! -x "$N8N_BIN" ] || [ ! -f "$N8N_DIR/.reelay-ready" ]; then
  echo "e2e:n8n: installing n8n@$N8N_VERSION into $N8N_DIR (first run: several minutes)" >&2
  mkdir -p "$N8N_DIR"
  [ -f "$N8N_DIR/package.json" ] || echo '{"name":"reelay-n8n-e2e","private":true}' > "$N8N_DIR/package.json"
  # With install scripts, a Kafka dependency tries to download zlib and fails; n8n needs none of them
  # except sqlite3's native binding, which is rebuilt (compiled) right after.
  # Once more, asking the registry afresh, when the first try fails: on a bare machine it once failed
  # with ETARGET for a version the registry did have (a stale package document), and passed on retry.
  install_n8n() { (cd "$N8N_DIR" && npm install --loglevel=error --no-audit --no-fund --ignore-scripts "$@" "n8n@$N8N_VERSION" >&2); }
  install_n8n || { echo "e2e:n8n: npm install failed; trying once more with --prefer-online" >&2; install_n8n --prefer-online; }
  (cd "$N8N_DIR" && npm rebuild sqlite3 >&2)
  touch "$N8N_DIR/.reelay-ready"
fi
echo "e2e:n8n: $("$N8N_BIN" --version 2>/dev/null | tail -1) at $N8N_BIN" >&2

echo "== build (n8n-node build)"
n8n-node build
echo "== lint (n8n community rules)"
npm run --silent lint:nodes

echo "== n8n end-to-end"
REELAY_N8N_BIN="$N8N_BIN" jest --runInBand test/e2e/n8n-app.test.ts "$@"
