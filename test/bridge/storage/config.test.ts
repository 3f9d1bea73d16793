/** REELAY_STORAGE / REELAY_S3_* / REELAY_METRICS_* as the config loader reads them, and what it refuses. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../bridge/src/config';
import { createStorage, LocalStorage, S3Storage } from '../../../bridge/src/storage';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (extra: Record<string, string>) => ({ REELAY_DATA_DIR: dir, REELAY_JWT_SECRET: 'x'.repeat(32), REELAY_ENCRYPTION_KEY: 'k1:abc', ...extra });

test('local storage and a loopback metrics listener by default', () => {
  const config = loadConfig(env({}));
  expect(config.storage).toEqual({ kind: 'local' });
  expect(config.metrics).toEqual({ host: '127.0.0.1', port: 9464, onBridgePort: false });
  expect(config.pipeline.uploadRetentionDays).toBe(30);
  expect(createStorage(config)).toBeInstanceOf(LocalStorage);
});

test('REELAY_STORAGE=s3 reads the bucket settings once', () => {
  const config = loadConfig(env({
    REELAY_STORAGE: 's3', REELAY_S3_BUCKET: 'movies', REELAY_S3_ENDPOINT: 'http://minio:9000', REELAY_S3_FORCE_PATH_STYLE: 'true',
    REELAY_S3_ACCESS_KEY_ID: 'AKID', REELAY_S3_SECRET_ACCESS_KEY: 'the-secret-value', REELAY_S3_DOWNLOADS: 'redirect',
    REELAY_METRICS_PORT: 'off', REELAY_UPLOAD_RETENTION_DAYS: '0',
  }));
  expect(config.storage).toEqual({
    kind: 's3',
    s3: { bucket: 'movies', region: 'us-east-1', endpoint: 'http://minio:9000', publicEndpoint: undefined, accessKeyId: 'AKID', secretAccessKey: 'the-secret-value', forcePathStyle: true, downloads: 'redirect' },
  });
  expect(config.metrics.port).toBeNull();
  expect(config.pipeline.uploadRetentionDays).toBe(0);
  const storage = createStorage(config) as S3Storage;
  expect(storage).toBeInstanceOf(S3Storage);
  expect(storage.redirectDownloads).toBe(true);
  expect(storage.trustedOrigin).toBe('http://minio:9000');
  expect(storage.localPath()).toBeNull();
  storage.close();
});

test('an incomplete S3 configuration is refused with the variable named, never the secret', () => {
  expect(() => loadConfig(env({ REELAY_STORAGE: 's3' }))).toThrow(/REELAY_S3_BUCKET/);
  let err: unknown;
  try {
    loadConfig(env({ REELAY_STORAGE: 's3', REELAY_S3_BUCKET: 'movies', REELAY_S3_SECRET_ACCESS_KEY: 'the-secret-value' }));
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(/REELAY_S3_ACCESS_KEY_ID and REELAY_S3_SECRET_ACCESS_KEY/);
  expect((err as Error).message).not.toContain('the-secret-value');
  expect(() => loadConfig(env({ REELAY_STORAGE: 'ftp' }))).toThrow(/REELAY_STORAGE/);
  expect(() => loadConfig(env({ REELAY_METRICS_PORT: 'lots' }))).toThrow(/REELAY_METRICS_PORT/);
});
