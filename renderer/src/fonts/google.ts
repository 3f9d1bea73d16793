/**
 * Any other Google Font by name: its CSS2 API (`/css2?family=Name:ital,wght@1,700`) lists the font
 * files; they are downloaded through the SSRF-safe asset client (address policy, size and time caps)
 * ONCE per family, weight and style, and kept under the data dir's cache with a record of the faces,
 * so later renders read the disk. A family Google does not have is remembered for a day, so a typo
 * does not ask again on every render. `REELAY_GOOGLE_FONTS=0` turns this off; tests point
 * `REELAY_GOOGLE_FONTS_URL` at a server on loopback.
 */
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as fontkit from 'fontkit';
import { AssetCache } from '../assets/cache';
import { fetchAsset } from '../assets/fetch';
import { RenderError } from '../errors';
import { parseFontWeight, type FontFace, type FontStyle, familyKey } from './face';
import { PLAIN_FAMILY } from './installed';

export interface GoogleFontsSettings {
  /** @default true (REELAY_GOOGLE_FONTS; 0/false/off = bundled and installed fonts only) */
  enabled: boolean;
  /** @default https://fonts.googleapis.com (REELAY_GOOGLE_FONTS_URL) */
  baseUrl: string;
}

export function googleFontsFromEnv(env: NodeJS.ProcessEnv = process.env): GoogleFontsSettings {
  return {
    enabled: !/^(0|false|no|off)$/i.test(env.REELAY_GOOGLE_FONTS ?? ''),
    baseUrl: (env.REELAY_GOOGLE_FONTS_URL || 'https://fonts.googleapis.com').replace(/\/+$/, ''),
  };
}

export interface GoogleFetchOptions {
  /** The data dir's cache (`<data>/cache`): fonts go to `fonts/google`, downloads through `assets`. */
  cacheDir: string;
  allowPrivateUrls: boolean;
  settings: GoogleFontsSettings;
  signal?: AbortSignal;
}

/** What Google said of a family: its faces, or that it has no such family. */
type GoogleRecord = { family: string; faces: FontFace[] } | { missing: true; at: number };

/** A missing family is asked again after this long (Google adds families). */
const MISSING_FOR_MS = 24 * 3600_000;
const CSS_LIMITS = { maxBytes: 1024 * 1024, timeoutMs: 20_000 };
/** Big enough for a CJK family's single TTF (Noto Sans JP is about 9 MB). */
const FILE_LIMITS = { maxBytes: 30 * 1024 * 1024, timeoutMs: 60_000 };

const recordFile = (dir: string, family: string, weight: number, style: FontStyle) =>
  path.join(dir, `${createHash('sha256').update(`${familyKey(family)}|${weight}|${style}`).digest('hex').slice(0, 32)}.json`);

/**
 * The faces of `family` from Google Fonts (cached), undefined when Google has no such family.
 * Throws a RenderError when Google cannot be reached (nothing is remembered then).
 */
export async function googleFont(family: string, weight: number, style: FontStyle, opts: GoogleFetchOptions): Promise<{ family: string; faces: FontFace[] } | undefined> {
  if (!opts.settings.enabled || !PLAIN_FAMILY.test(family)) return undefined;
  const dir = path.join(opts.cacheDir, 'fonts', 'google');
  const record = recordFile(dir, family, weight, style);
  const known = await readRecord(record);
  if (known && 'faces' in known) return known;
  if (known && Date.now() - known.at < MISSING_FOR_MS) return undefined;

  takeLookup(family);
  const css = await fetchCss(family, weight, style, opts);
  let found: GoogleRecord = { missing: true, at: Date.now() };
  if (css !== undefined) {
    const rules = parseFontFaceCss(css);
    if (rules.length > 0) found = { family: rules[0].family, faces: await Promise.all(rules.map((rule) => download(rule, dir, opts))) };
  }
  await fs.mkdir(dir, { recursive: true });
  const tmp = `${record}.${randomUUID()}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(found));
  await fs.rename(tmp, record);
  return 'faces' in found ? found : undefined;
}

/** What the cache already knows of a family (no network): found, missing, or never asked. */
export async function googleFontKnown(family: string, weight: number, style: FontStyle, cacheDir: string): Promise<'found' | 'missing' | undefined> {
  const known = await readRecord(recordFile(path.join(cacheDir, 'fonts', 'google'), family, weight, style));
  if (!known) return undefined;
  return 'faces' in known ? 'found' : Date.now() - known.at < MISSING_FOR_MS ? 'missing' : undefined;
}

/**
 * New families asked of Google per minute, per process: a movie naming thousands of made-up fonts
 * must not become thousands of outbound requests. Past it a name falls back with a warning, and is
 * asked again on a later render.
 */
const LOOKUPS_PER_MINUTE = 30;
const lookups: number[] = [];
function takeLookup(family: string): void {
  const now = Date.now();
  while (lookups.length > 0 && now - lookups[0] > 60_000) lookups.shift();
  if (lookups.length >= LOOKUPS_PER_MINUTE) {
    throw new RenderError('asset_unavailable', `Google Fonts '${family}': more than ${LOOKUPS_PER_MINUTE} new families a minute were asked for; not asked`, { retryable: true });
  }
  lookups.push(now);
}

async function readRecord(file: string): Promise<GoogleRecord | undefined> {
  try {
    const record = JSON.parse(await fs.readFile(file, 'utf8')) as GoogleRecord;
    if ('faces' in record) {
      // A cache dir cleaned by hand: fetch again rather than point drawtext at missing files.
      for (const face of record.faces) await fs.access(face.file);
    }
    return record;
  } catch {
    return undefined;
  }
}

/** The CSS for the exact weight and style, else the family's default face; undefined = no such family. */
async function fetchCss(family: string, weight: number, style: FontStyle, opts: GoogleFetchOptions): Promise<string | undefined> {
  const name = encodeURIComponent(family).replace(/%20/g, '+');
  // Google answers 400 for a weight or style the family lacks, and for a family it does not have.
  for (const query of [`${name}:ital,wght@${style === 'italic' ? 1 : 0},${weight}`, name]) {
    try {
      const { file } = await fetchAsset(`${opts.settings.baseUrl}/css2?family=${query}`, {
        cache: new AssetCache(path.join(opts.cacheDir, 'assets')), allowPrivateUrls: opts.allowPrivateUrls, useCache: false,
        where: `Google Fonts '${family}'`, signal: opts.signal, limits: CSS_LIMITS,
      });
      const css = await fs.readFile(file, 'utf8');
      await fs.rm(file, { force: true });
      return css;
    } catch (err) {
      const notFound = err instanceof RenderError && err.code === 'asset_failed' && /\((400|404)\)$/.test(err.message);
      if (!notFound) throw err;
    }
  }
  return undefined;
}

export interface FontFaceRule {
  family: string;
  weight: number;
  style: FontStyle;
  url: string;
  unicodeRange?: string;
}

/** The `@font-face` rules of a stylesheet (what Google's CSS2 API answers). */
export function parseFontFaceCss(css: string): FontFaceRule[] {
  const rules: FontFaceRule[] = [];
  for (const [, body] of css.matchAll(/@font-face\s*\{([^}]*)\}/g)) {
    const prop = (name: string) => new RegExp(`(?:^|;)\\s*${name}\\s*:\\s*([^;]+)`, 'i').exec(body)?.[1].trim();
    const url = /url\(\s*['"]?([^'")\s]+)['"]?\s*\)/.exec(prop('src') ?? '')?.[1];
    const family = prop('font-family')?.replace(/^['"]|['"]$/g, '');
    if (!url || !family) continue;
    rules.push({
      family, url, weight: parseFontWeight(prop('font-weight')), style: prop('font-style') === 'italic' ? 'italic' : 'normal',
      unicodeRange: prop('unicode-range')?.replace(/\s+/g, ''),
    });
  }
  return rules;
}

/** One font file into `fonts/google/files/<content hash>.<ext>`: an extension Chromium and libass expect, checked to be a font. */
async function download(rule: FontFaceRule, dir: string, opts: GoogleFetchOptions): Promise<FontFace> {
  const where = `Google Fonts '${rule.family}'`;
  const { file } = await fetchAsset(rule.url, {
    cache: new AssetCache(path.join(opts.cacheDir, 'assets')), allowPrivateUrls: opts.allowPrivateUrls, useCache: true, where, signal: opts.signal, limits: FILE_LIMITS,
  });
  const bytes = await fs.readFile(file);
  let font: fontkit.Font | fontkit.FontCollection;
  try {
    font = fontkit.create(bytes);
  } catch {
    throw new RenderError('asset_failed', `${where}: '${rule.url}' is not a font file`);
  }
  const ext = font.type === 'WOFF2' ? 'woff2' : font.type === 'WOFF' ? 'woff' : /\.otf$/i.test(rule.url) ? 'otf' : 'ttf';
  const target = path.join(dir, 'files', `${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}.${ext}`);
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.copyFile(file, target);
  return { file: target, weight: rule.weight, style: rule.style, unicodeRange: rule.unicodeRange };
}
