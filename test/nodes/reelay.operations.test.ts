/**
 * Unit tests of every operation of the Reelay node, run through n8n's engine against a fake base URL
 * answered by nock: the request sent (method, path, headers, body), the items returned, and how
 * errors are mapped. The live-bridge workflows are in reelay.workflows.test.ts.
 */
import nock from 'nock';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { reelayWorkflow, runWorkflow } from './helpers/n8n-engine';

const BASE = 'http://reelay.test';
const KEY = 'rly_unitTestKey000000000000000000abcdef';
const credentials = { '1': { baseUrl: `${BASE}/`, apiKey: KEY } };

async function run(parameters: IDataObject, items?: INodeExecutionData[], settings?: IDataObject) {
  const result = await runWorkflow(reelayWorkflow(parameters, items, settings), { credentials });
  return result;
}

async function output(parameters: IDataObject, items?: INodeExecutionData[]) {
  const result = await run(parameters, items);
  if (result.error) throw result.error;
  return result.output('Reelay');
}

const api = () => nock(BASE, { reqheaders: { 'x-api-key': KEY } });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe('movie', () => {
  const movie = { scenes: [{ elements: [{ type: 'text', text: 'hi' }] }] };

  it('render without waiting posts the movie with client-data and Idempotency-Key', async () => {
    let sent: unknown;
    api()
      .post('/v2/movies', (body) => ((sent = body), true))
      .matchHeader('idempotency-key', 'row-7')
      .reply(200, { success: true, project: 'p1', timestamp: '2026-11-23T00:00:00Z' });
    const items = await output({
      resource: 'movie',
      operation: 'render',
      source: 'json',
      movie: JSON.stringify(movie),
      waitForCompletion: false,
      options: { clientData: '{"row": 7}', idempotencyKey: '={{ "row-" + $json.row }}' },
    }, [{ json: { row: 7 } }]);
    expect(sent).toEqual({ ...movie, 'client-data': { row: 7 } });
    expect(items).toEqual([{ json: { success: true, project: 'p1', timestamp: '2026-11-23T00:00:00Z' }, pairedItem: { item: 0 } }]);
  });

  it('render and wait polls until done and downloads the MP4 as binary', async () => {
    api().post('/v2/movies').reply(200, { success: true, project: 'p2' });
    api().get('/v2/movies').query({ project: 'p2' }).reply(200, { success: true, movie: { status: 'running', progress: 40, project: 'p2' } });
    api()
      .get('/v2/movies')
      .query({ project: 'p2' })
      .reply(200, { success: true, movie: { status: 'done', progress: 100, project: 'p2', url: `${BASE}/files/p2.mp4?sig=x` } });
    api().get('/files/p2.mp4').query({ sig: 'x' }).reply(200, Buffer.from('fake-mp4-bytes'), { 'content-type': 'video/mp4' });
    const [item] = await output({
      resource: 'movie',
      operation: 'render',
      source: 'json',
      movie,
      waitForCompletion: true,
      download: true,
      binaryPropertyName: 'video',
      options: { pollInterval: 0.05 },
    });
    expect(item.json).toMatchObject({ status: 'done', project: 'p2' });
    expect(item.binary?.video).toMatchObject({ mimeType: 'video/mp4', fileName: 'p2.mp4', fileExtension: 'mp4' });
    expect(Buffer.from(item.binary!.video.data, 'base64').toString()).toBe('fake-mp4-bytes');
  });

  it('a download link on another host gets no API key', async () => {
    api().post('/v2/movies').reply(200, { success: true, project: 'p3' });
    api().get('/v2/movies').query({ project: 'p3' }).reply(200, { success: true, movie: { status: 'done', project: 'p3', url: 'http://cdn.test/p3.mp4' } });
    nock('http://cdn.test', { badheaders: ['x-api-key'] }).get('/p3.mp4').reply(200, Buffer.from('cdn'));
    const [item] = await output({ resource: 'movie', operation: 'render', source: 'json', movie, download: true, options: { pollInterval: 0.05 } });
    expect(Buffer.from(item.binary!.data.data, 'base64').toString()).toBe('cdn');
  });

  it('a failed render raises its message', async () => {
    api().post('/v2/movies').reply(200, { success: true, project: 'p4' });
    api().get('/v2/movies').query({ project: 'p4' }).reply(200, { success: true, movie: { status: 'error', project: 'p4', message: 'scenes[0].elements[0].src could not be fetched' } });
    const result = await run({ resource: 'movie', operation: 'render', source: 'json', movie, options: { pollInterval: 0.05 } });
    expect(result.error?.message).toBe('The render failed: scenes[0].elements[0].src could not be fetched');
  });

  it('gives up after the maximum wait', async () => {
    api().post('/v2/movies').reply(200, { success: true, project: 'p5' });
    api().get('/v2/movies').query({ project: 'p5' }).times(50).optionally().reply(200, { success: true, movie: { status: 'running', progress: 10 } });
    const result = await run({ resource: 'movie', operation: 'render', source: 'json', movie, maxWait: 1, options: { pollInterval: 0.1 } });
    expect(result.error?.message).toMatch(/did not finish within 1 s \(status running, 10%\)/);
    nock.cleanAll();
  });

  it('template render sends template id and mapped variables, uploads binaries first', async () => {
    let uploaded: unknown;
    let sent: unknown;
    api()
      .post('/v2/uploads', (body) => ((uploaded = body), true))
      .query({ name: 'a.png' })
      .matchHeader('content-type', 'image/png')
      .reply(201, { success: true, upload: { id: 'up1', url: "reelay://uploads/up1" } });
    api().post('/v2/movies', (body) => ((sent = body), true)).reply(200, { success: true, project: 'p6' });
    await output(
      {
        resource: 'movie',
        operation: 'render',
        source: 'template',
        template: { __rl: true, mode: 'id', value: 'tpl1' },
        variablesMode: 'map',
        variables: { mappingMode: 'defineBelow', value: { title: '={{ $json.title }}' }, matchingColumns: [], schema: [] },
        waitForCompletion: false,
        options: { binaryAssets: 'photo' },
      },
      [{ json: { title: 'Hello' }, binary: { photo: { data: Buffer.from('png!').toString('base64'), mimeType: 'image/png', fileName: 'a.png' } } }],
    );
    expect(uploaded).toBe('png!');
    expect(sent).toEqual({ template: 'tpl1', variables: { photo: "reelay://uploads/up1", title: 'Hello' } });
  });

  it('get status, get many (paginated) and delete', async () => {
    api().get('/v2/movies').query({ project: 'p7' }).reply(200, { success: true, movie: { status: 'pending', project: 'p7' } });
    expect((await output({ resource: 'movie', operation: 'getStatus', project: 'p7' }))[0].json).toEqual({ status: 'pending', project: 'p7' });

    api().get('/v2/movies').query({ status: 'done', limit: 3 }).reply(200, { success: true, movies: [{ project: 'a' }, { project: 'b' }], next_token: 't2' });
    api().get('/v2/movies').query({ status: 'done', limit: 1, next_token: 't2' }).reply(200, { success: true, movies: [{ project: 'c' }], next_token: 't3' });
    const many = await output({ resource: 'movie', operation: 'getMany', returnAll: false, limit: 3, filters: { status: 'done' } });
    expect(many.map((i) => i.json.project)).toEqual(['a', 'b', 'c']);

    api().delete('/v2/movies/p7').reply(200, { success: true });
    expect((await output({ resource: 'movie', operation: 'delete', project: 'p7' }))[0].json).toEqual({ project: 'p7', deleted: true, success: true });
  });
});

describe('template', () => {
  const tpl = { id: 'tpl1', name: 'Promo', movie: { scenes: [] }, variables: [{ name: 'title', required: true }] };

  it('create, get, update, delete, get variables, get many', async () => {
    let created: unknown;
    api().post('/v2/templates', (b) => ((created = b), true)).reply(201, { success: true, template: tpl });
    const [c] = await output({ resource: 'template', operation: 'create', name: 'Promo', movie: '{"scenes":[]}', additionalFields: { description: 'd' } });
    expect(created).toEqual({ name: 'Promo', movie: { scenes: [] }, description: 'd' });
    expect(c.json).toEqual(tpl);

    const locator = { __rl: true, mode: 'id', value: 'tpl1' };
    api().get('/v2/templates/tpl1').reply(200, { success: true, template: tpl });
    expect((await output({ resource: 'template', operation: 'get', template: locator }))[0].json).toEqual(tpl);

    let patched: unknown;
    api().put('/v2/templates/tpl1', (b) => ((patched = b), true)).reply(200, { success: true, template: { ...tpl, name: 'New' } });
    await output({ resource: 'template', operation: 'update', template: locator, updateFields: { name: 'New' } });
    expect(patched).toEqual({ name: 'New' });

    api().delete('/v2/templates/tpl1').reply(200, { success: true });
    expect((await output({ resource: 'template', operation: 'delete', template: locator }))[0].json).toMatchObject({ id: 'tpl1', deleted: true });

    api().get('/v2/templates/tpl1/variables').reply(200, { success: true, variables: tpl.variables });
    expect((await output({ resource: 'template', operation: 'getVariables', template: locator })).map((i) => i.json)).toEqual(tpl.variables);

    api().get('/v2/templates').reply(200, { success: true, templates: [tpl], nextCursor: 'c2' });
    api().get('/v2/templates').query({ cursor: 'c2' }).reply(200, { success: true, templates: [{ id: 'tpl2' }], nextCursor: null });
    expect((await output({ resource: 'template', operation: 'getMany', returnAll: true })).map((i) => i.json.id)).toEqual(['tpl1', 'tpl2']);
  });

  it('template variables that are not a JSON array are refused before any request', async () => {
    const result = await run({ resource: 'template', operation: 'create', name: 'x', movie: '{}', additionalFields: { variables: '{"title": 1}' } });
    expect(result.error?.message).toBe('"Variables" must be a JSON array');
  });

  it('update with no fields is refused before any request', async () => {
    const result = await run({ resource: 'template', operation: 'update', template: { __rl: true, mode: 'id', value: 'x' }, updateFields: {} });
    expect(result.error?.message).toBe('Choose at least one field to update');
  });
});

describe('connection', () => {
  it('create, get, get many, delete', async () => {
    let body: unknown;
    api().post('/v2/connections', (b) => ((body = b), true)).reply(201, { success: true, connection: { id: 'my-tts', type: 'elevenlabs', 'api-key': '••••' } });
    const [c] = await output({ resource: 'connection', operation: 'create', connectionId: 'my-tts', type: 'elevenlabs', fields: '{"api-key":"sk_123"}' });
    expect(body).toEqual({ id: 'my-tts', type: 'elevenlabs', 'api-key': 'sk_123' });
    expect(c.json).toEqual({ id: 'my-tts', type: 'elevenlabs', 'api-key': '••••' });
    api().get('/v2/connections/my-tts').reply(200, { success: true, connection: { id: 'my-tts' } });
    expect((await output({ resource: 'connection', operation: 'get', connectionId: 'my-tts' }))[0].json).toEqual({ id: 'my-tts' });
    api().get('/v2/connections').query({ limit: 50 }).reply(200, { success: true, connections: [{ id: 'a' }, { id: 'b' }] });
    expect(await output({ resource: 'connection', operation: 'getMany', returnAll: false, limit: 50 })).toHaveLength(2);
    api().delete('/v2/connections/my-tts').reply(200, { success: true });
    expect((await output({ resource: 'connection', operation: 'delete', connectionId: 'my-tts' }))[0].json).toMatchObject({ deleted: true });
  });
});

describe('API key', () => {
  const view = { id: 'key_1', name: 'ci', role: 'render', prefix: 'rly_AbCd…wxyz' };

  it('create returns the secret once, flattened with the key view', async () => {
    let body: unknown;
    api().post('/v2/keys', (b) => ((body = b), true)).reply(201, { success: true, key: 'rly_secret', apiKey: view });
    const [item] = await output({ resource: 'apiKey', operation: 'create', name: 'ci', permission: 'role', role: 'render', expiresAt: '2027-01-01T00:00:00Z' });
    expect(body).toEqual({ name: 'ci', role: 'render', expiresAt: '2027-01-01T00:00:00.000Z' });
    expect(item.json).toEqual({ ...view, key: 'rly_secret' });
  });

  it('create with custom scopes sends scopes only', async () => {
    let body: unknown;
    api().post('/v2/keys', (b) => ((body = b), true)).reply(201, { success: true, key: 'rly_s', apiKey: view });
    await output({ resource: 'apiKey', operation: 'create', name: 'ro', permission: 'scopes', scopes: ['movies:read'] });
    expect(body).toEqual({ name: 'ro', scopes: ['movies:read'] });
  });

  it('get many, update, roll with grace, revoke', async () => {
    api().get('/v2/keys').reply(200, { success: true, keys: [view], nextCursor: null });
    expect((await output({ resource: 'apiKey', operation: 'getMany', returnAll: true }))[0].json).toEqual(view);
    let patch: unknown;
    api().patch('/v2/keys/key_1', (b) => ((patch = b), true)).reply(200, { success: true, apiKey: { ...view, role: 'editor' } });
    await output({ resource: 'apiKey', operation: 'update', keyId: 'key_1', updateFields: { role: 'editor' } });
    expect(patch).toEqual({ role: 'editor' });
    let roll: unknown;
    api().post('/v2/keys/key_1/roll', (b) => ((roll = b), true)).reply(201, { success: true, key: 'rly_new', apiKey: { ...view, id: 'key_2' }, previous: { id: 'key_1', expiresAt: 'later' } });
    const [rolled] = await output({ resource: 'apiKey', operation: 'roll', keyId: 'key_1', graceSeconds: 60 });
    expect(roll).toEqual({ graceSeconds: 60 });
    expect(rolled.json).toMatchObject({ id: 'key_2', key: 'rly_new', previous: { id: 'key_1' } });
    api().delete('/v2/keys/key_2').reply(200, { success: true, apiKey: { id: 'key_2', status: 'revoked' } });
    expect((await output({ resource: 'apiKey', operation: 'revoke', keyId: 'key_2' }))[0].json).toMatchObject({ id: 'key_2', revoked: true });
  });
});

describe('upload and account', () => {
  it('uploads an item binary as the raw body', async () => {
    let seen: string | undefined;
    api()
      .post('/v2/uploads', (b) => ((seen = b), true))
      .query({ name: 'v.mp3' })
      .matchHeader('content-type', 'audio/mpeg')
      .reply(201, { success: true, upload: { id: 'u1', url: 'http://x/u1' } });
    const [item] = await output({ resource: 'upload', operation: 'upload', binaryPropertyName: 'sound' }, [
      { json: {}, binary: { sound: { data: Buffer.from('ID3').toString('base64'), mimeType: 'audio/mpeg', fileName: 'v.mp3' } } },
    ]);
    expect(seen).toBe('ID3');
    expect(item.json).toEqual({ id: 'u1', url: 'http://x/u1' });
  });

  it('a missing binary field is a clear error', async () => {
    const result = await run({ resource: 'upload', operation: 'upload', binaryPropertyName: 'nope' });
    expect(result.error?.message).toMatch(/nope/);
  });

  it('account get unwraps the account', async () => {
    api().get('/v2/account').reply(200, { success: true, account: { id: 'acc', credits: 12 } });
    expect((await output({ resource: 'account', operation: 'get' }))[0].json).toEqual({ id: 'acc', credits: 12 });
  });
});

describe('errors', () => {
  const render = { resource: 'movie', operation: 'render', source: 'json', movie: '{}', waitForCompletion: false };
  const fail = (status: number, body: IDataObject, headers?: Record<string, string>) =>
    api().post('/v2/movies').reply(status, { success: false, requestId: 'req_1', ...body }, headers);

  it('401 tells which credential to fix', async () => {
    fail(401, { error: 'unknown API key', code: 'unknown_api_key' });
    const { error } = await run(render);
    expect(error?.message).toBe('Reelay rejected the API key (unknown_api_key)');
    expect(error?.description).toMatch(/"Reelay API" credential .*\nRequest ID: req_1$/s);
  });

  it('403 names the missing scope', async () => {
    fail(403, { error: 'this key lacks movies:create', code: 'insufficient_scope', details: { missingScope: 'movies:create' } });
    const { error } = await run(render);
    expect(error?.message).toBe('The API key lacks the scope "movies:create"');
  });

  it('402 shows credits needed and available', async () => {
    fail(402, { error: 'not enough credits', code: 'insufficient_credits', details: { creditsNeeded: 30, creditsAvailable: 4, creditsShort: 26 } });
    const { error } = await run(render);
    expect(error?.message).toBe('Not enough Reelay credits: this needs 30, 4 available');
  });

  it('validation errors list their JSON paths', async () => {
    fail(400, {
      error: 'the movie is invalid',
      code: 'validation_error',
      details: [
        { path: 'scenes[0].elements[1].src', message: 'required', in: 'body' },
        { path: 'resolution', message: 'unknown preset', in: 'body' },
      ],
    });
    const { error } = await run(render);
    expect(error?.message).toBe('Reelay refused the request: scenes[0].elements[1].src: required (+1 more)');
    expect(error?.description).toContain('resolution: unknown preset');
  });

  it('429 waits Retry-After and retries, then succeeds', async () => {
    fail(429, { error: 'slow down', code: 'rate_limited' }, { 'Retry-After': '0' });
    fail(429, { error: 'slow down', code: 'rate_limited' }, { 'Retry-After': '0' });
    api().post('/v2/movies').reply(200, { success: true, project: 'p9' });
    expect((await output(render))[0].json.project).toBe('p9');
  });

  it('429 gives up after a bounded number of retries', async () => {
    for (let i = 0; i < 4; i++) fail(429, { error: 'slow down', code: 'rate_limited' }, { 'Retry-After': '0' });
    const { error } = await run(render);
    expect(error?.message).toBe('Reelay kept rate-limiting the request');
  });

  it('an unreachable bridge says so', async () => {
    nock.enableNetConnect('127.0.0.1');
    const result = await runWorkflow(reelayWorkflow(render), { credentials: { '1': { baseUrl: 'http://127.0.0.1:9', apiKey: KEY } } });
    expect(result.error?.message).toBe('Could not reach Reelay at http://127.0.0.1:9');
    nock.disableNetConnect();
  });

  it('continueOnFail turns each failing item into an error item, paired with its input', async () => {
    fail(403, { error: 'no', code: 'insufficient_scope', details: { missingScope: 'movies:create' } });
    api().post('/v2/movies').reply(200, { success: true, project: 'ok' });
    const result = await run(render, [{ json: { n: 1 } }, { json: { n: 2 } }], { onError: 'continueRegularOutput' });
    expect(result.error).toBeUndefined();
    expect(result.output('Reelay')).toEqual([
      {
        json: expect.objectContaining({ error: 'The API key lacks the scope "movies:create"', httpCode: '403', code: 'insufficient_scope', requestId: 'req_1' }),
        pairedItem: { item: 0 },
      },
      { json: { success: true, project: 'ok' }, pairedItem: { item: 1 } },
    ]);
  });
});
