#!/usr/bin/env -S node --max-semi-space-size=4
// The `reelay` CLI. Sources are TypeScript run through tsx, so there is no build step between a
// checkout and `reelay start`. --max-semi-space-size=4 (MB): V8's young generation otherwise grows to
// tens of MB under a renderer's screenshots and Buffers; capped, a render of bench movie (d) peaks at
// ~172 MB of RSS instead of ~222, no slower. scripts/start.sh and the Docker image set it too.
require('tsx/cjs');
require('../src/cli.ts');
