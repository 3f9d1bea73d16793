/**
 * Font warnings for a movie at submit (`POST /v2/movies`, `/validate`): every `font-family` of a text
 * or the subtitles that will not be drawn in that font gets a warning with its JSON path and the
 * fallback used. Only what this machine knows is consulted — bundled fonts, installed fonts, and
 * Google Fonts answers already cached — so a submit never waits on Google; a name still to be fetched
 * says so, and the render fetches it.
 */
import type { MovieWarning } from '../schema/warnings';
import type { Movie } from '../schema/movie';
import type { Origin } from '../variables/resolve';
import { parseFontStyle, parseFontWeight } from './face';
import { googleFontKnown, googleFontsFromEnv, type GoogleFontsSettings } from './google';
import { FALLBACK_FAMILY, familyNames, resolveLocalFont } from './resolve';

export interface FontWarningOptions {
  /** The data dir's cache, to read Google Fonts answers already kept; absent = none known. */
  cacheDir?: string;
  /** @default googleFontsFromEnv() */
  google?: GoogleFontsSettings;
}

interface Named {
  family: string;
  weight?: string | number;
  style?: string;
  path: string;
}

function namedFonts(movie: Movie, origin?: Origin): Named[] {
  const found: Named[] = [];
  const visit = (elements: Movie['elements'], base: (e: number) => string) => {
    elements.forEach((el, e) => {
      if (el.type !== 'text' && el.type !== 'subtitles') return;
      const s = (el.settings ?? {}) as Record<string, unknown>;
      // A font-url (or a URL as the family) names a file, not a family: it is fetched as an asset.
      if (typeof s['font-family'] !== 'string' || s['font-url'] || /^https?:\/\//.test(s['font-family'])) return;
      const style = typeof s['font-style'] === 'string' ? s['font-style'] : undefined;
      found.push({ family: s['font-family'], weight: s['font-weight'] as string | number | undefined, style, path: `${base(e)}.settings.font-family` });
    });
  };
  movie.scenes.forEach((scene, s) => visit(scene.elements, (e) => `scenes[${origin?.scenes[s] ?? s}].elements[${origin?.sceneElements[s]?.[e] ?? e}]`));
  visit(movie.elements, (e) => `elements[${origin?.elements[e] ?? e}]`);
  return found;
}

export async function fontWarnings(movie: Movie, origin?: Origin, opts: FontWarningOptions = {}): Promise<MovieWarning[]> {
  const google = opts.google ?? googleFontsFromEnv();
  const warnings: MovieWarning[] = [];
  for (const named of namedFonts(movie, origin)) {
    const names = familyNames(named.family);
    if (names.length === 0) continue; // only generic families: the default font, as asked
    const weight = parseFontWeight(named.weight);
    const style = parseFontStyle(named.style);
    let pending = false;
    let resolved = false;
    for (const name of names) {
      if (resolveLocalFont(name, weight, style)) {
        resolved = true;
        break;
      }
      if (!google.enabled) continue;
      const known = opts.cacheDir ? await googleFontKnown(name, weight, style, opts.cacheDir) : undefined;
      if (known === 'found') {
        resolved = true;
        break;
      }
      if (known === undefined) pending = true;
    }
    if (resolved) continue;
    const message = pending
      ? `font '${named.family}' is not bundled or installed: it is fetched from Google Fonts when the movie renders (${FALLBACK_FAMILY} if Google Fonts does not have it)`
      : `font '${named.family}' is not bundled or installed${google.enabled ? ', nor on Google Fonts' : ' (Google Fonts is off)'}; ${FALLBACK_FAMILY} is used`;
    warnings.push({ path: named.path, message });
  }
  return warnings;
}
