#!/usr/bin/env node
// `node scripts/compile-server.js OUT_DIR`: the bridge and the renderer compiled to CommonJS
// JavaScript for the Docker image, where production runs `node`, not tsx. It is the transform tsx
// applies at run time (esbuild, file by file, same layout), done once at build time, so module paths,
// `require('../routes')` and `@reelay/renderer/src/…` imports keep working. OUT_DIR receives
// bridge/src/**.js, renderer/src/**.js, their package.json files (main: .js) and a bin/reelay.js
// without tsx. Type checking stays with `npm run typecheck`; this only strips types.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const out = process.argv[2] && path.resolve(process.argv[2]);
if (!out) {
  process.stderr.write('usage: node scripts/compile-server.js OUT_DIR\n');
  process.exit(2);
}
const workspaces = ['bridge', 'renderer'];
const sources = workspaces.flatMap((ws) =>
  fs
    .globSync(`${ws}/src/**/*.ts`, { cwd: root })
    .filter((f) => !f.endsWith('.d.ts'))
    .map((f) => path.join(root, f)),
);

esbuild
  .build({ entryPoints: sources, outdir: out, outbase: root, platform: 'node', format: 'cjs', target: 'node24', logLevel: 'warning' })
  .then(() => {
    for (const ws of workspaces) {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, ws, 'package.json'), 'utf8'));
      pkg.main = pkg.main.replace(/\.ts$/, '.js');
      fs.writeFileSync(path.join(out, ws, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    }
    fs.mkdirSync(path.join(out, 'bridge/bin'), { recursive: true });
    fs.writeFileSync(path.join(out, 'bridge/bin/reelay.js'), "#!/usr/bin/env -S node --max-semi-space-size=4\n// Compiled by scripts/compile-server.js: plain JavaScript, no tsx. The flag: see the source bin.\nrequire('../src/cli.js');\n", { mode: 0o755 });
    process.stdout.write(`compiled ${sources.length} files into ${out}\n`);
  })
  .catch(() => process.exit(1));
