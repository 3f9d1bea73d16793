/**
 * Element `settings` as CSS declarations. Settings are untrusted: a property must look like a CSS
 * property name and a value may not leave its declaration (`;`, `{`, `}`, `<`), load anything
 * (`url(`, `image-set(`, `@import`, `expression(`) or use escapes that could spell those. Viewport
 * units are resolved against the movie's canvas, as JSON2Video does, because the layer's own page is
 * only as large as the element's box.
 */
const PROPERTY = /^-?[a-z][a-z0-9-]{0,63}$/;
const FORBIDDEN_VALUE = /[;{}<>\\]|url\s*\(|image-set\s*\(|image\s*\(|@import|expression\s*\(|javascript:/i;

export interface CanvasSize {
  canvasWidth: number;
  canvasHeight: number;
}

/** `6vw` → `115.2px` on a 1920 wide canvas; other units are the browser's to resolve. */
export function canvasUnits(value: string, c: CanvasSize): string {
  return value.replace(/(-?(?:\d+\.?\d*|\.\d+))(vw|vh|vmin|vmax)\b/gi, (_, n: string, unit: string) => {
    const u = unit.toLowerCase();
    const base = u === 'vw' ? c.canvasWidth : u === 'vh' ? c.canvasHeight : u === 'vmin' ? Math.min(c.canvasWidth, c.canvasHeight) : Math.max(c.canvasWidth, c.canvasHeight);
    return `${Math.round(((Number(n) * base) / 100) * 1000) / 1000}px`;
  });
}

/** A safe CSS value, or undefined. Numbers get `px` where CSS needs a unit. */
export function cssValue(property: string, value: unknown, c: CanvasSize): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return UNITLESS.has(property) ? String(value) : `${value}px`;
  }
  if (typeof value !== 'string' || value.length > 500 || FORBIDDEN_VALUE.test(value)) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  // A bare number where CSS wants a length ("font-size": "40") means pixels, as JSON2Video reads it.
  if (/^-?(\d+\.?\d*|\.\d+)$/.test(v) && !UNITLESS.has(property)) return `${v}px`;
  return canvasUnits(v, c);
}

/** Properties whose bare numbers are not pixels. */
const UNITLESS = new Set(['font-weight', 'line-height', 'opacity', 'z-index', 'flex', 'flex-grow', 'flex-shrink', 'order', 'zoom', 'orphans', 'widows', 'column-count', 'scale']);

/**
 * Declarations for the settings not in `skip` (settings Reelay itself interprets). Returns the CSS
 * and the settings refused, so they can be reported rather than silently dropped.
 */
export function declarations(settings: Record<string, unknown>, c: CanvasSize, skip: ReadonlySet<string> = new Set()): { css: string; refused: string[] } {
  const out: string[] = [];
  const refused: string[] = [];
  for (const [key, raw] of Object.entries(settings)) {
    if (skip.has(key) || raw === null || raw === undefined) continue;
    const property = key.toLowerCase();
    const value = PROPERTY.test(property) ? cssValue(property, raw, c) : undefined;
    if (value === undefined) refused.push(key);
    else out.push(`${property}:${value}`);
  }
  return { css: out.join(';'), refused };
}
