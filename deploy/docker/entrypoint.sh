#!/bin/sh
# The image's entry point, under tini (PID 1: forwards docker stop's SIGTERM, reaps ffmpeg/chromium
# children). `docker run IMAGE start|bridge|renderer|migrate|accounts …` runs `reelay …` (an option or
# anything that is not a program here is a reelay command); a program (sh, node) runs as given.
# exec: node receives the signals itself and its exit code is the container's.
set -e
if [ "${1#-}" != "$1" ] || ! command -v "$1" >/dev/null 2>&1; then
  set -- reelay "$@"
fi
exec "$@"
