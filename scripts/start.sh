#!/usr/bin/env bash
# `npm start`: the whole of Reelay in one process — the bridge (HTTP API on $PORT, default 8080), an
# in-process renderer, SQLite and local storage under ./data — then a small demo movie rendered
# through the full pipeline, its URL printed, and the server kept running (Ctrl-C stops it).
set -euo pipefail
source "$(dirname "$0")/env.sh"
reelay_ensure_deps
cd "$REELAY_ROOT"

source "$(dirname "$0")/system-deps.sh"
reelay_system_deps render || exit 1

# Redis: the queues live there. Parse host and port from REDIS_URL (redis://[user:pass@]host:port[/db]).
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
hostport="${redis_url#*://}"; hostport="${hostport##*@}"; hostport="${hostport%%/*}"
redis_host="${hostport%%:*}"; redis_port="${hostport##*:}"
[ "$redis_port" = "$hostport" ] && redis_port=6379
if ! timeout 3 bash -c "exec 3<>/dev/tcp/${redis_host}/${redis_port}" 2>/dev/null; then
  echo "reelay: no Redis at ${redis_host}:${redis_port}; start one with \`redis-server --daemonize yes --port 6379\` (Debian/Ubuntu: sudo apt-get install -y redis-server; or docker run -d -p 6379:6379 redis:7) or set REDIS_URL" >&2
  exit 1
fi

exec node bridge/bin/reelay.js start --demo "$@"
