# Reelay: one image, three commands — `start` (bridge + in-process renderer), `bridge`, `renderer`.
#   docker build -t reelay .         (classic builder and BuildKit alike: no RUN --mount)
# Behind a TLS-inspecting proxy, put its CA certificate in deploy/docker/extra-ca/ (see the README there).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- npm: the toolchain and the workspaces' manifests, shared by the two build stages below
FROM ${NODE_IMAGE} AS npm
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates python3 make g++ >/dev/null \
 && rm -rf /var/lib/apt/lists/*
# Extra CAs are trusted in the build stages only (npm); the runtime stage never sees them.
COPY deploy/docker/extra-ca/ /usr/local/share/ca-certificates/extra/
RUN update-ca-certificates >/dev/null 2>&1
# node-gyp builds against the headers of the image's own Node instead of downloading them.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
WORKDIR /src
COPY package.json package-lock.json ./
COPY bridge/package.json bridge/
COPY renderer/package.json renderer/
COPY dashboard/package.json dashboard/

# ---- dashboard: the static files the bridge serves at / (vite build)
FROM npm AS dashboard
RUN npm ci --workspace=dashboard --loglevel=error
COPY dashboard/ dashboard/
RUN npm run build --workspace=dashboard --silent

# ---- build: production dependencies (native ones compiled here) and TypeScript compiled to JavaScript
FROM npm AS build
# The bridge's and the renderer's dependencies only: not the n8n package's tooling, not the dashboard's.
RUN npm ci --omit=dev --workspace=bridge --workspace=renderer --loglevel=error
COPY scripts/compile-server.js scripts/
COPY bridge/ bridge/
COPY renderer/ renderer/
RUN node scripts/compile-server.js /out \
 && mv node_modules /out/ \
 && for ws in bridge renderer; do if [ -d $ws/node_modules ]; then mv $ws/node_modules /out/$ws/; fi; done \
 && rm -f /out/node_modules/@reelay/dashboard

# ---- runtime: Node 24, ffmpeg, espeak-ng, fonts, Chromium (the HTML engine), tini; no compilers
FROM ${NODE_IMAGE}
# WITH_CHROMIUM=false leaves the browser out (about 300 MB): movies with html elements then fail.
ARG WITH_CHROMIUM=true
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates tini ffmpeg espeak-ng fontconfig \
      fonts-dejavu-core fonts-inter fonts-roboto-unhinted fonts-open-sans fonts-lato fonts-noto-color-emoji \
      $(if [ "$WITH_CHROMIUM" = true ]; then echo chromium; fi) >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown node:node /data
COPY --from=build /out /app
COPY --from=dashboard /src/dashboard/dist /app/dashboard/dist
COPY deploy/docker/entrypoint.sh /usr/local/bin/reelay-entrypoint
COPY deploy/docker/healthcheck.js /app/healthcheck.js
RUN ln -s /app/bridge/bin/reelay.js /usr/local/bin/reelay && reelay --help >/dev/null
# NODE_OPTIONS: a small young generation keeps a renderer's RSS near 170 MB (see bridge/bin/reelay.js).
ENV NODE_ENV=production REELAY_HOST=0.0.0.0 PORT=8080 REELAY_DATA_DIR=/data NODE_OPTIONS=--max-semi-space-size=4 \
    REELAY_CHROMIUM=/usr/bin/chromium REELAY_CACHE_DIR=/data/cache
USER node
WORKDIR /data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/healthcheck.js"]
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="Reelay" \
      org.opencontainers.image.description="Self-hosted JSON-to-video rendering: bridge (HTTP API) and renderer (ffmpeg)" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/reelay/reelay" \
      org.opencontainers.image.url="https://github.com/reelay/reelay#readme" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
ENTRYPOINT ["/usr/bin/tini", "--", "reelay-entrypoint"]
CMD ["start"]
