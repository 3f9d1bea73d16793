/**
 * What a font name resolves to: the family actually used, where it came from, and its faces — one
 * file per weight, style and (for bundled and Google fonts) Unicode subset, as `@font-face` lists them.
 */

export type FontStyle = 'normal' | 'italic';

/** Where a family was found, in the order they are tried. */
export type FontSource = 'bundled' | 'installed' | 'google' | 'fallback';

export interface FontFace {
  /** Absolute path of a TTF, OTF, WOFF or WOFF2 file (drawtext, libass and Chromium read all four). */
  file: string;
  weight: number;
  style: FontStyle;
  /** CSS `unicode-range` of a subset file (`U+0000-00FF,U+0131`); absent = the whole file. */
  unicodeRange?: string;
}

export interface ResolvedFont {
  /** The name the movie asked for (absent = the default). */
  requested?: string;
  /** The family the faces belong to (`DejaVu Sans` when falling back). */
  family: string;
  source: FontSource;
  /** The weight and style asked for; faces may be nearer ones when the family lacks them. */
  weight: number;
  style: FontStyle;
  faces: FontFace[];
}

const NAMED_WEIGHTS: Record<string, number> = {
  thin: 100, hairline: 100, extralight: 200, ultralight: 200, light: 300, normal: 400, regular: 400, book: 400,
  medium: 500, semibold: 600, demibold: 600, bold: 700, extrabold: 800, ultrabold: 800, black: 900, heavy: 900,
  bolder: 700, lighter: 300,
};

/** CSS `font-weight` (a number 1–1000, a numeric string, or a keyword) as a number; 400 when unknown. */
export function parseFontWeight(weight: string | number | undefined): number {
  if (weight === undefined) return 400;
  const n = typeof weight === 'number' ? weight : Number(weight.trim());
  if (Number.isFinite(n) && n >= 1 && n <= 1000) return Math.round(n);
  if (typeof weight === 'string') return NAMED_WEIGHTS[weight.trim().toLowerCase().replace(/[\s_-]/g, '')] ?? 400;
  return 400;
}

/** CSS `font-style`: `italic` and `oblique` draw the italic face; anything else the upright one. */
export function parseFontStyle(style: string | undefined): FontStyle {
  return /^\s*(italic|oblique)/i.test(style ?? '') ? 'italic' : 'normal';
}

/**
 * The available weight CSS font matching picks for `wanted` (CSS Fonts 4 §5.2): 400 tries 500 first,
 * 500 tries 400; lighter wanted weights look lighter first, heavier ones heavier first.
 */
export function nearestWeight(wanted: number, available: readonly number[]): number {
  if (available.length === 0) return wanted;
  if (available.includes(wanted)) return wanted;
  const lighter = available.filter((w) => w < wanted).sort((a, b) => b - a);
  const heavier = available.filter((w) => w > wanted).sort((a, b) => a - b);
  if (wanted >= 400 && wanted <= 500) {
    const upTo500 = heavier.filter((w) => w <= 500);
    return upTo500[0] ?? lighter[0] ?? heavier[0];
  }
  return wanted < 400 ? (lighter[0] ?? heavier[0]) : (heavier[0] ?? lighter[0]);
}

/** The faces of one weight and style out of a family's faces, by CSS font matching. */
export function matchingFaces(faces: readonly FontFace[], weight: number, style: FontStyle): FontFace[] {
  const styled = faces.some((f) => f.style === style) ? faces.filter((f) => f.style === style) : faces;
  const w = nearestWeight(weight, [...new Set(styled.map((f) => f.weight))]);
  return styled.filter((f) => f.weight === w);
}

/** A family name as a comparable key: case, spaces, dashes and underscores do not matter. */
export const familyKey = (family: string): string => family.toLowerCase().replace(/[\s_-]+/g, '');
