/**
 * Fonts (compatibility issue): a name resolves to its faces from the bundled @fontsource packages,
 * the installed fonts, Google Fonts (a stand-in server on loopback: the real one is never asked), or
 * DejaVu Sans with a warning; layout measures with the very subset file drawtext draws.
 */
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fontFaceCss } from '../../renderer/src/fonts/css';
import { faceForText, parseUnicodeRange } from '../../renderer/src/fonts/pick';
import { resolveFont, type FontOptions } from '../../renderer/src/fonts/resolve';
import { fontWarnings } from '../../renderer/src/fonts/warnings';
import { validateMovie } from '../../renderer/src/schema/validate';
import { loadFontMetrics } from '../../renderer/src/text/font-metrics';
import { frameAt, harness, tmpDir, type RenderHarness } from './helpers';

const OFF = { enabled: false, baseUrl: '' };
const fontsource = (file: string) => path.join(path.dirname(require.resolve('@fontsource/roboto/package.json')), '..', file);

describe('resolution order', () => {
  test('a bundled Google Font: its WOFF2 subsets at the nearest weight and style', async () => {
    const guy = await resolveFont({ family: 'Luckiest Guy' }, { google: OFF });
    expect(guy).toMatchObject({ family: 'Luckiest Guy', source: 'bundled' });
    expect(guy.warning).toBeUndefined();
    expect(guy.faces.map((f) => path.basename(f.file)).sort()).toEqual(['luckiest-guy-latin-400-normal.woff2', 'luckiest-guy-latin-ext-400-normal.woff2']);
    expect(guy.faces.every((f) => f.unicodeRange?.startsWith('U+'))).toBe(true);
    // A CSS list: the first name that resolves; Anton has one weight, so 900 draws with 400.
    const anton = await resolveFont({ family: '"Anton", sans-serif', weight: 900 }, { google: OFF });
    expect(anton.family).toBe('Anton');
    expect(new Set(anton.faces.map((f) => f.weight))).toEqual(new Set([400]));
    const roboto = await resolveFont({ family: 'roboto', weight: 'bold', style: 'italic' }, { google: OFF });
    expect(roboto.faces.every((f) => f.weight === 700 && f.style === 'italic')).toBe(true);
  });

  test('an installed font through fontconfig; an unknown one is DejaVu Sans with a warning naming both', async () => {
    const serif = await resolveFont({ family: 'DejaVu Serif' }, { google: OFF });
    expect(serif).toMatchObject({ family: 'DejaVu Serif', source: 'installed' });
    expect(path.basename(serif.faces[0].file)).toBe('DejaVuSerif.ttf');
    const unknown = await resolveFont({ family: 'No Such Font Family', weight: 700 }, { google: OFF });
    expect(unknown).toMatchObject({ family: 'DejaVu Sans', source: 'fallback' });
    expect(path.basename(unknown.faces[0].file)).toBe('DejaVuSans-Bold.ttf');
    expect(unknown.warning).toMatch(/No Such Font Family.*Google Fonts is off.*DejaVu Sans is used/);
    // No name at all is the default, not a mistake.
    expect((await resolveFont({}, { google: OFF })).warning).toBeUndefined();
  });

  test('the subset file covering the text is the one drawn and measured', async () => {
    const roboto = await resolveFont({ family: 'Roboto' }, { google: OFF });
    expect(path.basename(faceForText(roboto.faces, 'Hello').file)).toBe('roboto-latin-400-normal.woff2');
    expect(path.basename(faceForText(roboto.faces, 'Привет мир').file)).toBe('roboto-cyrillic-400-normal.woff2');
    expect(path.basename(faceForText(roboto.faces, 'Ελληνικά').file)).toBe('roboto-greek-400-normal.woff2');
    expect(parseUnicodeRange('U+0000-00FF,U+0131,U+25??')).toEqual([[0, 0xff], [0x131, 0x131], [0x2500, 0x25ff]]);
    // fontkit reads the WOFF2 subsets: a real advance, not the missing glyph's.
    const latin = loadFontMetrics(fontsource('roboto/files/roboto-latin-400-normal.woff2'));
    expect(latin.measure('WWW', 100)).toBeGreaterThan(latin.measure('iii', 100) * 2);
  });
});

describe('fontFaceCss (the HTML engine draws with the same files)', () => {
  test('one rule per face with its url, weight, style and unicode-range; names are CSS-escaped', async () => {
    const guy = await resolveFont({ family: 'Luckiest Guy' }, { google: OFF });
    const css = fontFaceCss([guy, guy], (file) => `https://reelay.local/files/${path.basename(file)}`);
    const rules = css.split('\n');
    expect(rules).toHaveLength(2);
    expect(rules[0]).toBe(
      '@font-face{font-family:"Luckiest Guy";src:url("https://reelay.local/files/luckiest-guy-latin-400-normal.woff2") format("woff2");font-weight:400;font-style:normal;font-display:block;' +
        `unicode-range:${guy.faces[0].unicodeRange}}`,
    );
    const odd = fontFaceCss([{ ...guy, family: 'A"}B', requested: 'x' }], () => 'u"rl', { aliasFamily: true });
    expect(odd).not.toMatch(/A"}B|u"rl/);
    expect(odd).toContain('font-family:"x"');
  });
});

describe('Google Fonts by name (a stand-in CSS2 API on loopback)', () => {
  let server: http.Server;
  let base: string;
  const hits: string[] = [];
  let failing = false;
  let cacheDir: string;
  const ttf = readFileSync('/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf');

  beforeAll(async () => {
    cacheDir = tmpDir('google-fonts');
    server = http.createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      hits.push(`${u.pathname}${u.search}`);
      if (failing) return void res.writeHead(503).end('busy');
      if (u.pathname === '/files/stand-in.ttf') return void res.writeHead(200, { 'content-type': 'font/ttf' }).end(ttf);
      if (u.pathname === '/files/not-a-font.ttf') return void res.writeHead(200).end('<html>nope</html>');
      const family = (u.searchParams.get('family') ?? '').split(':')[0];
      // As Google: 400 for a family it does not have (and for a weight a family lacks).
      if (family === 'Stand In Sans' && !/wght@0,700/.test(u.search)) {
        return void res.writeHead(200, { 'content-type': 'text/css' }).end(
          `/* latin */\n@font-face {\n  font-family: 'Stand In Sans';\n  font-style: normal;\n  font-weight: 400;\n  src: url(${base}/files/stand-in.ttf) format('truetype');\n}\n`,
        );
      }
      if (family === 'Broken Font') return void res.writeHead(200, { 'content-type': 'text/css' }).end(`@font-face { font-family: 'Broken Font'; src: url(${base}/files/not-a-font.ttf); }`);
      res.writeHead(400).end('Font family not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections(); // the asset client keeps connections alive
    await new Promise((r) => server.close(r));
    rmSync(cacheDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    hits.length = 0;
    failing = false;
  });
  const opts = (): FontOptions => ({ cacheDir, allowPrivateUrls: true, google: { enabled: true, baseUrl: base } });

  test('fetched once: the CSS, then the file, kept under the cache; the next render reads the disk', async () => {
    const first = await resolveFont({ family: 'Stand In Sans' }, opts());
    expect(first).toMatchObject({ family: 'Stand In Sans', source: 'google' });
    expect(first.warning).toBeUndefined();
    expect(first.faces[0].file.startsWith(path.join(cacheDir, 'fonts', 'google', 'files'))).toBe(true);
    expect(readFileSync(first.faces[0].file).equals(ttf)).toBe(true);
    expect(hits).toEqual(['/css2?family=Stand+In+Sans:ital,wght@0,400', '/files/stand-in.ttf']);
    hits.length = 0;
    const again = await resolveFont({ family: 'Stand In Sans' }, opts());
    expect(again.faces).toEqual(first.faces);
    expect(hits).toEqual([]);
    // A weight the family lacks: Google refuses the exact query, the family's default face is used.
    const bold = await resolveFont({ family: 'Stand In Sans', weight: 700 }, opts());
    expect(bold.source).toBe('google');
    expect(hits).toEqual(['/css2?family=Stand+In+Sans:ital,wght@0,700', '/css2?family=Stand+In+Sans']);
  });

  test('a family Google does not have: DejaVu Sans with a warning, remembered (not asked on every render)', async () => {
    const missing = await resolveFont({ family: 'Nowhere Grotesk' }, opts());
    expect(missing).toMatchObject({ source: 'fallback', family: 'DejaVu Sans' });
    expect(missing.warning).toMatch(/'Nowhere Grotesk' is not bundled, installed or on Google Fonts; DejaVu Sans is used/);
    expect(hits).toHaveLength(2);
    hits.length = 0;
    await resolveFont({ family: 'Nowhere Grotesk' }, opts());
    expect(hits).toEqual([]);
  });

  test('Google unreachable, a forbidden address or a file that is no font: a warning, nothing remembered', async () => {
    failing = true;
    const down = await resolveFont({ family: 'Flaky Serif' }, opts());
    expect(down.warning).toMatch(/Google Fonts could not be reached.*503.*DejaVu Sans is used/);
    failing = false;
    hits.length = 0;
    await resolveFont({ family: 'Flaky Serif' }, opts());
    expect(hits.length).toBeGreaterThan(0); // asked again: a passing fault is not an answer
    // The asset client's address policy applies: loopback is refused unless private URLs are allowed.
    const forbidden = await resolveFont({ family: 'Stand In Sans', weight: 300 }, { ...opts(), allowPrivateUrls: false });
    expect(forbidden.warning).toMatch(/forbidden address/);
    const broken = await resolveFont({ family: 'Broken Font' }, opts());
    expect(broken.warning).toMatch(/is not a font file/);
  });

  test('at most 30 new families a minute are asked of Google: a movie of made-up names sends no flood', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `Made Up Family ${i}`);
    const resolved = [];
    for (const family of names) resolved.push(await resolveFont({ family }, opts()));
    const asked = new Set(hits.map((h) => /family=([^:&]+)/.exec(h)?.[1]));
    expect(asked.size).toBeLessThanOrEqual(30);
    expect(resolved.at(-1)!.warning).toMatch(/more than 30 new families a minute/);
  });

  test('REELAY_GOOGLE_FONTS off: bundled and installed fonts only, Google is not asked', async () => {
    const off = await resolveFont({ family: 'Some Other Font' }, { ...opts(), google: { enabled: false, baseUrl: base } });
    expect(off.warning).toMatch(/Google Fonts is off/);
    expect(hits).toEqual([]);
  });

  test('submit-time warnings: with the JSON path, from what this machine knows, never waiting on Google', async () => {
    await resolveFont({ family: 'Stand In Sans' }, opts());
    const checked = validateMovie({
      scenes: [{ elements: [
        { type: 'text', text: 'a', settings: { 'font-family': 'Luckiest Guy' } },
        { type: 'text', text: 'b', settings: { 'font-family': 'Stand In Sans' } },
        { type: 'text', text: 'c', settings: { 'font-family': 'Never Asked Font' } },
        { type: 'text', text: 'd', settings: { 'font-family': 'Nowhere Grotesk' } },
      ] }],
      elements: [{ type: 'subtitles', settings: { 'font-family': 'Fantasy Mono' } }],
    });
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    hits.length = 0;
    const warnings = await fontWarnings(checked.movie, checked.origin, { cacheDir, google: { enabled: true, baseUrl: base } });
    expect(hits).toEqual([]);
    expect(warnings.map((w) => w.path)).toEqual(['scenes[0].elements[2].settings.font-family', 'scenes[0].elements[3].settings.font-family', 'elements[0].settings.font-family']);
    expect(warnings[0].message).toMatch(/fetched from Google Fonts when the movie renders \(DejaVu Sans if/);
    expect(warnings[1].message).toMatch(/nor on Google Fonts; DejaVu Sans is used/);
    const off = await fontWarnings(checked.movie, checked.origin, { cacheDir, google: { enabled: false, baseUrl: base } });
    expect(off.map((w) => w.path)).toHaveLength(4);
  });
});

describe('renders', () => {
  let h: RenderHarness;
  beforeAll(() => {
    h = harness('fonts');
  });
  afterAll(() => h.cleanup());

  /** First and last column holding a bright pixel. */
  const inkColumns = (file: string) => {
    const f = frameAt(file, 0.5);
    const cols: number[] = [];
    for (let x = 0; x < f.width; x++) for (let y = 0; y < f.height; y++) if (f.at(x, y)[0] > 160) {
      cols.push(x);
      break;
    }
    return { from: Math.min(...cols), to: Math.max(...cols) };
  };
  const titleIn = (family: string) => h.render({
    resolution: 'custom', width: 480, height: 120, fps: 5, quality: 'high',
    scenes: [{ duration: 1, elements: [{ type: 'text', text: 'WIDE TITLE', settings: { 'font-family': family, 'font-size': '60px', color: '#ffffff', 'horizontal-position': 'left', 'margin-left': '20px' } }] }],
  });

  test('a bundled font is drawn, and as wide as the layout measured it', async () => {
    const anton = inkColumns((await titleIn('Anton')).file);
    const dejavu = inkColumns((await titleIn('No Such Font Family')).file);
    const antonFace = (await resolveFont({ family: 'Anton' }, { google: OFF })).faces[0].file;
    const measured = loadFontMetrics(antonFace).measure('WIDE TITLE', 60);
    // Ink starts at the margin (plus the first glyph's side bearing) and spans the measured advance.
    expect(anton.from).toBeGreaterThanOrEqual(19);
    expect(anton.from).toBeLessThan(26);
    expect(Math.abs(anton.to - anton.from - measured)).toBeLessThan(8);
    // Anton is a condensed face: DejaVu Sans (the old silent fallback) is far wider.
    expect(dejavu.to - dejavu.from).toBeGreaterThan((anton.to - anton.from) * 1.3);
  });

  test('subtitles in a bundled font: libass finds it through the render\'s fonts dir', async () => {
    const subtitled = (family: string) => h.render({
      resolution: 'custom', width: 320, height: 180, fps: 5,
      scenes: [{ duration: 1, elements: [] }],
      elements: [{ type: 'subtitles', captions: '1\n00:00:00,000 --> 00:00:01,000\nWIDE WORDS\n', settings: { 'font-family': family, 'font-size': 30 } }],
    });
    const luckiest = inkColumns((await subtitled('Luckiest Guy')).file);
    const fallback = inkColumns((await subtitled('No Such Font Family')).file);
    expect(luckiest.to - luckiest.from).toBeGreaterThan(40);
    expect(Math.abs(luckiest.to - luckiest.from - (fallback.to - fallback.from))).toBeGreaterThan(6);
  });
});
