/**
 * The API as JSON2Video workflows call it (compatibility issue): every request shape JSON2Video's API
 * answers (json2video.com/docs/v2/reference/api-endpoints/movies-create and movies-status) gets the
 * same answer here — a JSON body sent as text/plain or with no Content-Type (no-code raw-body
 * actions, `curl -d` without `-H`), the key in `x-api-key`, status polls on `/v2/movies/?project=`
 * with a trailing slash, `format=simple`, and list ranges named `date_start`/`date_end` (days or
 * instants).
 */
import { startBridge, type TestBridge } from '../helpers/bridge';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(() => bridge.stop());

const movie = { resolution: 'sd', scenes: [{ duration: 1, elements: [{ type: 'text', text: 'Hello' }] }] };

/** A request as a no-code tool sends it: the body's bytes and exactly the headers given. */
async function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  // A Buffer body: fetch adds no Content-Type of its own (a string body would be text/plain).
  const res = await fetch(bridge.url + path, { method, headers, body: body === undefined ? undefined : Buffer.from(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('bodies: JSON whatever the Content-Type says, as JSON2Video reads it', () => {
  test.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['text/plain; charset=utf-8', { 'content-type': 'text/plain; charset=utf-8' }],
    ['no Content-Type', {}],
    ['application/json', { 'content-type': 'application/json' }],
  ])('POST /v2/movies with %s renders', async (_name, headers) => {
    const res = await send('POST', '/v2/movies', { 'x-api-key': bridge.primaryKey, ...headers }, JSON.stringify(movie));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, project: expect.stringMatching(/^[A-Za-z0-9]{16}$/) });
    const status = await send('GET', `/v2/movies?project=${String(res.body!.project)}`, { 'x-api-key': bridge.primaryKey });
    expect(status.body).toMatchObject({ success: true, movie: { project: res.body!.project } });
  });

  test('validate and templates take the same bodies', async () => {
    const checked = await send('POST', '/v2/movies/validate', { 'x-api-key': bridge.primaryKey, 'content-type': 'text/plain' }, JSON.stringify(movie));
    expect(checked.body).toMatchObject({ valid: true, errors: [] });
    const saved = await send('POST', '/v2/templates', { 'x-api-key': bridge.primaryKey }, JSON.stringify({ name: 'plain', movie }));
    expect(saved.status).toBe(201);
  });

  test('the same checks as for application/json: bad JSON, forbidden keys, wrong movies, no key', async () => {
    const key = { 'x-api-key': bridge.primaryKey, 'content-type': 'text/plain' };
    expect(await send('POST', '/v2/movies', key, 'not json')).toMatchObject({ status: 400, body: { code: 'invalid_json' } });
    expect(await send('POST', '/v2/movies', key, '{"__proto__": {"x": 1}, "scenes": []}')).toMatchObject({ status: 400, body: { code: 'forbidden_key' } });
    const wrong = await send('POST', '/v2/movies', {}, JSON.stringify({ scenes: [{ elements: [{ type: 'nope' }] }] }));
    expect(wrong.status).toBe(401); // the key first: a body is read only for a caller with one
    const invalid = await send('POST', '/v2/movies', { 'x-api-key': bridge.primaryKey }, JSON.stringify({ scenes: [{ elements: [{ type: 'nope' }] }] }));
    expect(invalid).toMatchObject({ status: 400, body: { code: 'validation_error' } });
    // Other types stay what they are: a form is not a movie.
    const form = await send('POST', '/v2/movies', { 'x-api-key': bridge.primaryKey, 'content-type': 'application/x-www-form-urlencoded' }, 'a=1');
    expect(form).toMatchObject({ status: 400, body: { code: 'validation_error' } });
  });
});

describe('status polls and lists as JSON2Video documents them', () => {
  let project: string;
  beforeAll(async () => {
    project = String((await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: movie })).body.project);
  });

  test('GET /v2/movies/?project= (trailing slash, as in its API reference), ?id=, format=simple', async () => {
    for (const query of [`/v2/movies/?project=${project}`, `/v2/movies?id=${project}`, `/v2/movies?project=${project}&format=simple`]) {
      const res = await send('GET', query, { 'x-api-key': bridge.primaryKey });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, movie: { project, status: expect.any(String) }, remaining_quota: { time: expect.any(Number) } });
    }
  });

  test('list ranges: date_start/date_end as days or instants, the same as from/to', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const listed = async (q: string) => ((await send('GET', `/v2/movies?${q}`, { 'x-api-key': bridge.primaryKey })).body!.movies as { id: string }[]).map((m) => m.id);
    expect(await listed(`date_start=2020-01-01&date_end=${today}`)).toContain(project);
    expect(await listed(`from=2020-01-01&to=${today}`)).toContain(project);
    expect(await listed('date_start=2020-01-01&date_end=2020-01-02')).not.toContain(project);
    expect(await listed(`date_start=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}`)).toContain(project);
    const bad = await send('GET', '/v2/movies?date_start=yesterday', { 'x-api-key': bridge.primaryKey });
    expect(bad).toMatchObject({ status: 400, body: { code: 'validation_error' } });
  });

  test('a list without limit pages by 100, JSON2Video\'s default', async () => {
    const res = await send('GET', '/v2/movies', { 'x-api-key': bridge.primaryKey });
    expect(res.body).toMatchObject({ success: true, limit: 100 });
  });
});
