import { KeyRing, VaultError, keyRingFromEnv } from './key-ring';

/**
 * Sealing whole JSON values for transport through Redis (render job payloads).
 *
 * The bridge seals the merged connection configurations of a movie; the renderer opens them only
 * while rendering and keeps the opened value in memory, so credentials never sit in Redis, Bull's
 * job data or a log in clear. The context string is the associated data: a blob sealed for one
 * purpose cannot be opened as another.
 */

export const JOB_CONNECTIONS_CONTEXT = 'reelay:render-job:connections';

let processRing: KeyRing | undefined;

/**
 * Sets the key ring this process uses. `reelay start` loads (or generates) the key once and hands it
 * to the in-process renderer with this; a separate `reelay renderer` falls back to
 * REELAY_ENCRYPTION_KEY.
 */
export function useKeyRing(ring: KeyRing | undefined): void {
  processRing = ring;
}

export function currentKeyRing(): KeyRing {
  const ring = processRing ?? keyRingFromEnv();
  if (!ring) {
    throw new VaultError('vault_key_missing', 'REELAY_ENCRYPTION_KEY is not set: this process cannot open or seal connection credentials.');
  }
  processRing = ring;
  return ring;
}

export function seal(value: unknown, context: string, ring: KeyRing = currentKeyRing()): string {
  return ring.encrypt(JSON.stringify(value), context);
}

export function open<T = unknown>(sealed: string, context: string, ring: KeyRing = currentKeyRing()): T {
  return JSON.parse(ring.decrypt(sealed, context)) as T;
}
