/** Two bridge instances on one store and one Redis agree at once, though each caches key rows and balances. */
import { startBridge, type TestBridge } from '../helpers/bridge';

describe.each(['sqlite', 'postgres'] as const)('two instances on %s', (db) => {
  let a: TestBridge;
  let b: TestBridge;
  beforeAll(async () => {
    a = await startBridge({ db });
    b = await a.startAnotherInstance();
  });
  afterAll(() => a.stop());

  test('revocation and scope changes made on one are seen by the other on its next request', async () => {
    const made = await a.request('POST', '/v2/keys', { key: a.primaryKey, body: { name: 'shared', role: 'render' } });
    const { key } = made.body;
    const id = made.body.apiKey.id;
    expect((await b.request('GET', '/v2/account', { key })).status).toBe(200);

    await a.request('PATCH', `/v2/keys/${id}`, { key: a.primaryKey, body: { scopes: ['movies:read'] } });
    expect((await b.request('GET', '/v2/account', { key })).status).toBe(403);

    await a.request('DELETE', `/v2/keys/${id}`, { key: a.primaryKey });
    const res = await b.request('GET', '/v2/account', { key });
    expect([res.status, res.body.code]).toEqual([401, 'revoked_api_key']);
  });

  test('a balance changed through one instance shows on the other at its next request', async () => {
    const balance = async (on: TestBridge) => (await on.request('GET', '/v2/auth/verify', { key: a.primaryKey })).body.credits;
    await a.services.credits.set(a.account.id, 10);
    expect([await balance(a), await balance(b)]).toEqual([10, 10]); // both cached now
    await b.services.credits.debit(a.account.id, 3);
    expect([await balance(a), await balance(b)]).toEqual([7, 7]);
    await a.services.credits.refund(a.account.id, 1);
    expect([await balance(b), await balance(a)]).toEqual([8, 8]);
  });

  test('the balance is served from the cache: an edit made outside Reelay shows once the generation moves', async () => {
    const balance = async () => (await a.request('GET', '/v2/account', { key: a.primaryKey })).body.account.credits;
    await a.services.credits.set(a.account.id, 50);
    expect(await balance()).toBe(50);
    await a.services.db.updateTable('accounts').set({ credits: 49 }).where('id', '=', a.account.id).execute(); // no bump
    expect(await balance()).toBe(50); // cached (for at most a minute)
    await a.services.generations.bump(a.services.generations.creditsKey(a.account.id));
    expect(await balance()).toBe(49);
  });

  test('a key revoked or a balance set by hand in the database is honoured within a minute', async () => {
    const made = await a.request('POST', '/v2/keys', { key: a.primaryKey, body: { name: 'by-hand', role: 'manager' } });
    const { key } = made.body;
    await a.services.credits.set(a.account.id, 20);
    expect((await a.request('GET', '/v2/account', { key })).body.account.credits).toBe(20); // both cached
    await a.services.db.updateTable('api_keys').set({ revoked_at: new Date().toISOString() }).where('id', '=', made.body.apiKey.id).execute();
    await a.services.db.updateTable('accounts').set({ credits: 19 }).where('id', '=', a.account.id).execute();
    expect((await a.request('GET', '/v2/account', { key })).status).toBe(200); // still cached
    expect((await a.request('GET', '/v2/account', { key: a.primaryKey })).body.account.credits).toBe(20);
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      const revoked = await a.request('GET', '/v2/account', { key });
      expect([revoked.status, revoked.body.code]).toEqual([401, 'revoked_api_key']);
      expect((await a.request('GET', '/v2/account', { key: a.primaryKey })).body.account.credits).toBe(19);
    } finally {
      clock.mockRestore();
    }
  });

  test('a Redis that lost its generation counters (restart without persistence) does not bring a revoked key back', async () => {
    const gens = a.services.generations;
    const made = await b.request('POST', '/v2/keys', { key: a.primaryKey, body: { name: 'restart', role: 'render' } });
    const { key } = made.body;
    await a.services.redis.del(gens.keysKey());
    expect((await a.request('GET', '/v2/account', { key })).status).toBe(200); // cached under the new counter
    await b.request('DELETE', `/v2/keys/${made.body.apiKey.id}`, { key: a.primaryKey });
    await a.services.redis.del(gens.keysKey()); // the counter is gone again, as after a restart
    const res = await a.request('GET', '/v2/account', { key });
    expect([res.status, res.body.code]).toEqual([401, 'revoked_api_key']);
  });
});

test('a missing generation counter starts from the clock, above any value it held before', async () => {
  const bridge = await startBridge();
  try {
    const gens = bridge.services.generations;
    const key = gens.creditsKey('acct_test');
    const first = BigInt(await gens.current(key));
    expect(first).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1000n); // microseconds of Redis' clock
    for (let i = 0; i < 5; i++) await gens.bump(key);
    const bumped = BigInt(await gens.current(key));
    expect(bumped).toBe(first + 5n);
    await bridge.services.redis.del(key);
    expect(BigInt(await gens.current(key))).toBeGreaterThan(bumped);
  } finally {
    await bridge.stop();
  }
});
