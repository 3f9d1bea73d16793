/**
 * .env.example documents every REELAY_* setting the bridge and the renderer read, so a new setting
 * cannot ship undocumented; compose.yaml refuses to start without the two secrets.
 */
import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');

test('every REELAY_* variable of bridge/src and renderer/src has a line in .env.example', () => {
  const used = new Set<string>();
  const constants = new Set<string>(); // `const REELAY_NODE_TYPE = …`: names in code, not settings
  for (const file of globSync('{bridge,renderer}/src/**/*.ts', { cwd: ROOT })) {
    const text = read(file);
    for (const m of text.matchAll(/\bREELAY_[A-Z0-9_]*[A-Z0-9]\b/g)) used.add(m[0]);
    for (const m of text.matchAll(/\bconst (REELAY_[A-Z0-9_]+)\s*=/g)) constants.add(m[1]);
  }
  for (const name of constants) used.delete(name);
  expect(used.size).toBeGreaterThan(30);
  const documented = new Set([...read('.env.example').matchAll(/^#?(REELAY_[A-Z0-9_]+)=/gm)].map((m) => m[1]));
  expect([...used].filter((v) => !documented.has(v)).sort()).toEqual([]);
});

test('compose.yaml has no default for the encryption key, the JWT secret or the database password', () => {
  const compose = read('compose.yaml');
  for (const secret of ['REELAY_ENCRYPTION_KEY', 'REELAY_JWT_SECRET', 'POSTGRES_PASSWORD']) {
    expect(compose).toMatch(new RegExp(`\\$\\{${secret}:\\?`));
    expect(compose).not.toMatch(new RegExp(`\\$\\{${secret}:-`));
  }
});
