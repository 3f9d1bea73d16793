/** `reelay vault rotate` as operators run it (a real process), and start-up refusing a missing key version. */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { generateKeyEntry } from '../../../renderer/src/vault';
import { createAccount } from '../../../bridge/src/accounts';
import { loadConfig } from '../../../bridge/src/config';
import { insertRow, loadConnections } from '../../../bridge/src/connections/repository';
import { createServices } from '../../../bridge/src/services';
import { REDIS_URL, testPrefix } from '../../helpers/bridge';

const BIN = path.resolve(__dirname, '../../../bridge/bin/reelay.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-vault-cli-'));
const prefix = testPrefix();
const v1 = generateKeyEntry('v1');
const v2 = generateKeyEntry('v2');
const secret = `sftp-${randomBytes(12).toString('hex')}`;
const baseEnv = { REELAY_DATA_DIR: dir, DATABASE_URL: '', REDIS_URL, REELAY_QUEUE_PREFIX: prefix, REELAY_BOOTSTRAP_KEY: '', REELAY_LOG_LEVEL: 'error' };

async function reelay(encryptionKey: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, ...baseEnv, REELAY_ENCRYPTION_KEY: encryptionKey }, timeout: 30000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

test('vault rotate re-encrypts under the new version; the old one can then be dropped', async () => {
  const services = await createServices(loadConfig({ ...baseEnv, REELAY_ENCRYPTION_KEY: v1 }));
  let accountId: string;
  try {
    accountId = (await createAccount(services.db, { name: 'vault', credits: null })).account.id;
    await insertRow(services.db, services.vault!.ring, { accountId, id: 'box', type: 'sftp', name: null, config: { host: 'sftp.example.com', username: 'u', password: secret } });
  } finally {
    await services.close();
  }

  const refused = await reelay(v2, 'vault', 'rotate');
  expect(refused.code).toBe(1);
  expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^reelay: Encryption key version v1 is still in use but missing from REELAY_ENCRYPTION_KEY/)]);

  const rotated = await reelay(`${v2},${v1}`, 'vault', 'rotate');
  expect(rotated.stderr).toBe('');
  expect(rotated.code).toBe(0);
  expect(rotated.stdout).toContain('vault rotated to key v2: 1 connection(s), 0 render payload(s), 0 webhook secret(s) re-encrypted');
  expect(rotated.stdout).toContain('older versions can be removed');
  expect(rotated.stdout + rotated.stderr).not.toContain(secret);

  const after = await createServices(loadConfig({ ...baseEnv, REELAY_ENCRYPTION_KEY: v2 }));
  try {
    const loaded = await loadConnections(after.db, after.vault!.ring, accountId, ['box']);
    expect(loaded.get('box')?.config.password).toBe(secret);
  } finally {
    await after.close();
  }
});
