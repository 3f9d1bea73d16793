/**
 * Settings values of components, validated and written back in a normal form, so nothing of the
 * untrusted input string reaches a page unchecked: colours through schema/colour.ts (re-emitted as
 * rgba()), lengths through schema/css.ts (re-emitted as number + unit), font families through the
 * plain-name rule fonts use, enums as enums, and the few free CSS values JSON2Video's examples
 * use (gradients, shadows, borders) as tokens of an allow-list: no quotes, `;`, braces, `<`, `\`
 * nor any function outside the list (so no `url(`, `image(`, `attr(`, `var(`, `expression(`).
 */
import { z } from 'zod';
import { PLAIN_FAMILY } from '../../fonts/installed';
import { parseColour } from '../../schema/colour';
import { parseCssLength, withinBounds } from '../../schema/css';

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;
/** A number, or a string of one (templates fill numbers from text variables), as the movie schema reads them. */
export const num = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && NUMERIC.test(v) ? Number(v) : v), schema);

export const colour = z.string().transform((s, ctx) => {
  const c = parseColour(s);
  if (c) return `rgba(${c.r},${c.g},${c.b},${c.a})`;
  ctx.addIssue({ code: 'custom', message: 'not a colour (use #RRGGBB, #RRGGBBAA, rgba(), hsl() or a CSS name)' });
  return z.NEVER;
});

/** Pixels at most for a length; relative units get withinBounds' sane multiple. */
const MAX_PX = 20_000;
function oneLength(v: string | number): string | undefined {
  const l = parseCssLength(v);
  return l && withinBounds(l, MAX_PX) ? `${l.value}${l.unit}` : undefined;
}

/** `"5vw"`, `"40px"`, `40` (pixels), `"5%"`; `auto` where `allowAuto`. */
export const length = (opts: { allowAuto?: boolean } = {}) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    if (opts.allowAuto && v === 'auto') return 'auto';
    const out = oneLength(v);
    if (out !== undefined) return out;
    ctx.addIssue({ code: 'custom', message: 'must be a CSS length (40, "40px", "5vw", "5%", "1.5em")' });
    return z.NEVER;
  });

/** One to four lengths, as padding, margin and border-radius take them (`"0 15vw"`). */
export const lengths = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const parts = typeof v === 'number' ? [v] : v.trim().split(/\s+/);
  const out = parts.length <= 4 ? parts.map(oneLength) : [];
  if (out.length > 0 && out.every((p) => p !== undefined)) return out.join(' ');
  ctx.addIssue({ code: 'custom', message: 'must be one to four CSS lengths ("1vw", "0 15vw", "5px 10px")' });
  return z.NEVER;
});

/** Functions a free CSS value may call: colours, gradients, maths, filters, transforms, shapes. */
const FUNCTIONS = new Set([
  'rgb', 'rgba', 'hsl', 'hsla', 'hwb', 'lab', 'lch', 'oklab', 'oklch',
  'linear-gradient', 'radial-gradient', 'conic-gradient', 'repeating-linear-gradient', 'repeating-radial-gradient', 'repeating-conic-gradient',
  'calc', 'min', 'max', 'clamp',
  'drop-shadow', 'blur', 'brightness', 'contrast', 'grayscale', 'hue-rotate', 'invert', 'opacity', 'saturate', 'sepia',
  'translate', 'translatex', 'translatey', 'rotate', 'scale', 'scalex', 'scaley', 'skew', 'skewx', 'skewy', 'matrix', 'perspective',
  'inset', 'circle', 'ellipse', 'polygon',
]);
const FREE_CHARS = /^[a-zA-Z0-9#%.,()+\-/ ]*$/;

/** A CSS value made only of allowed characters and allowed functions, or undefined. */
export function safeCssValue(input: string): string | undefined {
  const v = input.trim().replace(/\s+/g, ' ');
  if (v === '' || v.length > 400 || !FREE_CHARS.test(v)) return undefined;
  for (const m of v.matchAll(/([a-zA-Z-]*)\s*\(/g)) if (!FUNCTIONS.has(m[1].toLowerCase())) return undefined;
  let depth = 0;
  for (const ch of v) {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (depth < 0) return undefined;
  }
  return depth === 0 ? v : undefined;
}

export const freeCss = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const out = typeof v === 'number' ? (Number.isFinite(v) ? `${v}px` : undefined) : safeCssValue(v);
  if (out !== undefined) return out;
  ctx.addIssue({ code: 'custom', message: 'not a CSS value Reelay accepts here (colours, lengths, gradients, shadows; no url(), quotes or ;)' });
  return z.NEVER;
});

export const fontFamily = z.string().refine((s) => PLAIN_FAMILY.test(s.trim()), { message: 'must be a font family name (letters, digits, spaces)' }).transform((s) => s.trim());
export const fontWeight = z
  .union([z.number(), z.string()])
  .transform((v, ctx) => {
    const s = String(v).trim().toLowerCase();
    if (/^[1-9]00$/.test(s) || ['normal', 'bold', 'lighter', 'bolder'].includes(s)) return s;
    ctx.addIssue({ code: 'custom', message: 'must be 100…900, normal or bold' });
    return z.NEVER;
  });
export const opacity = num(z.number().min(0).max(1)).transform(String);
export const lineHeight = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number' && v >= 0 && v <= 100) return String(v);
  if (typeof v === 'string' && NUMERIC.test(v) && Number(v) >= 0 && Number(v) <= 100) return String(Number(v));
  const l = typeof v === 'string' && v !== 'normal' ? oneLength(v) : v === 'normal' ? 'normal' : undefined;
  if (l !== undefined) return l;
  ctx.addIssue({ code: 'custom', message: 'must be a number or a CSS length' });
  return z.NEVER;
});

export const VERTICAL = ['top', 'center', 'bottom'] as const;
export const HORIZONTAL = ['left', 'center', 'right'] as const;
export type Vertical = (typeof VERTICAL)[number];
export type Horizontal = (typeof HORIZONTAL)[number];
/** JSON2Video writes `middle` too. */
export const verticalAlign = z.enum([...VERTICAL, 'middle']).transform((v): Vertical => (v === 'middle' ? 'center' : v));
export const horizontalAlign = z.enum(HORIZONTAL);

/**
 * The CSS properties a settings group may carry (JSON2Video's "component CSS properties"), each
 * with its validator. Keys not listed are accepted and ignored, like the movie's unknown keys.
 */
export const CSS_PROPERTIES = {
  color: colour,
  'background-color': colour,
  'border-color': colour,
  background: freeCss,
  border: freeCss,
  'border-top': freeCss,
  'border-right': freeCss,
  'border-bottom': freeCss,
  'border-left': freeCss,
  'border-width': length(),
  'border-style': z.enum(['none', 'solid', 'dashed', 'dotted', 'double', 'groove', 'ridge', 'inset', 'outset']),
  'border-radius': lengths,
  'border-spacing': lengths,
  'box-shadow': freeCss,
  'text-shadow': freeCss,
  filter: freeCss,
  transform: freeCss,
  outline: freeCss,
  padding: lengths,
  'padding-top': length(),
  'padding-right': length(),
  'padding-bottom': length(),
  'padding-left': length(),
  margin: lengths,
  'margin-top': length(),
  'margin-right': length(),
  'margin-bottom': length(),
  'margin-left': length(),
  width: length({ allowAuto: true }),
  height: length({ allowAuto: true }),
  'max-width': length(),
  'min-width': length(),
  'max-height': length(),
  'min-height': length(),
  'font-family': fontFamily,
  // `auto` (JSON2Video: fit the space) leaves the component's own size.
  'font-size': length({ allowAuto: true }).transform((v) => (v === 'auto' ? undefined : v)),
  'font-weight': fontWeight,
  'font-style': z.enum(['normal', 'italic', 'oblique']),
  'letter-spacing': length(),
  'word-spacing': length(),
  'line-height': lineHeight,
  'text-align': z.enum(['left', 'center', 'right', 'justify', 'start', 'end']),
  'text-transform': z.enum(['none', 'uppercase', 'lowercase', 'capitalize']),
  'text-decoration': freeCss,
  'white-space': z.enum(['normal', 'nowrap', 'pre', 'pre-wrap', 'pre-line', 'break-spaces']),
  display: z.enum(['none', 'block', 'inline', 'inline-block', 'flex', 'inline-flex', 'grid', 'table', 'table-row', 'table-cell', 'table-header-group']),
  overflow: z.enum(['visible', 'hidden', 'clip']),
  opacity,
  gap: length(),
} as const;

type CssKey = keyof typeof CSS_PROPERTIES;
const CSS_KEYS = Object.keys(CSS_PROPERTIES) as CssKey[];
const cssFields = Object.fromEntries(CSS_KEYS.map((k) => [k, CSS_PROPERTIES[k].optional()])) as { [K in CssKey]: z.ZodOptional<(typeof CSS_PROPERTIES)[K]> };

/** A settings group: its CSS properties plus the component's own keys (`text`, `easing`…). */
export const group = <E extends z.ZodRawShape>(extra: E) => z.looseObject({ ...cssFields, ...extra });

export type CssGroup = Partial<Record<CssKey, string>>;

/**
 * The group's CSS properties as declarations (values already normal, see above), except `omit`:
 * keys the component places itself (alignment, a card's own width…). `font-family` gets a generic
 * fallback and is quoted.
 */
export function declarations(g: CssGroup | undefined, omit: readonly string[] = []): string {
  if (!g) return '';
  const out: string[] = [];
  for (const key of CSS_KEYS) {
    const v = g[key];
    if (v === undefined || omit.includes(key)) continue;
    out.push(key === 'font-family' ? `font-family:"${v}",sans-serif` : `${key}:${v}`);
  }
  return out.join(';');
}

/** Font families the groups name, for the engine to bring (defaults included). */
export function familiesOf(...groups: (CssGroup | undefined)[]): string[] {
  return [...new Set(groups.map((g) => g?.['font-family']).filter((f): f is string => f !== undefined))];
}

/** `text`: a string, a number, or an array of paragraphs. */
export const paragraphs = z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()])).max(50)]).transform((v) => (Array.isArray(v) ? v : [v]).map(String));

/**
 * A group whose main thing is its text: `{ "text": …, <CSS> }`, or the text alone as a shorthand
 * (`"headline": "FOR SALE"`, as some of JSON2Video's tutorials write it).
 */
export const textGroup = <E extends z.ZodRawShape>(extra: E) =>
  z.preprocess((v) => (typeof v === 'string' || typeof v === 'number' || Array.isArray(v) ? { text: v } : v), group({ text: paragraphs.optional(), ...extra }));

/** Milliseconds as JSON2Video writes animation lengths, capped. */
export const millis = (max: number) => num(z.number().min(0).max(max));

/** The component's defaults, overridden by the settings given (a value left out or `auto` keeps the default). */
export function merge<D extends object, U extends object>(defaults: D, given: U | undefined): D & U {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(given ?? {})) if (v !== undefined) out[k] = v;
  return out as D & U;
}

/**
 * An image's address: http(s) only, normalised by the URL parser. The page fetches it through the
 * engine's request handler, so the asset address policy applies as to any page request.
 */
export const imageUrl = z.string().max(4096).transform((s, ctx) => {
  try {
    const u = new URL(s.trim());
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.href;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
  return z.NEVER;
});

/**
 * `url("…")` for an address from imageUrl. The parser already percent-encodes quotes, spaces and
 * controls; a backslash (kept in queries) would escape the closing quote, so it is encoded too.
 */
export const cssUrl = (href: string): string => `url("${href.replace(/[\\"'()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}")`;

/** JSON2Video's `background-size` for images: CSS's two keywords, or stretched to the box. */
export const backgroundSize = z.enum(['cover', 'contain', 'stretch', '100% 100%']).transform((v) => (v === 'stretch' ? '100% 100%' : v));

const MAX_POINTS = 200;
/** Polygon points `"0,0 100,0 80,100"` (commas or spaces) in 0–100 space, numbers only, at least three. */
export const points = z.string().transform((s, ctx) => {
  const n = s.trim().split(/[\s,]+/).map(Number);
  if (n.length >= 6 && n.length % 2 === 0 && n.length <= MAX_POINTS * 2 && n.every((v) => Number.isFinite(v) && Math.abs(v) <= 10_000)) {
    return Array.from({ length: n.length / 2 }, (_, i) => [n[2 * i], n[2 * i + 1]] as [number, number]);
  }
  ctx.addIssue({ code: 'custom', message: `must be three to ${MAX_POINTS} "x,y" points in 0–100 space ("0,0 100,0 50,100")` });
  return z.NEVER;
});
