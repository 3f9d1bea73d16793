/**
 * Rate limits: a token bucket per key and endpoint class in Redis. Here "read" is 6/min with a burst
 * of 3, so a token comes back every 10 s: counts, headers and Retry-After are exact.
 */
import { startBridge, type TestBridge } from '../helpers/bridge';
import { generateKey } from '../../bridge/src/keys/format';

let bridge: TestBridge;
let second: TestBridge;
beforeAll(async () => {
  bridge = await startBridge({ env: { REELAY_RATE_LIMIT_READ: '6/3', REELAY_RATE_LIMIT_KEYS: '6/2', REELAY_AUTH_FAILURE_LIMIT: '6/3' } });
  second = await bridge.startAnotherInstance();
});
afterAll(() => bridge.stop());

test('burst, headers and an integer Retry-After, shared by every instance', async () => {
  const { key } = await bridge.keyWithRole('manager');
  const seen: Array<[number, string | null, string | null, string | null, string | null]> = [];
  const started = Math.floor(Date.now() / 1000);
  for (const target of [bridge, second, bridge]) {
    const res = await target.request('GET', '/v2/account', { key });
    expect(res.status).toBe(200);
    seen.push([res.status, res.headers.get('x-ratelimit-limit'), res.headers.get('x-ratelimit-remaining'), res.headers.get('ratelimit-policy'), res.headers.get('ratelimit')]);
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(started);
    expect(reset).toBeLessThanOrEqual(started + 31);
  }
  expect(seen).toEqual([
    [200, '3', '2', '"read";q=3;w=30', '"read";r=2;t=10'],
    [200, '3', '1', '"read";q=3;w=30', '"read";r=1;t=20'],
    [200, '3', '0', '"read";q=3;w=30', '"read";r=0;t=30'],
  ]);
  const limited = await second.request('GET', '/v2/account', { key });
  expect(limited.status).toBe(429);
  expect(limited.body).toMatchObject({ success: false, code: 'rate_limited', details: { rateClass: 'read', retryAfter: 10 } });
  expect(limited.headers.get('retry-after')).toBe('10');
  expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');

  // another class has its own bucket; so does another key
  const keys = await bridge.request('GET', '/v2/keys', { key: bridge.primaryKey });
  expect(keys.status).toBe(200);
  const other = await bridge.keyWithRole('render');
  expect((await bridge.request('GET', '/v2/account', { key: other.key })).headers.get('x-ratelimit-remaining')).toBe('2');
  // key management has its own limits (6/min, burst 2)
  const writes = [];
  for (let i = 0; i < 3; i++) writes.push((await bridge.request('POST', '/v2/keys', { key: bridge.primaryKey, body: { name: `w${i}`, role: 'render' } })).status);
  expect(writes).toEqual([201, 201, 429]);
});

test('a 403 still counts and carries the headers', async () => {
  const { key } = await bridge.keyWithScopes(['movies:read']);
  const res = await bridge.request('GET', '/v2/account', { key });
  expect(res.status).toBe(403);
  expect(res.headers.get('x-ratelimit-remaining')).toBe('2');
});

test('failed authentications are limited per client address', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await bridge.request('GET', '/v2/account', { key: generateKey() })).status);
  expect(statuses).toEqual([401, 401, 401, 429]);
  const res = await second.request('GET', '/v2/account', { key: 'rly_garbage' });
  expect(res.status).toBe(429);
  expect(res.body.code).toBe('auth_rate_limited');
  expect(res.headers.get('retry-after')).toBe('10');
  // a valid key from the same address still works
  const { key } = await bridge.keyWithRole('render');
  expect((await bridge.request('GET', '/v2/account', { key })).status).toBe(200);
});
