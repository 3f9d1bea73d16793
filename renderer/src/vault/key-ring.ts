import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM under a versioned key ring.
 *
 * `REELAY_ENCRYPTION_KEY` lists key versions, current first: `v2:BASE64,v1:BASE64` (each key 32 bytes).
 * A bare base64 key is read as version `v1`. New ciphertexts always use the first (current) version;
 * older versions stay readable until `reelay vault rotate` has re-encrypted everything, then they
 * can be dropped from the variable.
 *
 * Ciphertext: `enc:v1:<kid>:<base64url(nonce | ciphertext | tag)>` — `v1` is the format, `<kid>` the
 * key version, so a reader knows which key it needs (and can say which one is missing) without trying
 * them all. The associated data is not stored: the caller re-states it on decryption (account,
 * connection and field for the vault), so a ciphertext copied to another row or field fails.
 */

const FORMAT = 'enc:v1';
const NONCE_BYTES = 12; // GCM's native nonce size: random 96-bit nonces are safe for 2^32 messages per key
const TAG_BYTES = 16;
const KID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/i;

export type VaultErrorCode = 'vault_key_invalid' | 'vault_key_missing' | 'vault_decrypt_failed' | 'vault_format_invalid';

/** Vault failures. Messages name key versions and contexts, never key material or plaintext. */
export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

export interface KeyVersion {
  kid: string;
  key: Buffer;
}

export class KeyRing {
  private readonly byKid: Map<string, Buffer>;

  constructor(readonly versions: readonly KeyVersion[]) {
    if (versions.length === 0) throw new VaultError('vault_key_invalid', 'The encryption key ring is empty.');
    this.byKid = new Map();
    for (const { kid, key } of versions) {
      if (!KID_PATTERN.test(kid)) throw new VaultError('vault_key_invalid', `Encryption key version "${kid}" is not a valid name (letters, digits, - and _).`);
      if (key.length !== 32) throw new VaultError('vault_key_invalid', `Encryption key ${kid} must be 32 bytes (base64 of 32 random bytes), got ${key.length}.`);
      if (this.byKid.has(kid)) throw new VaultError('vault_key_invalid', `Encryption key version ${kid} is listed twice.`);
      this.byKid.set(kid, key);
    }
  }

  /** The version new ciphertexts are written with. */
  get currentKid(): string {
    return this.versions[0].kid;
  }

  get kids(): string[] {
    return this.versions.map((v) => v.kid);
  }

  has(kid: string): boolean {
    return this.byKid.has(kid);
  }

  encrypt(plaintext: string, associatedData: string): string {
    const { kid, key } = this.versions[0];
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${FORMAT}:${kid}:${Buffer.concat([nonce, body, tag]).toString('base64url')}`;
  }

  decrypt(ciphertext: string, associatedData: string): string {
    const { kid, payload } = parseCiphertext(ciphertext);
    const key = this.byKid.get(kid);
    if (!key) throw missingKeyError([kid]);
    const nonce = payload.subarray(0, NONCE_BYTES);
    const tag = payload.subarray(payload.length - TAG_BYTES);
    const body = payload.subarray(NONCE_BYTES, payload.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      // A wrong key under the right version name, tampering, or a ciphertext moved to another
      // account/connection/field (different associated data) all land here.
      throw new VaultError('vault_decrypt_failed', `A secret encrypted under key ${kid} could not be decrypted for ${describeContext(associatedData)}: it was altered, moved, or key ${kid} is not the key it was written with.`);
    }
  }

  /** True when the ciphertext is not under the current key version (`vault rotate` re-encrypts it). */
  needsRotation(ciphertext: string): boolean {
    return parseCiphertext(ciphertext).kid !== this.currentKid;
  }

  /** Throws a clear error naming every key version in `kidsInUse` this ring lacks (start-up check). */
  assertCanDecrypt(kidsInUse: Iterable<string>): void {
    const missing = [...new Set(kidsInUse)].filter((kid) => !this.byKid.has(kid)).sort();
    if (missing.length > 0) throw missingKeyError(missing);
  }
}

function missingKeyError(kids: string[]): VaultError {
  const list = kids.join(', ');
  return new VaultError(
    'vault_key_missing',
    `Encryption key version${kids.length > 1 ? 's' : ''} ${list} ${kids.length > 1 ? 'are' : 'is'} still in use but missing from REELAY_ENCRYPTION_KEY. ` +
      `Add it back (format "vNEW:BASE64,${kids[0]}:BASE64", current first) and run "reelay vault rotate" before removing it.`,
  );
}

/** Key version of a ciphertext, without decrypting it. */
export function keyVersionOf(ciphertext: string): string {
  return parseCiphertext(ciphertext).kid;
}

export function isCiphertext(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(`${FORMAT}:`);
}

function parseCiphertext(ciphertext: string): { kid: string; payload: Buffer } {
  const parts = ciphertext.split(':');
  if (parts.length !== 4 || `${parts[0]}:${parts[1]}` !== FORMAT || !KID_PATTERN.test(parts[2])) {
    throw new VaultError('vault_format_invalid', 'Not a Reelay ciphertext (expected enc:v1:<key version>:<data>).');
  }
  const payload = Buffer.from(parts[3], 'base64url');
  if (payload.length < NONCE_BYTES + TAG_BYTES) throw new VaultError('vault_format_invalid', 'Ciphertext is truncated.');
  return { kid: parts[2], payload };
}

function describeContext(associatedData: string): string {
  // Associated data is identifiers (account|connection|field), never secret; still, keep it short.
  return associatedData.length > 120 ? `${associatedData.slice(0, 117)}...` : associatedData;
}

/**
 * Parses `REELAY_ENCRYPTION_KEY`: `v2:BASE64,v1:BASE64` (current first) or one bare base64 key (= v1).
 * Whitespace around entries is ignored, so the value can be wrapped in a .env file.
 */
export function parseKeyRing(value: string): KeyRing {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (entries.length === 0) throw new VaultError('vault_key_invalid', 'REELAY_ENCRYPTION_KEY is empty.');
  const versions = entries.map((entry, index): KeyVersion => {
    const colon = entry.indexOf(':');
    if (colon < 0) {
      if (entries.length > 1) throw new VaultError('vault_key_invalid', `REELAY_ENCRYPTION_KEY entry ${index + 1} has no version: write "v1:BASE64".`);
      return { kid: 'v1', key: decodeKey(entry, 'v1') };
    }
    const kid = entry.slice(0, colon);
    return { kid, key: decodeKey(entry.slice(colon + 1), kid) };
  });
  return new KeyRing(versions);
}

function decodeKey(text: string, kid: string): Buffer {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new VaultError('vault_key_invalid', `Encryption key ${kid} is not base64.`);
  return Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
}

/** A fresh 32-byte key, formatted as one `REELAY_ENCRYPTION_KEY` entry. */
export function generateKeyEntry(kid: string): string {
  return `${kid}:${randomBytes(32).toString('base64')}`;
}

/** The ring from `REELAY_ENCRYPTION_KEY` (or the given value); undefined when unset. */
export function keyRingFromEnv(env: NodeJS.ProcessEnv = process.env): KeyRing | undefined {
  const value = env.REELAY_ENCRYPTION_KEY;
  return value && value.trim() ? parseKeyRing(value) : undefined;
}
