#!/bin/sh
# The image's entry point, under tini (PID 1: forwards docker stop's SIGTERM, reaps ffmpeg/chromium
# children). `docker run IMAGE start|bridge|renderer|migrate|…` runs `reelay …`; any other command
# (sh, node) runs as given. exec: node receives the signals itself and its exit code is the container's.
set -e
case "$1" in
  -* | start | bridge | renderer | migrate | accounts | keys | render | vault | installation | help) set -- reelay "$@" ;;
esac
exec "$@"
