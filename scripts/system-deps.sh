# Sourced: makes sure the Debian packages Reelay needs are present. As root with apt-get (CI, a fresh
# server) they are installed; otherwise a one-line message says what to install.
#   reelay_system_deps render   → ffmpeg, espeak-ng, DejaVu fonts, Chromium (rendering)
#   reelay_system_deps test     → the same plus Redis and PostgreSQL servers (the test suites)
reelay_system_deps() {
  local need=()
  command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
  command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
  # The HTML engine (html and component elements, CSS texts) draws with Debian's Chromium.
  [ -x "${REELAY_CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
  if [ "${1:-render}" = test ]; then
    command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
    command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
    command -v g++ >/dev/null 2>&1 || need+=(build-essential python3)
  fi
  # JSON2Video's default and most used families (Inter, Roboto, Open Sans, Lato): nice to have, as
  # fontconfig falls back to DejaVu without them, so they never fail a start.
  local fonts=()
  [ -f /usr/share/fonts/opentype/inter/Inter-Regular.otf ] || fonts+=(fonts-inter)
  [ -d /usr/share/fonts/truetype/roboto ] || fonts+=(fonts-roboto-unhinted)
  [ -d /usr/share/fonts/truetype/open-sans ] || fonts+=(fonts-open-sans)
  [ -d /usr/share/fonts/truetype/lato ] || fonts+=(fonts-lato)
  [ ${#need[@]} -eq 0 ] && [ ${#fonts[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "reelay: installing ${need[*]} ${fonts[*]} (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
    if [ ${#need[@]} -gt 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || return 1
    fi
    # A release without one of the font packages must not stop the rest.
    if [ ${#fonts[@]} -gt 0 ] && ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${fonts[@]}" >/dev/null 2>&1; then
      echo "reelay: optional fonts not installed (${fonts[*]}); text falls back to DejaVu Sans" >&2
    fi
    return 0
  elif [ ${#need[@]} -eq 0 ]; then
    echo "reelay: optional fonts missing (${fonts[*]}); text falls back to DejaVu Sans" >&2
  else
    echo "reelay: missing ${need[*]}; install them (Debian/Ubuntu: sudo apt-get install -y ${need[*]}; macOS: brew install ffmpeg espeak-ng)" >&2
    return 1
  fi
}

# Starts Redis and PostgreSQL for the test suites when they do not answer (start commands from
# ../shared/tooling.md); waits until both answer.
reelay_test_services() {
  if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
    echo "reelay: starting Redis on 127.0.0.1:6379" >&2
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "reelay: starting PostgreSQL on 127.0.0.1:5432" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  fi
  local _
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 && return 0
    sleep 1
  done
  echo "reelay: Redis (127.0.0.1:6379) or PostgreSQL (127.0.0.1:5432, trust auth, database test) is not answering" >&2
  return 1
}
