import { randomBytes } from 'node:crypto';
import {
  JOB_CONNECTIONS_CONTEXT,
  VaultError,
  fieldContext,
  generateKeyEntry,
  isCiphertext,
  keyVersionOf,
  open,
  parseKeyRing,
  seal,
} from '../../../renderer/src/vault';

const k1 = generateKeyEntry('v1');
const k2 = generateKeyEntry('v2');

describe('key ring', () => {
  it('encrypts with AES-256-GCM under the current (first) version and round-trips', () => {
    const ring = parseKeyRing(`${k2},${k1}`);
    expect(ring.currentKid).toBe('v2');
    const aad = fieldContext('acc_1', 'my-elevenlabs', 'apiKey');
    const ct = ring.encrypt('sk_live_secret', aad);
    expect(ct).toMatch(/^enc:v1:v2:[A-Za-z0-9_-]+$/);
    expect(ct).not.toContain('sk_live_secret');
    expect(ring.decrypt(ct, aad)).toBe('sk_live_secret');
    // Same plaintext, fresh nonce: ciphertexts never repeat.
    expect(ring.encrypt('sk_live_secret', aad)).not.toBe(ct);
  });

  it('binds the ciphertext to account, connection and field (associated data)', () => {
    const ring = parseKeyRing(k1);
    const ct = ring.encrypt('hunter2', fieldContext('acc_1', 'ftp-a', 'password'));
    for (const other of [fieldContext('acc_2', 'ftp-a', 'password'), fieldContext('acc_1', 'ftp-b', 'password'), fieldContext('acc_1', 'ftp-a', 'username')]) {
      expect(() => ring.decrypt(ct, other)).toThrow(expect.objectContaining({ code: 'vault_decrypt_failed' }));
    }
  });

  it('detects tampering', () => {
    const ring = parseKeyRing(k1);
    const ct = ring.encrypt('hunter2', 'a|b|c');
    const raw = Buffer.from(ct.split(':')[3], 'base64url');
    raw[14] ^= 1;
    const tampered = `enc:v1:v1:${raw.toString('base64url')}`;
    expect(() => ring.decrypt(tampered, 'a|b|c')).toThrow(VaultError);
  });

  it('reads old versions after a new one is prepended, and says which version a ciphertext needs', () => {
    const old = parseKeyRing(k1);
    const ct = old.encrypt('s', 'x');
    const rotated = parseKeyRing(`${k2},${k1}`);
    expect(rotated.decrypt(ct, 'x')).toBe('s');
    expect(rotated.needsRotation(ct)).toBe(true);
    expect(keyVersionOf(ct)).toBe('v1');
    expect(rotated.needsRotation(rotated.encrypt('s', 'x'))).toBe(false);
  });

  it('fails clearly when a key version in use is missing, without printing key material', () => {
    const ct = parseKeyRing(k1).encrypt('s', 'x');
    const onlyV2 = parseKeyRing(k2);
    let error: VaultError | undefined;
    try {
      onlyV2.decrypt(ct, 'x');
    } catch (e) {
      error = e as VaultError;
    }
    expect(error?.code).toBe('vault_key_missing');
    expect(error?.message).toContain('v1');
    expect(error?.message).toContain('REELAY_ENCRYPTION_KEY');
    expect(error?.message).not.toContain(k1.split(':')[1]);
    expect(() => onlyV2.assertCanDecrypt(['v2', 'v1', 'v0'])).toThrow(/v0, v1 are still in use/);
    expect(() => onlyV2.assertCanDecrypt(['v2'])).not.toThrow();
  });

  it('accepts a bare base64 key as v1 and rejects malformed rings', () => {
    const bare = randomBytes(32).toString('base64');
    expect(parseKeyRing(bare).currentKid).toBe('v1');
    expect(() => parseKeyRing('v1:' + randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => parseKeyRing(`${k1},${k1}`)).toThrow(/twice/);
    expect(() => parseKeyRing(`${bare},${k2}`)).toThrow(/no version/);
    expect(() => parseKeyRing('  ')).toThrow(/empty/);
  });

  it('rejects strings that are not ciphertexts', () => {
    const ring = parseKeyRing(k1);
    expect(isCiphertext('plain')).toBe(false);
    expect(() => ring.decrypt('plain', 'x')).toThrow(expect.objectContaining({ code: 'vault_format_invalid' }));
  });
});

describe('seal / open (job payloads)', () => {
  it('round-trips JSON and only opens under the same context', () => {
    const ring = parseKeyRing(`${k2},${k1}`);
    const value = { 'scenes[0].elements[1]': { type: 'elevenlabs', apiKey: 'sk_123' } };
    const sealed = seal(value, JOB_CONNECTIONS_CONTEXT, ring);
    expect(sealed).not.toContain('sk_123');
    expect(open(sealed, JOB_CONNECTIONS_CONTEXT, ring)).toEqual(value);
    expect(() => open(sealed, 'another-purpose', ring)).toThrow(VaultError);
  });
});
