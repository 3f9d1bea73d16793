/**
 * The Node flags the `reelay` CLI runs with, read from its first line (bridge/bin/reelay.js), so the
 * tests and benchmarks that start it as `node <flags> bin/reelay.js` run it as a user's shell does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const shebang = readFileSync(path.resolve(__dirname, '../../bridge/bin/reelay.js'), 'utf8').split('\n')[0];
export const NODE_FLAGS: string[] = shebang.replace(/^#!\/usr\/bin\/env -S node/, '').trim().split(/\s+/).filter(Boolean);
