/** Credits: atomic debit/refund on SQLite and PostgreSQL; 402 details; unlimited accounts. */
import { startBridge, type TestBridge } from '../helpers/bridge';
import { ApiError } from '../../bridge/src/errors';

describe.each(['sqlite', 'postgres'] as const)('credits on %s', (db) => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startBridge({ db });
  });
  afterAll(() => bridge.stop());

  test('50 concurrent debits of 1 against 10 succeed exactly 10 times', async () => {
    const { account } = await bridge.createAccount({ credits: 10 });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => bridge.services.credits.debit(account.id, 1)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(10);
    expect(failed).toHaveLength(40);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(ApiError);
      expect(f.reason).toMatchObject({ status: 402, code: 'insufficient_credits', details: { creditsNeeded: 1, creditsAvailable: 0, creditsShort: 1 } });
    }
    expect(await bridge.services.credits.balance(account.id)).toBe(0);
  });

  test('refund, short balance details, set and add', async () => {
    const c = bridge.services.credits;
    const { account } = await bridge.createAccount({ credits: 3 });
    expect(await c.debit(account.id, 2)).toBe(1);
    await expect(c.debit(account.id, 5)).rejects.toMatchObject({ status: 402, details: { creditsNeeded: 5, creditsAvailable: 1, creditsShort: 4 } });
    expect(await c.refund(account.id, 2)).toBe(3);
    await c.set(account.id, 100);
    expect(await c.add(account.id, -30)).toBe(70);
    expect(await c.add(account.id, -500)).toBe(0);
    const res = await bridge.request('GET', '/v2/account', { key: (await bridge.keyWithRole('render', { accountId: account.id })).key });
    expect(res.body.account.credits).toBe(0);
  });

  test('unlimited (null) balances never run out and stay unlimited', async () => {
    const c = bridge.services.credits;
    const { account } = await bridge.createAccount({ credits: null });
    expect(await c.debit(account.id, 1_000_000)).toBeNull();
    expect(await c.refund(account.id, 5)).toBeNull();
    expect(await c.add(account.id, 5)).toBeNull();
    await expect(c.debit('acct_missing', 1)).rejects.toMatchObject({ status: 404 });
  });
});
