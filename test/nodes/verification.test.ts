/**
 * n8n's own checks on the community package, run as n8n runs them:
 * - `n8n-node lint` (strict mode: the root eslint.config.mjs must be @n8n/node-cli's template) and
 *   `n8n-node build`, unmodified, on the package's files alone (what a package-only checkout holds;
 *   in the full repository the servers' own configs take over through ESLint's per-file lookup);
 * - `npm pack`: the tarball ships only dist/, README, LICENSE and package.json;
 * - the static analysis of n8n's scanner (@n8n/scan-community-package) on both legs it scans: the
 *   packed tarball's compiled JS + package.json, and the source files (nodes/, credentials/).
 * Provenance can only be checked on a published version (see .github/workflows/publish.yml).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'node_modules/.bin');
/** What a checkout of only the n8n package would hold. */
const PACKAGE_SOURCES = ['package.json', 'tsconfig.json', 'eslint.config.mjs', 'README.md', 'LICENSE', 'nodes', 'credentials', 'icons'];
/** Everything `npm pack` may ship besides dist/. */
const PACKAGE_EXTRAS = ['LICENSE', 'README.md', 'package.json'];

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string }>;
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string; stdout: string }> {
  // ESLINT_FLAGS (set by scripts/env.sh) would change how ESLint finds configs: n8n runs without it.
  // NODE_ENV=test (set by jest) turns eslint-plugin-n8n-nodes-base's file-name rules into test mode.
  const { ESLINT_FLAGS: _flags, NODE_ENV: _nodeEnv, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...env, PATH: `${BIN}:${env.PATH}` }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stripVTControlCharacters(`${stdout}\n${stderr}`), stdout });
    });
  });
}

function scan(dir: string, ...patterns: string[]): Promise<{ passed: boolean; message?: string; details?: string }> {
  return run(process.execPath, [path.join(__dirname, 'helpers/scan-package.mjs'), dir, ...patterns], ROOT).then(({ code, stdout, output }) => {
    if (code !== 0) throw new Error(`scanner failed:\n${output}`);
    return JSON.parse(stdout);
  });
}

let stage: string;
let pack: PackResult;

beforeAll(async () => {
  stage = mkdtempSync(path.join(os.tmpdir(), 'reelay-n8n-package-'));
  for (const entry of PACKAGE_SOURCES) cpSync(path.join(ROOT, entry), path.join(stage, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'));
}, 30_000);

afterAll(() => {
  if (stage) rmSync(stage, { recursive: true, force: true });
});

test('the root eslint.config.mjs is @n8n/node-cli’s default (strict mode)', () => {
  const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();
  const template = readFileSync(path.join(ROOT, 'node_modules/@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs'), 'utf8');
  expect(normalise(readFileSync(path.join(ROOT, 'eslint.config.mjs'), 'utf8'))).toBe(normalise(template));
});

test('`n8n-node lint` passes with zero findings', async () => {
  const { code, output } = await run('n8n-node', ['lint'], stage);
  expect(output).not.toMatch(/Strict mode violation|problems?\b|warning|error/i);
  expect(code).toBe(0);
}, 120_000);

test('`n8n-node build` builds every node and credential package.json lists', async () => {
  const { code, output } = await run('n8n-node', ['build'], stage);
  expect({ code, output }).toMatchObject({ code: 0 });
  const declared = JSON.parse(readFileSync(path.join(stage, 'package.json'), 'utf8')).n8n;
  for (const file of [...declared.nodes, ...declared.credentials]) expect(() => readFileSync(path.join(stage, file))).not.toThrow();
}, 180_000);

test('`npm pack` ships only dist/, README, LICENSE and package.json', async () => {
  const packed = await run('npm', ['pack', '--json', '--loglevel=error'], stage);
  expect(packed.code).toBe(0);
  [pack] = JSON.parse(packed.stdout) as PackResult[];
  const paths = pack.files.map((f) => f.path);
  expect(paths.filter((p) => !p.startsWith('dist/')).sort()).toEqual(PACKAGE_EXTRAS);
  expect(paths).toEqual(expect.arrayContaining(['dist/nodes/Reelay/Reelay.node.js', 'dist/credentials/ReelayApi.credentials.js', 'dist/icons/reelay.svg']));
  // No sources, tests or source maps of other parts of the repository leak into the tarball.
  expect(paths.filter((p) => /^dist\/(bridge|renderer|test|dashboard|bench)\//.test(p))).toEqual([]);
  // The same rule from the repository root itself (the dry run lists what `npm publish` would send).
  const rootDry = await run('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], ROOT);
  const [rootPack] = JSON.parse(rootDry.stdout) as PackResult[];
  expect(rootPack.files.map((f) => f.path).filter((p) => !p.startsWith('dist/')).sort()).toEqual(PACKAGE_EXTRAS);
}, 120_000);

test('n8n’s scanner: static analysis of the packed tarball and of the sources passes', async () => {
  expect(pack).toBeDefined();
  const unpacked = path.join(stage, 'unpacked');
  mkdirSync(unpacked);
  const tar = await run('tar', ['-xzf', path.join(stage, pack.filename), '-C', unpacked, '--strip-components=1'], stage);
  expect(tar.code).toBe(0);
  // The two legs of `analyzePackageByName`: compiled JS + package.json of the tarball, then the sources.
  expect(await scan(unpacked, '**/*.js', 'package.json')).toEqual({ passed: true });
  expect(await scan(stage, 'source')).toEqual({ passed: true });
}, 120_000);
