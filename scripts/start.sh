#!/usr/bin/env bash
# `npm start`: the whole of Reelay in one process — the bridge (HTTP API on $REELAY_HOST:$PORT, default
# 127.0.0.1:8080), an in-process renderer, SQLite and local storage under ./data — and, on the first
# start, a small demo movie rendered through the full pipeline with its URL printed.
# Redis: REDIS_URL when set; otherwise the one on 127.0.0.1:6379, or else a private redis-server this
# script runs for the data directory (its AOF under data/redis), installed from Debian when root.
# SIGINT/SIGTERM to this script (or to `npm start`, which passes them on) stop Reelay, then that Redis.
set -euo pipefail
source "$(dirname "$0")/env.sh"
reelay_ensure_deps
cd "$REELAY_ROOT"

source "$(dirname "$0")/system-deps.sh"
reelay_system_deps render || exit 1

answers() { timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

private_redis_pid=""
if [ -n "${REDIS_URL:-}" ]; then
  # Parse host and port from REDIS_URL (redis://[user:pass@]host:port[/db]).
  hostport="${REDIS_URL#*://}"; hostport="${hostport##*@}"; hostport="${hostport%%/*}"
  redis_host="${hostport%%:*}"; redis_port="${hostport##*:}"
  [ "$redis_port" = "$hostport" ] && redis_port=6379
  if ! answers "$redis_host" "$redis_port"; then
    echo "reelay: no Redis at ${redis_host}:${redis_port} (REDIS_URL); start it, or unset REDIS_URL to let npm start run a private one" >&2
    exit 1
  fi
elif ! answers 127.0.0.1 6379; then
  if ! command -v redis-server >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "reelay: installing redis-server (apt-get)" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null 2>&1 \
        || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
    else
      echo "reelay: no Redis at 127.0.0.1:6379 and no redis-server to run one: install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL" >&2
      exit 1
    fi
  fi
  # Private to this data directory: loopback only, its append-only file under data/redis, stopped with
  # Reelay. Debian's package may also start a system one (then it answers on 6379 next time: fine).
  data_dir="${REELAY_DATA_DIR:-./data}"
  mkdir -p "$data_dir/redis"
  redis_port=6379
  answers 127.0.0.1 "$redis_port" || {
    # its own session: a Ctrl-C in the terminal reaches Reelay, which still needs Redis to shut down
    setsid redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$(cd "$data_dir/redis" && pwd)" \
      --appendonly yes --save "" --daemonize no --logfile redis.log &
    private_redis_pid=$!
    for _ in $(seq 1 50); do answers 127.0.0.1 "$redis_port" && break; sleep 0.1; done
    echo "reelay: started a private Redis on 127.0.0.1:$redis_port (data in $data_dir/redis; stops with Reelay)"
  }
fi

# The dashboard the bridge serves at / (static files): built once, when missing.
if [ ! -f dashboard/dist/index.html ]; then
  echo "reelay: building the dashboard (npm run build -w dashboard)"
  npm run build -w dashboard --silent >/dev/null || { echo "reelay: the dashboard build failed; the API works, / answers 503" >&2; }
fi

# Reelay runs as a child, not exec'd, so this script outlives it to stop the private Redis; signals
# sent to this script (npm passes its own on) are forwarded, and `wait` returns as soon as one arrives.
node --max-semi-space-size=4 bridge/bin/reelay.js start --demo "$@" &
reelay_pid=$!
forward() { kill -s "$1" "$reelay_pid" 2>/dev/null || true; }
# Node of a background job may start with SIGINT ignored (non-interactive bash): TERM stops it the same way.
trap 'forward TERM' INT
trap 'forward TERM' TERM
trap 'forward HUP' HUP
status=0
while kill -0 "$reelay_pid" 2>/dev/null; do
  wait "$reelay_pid" && status=0 || status=$?
done
trap - INT TERM HUP
if [ -n "$private_redis_pid" ]; then
  kill -TERM "$private_redis_pid" 2>/dev/null || true
  wait "$private_redis_pid" 2>/dev/null || true
fi
# Reelay's own exit status (a signal-stopped run exits 0 from its shutdown handler).
exit "$status"
