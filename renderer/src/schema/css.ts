/**
 * CSS lengths as JSON2Video's text settings write them: `"6vw"` (its templates' usual font size),
 * `"80px"`, `"0px"`, `"5%"`, `"1.5em"`, `"12pt"`, bare numbers and numbers as strings (pixels).
 * Parsed once by the schema, resolved to pixels where the canvas and the element are known, as a
 * browser would: vw/vh/vmin/vmax against the canvas, % against the element's box, em against the
 * font size in effect, rem against the browser's 16 px root, pt as 1/72 inch at 96 dpi.
 */
export const CSS_UNITS = ['px', 'vw', 'vh', 'vmin', 'vmax', '%', 'em', 'rem', 'pt'] as const;
export type CssUnit = (typeof CSS_UNITS)[number];

export interface CssLength {
  value: number;
  unit: CssUnit;
}

const LENGTH = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(px|vw|vh|vmin|vmax|%|em|rem|pt)?\s*$/i;

export function parseCssLength(v: string | number): CssLength | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? { value: v, unit: 'px' } : undefined;
  const m = LENGTH.exec(v);
  if (!m) return undefined;
  const value = Number(m[1]);
  return Number.isFinite(value) ? { value, unit: (m[2]?.toLowerCase() ?? 'px') as CssUnit } : undefined;
}

export interface LengthContext {
  canvasWidth: number;
  canvasHeight: number;
  /** What % refers to (the element's box width or height, depending on the property). */
  percentOf: number;
  /** The font size em refers to. @default 16 (the browser's root size) */
  em?: number;
}

const ROOT_FONT_PX = 16;

export function cssPixels(l: CssLength, ctx: LengthContext): number {
  switch (l.unit) {
    case 'px': return l.value;
    case 'vw': return (l.value * ctx.canvasWidth) / 100;
    case 'vh': return (l.value * ctx.canvasHeight) / 100;
    case 'vmin': return (l.value * Math.min(ctx.canvasWidth, ctx.canvasHeight)) / 100;
    case 'vmax': return (l.value * Math.max(ctx.canvasWidth, ctx.canvasHeight)) / 100;
    case '%': return (l.value * ctx.percentOf) / 100;
    case 'em': return l.value * (ctx.em ?? ROOT_FONT_PX);
    case 'rem': return l.value * ROOT_FONT_PX;
    case 'pt': return (l.value * 96) / 72;
  }
}

/**
 * Whether a length is within `maxPx` pixels, or for relative units within a sane multiple (10 canvases,
 * 200 em): a bound the schema can check without knowing the canvas. Resolved sizes are clamped again.
 */
export function withinBounds(l: CssLength, maxPx: number): boolean {
  const v = Math.abs(l.value);
  if (l.unit === 'px' || l.unit === 'pt') return v <= maxPx;
  if (l.unit === 'em' || l.unit === 'rem') return v <= 200;
  return v <= 1000;
}
