/**
 * Hardening findings 2, 3 and 8 replayed: what one movie may hold is capped (README "Limits"),
 * validation and variable resolution are linear, every time and size has bounds, and nothing over a
 * limit is charged. Each case was accepted, froze the event loop or was charged absurdly before.
 */
import { MOVIE_LIMITS } from '../../renderer/src/schema/limits';
import { MAX_LISTED_ISSUES, validateMovie } from '../../renderer/src/schema/validate';
import { resolveVariables } from '../../renderer/src/variables/resolve';
import { startBridge, type TestBridge } from '../helpers/bridge';

const scene = (elements: unknown[], extra: Record<string, unknown> = {}) => ({ duration: 2, elements, ...extra });
const text = (t: string) => ({ type: 'text', text: t });

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function issuesOf(movie: unknown) {
  const r = validateMovie(movie);
  if (r.ok) throw new Error('expected the movie to be refused');
  return r.issues;
}

describe('validateMovie: caps, checked before any recursive walk', () => {
  test('nesting 10,000 deep in variables or an unknown key is a limit with its path, not a stack overflow', () => {
    for (const where of ['variables', 'anything']) {
      const issues = issuesOf({ [where]: { deep: nested(10_000) }, scenes: [scene([])] });
      expect(issues[0]).toMatchObject({ code: 'limit_exceeded', message: expect.stringContaining('nested deeper than') });
      expect(issues[0].path.startsWith(`${where}.deep`)).toBe(true);
    }
  });

  test('100,000 elements of a wrong type: one limit problem, at once (it took 55 s to list them all)', () => {
    const started = Date.now();
    const issues = issuesOf({ scenes: [scene(Array.from({ length: 100_000 }, () => ({ type: 'nope' })))] });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(issues).toEqual([expect.objectContaining({ code: 'limit_exceeded', message: `100000 elements; at most ${MOVIE_LIMITS.maxElements} in a movie` })]);
  });

  test('many broken elements under the cap: the first problems are listed with paths, then how many more', () => {
    const issues = issuesOf({ scenes: [scene(Array.from({ length: 1_500 }, () => ({ type: 'nope' })))] });
    expect(issues).toHaveLength(MAX_LISTED_ISSUES + 1);
    expect(issues[0].path).toBe('scenes[0].elements[0].type');
    expect(issues[MAX_LISTED_ISSUES]).toEqual({ path: '', message: `and ${1_500 - MAX_LISTED_ISSUES} more problems` });
  });

  test('scenes: 1,000 as sent, or more than the cap once iterate copies them', () => {
    expect(issuesOf({ scenes: Array.from({ length: 1_000 }, () => scene([text('x')])) })[0]).toMatchObject({ path: 'scenes', code: 'limit_exceeded' });
    const items = Array.from({ length: 200 }, (_, i) => i);
    const iterating = { iterate: 'a', elements: [text('{{item}}')], duration: 1 };
    const issues = issuesOf({ variables: { a: items }, scenes: [iterating, iterating, iterating] });
    expect(issues[0]).toMatchObject({ path: 'scenes[2].iterate', code: 'limit_exceeded' });
    // Two such scenes (400 copies, the crash-loop movie) are within the caps.
    expect(validateMovie({ variables: { a: items }, scenes: [iterating, iterating] }).ok).toBe(true);
  });

  test('text and expressions: length, nesting and the size of what they build', () => {
    expect(issuesOf({ scenes: [scene([text('x'.repeat(MOVIE_LIMITS.maxTextLength + 1))])] })[0]).toMatchObject({ path: 'scenes[0].elements[0].text', code: 'limit_exceeded' });
    expect(issuesOf({ scenes: [scene([text(`{{${'1+'.repeat(600)}1}}`)])] })[0]).toMatchObject({ path: 'scenes[0].elements[0].text', code: 'limit_exceeded' });
    expect(issuesOf({ scenes: [scene([text(`{{${'('.repeat(40)}1${')'.repeat(40)}}}`)])] })[0]).toMatchObject({ code: 'limit_exceeded', message: expect.stringContaining('nested deeper') });
    const big = 'y'.repeat(100_000);
    const grown = issuesOf({ variables: { big }, scenes: [scene([text('{{big + big + big}}')])] });
    expect(grown[0]).toMatchObject({ path: 'scenes[0].elements[0].text', code: 'limit_exceeded', message: expect.stringContaining('grows past') });
    // The same through interpolation in a string that is not one expression.
    expect(issuesOf({ variables: { big }, comment: '{{big}} {{big}} {{big}}', scenes: [scene([])] })[0]).toMatchObject({ path: 'comment', code: 'limit_exceeded' });
  });

  test('iterate copies of a large scene can not grow the movie past the resolver budget', () => {
    const items = Array.from({ length: 200 }, (_, i) => i);
    const heavy = { iterate: 'a', duration: 1, elements: [text('{{item}}')], payload: Array.from({ length: 6_000 }, (_, i) => i) };
    const issues = issuesOf({ variables: { a: items }, scenes: [heavy, heavy] });
    expect(issues[0]).toMatchObject({ code: 'limit_exceeded', message: expect.stringContaining('values once its variables and iterate are applied') });
  });

  test('resolving a 1 MB string of "{{" with no "}}" is linear (it took minutes)', () => {
    const s = '{{'.repeat(500_000);
    const under = '{{'.repeat(90_000); // within the string cap once interpolated
    const started = Date.now();
    const r = resolveVariables({ comment: s, also: `a {{1+1}} b ${under}` });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(r.issues).toEqual([]);
    expect((r.movie as { comment: string }).comment).toBe(s);
    expect((r.movie as { also: string }).also).toBe(`a 2 b ${under}`);
  });

  test('interpolation keeps its meaning: typed whole expressions, text around parts, "}}" inside', () => {
    const r = resolveVariables({ variables: { n: 3, o: { a: 1 } }, a: ' {{n * 2}} ', b: 'x{{n}}y{{o}}z', c: '{{}}}', d: 'no {{ end' });
    expect(r.movie).toEqual({ a: 6, b: 'x3y{"a":1}z', c: '{{}}}', d: 'no {{ end' });
    expect(r.issues).toEqual([{ path: 'c', message: "unexpected '}'" }]);
  });
});

describe('validateMovie: every time and size has bounds', () => {
  test.each([
    ['a scene shorter than one frame', { scenes: [{ duration: 1e-9, elements: [] }] }, 'scenes[0].duration', 'shorter than one frame'],
    ['a subnormal scene duration', { scenes: [{ duration: 1e-320, elements: [] }] }, 'scenes[0].duration', 'shorter than one frame'],
    ['an element shorter than one frame at 60 fps', { fps: 60, scenes: [scene([{ ...text('x'), duration: 0.01 }])] }, 'scenes[0].elements[0].duration', 'shorter than one frame'],
    ['a scene of 1e308 s', { scenes: [{ duration: 1e308, elements: [] }] }, 'scenes[0].duration', '<=7200'],
    ['fade-in 1e308', { scenes: [scene([{ ...text('x'), 'fade-in': 1e308 }])] }, 'scenes[0].elements[0].fade-in', '<=7200'],
    ['font-size 1e308', { scenes: [scene([{ ...text('x'), settings: { 'font-size': 1e308 } }])] }, 'scenes[0].elements[0].settings.font-size', 'at most 2000 pixels'],
    ['font-size "1e308px"-like strings', { scenes: [scene([{ ...text('x'), settings: { 'font-size': '99999999px' } }])] }, 'scenes[0].elements[0].settings.font-size', 'at most 2000 pixels'],
    ['x far off the canvas', { scenes: [scene([{ ...text('x'), x: 1e300 }])] }, 'scenes[0].elements[0].x', '<=100000'],
    ['a width of a billionth of a pixel', { scenes: [scene([{ ...text('x'), width: 1e-9 }])] }, 'scenes[0].elements[0].width', 'at least 1'],
    ['loop 1e9', { scenes: [scene([{ type: 'audio', src: 'https://example.com/a.mp3', loop: 1e9 }])] }, 'scenes[0].elements[0].loop', '<=1000'],
  ])('%s is refused with its path', (_name, movie, path, message) => {
    const issues = issuesOf(movie);
    expect(issues).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  test('length and pixels: two hours at most, and 4K at 60 fps for an hour is over the pixel budget', () => {
    expect(issuesOf({ scenes: [{ duration: 7_000, elements: [] }, { duration: 7_000, elements: [] }] })[0]).toMatchObject({ code: 'limit_exceeded', message: expect.stringContaining('at most 7200 s') });
    const k4 = issuesOf({ resolution: 'custom', width: 3840, height: 2160, fps: 60, scenes: [{ duration: 3_600, elements: [] }] });
    expect(k4[0]).toMatchObject({ code: 'limit_exceeded', message: expect.stringContaining('at this size and fps at most 900 s') });
    expect(validateMovie({ resolution: 'custom', width: 3840, height: 2160, fps: 60, scenes: [{ duration: 900, elements: [] }] }).ok).toBe(true);
  });
});

describe('POST /v2/movies with a render key: over a limit is a 400 with its path, nothing charged', () => {
  let bridge: TestBridge;
  let key: string;
  const credits = 1_000;

  beforeAll(async () => {
    bridge = await startBridge({ credits });
    ({ key } = await bridge.keyWithRole('render'));
  });
  afterAll(() => bridge.stop());

  const post = (body: unknown) => bridge.request('POST', '/v2/movies', { key, body });
  const balance = async () => (await bridge.request('GET', '/v2/account', { key: bridge.primaryKey })).body.account.credits;

  test('100,000 broken elements: a quick 400 limit_exceeded while /healthz keeps answering', async () => {
    let slowest = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const t = Date.now();
        await fetch(`${bridge.url}/healthz`);
        slowest = Math.max(slowest, Date.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const res = await post({ scenes: [scene(Array.from({ length: 100_000 }, () => ({ type: 1 })))] });
    polling = false;
    await poll;
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: 'limit_exceeded', details: [{ path: '', message: expect.stringContaining('100000 elements') }] });
    expect(slowest).toBeLessThan(1_000);
  });

  test('absurd numbers are refused at submit, and nothing is charged', async () => {
    const before = await balance();
    for (const body of [
      { scenes: [{ duration: 1e308, elements: [] }] },
      { scenes: [{ duration: 1e-9, elements: [] }] },
      { scenes: [scene([{ ...text('x'), 'fade-in': 1e308, settings: { 'font-size': 1e308 } }])] },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_error');
      expect(res.body.details[0].path).toMatch(/^scenes\[0\]/);
    }
    const overBudget = await post({ resolution: 'custom', width: 3840, height: 2160, fps: 60, scenes: [{ duration: 3_600, elements: [] }] });
    expect(overBudget.status).toBe(400);
    expect(overBudget.body.code).toBe('limit_exceeded');
    expect(await balance()).toBe(before);
  });

  test('a 1 MB text of "{{" is refused at once as over the string limit', async () => {
    const res = await post({ scenes: [scene([text('{{'.repeat(500_000))])] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'limit_exceeded', details: [{ path: 'scenes[0].elements[0].text' }] });
  });

  test('uploads: an image whose size can not be read, or one over the decode limit, is refused', async () => {
    const zlib = await import('node:zlib');
    const chunk = (type: string, data: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const body = Buffer.concat([Buffer.from(type), data]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlib.crc32(body) >>> 0);
      return Buffer.concat([len, body, crc]);
    };
    const png = (width: number, height: number) => {
      const ihdr = Buffer.alloc(13);
      ihdr.writeUInt32BE(width, 0);
      ihdr.writeUInt32BE(height, 4);
      ihdr[8] = 8; // 8-bit
      ihdr[9] = 0; // greyscale: one byte a pixel, so a 20000×1 picture is a few bytes of zeros
      const rows = zlib.deflateSync(Buffer.alloc((width + 1) * Math.min(height, 1)));
      return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
    };
    const send = (data: Buffer) => fetch(`${bridge.url}/v2/uploads?name=x.png`, { method: 'POST', headers: { 'x-api-key': key }, body: data });
    const claimed = await send(png(100_000, 100_000));
    expect(claimed.status).toBe(415);
    expect(await claimed.json()).toMatchObject({ code: 'unsupported_upload', error: expect.stringContaining('could not be read') });
    const wide = await send(png(20_000, 1));
    expect(wide.status).toBe(400);
    expect(await wide.json()).toMatchObject({ code: 'limit_exceeded', details: [{ path: 'width' }] });
    const fine = await send(png(64, 1));
    expect(fine.status).toBe(201);
  });
});
