export { KeyRing, VaultError, generateKeyEntry, isCiphertext, keyRingFromEnv, keyVersionOf, parseKeyRing } from './key-ring';
export type { KeyVersion, VaultErrorCode } from './key-ring';
export { JOB_CONNECTIONS_CONTEXT, currentKeyRing, open, seal, useKeyRing } from './seal';

/** Associated data of one stored secret: binds the ciphertext to its account, connection and field. */
export function fieldContext(accountId: string, connectionId: string, field: string): string {
  return `${accountId}|${connectionId}|${field}`;
}
