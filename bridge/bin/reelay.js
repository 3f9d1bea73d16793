#!/usr/bin/env node
// The `reelay` CLI. Sources are TypeScript run through tsx, so there is no build step between a
// checkout and `reelay start`.
require('tsx/cjs');
require('../src/cli.ts');
