/**
 * Property-based fuzzing of what a key holder can send: movies (POST /v2/movies), raw bodies with
 * any encoding, uploads and webhook subscriptions, against a real `reelay bridge` process. Every
 * answer is 2xx/4xx within a bounded time, /healthz answers within 1 s throughout, and the process
 * never exits. Generators are size-bounded and mix JSON2Video's real keys with hostile values
 * (`__proto__` keys, `{{` soup, 1e308, subnormals, deep nesting, URLs at loopback and metadata).
 * URLs are IP literals only, so nothing here makes a DNS lookup or leaves the machine.
 *
 * REELAY_FUZZ_SEED and REELAY_FUZZ_RUNS (a multiplier, default 1) explore further; REELAY_FUZZ_REPORT=1
 * prints the number of cases and the slowest answer of each property.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { createInstall, type Install, type ReelayProcess } from '../e2e/harness';

const SEED = Number(process.env.REELAY_FUZZ_SEED ?? 20261204);
const SCALE = Number(process.env.REELAY_FUZZ_RUNS ?? 1);
/** Far above any honest answer here (a few ms to a few hundred), far below a frozen event loop. */
const MAX_ANSWER_MS = 5_000;

const nastyNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -1, -2, 0.5, 1e308, -1e308, 1e-320, 1e-9, 5e-324, 2 ** 53, 60, 7200, 100_000),
);
const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '{{', '}}{{', '{{a}}', '{{item}}', '{{b.c}}', '{{1/0}}', '{{a + a}}', '{{length(a)}}', '{{((((1))))}}', '{{constructor}}', '{{__proto__}}',
    'rgba(0,0,0,0.5)', '#fff', 'transparent', '6vw', '80px', '1e308px', 'WEBVTT\n\n00:00.000 --> 00:01.000\nhi', '1\n00:00:00,000 --> 00:00:01,000\nhi',
    'http://127.0.0.1/a.png', 'http://169.254.169.254/latest', 'http://[::1]/x.mp4', 'file:///etc/passwd', 'ftp://127.0.0.1/x', 'reelay://uploads/upl_x',
    'data:text/html,<script>1</script>', '__proto__', 'constructor', 'fade', 'center-center', 'custom', 'full-hd', 'elevenlabs', 'local', 'my-ftp',
  ),
  fc.string({ maxLength: 12 }).map((s) => `{{${s}}}`),
  fc.constantFrom('{{'.repeat(2_000), 'x'.repeat(20_000)),
);
const KEYS = [
  'type', 'src', 'text', 'duration', 'start', 'settings', 'x', 'y', 'width', 'height', 'zoom', 'pan', 'position', 'resize', 'volume', 'loop', 'seek',
  'fade-in', 'fade-out', 'extra-time', 'z-index', 'crop', 'rotate', 'captions', 'style', 'model', 'connection', 'condition', 'variables', 'iterate',
  'font-size', 'color', 'host', 'id', '__proto__', 'constructor', 'prototype',
];
const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 }));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    nastyNumber,
    nastyString,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));
/** Deeply nested arrays, somewhere: the resolver and structuredClone once overflowed the stack. */
const deep = fc.integer({ min: 1, max: 3_000 }).map((n) => {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = [v];
  return v;
});

const element = fc.record(
  {
    type: fc.constantFrom('image', 'video', 'text', 'audio', 'voice', 'audiogram', 'subtitles', 'html', 'component', 'nope'),
    text: nastyString,
    src: nastyString,
    captions: nastyString,
    duration: nastyNumber,
    start: nastyNumber,
    'fade-in': nastyNumber,
    x: nastyNumber,
    width: nastyNumber,
    zoom: nastyNumber,
    model: nastyString,
    settings: fc.dictionary(fc.constantFrom('font-size', 'color', 'text-shadow', 'padding', 'outline-width', 'style', '__proto__'), value, { maxKeys: 3 }),
    condition: value,
    variables: value,
    extra: value,
  },
  { requiredKeys: ['type'] },
);
const scene = fc.record(
  {
    duration: nastyNumber,
    'background-color': nastyString,
    elements: fc.array(element, { maxLength: 4 }),
    iterate: fc.constantFrom('a', 'b', 'b.c', 'nope', '__proto__'),
    transition: value,
    variables: value,
    condition: value,
    deep,
  },
  { requiredKeys: [] },
);
const destination = fc.record(
  { type: fc.constantFrom('webhook', 'ftp', 'sftp', 'email', 'nope'), id: fc.constantFrom('my-ftp', 'nope'), host: nastyString, endpoint: nastyString, ['__proto__']: value },
  { requiredKeys: [] },
);
const movie = fc.record(
  {
    resolution: fc.oneof(nastyString, fc.constantFrom('sd', 'hd', 'full-hd', 'custom', 'instagram-story')),
    width: nastyNumber,
    height: nastyNumber,
    fps: nastyNumber,
    quality: nastyString,
    scenes: fc.array(scene, { maxLength: 4 }),
    elements: fc.array(element, { maxLength: 3 }),
    variables: fc.record({ a: fc.array(value, { maxLength: 6 }), b: value }, { requiredKeys: [] }),
    exports: fc.array(fc.record({ destinations: fc.array(destination, { maxLength: 2 }) }, { requiredKeys: [] }), { maxLength: 2 }),
    'client-data': value,
    template: nastyString,
    cache: fc.boolean(),
    other: value,
  },
  { requiredKeys: [] },
);

/**
 * Plausible movies: valid at their core (so they are priced, stored and queued), with hostile values
 * where JSON2Video lets anything through: client-data, variables, unknown keys, comments.
 */
const plausibleMovie = fc.record({
  resolution: fc.constantFrom('sd', 'hd', 'full-hd', 'instagram-story'),
  cache: fc.boolean(),
  variables: fc.dictionary(key, value, { maxKeys: 4 }),
  'client-data': fc.dictionary(key, value, { maxKeys: 4 }),
  comment: nastyString,
  extra: value,
  scenes: fc.array(
    fc.record({
      duration: fc.double({ min: 0.1, max: 20, noNaN: true }),
      'background-color': fc.constantFrom('#000000', 'red', '#12345678'),
      elements: fc.array(fc.record({ type: fc.constant('text'), text: nastyString.filter((t) => t.length > 0 && t.length <= 10_000), extra: value }), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

/** fast-check prints the whole counterexample; a 20 KB string in it would bury the cause. */
async function check<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncPropertyWithHooks<Ts>, numRuns: number): Promise<void> {
  try {
    await fc.assert(property, { seed: SEED, numRuns: numRuns * SCALE, endOnFailure: true });
  } catch (err) {
    const cause = ((err as Error).cause as Error | undefined)?.message ?? '';
    const message = (err as Error).message;
    throw new Error(`${cause}\n${message.length > 3_000 ? `${message.slice(0, 1_500)}\n…\n${message.slice(-1_500)}` : message}`);
  }
}

/** JSON2Video's own published movies (test/fixtures/json2video), the seeds of the mutation fuzzing. */
const corpus = readdirSync(path.join(__dirname, '..', 'fixtures', 'json2video'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => (JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'json2video', f), 'utf8')) as { movie: unknown }).movie);

/** Every [path, value] of a JSON value, to pick where a mutation lands. */
function places(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => places(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) places(x, [...at, k], out);
  return out;
}

/** A corpus movie with one mutation: a value replaced (types swapped, huge numbers, unicode, deep nesting, long arrays) or dropped. */
const mutatedCorpusMovie = fc
  .tuple(fc.nat(corpus.length - 1), fc.nat(), fc.oneof(value, deep, fc.constant(undefined), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.array(fc.constant({ type: 'text', text: 'x' }), { minLength: 100, maxLength: 600 })))
  .map(([i, where, replacement]) => {
    const movie = structuredClone(corpus[i]) as Record<string, unknown>;
    const spots = places(movie).filter((p) => p.length > 0);
    const spot = spots[where % spots.length];
    let parent = movie as Record<string | number, unknown>;
    for (const key of spot.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    if (replacement === undefined) delete parent[spot[spot.length - 1]];
    else parent[spot[spot.length - 1]] = replacement;
    return movie;
  });

/** A process's resident (VmRSS) or peak resident (VmHWM) memory in bytes, from /proc. */
function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}
const mb = (bytes: number) => Math.round(bytes / 1e6);

interface Stats {
  cases: number;
  slowestMs: number;
  statuses: Map<number, number>;
}

function newStats(): Stats {
  return { cases: 0, slowestMs: 0, statuses: new Map() };
}

describe('fuzzing the API of a real bridge process', () => {
  let install: Install;
  let bridge: ReelayProcess;
  let renderKey: string;
  let editorKey: string;
  let healthSlowestMs = 0;
  let rssAtStart = 0;
  let polling = true;
  let poller: Promise<void>;
  const report: Record<string, Stats> = {};

  beforeAll(async () => {
    // Assets and destinations on loopback are refused here, as in production.
    install = await createInstall({ REELAY_ALLOW_PRIVATE_URLS: 'false', REELAY_LOG_LEVEL: 'warn' });
    bridge = await install.spawn('bridge');
    const make = async (role: string) => (await install.api('POST', '/v2/keys', { body: { name: `fuzz-${role}`, role } })).body.key as string;
    rssAtStart = memoryOf(bridge.child.pid!, 'VmRSS');
    renderKey = await make('render');
    editorKey = await make('editor');
    poller = (async () => {
      while (polling) {
        const started = Date.now();
        const res = await fetch(`${install.url}/healthz`).catch(() => null);
        healthSlowestMs = Math.max(healthSlowestMs, Date.now() - started);
        if (!res?.ok) healthSlowestMs = Number.POSITIVE_INFINITY;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  }, 60_000);

  afterAll(async () => {
    polling = false;
    await poller;
    if (process.env.REELAY_FUZZ_REPORT === '1') {
      const lines = Object.entries(report).map(([name, s]) => `${name}: ${s.cases} cases, slowest ${s.slowestMs} ms, statuses ${JSON.stringify(Object.fromEntries(s.statuses))}`);
      const memory = `bridge RSS ${mb(rssAtStart)} MB at start, ${mb(memoryOf(bridge.child.pid!, 'VmRSS'))} MB at the end, peak ${mb(memoryOf(bridge.child.pid!, 'VmHWM'))} MB`;
      console.log(`fuzz (seed ${SEED}):\n${lines.join('\n')}\n/healthz slowest: ${healthSlowestMs} ms\n${memory}`);
    }
    await install.stop();
  });

  /** Sends one request and checks the answer is a 2xx/4xx in our error shape, in bounded time. */
  async function send(name: string, p: string, init: RequestInit): Promise<number> {
    const stats = (report[name] ??= newStats());
    const started = Date.now();
    const res = await fetch(install.url + p, init);
    const text = await res.text();
    const ms = Date.now() - started;
    stats.cases++;
    stats.slowestMs = Math.max(stats.slowestMs, ms);
    stats.statuses.set(res.status, (stats.statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500 || ms > MAX_ANSWER_MS) throw new Error(`${init.method} ${p} answered ${res.status} after ${ms} ms: ${text.slice(0, 500)}`);
    if (res.status >= 400) {
      const body = JSON.parse(text) as { success?: boolean; code?: unknown };
      if (body.success !== false || typeof body.code !== 'string') throw new Error(`error answer not in the error shape: ${text.slice(0, 300)}`);
    }
    return res.status;
  }

  const json = (k: string, body: unknown): RequestInit => ({ method: 'POST', headers: { 'x-api-key': k, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('POST /v2/movies: any movie-shaped JSON from a render key', async () => {
    await check(
      fc.asyncProperty(fc.oneof(movie, plausibleMovie), async (m) => {
        await send('movies', '/v2/movies', json(renderKey, m));
      }),
      300,
    );
  }, 240_000);

  test('mutations of JSON2Video\'s published movies, to /v2/movies/validate and /v2/movies', async () => {
    await check(
      fc.asyncProperty(mutatedCorpusMovie, async (m) => {
        // 200 for anything in the movie; a 4xx only for the request itself (a body nested too deep).
        const status = await send('corpus validate', '/v2/movies/validate', json(renderKey, m));
        expect([200, 400, 413]).toContain(status);
        await send('corpus create', '/v2/movies', json(renderKey, m));
      }),
      150,
    );
  }, 240_000);

  test('POST /v2/movies: raw bodies with any content type and encoding, broken ones included', async () => {
    // Shown as a short preview when a case fails, not as a list of every byte.
    const bytes = (b: Buffer) => Object.assign(b, { [fc.toStringMethod]: () => `<${b.length} bytes: ${JSON.stringify(b.subarray(0, 120).toString('latin1'))}…>` });
    const body = fc.oneof(
      fc.string({ maxLength: 200 }).map((s) => bytes(Buffer.from(s))),
      fc.uint8Array({ maxLength: 300 }).map((b) => bytes(Buffer.from(b))),
      movie.map((m) => bytes(Buffer.from(JSON.stringify(m)))),
    );
    await check(
      fc.asyncProperty(
        body,
        // text/plain and no type at all are read as JSON too, as JSON2Video reads them (bridge/src/http/json-body.ts).
        fc.constantFrom('application/json', 'text/csv', 'application/octet-stream', 'multipart/form-data; boundary=x', 'application/json; charset=latin9', 'text/plain', 'text/plain; charset=utf-16', ''),
        fc.constantFrom(undefined, 'gzip', 'br', 'deflate', 'identity', 'zstd', 'gzip, br'),
        async (b, type, encoding) => {
          const headers: Record<string, string> = { 'x-api-key': renderKey, ...(type ? { 'content-type': type } : {}) };
          if (encoding) headers['content-encoding'] = encoding;
          await send('raw bodies', '/v2/movies', { method: 'POST', headers, body: b });
        },
      ),
      150,
    );
  }, 240_000);

  test('POST /v2/uploads: random bytes behind real media signatures', async () => {
    const magic = fc.constantFrom(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.from('GIF89a'),
      Buffer.from('RIFF\0\0\0\0WEBPVP8 '),
      Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]),
      Buffer.from('ID3'),
      Buffer.from('<html><script>alert(1)</script>'),
      Buffer.alloc(0),
    );
    await check(
      fc.asyncProperty(magic, fc.uint8Array({ maxLength: 2_048 }), fc.constantFrom('x.png', '../../etc/passwd', 'a\r\nb', ''), async (head, tail, name) => {
        const status = await send('uploads', `/v2/uploads?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'x-api-key': renderKey }, body: Buffer.concat([head, tail]) });
        expect([201, 400, 413, 415]).toContain(status);
      }),
      40,
    );
  }, 240_000);

  test('POST /v2/webhooks: any subscription body from an editor key', async () => {
    const sub = fc.record(
      { url: nastyString, target_url: nastyString, events: fc.oneof(value, fc.array(fc.constantFrom('movie.done', 'movie.error', 'nope'))), event: nastyString, other: value },
      { requiredKeys: [] },
    );
    await check(
      fc.asyncProperty(sub, async (body) => {
        await send('webhooks', '/v2/webhooks', json(editorKey, body));
      }),
      100,
    );
  }, 240_000);

  test('throughout: /healthz answered within 1 s and the bridge never exited', async () => {
    expect(bridge.child.exitCode).toBeNull();
    expect(bridge.child.signalCode).toBeNull();
    const res = await fetch(`${install.url}/healthz`);
    expect(res.status).toBe(200);
    expect(healthSlowestMs).toBeLessThan(1_000);
  });
});
