import type { Config } from '../config';
import { LocalStorage } from './local';
import { S3Storage } from './s3';
import type { Storage } from './storage';

/** The storage driver REELAY_STORAGE names: the local directory, or the S3-compatible bucket. */
export function createStorage(config: Pick<Config, 'pipeline' | 'storage'>): Storage & { close?(): void } {
  return config.storage.kind === 's3' ? new S3Storage(config.storage.s3) : new LocalStorage(config.pipeline.storageDir);
}
