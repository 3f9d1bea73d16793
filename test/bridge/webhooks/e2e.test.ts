/**
 * Webhooks through the whole product: `reelay start` (bridge + in-process renderer) as a real process,
 * movies posted over HTTP, rendered by ffmpeg, and the receiver on loopback getting signed movie.done /
 * movie.error events and JSON2Video's body on the movie's own exports webhook.
 */
import { createInstall, tinyMovie, type Install } from '../../e2e/harness';
import { Receiver, uniqueIds, verifies } from './receiver';

let install: Install;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await new Receiver().start();
  install = await createInstall({ REELAY_WEBHOOK_RETRY_SCHEDULE: '0.5,0.5,1,1' });
  await install.spawn('start');
}, 60_000);
afterAll(async () => {
  await receiver?.stop();
  await install?.stop();
});
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.respond = (r) => ({ status: r.path.startsWith('/missing') ? 404 : 204 });
});

const events = (type: string) => receiver.requests.filter((r) => r.path === '/events' && JSON.parse(r.body).type === type);

test('a render started by a key revoked meanwhile still notifies: signed movie.done, JSON2Video body on its exports webhook; a failed render sends movie.error', async () => {
  const sub = await install.api('POST', '/v2/webhooks', { body: { url: receiver.url('/events'), events: ['movie.done', 'movie.error'] } });
  expect(sub.status).toBe(201);
  const renderKey = await install.api('POST', '/v2/keys', { body: { name: 'zap', role: 'render' } });
  expect(renderKey.status).toBe(201);

  const movie = tinyMovie('hook', 1, {
    id: 'my-movie',
    'client-data': { order: 'A-7' },
    exports: [{ destinations: [{ type: 'webhook', endpoint: receiver.url('/j2v') }] }],
  });
  const posted = await install.api('POST', '/v2/movies', { key: renderKey.body.key, body: movie });
  expect(posted.status).toBe(200);
  expect((await install.api('DELETE', `/v2/keys/${renderKey.body.apiKey.id}`)).status).toBe(200);
  expect((await install.api('GET', '/v2/auth/verify', { key: renderKey.body.key })).status).toBe(401);

  const status = await install.waitFor(posted.body.project, ['done', 'error']);
  expect(status.status).toBe('done');
  await receiver.waitFor(() => events('movie.done').length === 1 && receiver.requests.some((r) => r.path === '/j2v'), 20_000);
  const done = events('movie.done')[0];
  expect(verifies(sub.body.secret, done)).toBe(true);
  expect(JSON.parse(done.body).data).toMatchObject({
    project: posted.body.project, id: 'my-movie', status: 'done', width: 160, height: 90, message: '', 'client-data': { order: 'A-7' },
    url: expect.stringContaining('/files/'), size: status.size,
  });
  const j2v = JSON.parse(receiver.requests.find((r) => r.path === '/j2v')!.body);
  expect(j2v).toMatchObject({ project: posted.body.project, id: 'my-movie', width: '160', height: '90', size: String(status.size), 'client-data': { order: 'A-7' } });
  // The download link in the event works.
  expect((await fetch(JSON.parse(done.body).data.url, { method: 'HEAD' })).status).toBe(200);

  const broken = tinyMovie('x', 1, { scenes: [{ duration: 1, elements: [{ type: 'image', src: receiver.url('/missing.png') }] }] });
  const failed = await install.api('POST', '/v2/movies', { body: broken });
  expect(failed.status).toBe(200);
  expect((await install.waitFor(failed.body.project, ['done', 'error'])).status).toBe('error');
  await receiver.waitFor(() => events('movie.error').length === 1, 20_000);
  const error = JSON.parse(events('movie.error')[0].body);
  expect(error.data).toMatchObject({ project: failed.body.project, status: 'error', url: null });
  expect(error.data.message).toMatch(/missing\.png|404/);

  // Both end-of-render events of the first movie are in the account's delivery log.
  const log = await install.api('GET', `/v2/webhooks/deliveries?project=${posted.body.project}`);
  expect(log.body.deliveries.map((d: { event: string; status: string; webhook: string | null }) => [d.event, d.status, d.webhook === null])).toEqual(
    expect.arrayContaining([['movie.done', 'succeeded', true], ['movie.done', 'succeeded', false]]),
  );
}, 90_000);

test('a saved webhook connection destination with inline headers: the inline header is sent with the saved ones it does not override', async () => {
  const saved = await install.api('POST', '/v2/connections', {
    body: { id: 'my-hook', type: 'webhook', endpoint: receiver.url('/saved-hook'), headers: { authorization: 'Bearer s3cret', 'x-inline': 'saved' } },
  });
  expect(saved.status).toBe(201);
  const movie = tinyMovie('hook', 1, { exports: [{ destinations: [{ id: 'my-hook', headers: { 'x-inline': 'v' } }] }] });
  const posted = await install.api('POST', '/v2/movies', { body: movie });
  expect(posted.status).toBe(200);
  expect((await install.waitFor(posted.body.project, ['done', 'error'])).status).toBe('done');
  await receiver.waitFor(() => receiver.requests.some((r) => r.path === '/saved-hook'), 20_000);
  const sent = receiver.requests.find((r) => r.path === '/saved-hook')!;
  expect(sent.headers).toMatchObject({ 'x-inline': 'v', authorization: 'Bearer s3cret' });
  expect(JSON.parse(sent.body)).toMatchObject({ project: posted.body.project });
}, 60_000);

test('50 concurrent renders: each movie.done delivered exactly once, every signature valid', async () => {
  const sub = await install.api('POST', '/v2/webhooks', { body: { url: receiver.url('/fifty'), events: ['movie.done'] } });
  const posted = await Promise.all(
    Array.from({ length: 50 }, (_, i) => install.api('POST', '/v2/movies', { body: tinyMovie(`m${i}`, 0.2, { 'client-data': { i } }) })),
  );
  expect(posted.every((p) => p.status === 200)).toBe(true);
  const projects = new Set(posted.map((p) => p.body.project as string));
  await receiver.waitFor((r) => r.filter((x) => x.path === '/fifty').length >= 50, 120_000);
  await new Promise((r) => setTimeout(r, 1500)); // late duplicates would arrive now
  const got = receiver.requests.filter((x) => x.path === '/fifty');
  expect(got).toHaveLength(50);
  expect(uniqueIds(got).size).toBe(50);
  expect(new Set(got.map((r) => JSON.parse(r.body).data.project))).toEqual(projects);
  expect(got.every((r) => verifies(sub.body.secret, r))).toBe(true);
}, 180_000);

test('a delivery waiting for its retry survives the bridge being killed and Redis being flushed: sent once after restart', async () => {
  const own = await createInstall({ REELAY_WEBHOOK_RETRY_SCHEDULE: '3,3' });
  try {
    const first = await own.spawn('start');
    const sub = await own.api('POST', '/v2/webhooks', { body: { url: receiver.url('/restart'), events: ['movie.done'] } });
    receiver.respond = (r) => ({ status: r.path === '/restart' ? 503 : 204 });
    const posted = await own.api('POST', '/v2/movies', { body: tinyMovie('restart', 0.5) });
    await receiver.waitFor((r) => r.some((x) => x.path === '/restart'), 60_000);
    // Once the failed attempt is recorded (a crash during an attempt is retried when its 20 s claim lapses)…
    for (let logged = false; !logged; await new Promise((r) => setTimeout(r, 50))) {
      const log = await own.api('GET', `/v2/webhooks/${sub.body.id}/deliveries`);
      logged = log.body.deliveries[0]?.status === 'pending' && log.body.deliveries[0]?.attempts === 1;
    }
    await first.kill('SIGKILL'); // …kill the bridge before the retry due in ~3 s: now only the store knows it
    await own.flushRedis();
    receiver.respond = () => ({ status: 204 });
    await own.spawn('start');
    await receiver.waitFor((r) => r.filter((x) => x.path === '/restart').length === 2, 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    const got = receiver.requests.filter((x) => x.path === '/restart');
    expect(got).toHaveLength(2);
    expect(uniqueIds(got).size).toBe(1);
    expect(JSON.parse(got[1].body).data.project).toBe(posted.body.project);
    expect(verifies(sub.body.secret, got[1])).toBe(true);
  } finally {
    await own.stop();
  }
}, 120_000);
