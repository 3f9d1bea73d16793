#!/usr/bin/env node
// Completes package-lock.json with the platform-specific optional packages the registry mirror
// here does not serve (darwin/win32/… builds of @swc/core, @unrs/resolver-binding, …). npm leaves
// them out of the lock when it cannot fetch them, and `npm ci` then refuses the lock as out of sync.
// Each missing one gets an entry with the os/cpu its name declares, so `npm ci` skips it on this
// platform exactly as it would with the real metadata. Run after `npm install`: `node scripts/complete-lock.js`.
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'];
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 's390x', 'loong64', 'riscv64', 'mips64el', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  return os || cpu ? { os, cpu } : null;
}

let added = 0;
for (const [loc, entry] of Object.entries(lock.packages)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies || {})) {
    const base = loc ? `${loc}/node_modules/` : 'node_modules/';
    if (lock.packages[`${base}${dep}`] || lock.packages[`node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    const version = String(range).replace(/^[\^~=]/, '');
    lock.packages[`node_modules/${dep}`] = {
      version,
      ...(platform.cpu && { cpu: [platform.cpu] }),
      ...(entry.dev && { dev: true }),
      optional: true,
      ...(platform.os && { os: [platform.os] }),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.error(`complete-lock: added ${added} platform entries`);
