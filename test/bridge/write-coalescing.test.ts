/**
 * Admission commands share socket writes to Redis only when replies are pending
 * (bridge/src/limits/write-coalescing.ts). Writes are counted where the socket hands them to the
 * kernel: each `_write` or `_writev` call on ioredis' socket is one system call.
 */
import type { Socket } from 'node:net';
import { startBridge, type TestBridge } from '../helpers/bridge';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(() => bridge.stop());

/** Counts the socket's writes to the kernel while `work` runs. */
async function countWrites<T>(work: () => Promise<T>): Promise<{ writes: number; result: T }> {
  const socket = bridge.services.redis.stream as Socket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const { _write, _writev } = socket;
  let writes = 0;
  socket._write = (...a) => {
    writes++;
    _write.apply(socket, a);
  };
  socket._writev = (...a) => {
    writes++;
    _writev.apply(socket, a);
  };
  try {
    const result = await work();
    return { writes, result };
  } finally {
    socket._write = _write;
    socket._writev = _writev;
  }
}

const rule = { perMinute: 60, burst: 100 };
const admit = (keyId: string) => bridge.services.rateLimiter.admit(keyId, 'acct_coalesce', 'read', rule, '127.0.0.1');

test('a lone admission is written at once, without waiting for the next loop turn', async () => {
  const { writes } = await countWrites(async () => {
    const pending = admit('key_lone');
    expect(bridge.services.redis.stream.writableCorked).toBe(0);
    const decision = await pending;
    expect(decision).toMatchObject({ allowed: true, remaining: 99 });
  });
  expect(writes).toBe(1);
  // one after the other: nothing is pending, so each goes out alone
  expect((await countWrites(async () => { for (let i = 0; i < 3; i++) await admit('key_lone'); })).writes).toBe(3);
});

test('admissions sent while a reply is pending leave in one write, each counted exactly once', async () => {
  const { writes, result } = await countWrites(() => Promise.all(Array.from({ length: 8 }, () => admit('key_burst'))));
  // the first goes out at once; the seven sent while its reply was pending share one writev
  expect(writes).toBe(2);
  expect(result.map((d) => d.remaining).sort((a, b) => a - b)).toEqual([92, 93, 94, 95, 96, 97, 98, 99]);
  expect(result.every((d) => d.allowed)).toBe(true);
  expect(bridge.services.redis.stream.writableCorked).toBe(0);
});

test('a connection lost while admissions wait in the corked socket: each is answered after the reconnect', async () => {
  const redis = bridge.services.redis;
  const first = admit('key_drop');
  const held = Array.from({ length: 4 }, () => admit('key_drop'));
  expect(redis.stream.writableCorked).toBe(1);
  const lost = redis.stream;
  lost.destroy(); // before the loop turn ends: the held commands never reached Redis
  const decisions = await Promise.all([first, ...held]);
  expect(redis.stream).not.toBe(lost);
  expect(decisions.every((d) => d.allowed)).toBe(true);
  // ioredis sends unanswered commands again on the new connection; the first may have been counted
  // before the drop and then again, never less than once
  const after = await admit('key_drop');
  expect(after.remaining).toBeLessThanOrEqual(100 - 6);
  expect(redis.stream.writableCorked).toBe(0);
});
