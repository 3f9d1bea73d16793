/**
 * Fonts installed on the machine, found through fontconfig (`fc-match`, given an argv, never a
 * shell). fc-match always answers with *some* font, so the answer counts only when its family is the
 * one asked for; otherwise the name resolves further down the chain.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { familyKey, type FontFace, type FontStyle } from './face';

/** fontconfig's weight scale for CSS weights (fontconfig.h: FC_WEIGHT_THIN … FC_WEIGHT_BLACK). */
const FC_WEIGHTS: [css: number, fc: number][] = [[100, 0], [200, 40], [300, 50], [400, 80], [500, 100], [600, 180], [700, 200], [800, 205], [900, 210]];
const cssToFc = (w: number) => FC_WEIGHTS.reduce((best, pair) => (Math.abs(pair[0] - w) < Math.abs(best[0] - w) ? pair : best))[1];
const fcToCss = (w: number) => FC_WEIGHTS.reduce((best, pair) => (Math.abs(pair[1] - w) < Math.abs(best[1] - w) ? pair : best))[0];

/** Files fontconfig may answer that drawtext, libass and Chromium all read (collections excluded). */
const READABLE = /\.(ttf|otf|woff2?)$/i;
/** Only plain family names reach fc-match: its pattern syntax (`:`, `=`, `,`) is not for users. */
export const PLAIN_FAMILY = /^[\p{L}\p{N} ._'-]{1,64}$/u;

const cache = new Map<string, FontFace | null>();
/** Installed families are listed again after this long (fonts installed while running show up). */
const LIST_FOR_MS = 5 * 60_000;
let listed: { at: number; families: Set<string> } | undefined;

/**
 * Every installed family (fc-list, once per LIST_FOR_MS). A name not among them is answered without
 * running fc-match, so a movie naming thousands of made-up fonts costs one lookup, not thousands of
 * processes, and the per-face cache only grows with fonts that exist.
 */
function installedFamilies(): Set<string> {
  if (!listed || Date.now() - listed.at > LIST_FOR_MS) {
    let families = new Set<string>();
    try {
      const out = execFileSync('fc-list', ['--format', '%{family}\n'], { encoding: 'utf8', timeout: 10_000, maxBuffer: 16 * 1024 * 1024 });
      families = new Set(out.split('\n').flatMap((line) => line.split(',')).map((f) => familyKey(f)).filter(Boolean));
    } catch {
      // fontconfig missing: nothing is installed as far as Reelay can tell.
    }
    listed = { at: Date.now(), families };
    cache.clear();
  }
  return listed.families;
}

/** The installed face of `family` nearest the weight and style, or undefined when it is not installed. */
export function installedFace(family: string, weight: number, style: FontStyle): FontFace | undefined {
  if (!PLAIN_FAMILY.test(family) || !installedFamilies().has(familyKey(family))) return undefined;
  const key = `${familyKey(family)}|${weight}|${style}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  let face: FontFace | null = null;
  try {
    const pattern = `${family}:weight=${cssToFc(weight)}:slant=${style === 'italic' ? 100 : 0}`;
    const [families = '', file = '', fcWeight = '80', slant = '0'] = execFileSync('fc-match', ['-f', '%{family}\n%{file}\n%{weight}\n%{slant}', pattern], { encoding: 'utf8', timeout: 5000 }).split('\n');
    const sameFamily = families.split(',').some((f) => familyKey(f) === familyKey(family));
    if (sameFamily && READABLE.test(file) && existsSync(file)) {
      face = { file, weight: fcToCss(Number(fcWeight)), style: Number(slant) > 0 ? 'italic' : 'normal' };
    }
  } catch {
    // fontconfig missing: nothing is installed as far as Reelay can tell.
  }
  cache.set(key, face);
  return face ?? undefined;
}
