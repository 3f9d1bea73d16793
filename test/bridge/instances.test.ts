/** Two bridge instances on one store and one Redis agree at once (no per-instance key cache). */
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
});
