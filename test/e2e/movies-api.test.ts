/**
 * /v2/movies, /v2/templates, /v2/uploads and /files against a real bridge (SQLite, Redis, real
 * storage), without a renderer: what the bridge decides before and after rendering. Completion is
 * driven through the same event handler the `render-events` consumer runs, with a real file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyRenderEvent } from '../../bridge/src/renders/events';
import { reenqueueLostRenders } from '../../bridge/src/renders/reconcile';
import { sweepExpiredRenders } from '../../bridge/src/renders/retention';
import { startBridge, type TestBridge } from '../helpers/bridge';

/** Path and query of a link (signed links carry their JWT in `?sig=`). */
const pathOf = (link: string) => {
  const u = new URL(link);
  return u.pathname + u.search;
};

const tiny = (text = 'hi', extra: Record<string, unknown> = {}) => ({
  resolution: 'custom',
  width: 160,
  height: 90,
  scenes: [{ duration: 1, elements: [{ type: 'text', text }] }],
  ...extra,
});

// The same suite on both stores: SQLite (the default) and PostgreSQL (DATABASE_URL).
describe.each(['sqlite', 'postgres'] as const)('%s store', (dialect) => {
  let bridge: TestBridge;
  let png: Buffer;

  beforeAll(async () => {
    bridge = await startBridge({ db: dialect, credits: 100, env: { REELAY_UPLOAD_QUOTA_BYTES: '200000' } });
    const file = path.join(os.tmpdir(), `reelay-api-${process.pid}.png`);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=blue:s=32x18', '-frames:v', '1', file]);
    png = readFileSync(file);
    rmSync(file);
  });
  afterAll(() => bridge.stop());

  /** Finishes a render the way the renderer would: a real mp4 in its output dir, then a done event. */
  async function finish(project: string, seconds = 1) {
    const row = await bridge.services.db.selectFrom('renders').selectAll().where('project', '=', project).executeTakeFirstOrThrow();
    const dir = bridge.services.pipeline.storage.localPath(bridge.services.pipeline.prefixOf(row))!;
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'movie.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=red:s=160x90:d=${seconds}`, '-pix_fmt', 'yuv420p', file]);
    const poster = path.join(dir, 'movie.jpg');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', file, '-frames:v', '1', poster]);
    await applyRenderEvent(bridge.services, { project, type: 'running', at: new Date().toISOString() });
    await applyRenderEvent(bridge.services, {
      project,
      type: 'done',
      at: new Date().toISOString(),
      result: { file, poster, duration: seconds, size: 1000, width: 160, height: 90, fps: 25, renderingTime: 500, format: 'mp4' },
    });
  }

  const credits = async () => (await bridge.services.credits.balance(bridge.account.id)) as number;

  describe('POST /v2/movies', () => {
    test('answers a 16-character project; status pending; credits debited by the documented cost', async () => {
      const before = await credits();
      const res = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('a', { scenes: [{ duration: 2, elements: [] }] }) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, project: expect.stringMatching(/^[A-Za-z0-9]{16}$/), timestamp: expect.any(String), warnings: [] });
      expect(await credits()).toBe(before - 2);
      const st = await bridge.request('GET', `/v2/movies?project=${res.body.project}`, { key: bridge.primaryKey });
      expect(st.status).toBe(200);
      expect(st.body.movie).toMatchObject({ status: 'pending', project: res.body.project, progress: 0, url: null, credits: 2 });
      const job = await bridge.services.pipeline.queue.getJob(res.body.project);
      expect(job?.data.project).toBe(res.body.project);
      // JSON2Video workflows poll with ?id=: the same status, not the list.
      const byId = await bridge.request('GET', `/v2/movies?id=${res.body.project}`, { key: bridge.primaryKey });
      expect(byId.status).toBe(200);
      expect(byId.body.movie).toEqual(st.body.movie);
      // remaining_quota as JSON2Video clients read it: time (= credits here), movies and drafts.
      const left = await credits();
      expect(st.body.remaining_quota).toEqual({ credits: left, time: left, movies: 2147483647, drafts: 2147483647 });
      const list = await bridge.request('GET', '/v2/movies?limit=5', { key: bridge.primaryKey });
      expect(list.body).toMatchObject({ limit: 5, remaining_quota: { credits: left, time: left } });
    });

    test('every problem with its JSON path', async () => {
      const res = await bridge.request('POST', '/v2/movies', {
        key: bridge.primaryKey,
        body: { scenes: [{ elements: [{ type: 'video' }, { type: 'text', text: 'x', position: 'nowhere' }] }] },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_error');
      const paths = res.body.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['scenes[0].elements[0].src', 'scenes[0].elements[1].position']));
      expect((await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: {} })).status).toBe(400);
    });

    test('402 when credits are short, nothing stored', async () => {
      const poor = await bridge.createAccount({ credits: 1 });
      const res = await bridge.request('POST', '/v2/movies', { key: poor.primaryKey, body: tiny('x', { scenes: [{ duration: 5, elements: [] }] }) });
      expect(res.status).toBe(402);
      expect(res.body.details).toEqual({ creditsNeeded: 5, creditsAvailable: 1, creditsShort: 4 });
      const rows = await bridge.services.db.selectFrom('renders').select('project').where('account_id', '=', poor.account.id).execute();
      expect(rows).toEqual([]);
    });

    test('Idempotency-Key: same body → same project, charged once; other body → 422', async () => {
      const before = await credits();
      const headers = { 'Idempotency-Key': `k-${Date.now()}` };
      const a = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('idem'), headers });
      const b = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('idem'), headers });
      expect(a.status).toBe(200);
      expect(b.body.project).toBe(a.body.project);
      expect(await credits()).toBe(before - 1);
      const c = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('other'), headers });
      expect(c.status).toBe(422);
      expect(c.body.code).toBe('idempotency_conflict');
    });

    test('concurrent requests with one Idempotency-Key render once', async () => {
      const before = await credits();
      const headers = { 'Idempotency-Key': `race-${Date.now()}` };
      const all = await Promise.all(Array.from({ length: 5 }, () => bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('race'), headers })));
      expect(new Set(all.map((r) => r.body.project)).size).toBe(1);
      expect(await credits()).toBe(before - 1);
    });

    test('forbidden asset URLs are refused with their path', async () => {
      const strict = await startBridge({ db: dialect, env: { REELAY_ALLOW_PRIVATE_URLS: 'false' } });
      try {
        const res = await strict.request('POST', '/v2/movies', {
          key: strict.primaryKey,
          body: tiny('x', {
            scenes: [{ duration: 1, elements: [{ type: 'image', src: 'http://169.254.169.254/latest/meta-data' }, { type: 'audio', src: 'http://localhost:6379/' }, { type: 'image', src: 'file:///etc/passwd' }] }],
          }),
        });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('forbidden_url');
        expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(['scenes[0].elements[0].src', 'scenes[0].elements[1].src', 'scenes[0].elements[2].src']);
      } finally {
        await strict.stop();
      }
    });
  });

  describe('completion, status, files, cache, delete', () => {
    test('done: signed URL downloads with ranges; surplus refunded; cache hit is free and immediate', async () => {
      const body = tiny('cache-me', { scenes: [{ elements: [{ type: 'text', text: 'x', duration: -1 }] }], 'client-data': { order: 7 } });
      const before = await credits();
      const res = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body });
      expect(await credits()).toBe(before - 10); // unknown length: estimated 10 s
      await finish(res.body.project, 1);
      expect(await credits()).toBe(before - 1); // real length 1 s: 9 refunded
      const st = await bridge.request('GET', `/v2/movies?project=${res.body.project}`, { key: bridge.primaryKey });
      expect(st.body.movie).toMatchObject({ status: 'done', progress: 100, width: 160, height: 90, duration: 1, credits: 1, 'client-data': { order: 7 } });
      const url = new URL(st.body.movie.url);
      expect(st.body.movie.rendering_time).toBe(0.5);
      const poster = await fetch(bridge.url + pathOf(st.body.movie.poster));
      expect(poster.headers.get('content-type')).toBe('image/jpeg');
      expect(url.pathname).toBe('/files/movie.mp4');
      expect(url.searchParams.get('sig')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const whole = await fetch(bridge.url + pathOf(url.href));
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-type')).toBe('video/mp4');
      const size = (await whole.arrayBuffer()).byteLength;
      const part = await fetch(bridge.url + pathOf(url.href), { headers: { Range: 'bytes=0-99' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 0-99/${size}`);
      // The link is a capability: request logs record paths only, never its signature.
      expect(bridge.logs.some((l) => l.includes(url.searchParams.get('sig')!))).toBe(false);
      expect(bridge.logs.some((l) => l.includes('/files/movie.mp4'))).toBe(true);

      const again = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: { ...body, 'client-data': { order: 8 } } });
      const st2 = await bridge.request('GET', `/v2/movies?project=${again.body.project}`, { key: bridge.primaryKey });
      expect(st2.body.movie).toMatchObject({ status: 'done', cached: true, credits: 0, 'client-data': { order: 8 } });
      expect(await credits()).toBe(before - 1);
      const noCache = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: { ...body, cache: false } });
      expect((await bridge.request('GET', `/v2/movies?project=${noCache.body.project}`, { key: bridge.primaryKey })).body.movie.status).toBe('pending');
      // An FTP/SFTP/email export is delivered only by a real render, so it bypasses the cache.
      const withExport = { ...body, exports: [{ destinations: [{ type: 'ftp', host: '127.0.0.1', port: 1, username: 'u', password: 'p' }] }] };
      const exported = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: withExport });
      expect(exported.status).toBe(200);
      expect((await bridge.request('GET', `/v2/movies?project=${exported.body.project}`, { key: bridge.primaryKey })).body.movie.status).toBe('pending');

      // Deleting the original leaves the cached copy playable.
      const del = await bridge.request('DELETE', `/v2/movies/${res.body.project}`, { key: bridge.primaryKey });
      expect(del.body).toMatchObject({ result: 'deleted' });
      expect((await fetch(bridge.url + pathOf(url.href))).status).toBe(404);
      expect((await fetch(bridge.url + pathOf(st2.body.movie.url))).status).toBe(200);
    });

    test('a done render whose export destination failed says so in its message', async () => {
      const res = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('exports', { cache: false }) });
      const row = await bridge.services.db.selectFrom('renders').selectAll().where('project', '=', res.body.project).executeTakeFirstOrThrow();
      const dir = bridge.services.pipeline.storage.localPath(bridge.services.pipeline.prefixOf(row))!;
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'movie.mp4');
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=red:s=160x90:d=1', '-pix_fmt', 'yuv420p', file]);
      await applyRenderEvent(bridge.services, {
        project: res.body.project,
        type: 'done',
        at: new Date().toISOString(),
        result: {
          file, poster: file, duration: 1, size: 1, width: 160, height: 90, fps: 25, renderingTime: 10, format: 'mp4',
          exports: [{ type: 'ftp', id: 'my-ftp', status: 'error', message: '530 login incorrect' }, { type: 'email', status: 'done' }],
        },
      });
      const st = await bridge.request('GET', `/v2/movies?project=${res.body.project}`, { key: bridge.primaryKey });
      expect(st.body.movie).toMatchObject({ status: 'done', message: "export to ftp 'my-ftp' failed: 530 login incorrect" });
    });

    test('an error event refunds; DELETE of a pending render cancels and refunds', async () => {
      const before = await credits();
      const a = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('fail', { cache: false }) });
      await applyRenderEvent(bridge.services, { project: a.body.project, type: 'error', at: new Date().toISOString(), message: 'Scene #1, element #1: broken', code: 'asset_failed' });
      await applyRenderEvent(bridge.services, { project: a.body.project, type: 'error', at: new Date().toISOString(), message: 'again' });
      expect(await credits()).toBe(before);
      const st = await bridge.request('GET', `/v2/movies?project=${a.body.project}`, { key: bridge.primaryKey });
      // The renderer's stable code next to the message (JSON2Video clients read message; code is Reelay's).
      expect(st.body.movie).toMatchObject({ status: 'error', message: 'Scene #1, element #1: broken', code: 'asset_failed', credits: 0 });

      const b = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('cancel', { cache: false }) });
      expect(await credits()).toBe(before - 1);
      const del = await bridge.request('DELETE', `/v2/movies/${b.body.project}`, { key: bridge.primaryKey });
      expect(del.body).toMatchObject({ success: true, result: 'cancelled', refunded: 1 });
      expect(await credits()).toBe(before);
      expect(await bridge.services.pipeline.queue.getJob(b.body.project)).toBeNull();
      expect((await bridge.request('GET', `/v2/movies?project=${b.body.project}`, { key: bridge.primaryKey })).body.movie).toMatchObject({ status: 'error', code: 'cancelled' });
      // An error without a code from the renderer (an older one) is 'internal'.
      const c = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('uncoded', { cache: false }) });
      await applyRenderEvent(bridge.services, { project: c.body.project, type: 'error', at: new Date().toISOString(), message: 'boom' });
      expect((await bridge.request('GET', `/v2/movies?project=${c.body.project}`, { key: bridge.primaryKey })).body.movie).toMatchObject({ code: 'internal' });
    });
  });

  describe('retention and re-enqueue', () => {
    test('files of renders ended more than REELAY_RETENTION_DAYS ago are removed; the row stays', async () => {
      const res = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('old', { cache: false }) });
      await finish(res.body.project);
      const st = await bridge.request('GET', `/v2/movies?project=${res.body.project}`, { key: bridge.primaryKey });
      const link = pathOf(st.body.movie.url);
      const { services } = bridge;
      expect(await sweepExpiredRenders({ db: services.db, storage: services.pipeline.storage, retentionDays: 7 })).toBe(0);
      const in8Days = Date.now() + 8 * 24 * 3600 * 1000;
      expect(await sweepExpiredRenders({ db: services.db, storage: services.pipeline.storage, retentionDays: 7, now: in8Days })).toBeGreaterThan(0);
      expect((await fetch(bridge.url + link)).status).toBe(404);
      const after = await bridge.request('GET', `/v2/movies?project=${res.body.project}`, { key: bridge.primaryKey });
      expect(after.body.movie).toMatchObject({ status: 'done', url: null, message: expect.stringContaining('removed') });
    });

    test('a pending render Redis lost is queued again by the sweep', async () => {
      const res = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('lost', { cache: false }) });
      const { services } = bridge;
      await (await services.pipeline.queue.getJob(res.body.project))!.remove();
      expect(await reenqueueLostRenders(services, Date.now() + 60_000)).toContain(res.body.project);
      expect((await services.pipeline.queue.getJob(res.body.project))?.data.project).toBe(res.body.project);
      expect(await reenqueueLostRenders(services, Date.now() + 60_000)).not.toContain(res.body.project);
    });
  });

  describe('listing', () => {
    test('newest first, paginated, status filter, id on each item', async () => {
      const acct = await bridge.createAccount({ credits: null });
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await bridge.request('POST', '/v2/movies', { key: acct.primaryKey, body: tiny(`list ${i}`) })).body.project);
      const p1 = await bridge.request('GET', '/v2/movies?limit=2', { key: acct.primaryKey });
      expect(p1.body).toMatchObject({ success: true, count: 2, has_next: true });
      expect(p1.body.movies.map((m: { id: string }) => m.id)).toEqual([made[4], made[3]]);
      const p2 = await bridge.request('GET', `/v2/movies?limit=2&next_token=${p1.body.next_token}`, { key: acct.primaryKey });
      const p3 = await bridge.request('GET', `/v2/movies?limit=2&next_token=${p2.body.next_token}`, { key: acct.primaryKey });
      expect([...p2.body.movies, ...p3.body.movies].map((m: { project: string }) => m.project)).toEqual([made[2], made[1], made[0]]);
      expect(p3.body.has_next).toBe(false);
      expect((await bridge.request('GET', '/v2/movies?status=done', { key: acct.primaryKey })).body.count).toBe(0);
      expect((await bridge.request('GET', '/v2/movies?limit=101', { key: acct.primaryKey })).status).toBe(400);
    });

    test('search: words in the project id or the client data, any case, paged on the server; % and _ are plain characters', async () => {
      const acct = await bridge.createAccount({ credits: null });
      const post = async (clientData: Record<string, unknown>) =>
        (await bridge.request('POST', '/v2/movies', { key: acct.primaryKey, body: tiny('s', { 'client-data': clientData }) })).body.project as string;
      const acme = [await post({ customer: 'ACME Corp', order: 1 }), await post({ customer: 'acme corp', order: 2 }), await post({ customer: 'Acme', order: 3 })];
      const other = await post({ customer: 'Globex', note: '100%_off' });
      // Another account's matching render never shows.
      const stranger = await bridge.createAccount({ credits: null });
      await bridge.request('POST', '/v2/movies', { key: stranger.primaryKey, body: tiny('s', { 'client-data': { customer: 'ACME' } }) });
      const list = async (query: string) => (await bridge.request('GET', `/v2/movies?${query}`, { key: acct.primaryKey })).body;
      const ids = (body: { movies: { id: string }[] }) => body.movies.map((m) => m.id);

      const p1 = await list('search=acme&limit=2');
      expect(p1).toMatchObject({ count: 2, has_next: true });
      const p2 = await list(`search=acme&limit=2&next_token=${p1.next_token}`);
      expect(p2).toMatchObject({ count: 1, has_next: false });
      expect([...ids(p1), ...ids(p2)]).toEqual([acme[2], acme[1], acme[0]]);
      // Every word must be found (the key's name and the value's may be in either place).
      expect(ids(await list(`search=${encodeURIComponent('ACME corp')}`))).toEqual([acme[1], acme[0]]);
      expect(ids(await list(`search=${encodeURIComponent('"order":3')}`))).toEqual([acme[2]]);
      // The project id itself, in any case.
      expect(ids(await list(`search=${other.slice(2, 12).toUpperCase()}`))).toEqual([other]);
      expect(ids(await list(`search=${encodeURIComponent('0%_o')}`))).toEqual([other]);
      expect(ids(await list(`search=${encodeURIComponent('%')}`))).toEqual([other]);
      expect((await list('search=nothing-like-this')).count).toBe(0);
      expect((await list(`status=done&search=acme`)).count).toBe(0);
      expect((await bridge.request('GET', `/v2/movies?search=${'x'.repeat(201)}`, { key: acct.primaryKey })).status).toBe(400);
    });

    test('the movie a render was made from: as sent (a template\'s with its variables), to render it again', async () => {
      const acct = await bridge.createAccount({ credits: null });
      const movie = tiny('again', { 'client-data': { run: 1 } });
      const first = (await bridge.request('POST', '/v2/movies', { key: acct.primaryKey, body: movie })).body.project as string;
      const stored = await bridge.request('GET', `/v2/movies/${first}/movie`, { key: acct.primaryKey });
      expect(stored.status).toBe(200);
      expect(stored.body).toEqual({ success: true, project: first, template: null, movie });
      // Render again: the stored movie is a valid request of its own.
      const again = await bridge.request('POST', '/v2/movies', { key: acct.primaryKey, body: stored.body.movie });
      expect(again.status).toBe(200);
      expect(again.body.project).not.toBe(first);

      const template = await bridge.request('POST', '/v2/templates', { key: acct.primaryKey, body: { name: 't', movie: tiny('{{word}}', { variables: { word: 'x' } }) } });
      const fromTemplate = (await bridge.request('POST', '/v2/movies', { key: acct.primaryKey, body: { template: template.body.template.id, variables: { word: 'bound' } } })).body.project as string;
      const bound = (await bridge.request('GET', `/v2/movies/${fromTemplate}/movie`, { key: acct.primaryKey })).body;
      expect(bound).toMatchObject({ template: template.body.template.id, movie: { variables: { word: 'bound' } } });
      expect((await bridge.request('POST', '/v2/movies', { key: acct.primaryKey, body: bound.movie })).status).toBe(200);

      // Another account's render is not found.
      const stranger = await bridge.createAccount({ credits: null });
      expect((await bridge.request('GET', `/v2/movies/${first}/movie`, { key: stranger.primaryKey })).status).toBe(404);
    });
  });

  describe('templates and batches', () => {
    let templateId: string;
    test('CRUD, declared variables, render with missing variables → 400 listing them', async () => {
      const created = await bridge.request('POST', '/v2/templates', {
        key: bridge.primaryKey,
        body: {
          name: 'greeting',
          movie: tiny('{{greeting}}, {{name}}'),
          variables: [
            { name: 'greeting', default: 'Hello', description: 'the word' },
            { name: 'name', required: true },
            { name: 'colour', required: true },
          ],
        },
      });
      expect(created.status).toBe(201);
      templateId = created.body.template.id;
      const vars = await bridge.request('GET', `/v2/templates/${templateId}/variables`, { key: bridge.primaryKey });
      expect(vars.body.variables.map((v: { name: string }) => v.name)).toEqual(['greeting', 'name', 'colour']);
      const missing = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: { template: templateId, variables: { greeting: 'Hi' } } });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toMatch(/name, colour/);
      expect(missing.body.details.map((d: { path: string }) => d.path)).toEqual(['variables.name', 'variables.colour']);
      const ok = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: { template: templateId, variables: { name: 'Ann', colour: 'red' } } });
      expect(ok.status).toBe(200);
      const row = await bridge.services.db.selectFrom('renders').selectAll().where('project', '=', ok.body.project).executeTakeFirstOrThrow();
      expect(JSON.parse(row.movie).variables).toEqual({ greeting: 'Hello', name: 'Ann', colour: 'red' });
      expect(row.template_id).toBe(templateId);
      expect((await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: { template: 'tpl_nope' } })).body.code).toBe('template_not_found');

      const render = await bridge.keyWithRole('render');
      expect((await bridge.request('GET', `/v2/templates/${templateId}`, { key: render.key })).status).toBe(200);
      expect((await bridge.request('PUT', `/v2/templates/${templateId}`, { key: render.key, body: { name: 'x' } })).status).toBe(403);
      const put = await bridge.request('PUT', `/v2/templates/${templateId}`, { key: bridge.primaryKey, body: { description: 'says hi' } });
      expect(put.body.template).toMatchObject({ name: 'greeting', description: 'says hi' });
      expect((await bridge.request('GET', '/v2/templates', { key: bridge.primaryKey })).body.templates.length).toBeGreaterThan(0);
    });

    test('batch: connection problems name their row', async () => {
      const tpl = await bridge.request('POST', '/v2/templates', {
        key: bridge.primaryKey,
        body: { name: 'deliver', movie: { ...tiny('x'), exports: [{ destinations: [{ id: '{{dest}}' }] }] } },
      });
      expect(tpl.status).toBe(201);
      const res = await bridge.request('POST', '/v2/movies/batch', { key: bridge.primaryKey, body: { template: tpl.body.template.id, rows: [{ dest: 'gone-a' }, { dest: 'gone-b' }] } });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(['rows[0].exports[0].destinations[0].id', 'rows[1].exports[0].destinations[0].id']);
    });

    test('batch: every row validated first (row + variable named); whole batch charged; CSV body; progress', async () => {
      const before = await credits();
      const bad = await bridge.request('POST', '/v2/movies/batch', {
        key: bridge.primaryKey,
        body: { template: templateId, rows: [{ name: 'A', colour: 'red' }, { colour: 'blue' }, { name: 'C' }] },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['rows[1].variables.name', 'rows[2].variables.colour']);
      expect(await credits()).toBe(before);

      const ok = await bridge.request('POST', '/v2/movies/batch', { key: bridge.primaryKey, body: { template: templateId, rows: [{ name: 'A', colour: 'red' }, { name: 'B', colour: 'blue' }] } });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ count: 2, credits: 2 });
      expect(await credits()).toBe(before - 2);
      await finish(ok.body.projects[0]);
      const st = await bridge.request('GET', `/v2/movies/batch/${ok.body.batch}`, { key: bridge.primaryKey });
      expect(st.body.batch).toMatchObject({ count: 2, status: 'running', counts: { done: 1, pending: 1 } });
      expect(st.body.batch.movies.map((m: { project: string }) => m.project)).toEqual(ok.body.projects); // in row order

      const res = await fetch(`${bridge.url}/v2/movies/batch?template=${templateId}`, {
        method: 'POST',
        headers: { 'x-api-key': bridge.primaryKey, 'content-type': 'text/csv' },
        body: 'name,colour\n"Smith, J",green\nBo,red\n',
      });
      const csv = (await res.json()) as { count: number; projects: string[] };
      expect(res.status).toBe(200);
      expect(csv.count).toBe(2);
      const row = await bridge.services.db.selectFrom('renders').selectAll().where('project', '=', csv.projects[0]).executeTakeFirstOrThrow();
      expect(JSON.parse(row.movie).variables.name).toBe('Smith, J');
      const poor = await bridge.createAccount({ credits: 1 });
      const tpl = await bridge.request('POST', '/v2/templates', { key: poor.primaryKey, body: { name: 't', movie: tiny('{{x}}') } });
      const short = await bridge.request('POST', '/v2/movies/batch', { key: poor.primaryKey, body: { template: tpl.body.template.id, rows: [{ x: 1 }, { x: 2 }] } });
      expect(short.status).toBe(402);
    });
  });

  describe('uploads', () => {
    test('probed by bytes, usable as src, listed, quota, deleted', async () => {
      const up = await fetch(`${bridge.url}/v2/uploads?name=logo.png`, { method: 'POST', headers: { 'x-api-key': bridge.primaryKey, 'content-type': 'application/octet-stream' }, body: new Uint8Array(png) });
      const body = (await up.json()) as { upload: { id: string; url: string; media_type: string; width: number; download_url: string } };
      expect(up.status).toBe(201);
      expect(body.upload).toMatchObject({ media_type: 'image/png', width: 32, url: `reelay://uploads/${body.upload.id}` });
      expect((await fetch(bridge.url + pathOf(body.upload.download_url))).status).toBe(200);

      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(png)], { type: 'text/plain' }), 'second.png');
      const multi = await fetch(`${bridge.url}/v2/uploads`, { method: 'POST', headers: { 'x-api-key': bridge.primaryKey }, body: form });
      expect(multi.status).toBe(201);
      expect(((await multi.json()) as { upload: { name: string; media_type: string } }).upload).toMatchObject({ name: 'second.png', media_type: 'image/png' });

      const script = await fetch(`${bridge.url}/v2/uploads`, { method: 'POST', headers: { 'x-api-key': bridge.primaryKey, 'content-type': 'image/png' }, body: '#!/bin/sh\necho hi\n' });
      expect(script.status).toBe(415);
      const huge = await fetch(`${bridge.url}/v2/uploads`, { method: 'POST', headers: { 'x-api-key': bridge.primaryKey, 'content-type': 'image/png' }, body: new Uint8Array(300000) });
      expect([413]).toContain(huge.status);

      const movie = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('x', { scenes: [{ duration: 1, elements: [{ type: 'image', src: body.upload.url }] }] }) });
      expect(movie.status).toBe(200);
      const row = await bridge.services.db.selectFrom('renders').selectAll().where('project', '=', movie.body.project).executeTakeFirstOrThrow();
      // The ref stays; the job maps it to the upload's path on shared storage (nothing fetched back).
      expect(JSON.parse(row.movie).scenes[0].elements[0].src).toBe(body.upload.url);
      const job = await bridge.services.pipeline.queue.getJob(movie.body.project);
      expect(job?.data.assets).toEqual({ [body.upload.url]: bridge.services.pipeline.storage.localPath(`uploads/${bridge.account.id}/${body.upload.id}.png`) });

      const list = await bridge.request('GET', '/v2/uploads', { key: bridge.primaryKey });
      expect(list.body.uploads.length).toBe(2);
      expect(list.body.used_bytes).toBe(2 * png.length);
      const other = await bridge.createAccount();
      const foreign = await bridge.request('POST', '/v2/movies', { key: other.primaryKey, body: tiny('x', { scenes: [{ duration: 1, elements: [{ type: 'image', src: body.upload.url }] }] }) });
      expect(foreign.status).toBe(400);
      expect(foreign.body.details[0]).toMatchObject({ path: 'scenes[0].elements[0].src', message: expect.stringContaining('unknown upload') });
      expect((await bridge.request('DELETE', `/v2/uploads/${body.upload.id}`, { key: other.primaryKey })).status).toBe(404);
      expect((await bridge.request('DELETE', `/v2/uploads/${body.upload.id}`, { key: bridge.primaryKey })).status).toBe(200);
      expect((await fetch(bridge.url + pathOf(body.upload.download_url))).status).toBe(404);
    });
  });

  describe('POST /v2/movies/validate', () => {
    test('a valid movie: its length and price, nothing charged, nothing queued', async () => {
      const before = await credits();
      const rows = async () => (await bridge.services.db.selectFrom('renders').select('project').execute()).length;
      const count = await rows();
      const movie = tiny('ok', { resolution: 'full-hd', width: undefined, height: undefined, scenes: [{ duration: 2.5, elements: [] }, { duration: 1, elements: [] }] });
      const res = await bridge.request('POST', '/v2/movies/validate', { key: bridge.primaryKey, body: movie });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, valid: true, errors: [], warnings: [], duration: 3.5, credits: 8 });
      expect(await credits()).toBe(before);
      expect(await rows()).toBe(count);
      // The price is what POST /v2/movies then charges.
      await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: { ...movie, cache: false } });
      expect(await credits()).toBe(before - 8);
    });

    test('a time an element variable takes from an asset is not priced as its stand-in second', async () => {
      const movie = tiny('x', { scenes: [{ elements: [
        { id: 'intro', type: 'video', src: 'https://example.com/clip.mp4' },
        { type: 'text', text: 'after', start: '{{intro_end}}', duration: 1 },
      ] }] });
      const res = (await bridge.request('POST', '/v2/movies/validate', { key: bridge.primaryKey, body: movie })).body;
      // Unknown length (only the asset knows): the documented estimate, as for a video alone.
      expect(res).toMatchObject({ valid: true, duration: 10, credits: 10 });
    });

    test('warnings: what the movie says that Reelay accepts without acting on, in the validate and create answers', async () => {
      // text-shadow is CSS the browser draws; a value that would load something is left out, and said so.
      const settings = { 'text-shadow': '1px 1px #000', 'background-image': 'url(http://169.254.169.254/)' };
      const movie = tiny('w', { cache: false, editor: { v: 2 }, scenes: [{ duration: 1, elements: [{ type: 'text', text: 'x', settings }] }] });
      const expected = [
        { path: 'editor', message: 'not a JSON2Video property here; ignored' },
        { path: 'scenes[0].elements[0].settings.background-image', message: expect.stringContaining('left out') },
      ];
      expect((await bridge.request('POST', '/v2/movies/validate', { key: bridge.primaryKey, body: movie })).body).toMatchObject({ valid: true, warnings: expected });
      expect((await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: movie })).body).toMatchObject({ success: true, warnings: expected });
    });

    test('fonts: an unknown font-family is a warning with its path and the fallback; a bundled one is none', async () => {
      const movie = tiny('f', { cache: false, scenes: [{ duration: 1, elements: [
        { type: 'text', text: 'y', settings: { 'font-family': 'Luckiest Guy' } },
        { type: 'text', text: 'z', settings: { 'font-family': 'Not A Real Font Family' } },
      ] }] });
      // The test env has Google Fonts off (test/helpers/offline-fonts.ts).
      const expected = [{ path: 'scenes[0].elements[1].settings.font-family', message: "font 'Not A Real Font Family' is not bundled or installed (Google Fonts is off); DejaVu Sans is used" }];
      expect((await bridge.request('POST', '/v2/movies/validate', { key: bridge.primaryKey, body: movie })).body).toMatchObject({ valid: true, warnings: expected });
      expect((await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: movie })).body).toMatchObject({ success: true, warnings: expected });
    });

    test('an invalid movie, a missing template, a forbidden URL, a limit: 200 with every problem, its path and code', async () => {
      const check = async (body: unknown) => (await bridge.request('POST', '/v2/movies/validate', { key: bridge.primaryKey, body })).body;
      expect(await check({ scenes: [{ elements: [{ type: 'video' }, { type: 'text', text: 'x', position: 'nowhere' }] }] })).toMatchObject({
        valid: false,
        errors: [
          { path: 'scenes[0].elements[0].src', message: 'required', code: 'validation_error' },
          { path: 'scenes[0].elements[1].position', code: 'validation_error' },
        ],
        duration: null,
        credits: null,
      });
      expect((await check({ template: 'tpl_nope' })).errors).toEqual([{ path: '', message: "Template 'tpl_nope' not found", code: 'template_not_found' }]);
      expect((await check(tiny('x', { scenes: [{ duration: 1, elements: [{ type: 'image', src: 'http://169.254.169.254/x.png' }] }] }))).errors[0]).toMatchObject({
        path: 'scenes[0].elements[0].src', code: 'forbidden_url',
      });
      expect((await check(tiny('x', { scenes: [{ duration: 1e-9, elements: [] }] }))).errors[0]).toMatchObject({ path: 'scenes[0].duration', code: 'validation_error' });
      expect((await check({ scenes: Array.from({ length: 600 }, () => ({ duration: 1 })) })).errors[0]).toMatchObject({ path: 'scenes', code: 'limit_exceeded' });
    });
  });

  describe('another account', () => {
    test('404 on every movie route', async () => {
      const mine = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tiny('mine', { cache: false }) });
      const tpl = await bridge.request('POST', '/v2/templates', { key: bridge.primaryKey, body: { name: 'mine', movie: tiny('x') } });
      const batch = await bridge.request('POST', '/v2/movies/batch', { key: bridge.primaryKey, body: { template: tpl.body.template.id, rows: [{}] } });
      const other = await bridge.createAccount();
      const k = other.primaryKey;
      expect((await bridge.request('GET', `/v2/movies?project=${mine.body.project}`, { key: k })).status).toBe(404);
      expect((await bridge.request('DELETE', `/v2/movies/${mine.body.project}`, { key: k })).status).toBe(404);
      expect((await bridge.request('GET', `/v2/movies/batch/${batch.body.batch}`, { key: k })).status).toBe(404);
      expect((await bridge.request('GET', `/v2/templates/${tpl.body.template.id}`, { key: k })).status).toBe(404);
      expect((await bridge.request('GET', `/v2/templates/${tpl.body.template.id}/variables`, { key: k })).status).toBe(404);
      expect((await bridge.request('PUT', `/v2/templates/${tpl.body.template.id}`, { key: k, body: { name: 'x' } })).status).toBe(404);
      expect((await bridge.request('DELETE', `/v2/templates/${tpl.body.template.id}`, { key: k })).status).toBe(404);
      expect((await bridge.request('POST', '/v2/movies', { key: k, body: { template: tpl.body.template.id } })).status).toBe(404);
      expect((await bridge.request('GET', '/v2/movies', { key: k })).body.movies).toEqual([]);
      // still there for its owner
      expect((await bridge.request('GET', `/v2/movies?project=${mine.body.project}`, { key: bridge.primaryKey })).body.movie.status).toBe('pending');
    });
  });
});
