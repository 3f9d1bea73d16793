/**
 * The Make.com blueprints (examples/make) and the Zapier steps (examples/zapier/steps.md) against the
 * real API: every HTTP call they describe is sent, as written, to `reelay start` on loopback, and every
 * field they read from a response or a webhook delivery must be there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInstall, ROOT, type Install } from '../../e2e/harness';
import { Receiver } from './receiver';

const PLACEHOLDER_BASE = 'https://reelay.example.com';
const ZAPIER_HOOK = 'https://hooks.zapier.com/hooks/catch/123456/abcdef/';

interface MakeModule {
  id: number;
  module: string;
  mapper: Record<string, unknown>;
  filter?: { conditions: Array<Array<{ a: string; b: string; o: string }>> };
}
interface Blueprint {
  name: string;
  flow: MakeModule[];
}

const readJson = <T>(p: string): T => JSON.parse(readFileSync(path.join(ROOT, p), 'utf8')) as T;

/** `{{1.data.url}}` → value at data.url of `bundles[1]`. */
function resolveMakePath(expr: string, bundles: Record<number, unknown>): unknown {
  const m = /^\{\{(\d+)\.([^}]+)\}\}$/.exec(expr);
  if (!m) throw new Error(`not a Make mapping: ${expr}`);
  return m[2].split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], bundles[Number(m[1])]);
}

function at(obj: unknown, dotted: string): unknown {
  // `client-data` contains a dash but no dot, so splitting on dots is exact here.
  return dotted.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], obj);
}

function zapierBlocks(kind: string): Array<Record<string, unknown>> {
  const text = readFileSync(path.join(ROOT, 'examples/zapier/steps.md'), 'utf8');
  const re = new RegExp('```json ' + kind + '\\n([\\s\\S]*?)```', 'g');
  return [...text.matchAll(re)].map((m) => JSON.parse(m[1]) as Record<string, unknown>);
}

let install: Install;
let receiver: Receiver;
let renderKey: string;
let editorKey: string;

beforeAll(async () => {
  receiver = await new Receiver().start();
  install = await createInstall();
  await install.spawn('start');
  renderKey = (await install.api('POST', '/v2/keys', { body: { name: 'make/zapier render', role: 'render' } })).body.key;
  editorKey = (await install.api('POST', '/v2/keys', { body: { name: 'make/zapier editor', role: 'editor' } })).body.key;
}, 60_000);
afterAll(async () => {
  await receiver?.stop();
  await install?.stop();
});

function realKey(value: string): string {
  return value.replace('rly_REPLACE_WITH_A_RENDER_KEY', renderKey).replace('rly_REPLACE_WITH_AN_EDITOR_KEY', editorKey);
}

async function send(method: string, url: string, headers: Record<string, string>, body?: string) {
  const res = await fetch(url.replace(PLACEHOLDER_BASE, install.url), { method, headers, body });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

test('Make: the render blueprint posts a movie that renders; the on-done blueprint subscribes, its filter and mappings match the delivery', async () => {
  const render = readJson<Blueprint>('examples/make/blueprint.json');
  const done = readJson<Blueprint>('examples/make/on-movie-done.blueprint.json');
  const feeder = render.flow.find((m) => m.module === 'builtin:BasicFeeder')!;
  const http = render.flow.find((m) => m.module === 'http:ActionSendData')!;
  const item = (feeder.mapper.array as Array<Record<string, string>>)[0];
  const bundles: Record<number, unknown> = { [feeder.id]: item };
  const fill = (s: string) => s.replace(/\{\{\d+\.[^}]+\}\}/g, (expr) => String(resolveMakePath(expr, bundles)));

  // The custom webhook's URL registered as the README says (an editor key holds webhooks:write).
  const hook = done.flow.find((m) => m.module === 'gateway:CustomWebHook');
  expect(hook).toBeDefined();
  const sub = await install.api('POST', '/v2/webhooks', { key: editorKey, body: { url: receiver.url('/make') } });
  expect(sub.status).toBe(201);

  const headers = Object.fromEntries((http.mapper.headers as Array<{ name: string; value: string }>).map((h) => [h.name, realKey(fill(h.value))]));
  headers['content-type'] = String(http.mapper.contentType);
  const body = fill(String(http.mapper.data));
  const posted = await send(String(http.mapper.method).toUpperCase(), String(http.mapper.url), headers, body);
  expect(posted).toMatchObject({ status: 200, body: { success: true, project: expect.any(String) } });
  const again = await send('POST', String(http.mapper.url), headers, body);
  expect(again.body.project).toBe(posted.body.project); // the Idempotency-Key header of the blueprint
  expect((await install.waitFor(posted.body.project, ['done', 'error'])).status).toBe('done');

  await receiver.waitFor((r) => r.some((x) => x.path === '/make' && JSON.parse(x.body).data?.project === posted.body.project), 20_000);
  const delivery = JSON.parse(receiver.requests.find((x) => x.path === '/make')!.body);
  const deliveredBundles = { 1: delivery };
  const download = done.flow.find((m) => m.module === 'http:ActionGetFile')!;
  for (const condition of download.filter!.conditions.flat()) {
    expect(condition.o).toBe('text:equal');
    expect(resolveMakePath(condition.a, deliveredBundles)).toBe(condition.b);
  }
  const fileUrl = resolveMakePath(String(download.mapper.url), deliveredBundles);
  const file = await fetch(String(fileUrl));
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe('video/mp4');
  expect(delivery.data['client-data']).toEqual({ source: 'make', row: item.id });
}, 90_000);

test('Zapier: Custom Request renders, the Catch Hook registration works and receives the listed fields, Retrieve Poll lists done movies newest first with id', async () => {
  const steps = zapierBlocks('zapier');
  const [renderStep, registerStep, pollStep] = steps;
  expect(steps).toHaveLength(3);
  const sample: Record<string, string> = { row_id: 'r-42', title: 'Hello from Zapier' };
  const fill = (s: string) => realKey(s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => sample[k]));

  const register = await send(
    String(registerStep.method),
    String(registerStep.url),
    Object.fromEntries(Object.entries(registerStep.headers as Record<string, string>).map(([k, v]) => [k, fill(v)])),
    JSON.stringify(registerStep.data).replace(ZAPIER_HOOK, receiver.url('/zapier')),
  );
  expect(register.status).toBe(201);
  for (const field of registerStep.response as string[]) expect(register.body).toHaveProperty([field]);

  const projects: string[] = [];
  for (const row of ['r-1', 'r-2']) {
    sample.row_id = row;
    const res = await send(
      String(renderStep.method),
      String(renderStep.url),
      Object.fromEntries(Object.entries(renderStep.headers as Record<string, string>).map(([k, v]) => [k, fill(v)])),
      fill(JSON.stringify(renderStep.data)),
    );
    expect(res.status).toBe(200);
    for (const field of renderStep.response as string[]) expect(res.body).toHaveProperty([field]);
    projects.push(res.body.project);
    await install.waitFor(res.body.project, ['done', 'error']);
  }

  await receiver.waitFor((r) => r.filter((x) => x.path === '/zapier').length >= 2, 20_000);
  const [{ fields }] = zapierBlocks('zapier-delivery') as Array<{ fields: string[] }>;
  for (const request of receiver.requests.filter((x) => x.path === '/zapier')) {
    const delivery = JSON.parse(request.body);
    for (const field of fields) expect({ field, value: at(delivery, field) }).toEqual({ field, value: expect.anything() });
  }

  const [user, password] = String(pollStep.basicAuth).split('|');
  const poll = await send(String(pollStep.method), String(pollStep.url), {
    authorization: `Basic ${Buffer.from(`${realKey(user)}:${password}`).toString('base64')}`,
  });
  expect(poll.status).toBe(200);
  for (const field of pollStep.response as string[]) expect(poll.body).toHaveProperty([field]);
  const items = poll.body[String(pollStep.key)] as Array<Record<string, unknown>>;
  expect(items.every((m) => typeof m[String(pollStep.deduplicationKey)] === 'string' && m.status === 'done')).toBe(true);
  const ids = items.map((m) => m.id);
  expect(ids.indexOf(projects[1])).toBeGreaterThanOrEqual(0);
  expect(ids.indexOf(projects[1])).toBeLessThan(ids.indexOf(projects[0])); // newest first
}, 90_000);
