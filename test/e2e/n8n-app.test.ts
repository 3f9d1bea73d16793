/**
 * The package inside the real n8n app (n8n@2.41.1, installed outside the repo by scripts/e2e-n8n.sh,
 * which builds dist/ and sets REELAY_N8N_BIN). n8n loads the built package through
 * N8N_CUSTOM_EXTENSIONS (types CUSTOM.reelay / CUSTOM.reelayTrigger); credentials and workflows are
 * imported with n8n's CLI and run with `n8n execute --id … --rawOutput` against a live bridge.
 * Skipped unless REELAY_N8N_BIN is set (`npm run e2e:n8n`).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestBridge } from '../helpers/bridge';
import { startLivePipeline, TINY_MOVIE } from '../nodes/helpers/live-pipeline';
import { runMigrate } from '../../bridge/src/n8n-migrate/cli';
import type { N8nNode, N8nWorkflow } from '../../bridge/src/n8n-migrate/workflow';

const N8N = process.env.REELAY_N8N_BIN;
const ROOT = path.resolve(__dirname, '../..');
const CREDENTIAL_ID = 'reelayCredential01';
const describeWithN8n = N8N ? describe : describe.skip;

let bridge: TestBridge;
let userFolder: string;

function n8nEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // jest sets NODE_ENV=test, which silences n8n's logger (and with it the command output).
    NODE_ENV: 'production',
    N8N_USER_FOLDER: userFolder,
    N8N_CUSTOM_EXTENSIONS: path.join(ROOT, 'dist'),
    N8N_ENCRYPTION_KEY: 'reelay-e2e-encryption-key-000000',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_RUNNERS_ENABLED: 'false',
    // `n8n list:… / execute` print their results through the logger at info level.
    N8N_LOG_LEVEL: 'info',
    DB_SQLITE_POOL_SIZE: '2',
    ...extra,
  };
}

function n8n(args: string[], extraEnv: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(N8N!, args, { env: n8nEnv(extraEnv), cwd: userFolder, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`n8n ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** `--rawOutput` prints the IRun as JSON after any log lines. */
function parseRun(stdout: string): { data: { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown>; binary?: Record<string, Record<string, unknown>> }>> } }>>; error?: unknown } } } {
  const start = stdout.startsWith('{\n') ? 0 : stdout.indexOf('\n{\n') + 1;
  if (start <= 0 && !stdout.startsWith('{')) throw new Error(`no JSON in n8n's output:\n${stdout.slice(-2000)}`);
  // The pretty-printed object ends at the first "}" in column 0; log lines may follow it.
  const end = stdout.indexOf('\n}', start);
  return JSON.parse(stdout.slice(start, end < 0 ? undefined : end + 2));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function until(what: string, check: () => Promise<boolean>, log: () => string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; n8n said:\n${log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function outputOf(run: ReturnType<typeof parseRun>, node: string) {
  return run.data.resultData.runData[node][0].data!.main[0];
}

/** An example as the e2e installation needs it: custom-extension types, our credential. */
function localise(workflow: string, replacements: Record<string, string> = {}): string {
  let text = workflow.replaceAll('n8n-nodes-reelay.', 'CUSTOM.');
  for (const [from, to] of Object.entries(replacements)) text = text.replaceAll(from, to);
  return text;
}

async function importWorkflow(json: string, name: string): Promise<void> {
  const file = path.join(userFolder, `${name}.json`);
  writeFileSync(file, json);
  await n8n(['import:workflow', `--input=${file}`]);
}

/** The bridge rendered this project: done, with a real duration. */
async function expectRendered(project: string): Promise<void> {
  const stored = await bridge.request('GET', `/v2/movies?project=${project}`, { key: bridge.primaryKey });
  expect(stored.body.movie).toMatchObject({ status: 'done' });
  expect(Number(stored.body.movie.duration)).toBeGreaterThan(0.5);
}

type RenderPart = { workflow: N8nWorkflow; stubs: Record<string, Record<string, unknown>>; keep: string[] };

/**
 * One workflow running the JSON2Video part of several migrated ones, each as a branch of one manual
 * trigger: the kept nodes (a single-output chain) exactly as migrated, with their connections, after Set
 * nodes named like the original upstream nodes (so `$('Name').item.json…` in the movie resolves).
 */
function renderParts(parts: RenderPart[]): N8nWorkflow {
  const trigger: N8nNode = { id: 'p0', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
  const nodes: N8nNode[] = [trigger];
  const connections: N8nWorkflow['connections'] = {};
  const link = (from: string, to: string) => {
    connections[from] = { main: [[...(connections[from]?.main?.[0] ?? []), { node: to, type: 'main', index: 0 }]] };
  };
  for (const part of parts) {
    let previous = trigger.name;
    for (const [name, json] of Object.entries(part.stubs)) {
      nodes.push({ id: `p${nodes.length}`, name, type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [0, 0], parameters: { mode: 'raw', jsonOutput: JSON.stringify(json), options: {} } });
      link(previous, name);
      previous = name;
    }
    link(previous, part.keep[0]);
    for (const name of part.keep) {
      nodes.push(part.workflow.nodes.find((n) => n.name === name)!);
      for (const targets of part.workflow.connections[name]?.main ?? []) for (const t of targets ?? []) if (part.keep.includes(t.node)) link(name, t.node);
    }
  }
  return { id: 'reelayMigratedParts', name: 'migrated JSON2Video parts', active: false, settings: { executionOrder: 'v1' }, nodes, connections };
}

describeWithN8n('real n8n app', () => {
  beforeAll(async () => {
    bridge = await startLivePipeline({ credits: 1000 });
    userFolder = mkdtempSync(path.join(os.tmpdir(), 'reelay-n8n-'));
    const credentials = [{ id: CREDENTIAL_ID, name: 'Reelay account', type: 'reelayApi', data: { baseUrl: bridge.url, apiKey: bridge.primaryKey } }];
    writeFileSync(path.join(userFolder, 'credentials.json'), JSON.stringify(credentials));
    await n8n(['import:credentials', `--input=${path.join(userFolder, 'credentials.json')}`]);
  }, 180_000);

  afterAll(async () => {
    await bridge?.stop();
    if (userFolder) rmSync(userFolder, { recursive: true, force: true });
  });

  test('every example in examples/ imports', async () => {
    const dir = path.join(ROOT, 'examples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) await importWorkflow(localise(readFileSync(path.join(dir, file), 'utf8')), file.replace('.json', ''));
    const { stdout } = await n8n(['list:workflow']);
    for (const file of files) expect(stdout).toContain(JSON.parse(readFileSync(path.join(dir, file), 'utf8')).id);
  }, 120_000);

  test('n8n execute: create → roll → revoke an API key', async () => {
    const workflow = {
      id: 'reelayE2eKeys0001',
      name: 'e2e keys',
      active: false,
      settings: { executionOrder: 'v1' },
      nodes: [
        { id: 'a1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
        ...[
          ['Create', { resource: 'apiKey', operation: 'create', name: 'from n8n', permission: 'role', role: 'render' }],
          ['Roll', { resource: 'apiKey', operation: 'roll', keyId: '={{ $json.id }}', graceSeconds: 0 }],
          ['Revoke', { resource: 'apiKey', operation: 'revoke', keyId: '={{ $json.id }}' }],
        ].map(([name, parameters], i) => ({
          id: `a${i + 2}`,
          name,
          type: 'CUSTOM.reelay',
          typeVersion: 1,
          position: [200 * (i + 1), 0],
          parameters,
          credentials: { reelayApi: { id: CREDENTIAL_ID, name: 'Reelay account' } },
        })),
      ],
      connections: {
        Start: { main: [[{ node: 'Create', type: 'main', index: 0 }]] },
        Create: { main: [[{ node: 'Roll', type: 'main', index: 0 }]] },
        Roll: { main: [[{ node: 'Revoke', type: 'main', index: 0 }]] },
      },
    };
    await importWorkflow(JSON.stringify(workflow), 'keys');
    const run = parseRun((await n8n(['execute', `--id=${workflow.id}`, '--rawOutput'])).stdout);
    const created = outputOf(run, 'Create')[0].json;
    const rolled = outputOf(run, 'Roll')[0].json;
    expect(created).toMatchObject({ name: 'from n8n', key: expect.stringMatching(/^rly_/) });
    expect(outputOf(run, 'Revoke')[0].json).toMatchObject({ id: rolled.id, revoked: true });
    expect((await bridge.request('GET', '/v2/auth/verify', { key: rolled.key as string })).status).toBe(401);
  }, 120_000);

  test('n8n execute: the template-per-row example renders each row and outputs the MP4 as binary', async () => {
    const movie = { ...TINY_MOVIE, scenes: [{ ...TINY_MOVIE.scenes[0], elements: [{ type: 'text', text: '{{title}} {{subtitle}}' }] }] };
    const template = await bridge.request('POST', '/v2/templates', { key: bridge.primaryKey, body: { name: 'e2e rows', movie } });
    expect(template.status).toBe(201);
    const example = readFileSync(path.join(ROOT, 'examples/render-template-per-row.json'), 'utf8');
    await importWorkflow(localise(example, { REPLACE_WITH_TEMPLATE_ID: template.body.template.id }), 'rows');
    const started = Date.now();
    const run = parseRun((await n8n(['execute', '--id=reelayExampleRows1', '--rawOutput'])).stdout);
    const items = outputOf(run, 'Render Template');
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item.json).toMatchObject({ status: 'done', width: 160, height: 90 });
      expect(item.binary?.video).toMatchObject({ mimeType: 'video/mp4', fileExtension: 'mp4' });
      // n8n keeps binary data on disk (filesystem-v2): read the stored file back with ffprobe.
      const stored = path.join(userFolder, '.n8n/storage', String(item.binary!.video.id).replace(/^filesystem-v2:/, ''));
      const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', stored]);
      expect(probe.toString().trim()).toBe('h264,160,90');
    }
    expect(items.map((i) => (i.json['client-data'] as { row: string }).row)).toEqual(['row-1', 'row-2']);
    console.log(`n8n execute, 2 renders waited for and downloaded: ${Date.now() - started} ms`);
  }, 180_000);

  test('n8n execute: the key-rotation example rolls the key named "production renderer", old secret in grace', async () => {
    const made = await bridge.request('POST', '/v2/keys', { key: bridge.primaryKey, body: { name: 'production renderer', role: 'render' } });
    expect(made.status).toBe(201);
    await importWorkflow(localise(readFileSync(path.join(ROOT, 'examples/rotate-api-key.json'), 'utf8')), 'rotate');
    const run = parseRun((await n8n(['execute', '--id=reelayExampleRotate', '--rawOutput'])).stdout);
    const [rolled] = outputOf(run, 'Roll Key');
    expect(rolled.json).toMatchObject({ name: 'production renderer', key: expect.stringMatching(/^rly_/), previous: { id: made.body.apiKey.id } });
    expect(outputOf(run, 'Hand Over the New Key')).toHaveLength(1);
    // Both secrets work during the 24 h grace period.
    expect((await bridge.request('GET', '/v2/auth/verify', { key: made.body.key })).status).toBe(200);
    expect((await bridge.request('GET', '/v2/auth/verify', { key: rolled.json.key as string })).status).toBe(200);
  }, 120_000);

  test('n8n start: a published Reelay Trigger receives movie.done for a render started afterwards, and renews a secret rotated elsewhere', async () => {
    // Where the example's "Notify" step posts: a loopback receiver standing in for Slack or email.
    const notes: Array<Record<string, unknown>> = [];
    const notify: Server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        notes.push(JSON.parse(text || '{}'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => notify.listen(0, '127.0.0.1', resolve));
    const notifyUrl = `http://127.0.0.1:${(notify.address() as AddressInfo).port}/notify`;

    const example = readFileSync(path.join(ROOT, 'examples/render-and-notify.json'), 'utf8');
    await importWorkflow(localise(example, { 'https://example.com/notify': notifyUrl }), 'notify');
    await n8n(['publish:workflow', '--id=reelayExampleNotify']);

    const port = await freePort();
    let log = '';
    const app: ChildProcess = spawn(N8N!, ['start'], {
      cwd: userFolder,
      env: n8nEnv({ N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1', WEBHOOK_URL: `http://127.0.0.1:${port}/` }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stdout!.on('data', (chunk) => (log += chunk));
    app.stderr!.on('data', (chunk) => (log += chunk));
    try {
      // Activation subscribes the trigger's webhook URL on the bridge.
      await until('the trigger to subscribe', async () => {
        const list = await bridge.request('GET', '/v2/webhooks', { key: bridge.primaryKey });
        return list.status === 200 && JSON.stringify(list.body).includes(`127.0.0.1:${port}/webhook/`);
      }, () => log);
      const render = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: TINY_MOVIE });
      expect(render.status).toBe(200);
      await until('the workflow to notify', async () => notes.some((n) => n.project === render.body.project), () => log);
      const note = notes.find((n) => n.project === render.body.project)!;
      expect(note).toMatchObject({ event: 'movie.done', status: 'done', url: expect.any(String) });
      expect(Number(note.bytes)).toBeGreaterThan(1000);

      // The secret is rotated through the API and the old one stops signing (its overlap ended): the
      // first delivery makes the trigger renew the secret (503 Retry-After 1), and Reelay's retry runs
      // the workflow. n8n keeps the renewed secret in the workflow's saved static data.
      const list = await bridge.request('GET', '/v2/webhooks', { key: bridge.primaryKey });
      const subscription = (list.body.webhooks as Array<{ id: string; url: string }>).find((w) => w.url.includes(`127.0.0.1:${port}/webhook/`))!;
      expect((await bridge.request('POST', `/v2/webhooks/${subscription.id}/rotate-secret`, { key: bridge.primaryKey })).status).toBe(200);
      await bridge.services.db
        .updateTable('webhook_subscriptions')
        .set({ previous_secret_expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', subscription.id)
        .execute();
      const second = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: TINY_MOVIE });
      await until('the workflow to notify after the secret was renewed', async () => notes.some((n) => n.project === second.body.project), () => log);
      const deliveries = await bridge.request('GET', `/v2/webhooks/${subscription.id}/deliveries`, { key: bridge.primaryKey });
      const done = (deliveries.body.deliveries as Array<{ id: string; project: string | null }>).find((d) => d.project === second.body.project)!;
      const attempts = await bridge.request('GET', `/v2/webhooks/deliveries/${done.id}`, { key: bridge.primaryKey });
      expect(attempts.body.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([503, 200]);
      const exported = (await n8n(['export:workflow', '--id=reelayExampleNotify'])).stdout;
      expect(JSON.stringify(JSON.parse(exported.slice(exported.indexOf('[')))[0].staticData)).toContain('"secretVersion":3');

      // The same production webhook URL refuses an unsigned and a forged delivery.
      const hook = `http://127.0.0.1:${port}/webhook/${JSON.parse(example).nodes.find((n: { name: string }) => n.name === 'Reelay Trigger').webhookId}/webhook`;
      const forged = { type: 'movie.done', timestamp: new Date().toISOString(), data: { project: 'forged', status: 'done' } };
      const post = (headers: Record<string, string>) =>
        fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(forged) });
      expect((await post({})).status).toBe(401);
      const ts = String(Math.floor(Date.now() / 1000));
      expect((await post({ 'webhook-id': 'msg_x', 'webhook-timestamp': ts, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` })).status).toBe(401);
      expect(notes.some((n) => n.project === 'forged')).toBe(false);
    } finally {
      app.kill('SIGTERM');
      await new Promise((resolve) => app.once('exit', resolve));
      notify.close();
    }
  }, 240_000);
  test('reelay n8n migrate: every JSON2Video fixture imports; the migrated render and status parts run against the bridge with local assets', async () => {
    const fixtures = path.join(ROOT, 'test/fixtures/n8n-workflows');
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.json')).sort();
    // Local assets only, served from loopback: a voiceover, a video clip; and an image uploaded to Reelay.
    const assets = mkdtempSync(path.join(os.tmpdir(), 'reelay-migrate-assets-'));
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', path.join(assets, 'voice.mp3')]);
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=blue:s=320x180', '-frames:v', '1', path.join(assets, 'image.png')]);
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25:duration=1', '-pix_fmt', 'yuv420p', path.join(assets, 'clip.mp4')]);
    const server = createServer((req, res) => {
      const file = path.join(assets, path.basename(req.url ?? '') === 'clip.mp4' ? 'clip.mp4' : 'voice.mp3');
      res.writeHead(200, { 'content-type': file.endsWith('.mp4') ? 'video/mp4' : 'audio/mpeg' }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const image = await fetch(`${bridge.url}/v2/uploads?name=image.png`, {
        method: 'POST',
        headers: { 'x-api-key': bridge.primaryKey, 'content-type': 'image/png' },
        body: readFileSync(path.join(assets, 'image.png')),
      }).then((r) => r.json() as Promise<{ upload?: { url: string }; url?: string }>);
      const imageUrl = (image.upload ?? image).url!;
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const voiceUrl = `${origin}/voice.mp3`;
      const clipUrl = `${origin}/clip.mp4`;

      // All migrated workflows in one `n8n import:workflow --separate` (each n8n command starts the app).
      const importDir = path.join(userFolder, 'migrated');
      mkdirSync(importDir);
      const migrated = new Map<string, N8nWorkflow>();
      for (const [i, file] of files.entries()) {
        const id = `reelayMigrated${String(i + 1).padStart(2, '0')}`;
        const { json } = runMigrate(path.join(fixtures, file), { baseUrl: bridge.url, credential: 'Reelay account', credentialId: CREDENTIAL_ID });
        const workflow = JSON.parse(
          localise(json, {
            'https://assets.json2video.com/assets/images/licoln.jpg': imageUrl,
            'https://assets.json2video.com/assets/audios/wave-01.mp3': voiceUrl,
            'https://aiatelier.s3.eu-west-1.amazonaws.com/workflows-material/json2video/captions-sample.mp4': clipUrl,
          }),
        ) as N8nWorkflow;
        migrated.set(file, { ...workflow, id, active: false });
        writeFileSync(path.join(importDir, `${id}.json`), JSON.stringify(migrated.get(file)));
      }
      await n8n(['import:workflow', '--separate', `--input=${importDir}`]);
      const { stdout } = await n8n(['list:workflow']);
      for (const workflow of migrated.values()) expect(stdout).toContain(workflow.id);

      // JSON2Video's node: Storage upload → Reelay Upload, Render and Wait → Reelay Render.
      const uploadAndRender = migrated.get('json2video-node-03-upload-asset-and-render.json')!;
      const run = parseRun((await n8n(['execute', `--id=${String(uploadAndRender.id)}`, '--rawOutput'])).stdout);
      expect(run.data.resultData.error).toBeUndefined();
      expect(String(outputOf(run, 'Upload to Drive')[0].json.url)).toMatch(/^reelay:\/\/uploads\//);
      const movie = outputOf(run, 'Render movie with the upload')[0].json;
      expect(movie).toMatchObject({ status: 'done' });
      await expectRendered(String(movie.project));

      // HTTP Request template, whole: render → Wait 10 s → GET ?id= on Reelay → "Is Error" → "is Completed" → Output.
      const captions = migrated.get('http-01-video-captions-polling-loop.json')!;
      const polled = parseRun((await n8n(['execute', `--id=${String(captions.id)}`, '--rawOutput'])).stdout);
      expect(polled.data.resultData.error).toBeUndefined();
      const ran = polled.data.resultData.runData;
      expect(ran['json2video - Get Status'].length).toBeGreaterThanOrEqual(1);
      expect(ran['Handle Error']).toBeUndefined();
      const output = outputOf(polled, 'Output')[0].json;
      expect(output).toMatchObject({ url: expect.stringMatching(/^http/), width: 1080, height: 1920 });
      await expectRendered(String(output.project));

      // HTTP Request templates, cut down to their JSON2Video part: the nodes before it (Telegram, OpenAI,
      // Kling, Cloudinary…) become Set nodes of the same name holding what the movie reads from them.
      const parts = renderParts([
        {
          workflow: migrated.get('http-02-telegram-ai-video-merge-music.json')!,
          stubs: { 'Merge Video Data (Image or Prompt)': { url_video: clipUrl }, 'Get Music File URL': { data: { output: { audio_url: voiceUrl } } }, 'Split Script': { text1: 'Top line', text2: 'Bottom line' } },
          keep: ['Merge Video + Music', 'Get Final Video URL'],
        },
        {
          workflow: migrated.get('http-03-kling-ai-video-audio-and-captions.json')!,
          stubs: { 'Get Generated Video URL': { data: { output: { video_url: clipUrl } } }, 'Upload Audio to Cloudinary': { url: voiceUrl } },
          keep: ['Merge Audio + Video', 'Get Video URL with Audio', 'Wait Before Captioning', 'Add Captions/Subtitles to Video', 'Get Final Video URL (Audio + Captions)'],
        },
      ]);
      // Its 30 s pause between the two renders is not JSON2Video's: one second is enough here.
      (parts.nodes.find((n) => n.name === 'Wait Before Captioning')!.parameters as { amount: number }).amount = 1;
      await importWorkflow(JSON.stringify(parts), 'parts');
      const partsRun = parseRun((await n8n(['execute', `--id=${String(parts.id)}`, '--rawOutput'])).stdout);
      expect(partsRun.data.resultData.error).toBeUndefined();
      for (const [render, status] of [
        ['Merge Video + Music', 'Get Final Video URL'],
        ['Merge Audio + Video', 'Get Video URL with Audio'],
        ['Add Captions/Subtitles to Video', 'Get Final Video URL (Audio + Captions)'],
      ]) {
        // (The captions render reads the first one's video as $json.movie.url, through the kept Wait:
        // an empty src would have failed it.)
        const waited = outputOf(partsRun, render)[0].json;
        expect(waited).toMatchObject({ status: 'done' });
        // The kept status request, now on Reelay, answers JSON2Video's {movie} shape for the same project.
        // Same file; each answer signs its link anew (the token holds its issue time), so only the path is compared.
        const file = (url: unknown) => String(url).split('?')[0];
        const movie = outputOf(partsRun, status)[0].json.movie as { url?: unknown };
        expect(movie).toMatchObject({ status: 'done', project: waited.project });
        expect(file(movie.url)).toBe(file(waited.url));
        await expectRendered(String(waited.project));
      }
    } finally {
      server.close();
      rmSync(assets, { recursive: true, force: true });
    }
    // Each `n8n` command starts the whole app (about 20 s on two busy cores): six of them here.
  }, 480_000);
});

