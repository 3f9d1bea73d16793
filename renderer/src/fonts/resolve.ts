/**
 * A font name → the faces to draw it with, trying in order: the fonts bundled with the renderer
 * (@fontsource), the fonts installed on the machine (fontconfig), Google Fonts by name (fetched once,
 * cached; REELAY_GOOGLE_FONTS), and DejaVu Sans. Falling back is never silent: the answer carries a
 * warning for the movie's JSON path (fontWarnings) and the renderer's log.
 */
import { existsSync } from 'node:fs';
import { bundledFamily } from './bundled';
import { matchingFaces, parseFontStyle, parseFontWeight, type FontStyle, type ResolvedFont } from './face';
import { googleFont, googleFontsFromEnv, type GoogleFontsSettings } from './google';
import { installedFace } from './installed';

export const FALLBACK_FAMILY = 'DejaVu Sans';
export const DEFAULT_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
export const DEFAULT_BOLD_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

export interface FontRequest {
  /** CSS `font-family`: one name, or a list whose first name that resolves is used (`"Anton", sans-serif`). */
  family?: string;
  weight?: string | number;
  style?: string;
}

export interface FontOptions {
  /** The data dir's cache, where Google fonts are kept. Without it, Google Fonts are not asked. */
  cacheDir?: string;
  allowPrivateUrls?: boolean;
  signal?: AbortSignal;
  /** @default googleFontsFromEnv() */
  google?: GoogleFontsSettings;
}

export interface FontResolution extends ResolvedFont {
  /** Why the font asked for is not the one used (the fallback is named); absent when it is. */
  warning?: string;
}

/** CSS generic families and system names a movie may put after its font: they mean "the default". */
const GENERIC = new Set(['serif', 'sans-serif', 'monospace', 'cursive', 'fantasy', 'system-ui', 'ui-sans-serif', 'ui-serif', 'ui-monospace', 'emoji', 'math', 'inherit', 'initial']);

/** The names of a CSS font-family list, unquoted, generic families left out. */
export function familyNames(family: string | undefined): string[] {
  return (family ?? '').split(',').map((n) => n.trim().replace(/^(['"])(.*)\1$/, '$2').trim()).filter((n) => n && !GENERIC.has(n.toLowerCase()));
}

function fallback(weight: number, style: FontStyle, requested?: string): ResolvedFont {
  const bold = weight >= 600;
  return { requested, family: FALLBACK_FAMILY, source: 'fallback', weight, style, faces: [{ file: bold ? DEFAULT_BOLD_FONT : DEFAULT_FONT, weight: bold ? 700 : 400, style: 'normal' }] };
}

/** Bundled or installed: no I/O beyond the disk (fontconfig). */
export function resolveLocalFont(name: string, weight: number, style: FontStyle): ResolvedFont | undefined {
  const bundled = bundledFamily(name);
  if (bundled) {
    const faces = matchingFaces(bundled.faces, weight, style).filter((f) => existsSync(f.file));
    if (faces.length > 0) return { requested: name, family: bundled.family, source: 'bundled', weight, style, faces };
  }
  const installed = installedFace(name, weight, style);
  if (installed) return { requested: name, family: name, source: 'installed', weight, style, faces: [installed] };
  return undefined;
}

export async function resolveFont(request: FontRequest, opts: FontOptions = {}): Promise<FontResolution> {
  const weight = parseFontWeight(request.weight);
  const style = parseFontStyle(request.style);
  const names = familyNames(request.family);
  if (names.length === 0) return fallback(weight, style);
  const google = opts.google ?? googleFontsFromEnv();
  const unreachable: string[] = [];
  for (const name of names) {
    const local = resolveLocalFont(name, weight, style);
    if (local) return local;
    if (!opts.cacheDir || !google.enabled) continue;
    try {
      const found = await googleFont(name, weight, style, { cacheDir: opts.cacheDir, allowPrivateUrls: opts.allowPrivateUrls ?? false, settings: google, signal: opts.signal });
      if (found) return { requested: name, family: found.family, source: 'google', weight, style, faces: matchingFaces(found.faces, weight, style) };
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      unreachable.push(`${name}: ${(err as Error).message}`);
    }
  }
  const reason = unreachable.length > 0
    ? `is not bundled or installed, and Google Fonts could not be reached (${unreachable.join('; ')})`
    : !opts.cacheDir || !google.enabled ? 'is not bundled or installed (Google Fonts is off)' : 'is not bundled, installed or on Google Fonts';
  return { ...fallback(weight, style, request.family), warning: `font '${request.family}' ${reason}; ${FALLBACK_FAMILY} is used` };
}
