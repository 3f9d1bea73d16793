/**
 * Key format: `rly_` + 30 random base62 characters + a 6-character base62 CRC32 of those 30
 * (GitHub's token format). The checksum lets secret scanners recognise our keys offline and lets the
 * bridge reject typos and garbage before touching the database. Only SHA-256(key) is stored.
 */
import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { randomBase62, toBase62 } from '../ids';

export const KEY_PREFIX = 'rly_';
const SHAPE = /^rly_([0-9A-Za-z]{30})([0-9A-Za-z]{6})$/;
/** Loose shape used by log scanning and secret scanners. */
export const KEY_PATTERN = /rly_[0-9A-Za-z]{36}/g;

function checksum(body: string): string {
  return toBase62(crc32(body), 6);
}

export function generateKey(): string {
  const body = randomBase62(30);
  return `${KEY_PREFIX}${body}${checksum(body)}`;
}

export type KeyCheck = { ok: true } | { ok: false; reason: 'shape' | 'checksum' };

/** Offline check: shape then checksum. No I/O. */
export function checkKeyFormat(key: string): KeyCheck {
  const m = SHAPE.exec(key);
  if (!m) return { ok: false, reason: 'shape' };
  if (checksum(m[1]) !== m[2]) return { ok: false, reason: 'checksum' };
  return { ok: true };
}

export function hashKey(key: string): string {
  // one-shot hash: no Hash object per request (this runs on every authenticated request)
  return hash('sha256', key, 'hex');
}

/** `rly_AbCd…wxyz`: enough to recognise a key in a list, far too little to use it. */
export function displayPrefix(key: string): string {
  return `${key.slice(0, 8)}…${key.slice(-4)}`;
}
