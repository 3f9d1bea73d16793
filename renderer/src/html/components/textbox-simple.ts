/**
 * textbox/simple: up to ten positioned text boxes (`textbox1` … `textbox10`), each with its own
 * place (`left`, `top`, `width`, `height`), CSS (background, border, radius, colour, font…),
 * rotation and `animate` block (position, size, rotation, opacity over `duration` ms after `delay`
 * ms with an anime.js easing), as JSON2Video's reference lists them. `font-size` `auto` (or none)
 * fits the text to its box between `min-font-size` and `max-font-size`: Reelay estimates it from
 * the box and the text's length (no script runs in the page), so a fitted size is close to, not
 * exactly, the largest that fits.
 */
import { z } from 'zod';
import { cssPixels, parseCssLength } from '../../schema/css';
import { cssEasing, easing } from './easing';
import { richText } from './markup';
import { defineComponent, type ComponentContext } from './types';
import { declarations, familiesOf, group, length, merge, millis, num, opacity, paragraphs } from './values';

const geometry = { left: length().optional(), top: length().optional(), width: length().optional(), height: length().optional() };
const rotate = num(z.number().min(-36_000).max(36_000)).optional();
const animate = z.looseObject({ ...geometry, rotate, opacity: opacity.optional(), duration: millis(60_000).optional(), delay: millis(60_000).optional(), easing: easing.optional() });
const textbox = group({
  ...geometry,
  rotate,
  text: paragraphs.optional(),
  'max-font-size': length().optional(),
  'min-font-size': length().optional(),
  animate: animate.optional(),
}).optional();
const COUNT = 10;
const settings = z.looseObject(Object.fromEntries(Array.from({ length: COUNT }, (_, i) => [`textbox${i + 1}`, textbox])) as Record<string, typeof textbox>);
type Textbox = NonNullable<z.infer<typeof textbox>>;

const DEFAULTS = { color: 'rgba(255,255,255,1)', 'font-family': 'Roboto', 'text-align': 'center' };
const PLACE = ['left', 'top', 'width', 'height'] as const;
const PLACE_DEFAULT = { left: '0', top: '0', width: '100%', height: '100%' };

/** A length of the box in pixels (vw/vh and % of the component's own page), or undefined for em. */
function px(v: string | undefined, of: number, ctx: ComponentContext): number | undefined {
  const l = v === undefined ? undefined : parseCssLength(v);
  if (!l || l.unit === 'em') return undefined;
  return cssPixels(l, { canvasWidth: ctx.width, canvasHeight: ctx.height, percentOf: of });
}

/** Average glyph advance and line height, in font sizes, for the estimate (sans-serif text). */
const ADVANCE = 0.58;
const LINE = 1.2;

/**
 * The largest whole pixel size at which the paragraphs, wrapped at the box's width, stand in its
 * height — words wrap, so each line is taken as a little fuller than its characters say.
 */
export function fitFontSize(paras: string[], width: number, height: number, min: number, max: number): number {
  for (let size = Math.floor(max); size > min; size--) {
    const perLine = Math.max(1, Math.floor(width / (ADVANCE * size)));
    const lines = paras.reduce((n, p) => n + Math.max(1, Math.ceil((p.length * 1.1) / perLine)), 0);
    const longestWord = Math.max(...paras.flatMap((p) => p.split(/\s+/).map((w) => w.length)));
    if (lines * LINE * size <= height && longestWord <= perLine) return size;
  }
  return Math.max(1, Math.floor(min));
}

function textboxCss(name: string, given: Textbox, ctx: ComponentContext): string {
  const t = merge(DEFAULTS, given);
  const place = PLACE.map((k) => `${k}:${t[k] ?? PLACE_DEFAULT[k]}`).join(';');
  let size = t['font-size'];
  if (size === undefined) {
    const w = px(t.width ?? '100%', ctx.width, ctx) ?? ctx.width;
    const h = px(t.height ?? '100%', ctx.height, ctx) ?? ctx.height;
    // The padding JSON2Video's examples give is small; a tenth of the box keeps the text off its edges.
    const min = px(t['min-font-size'], h, ctx) ?? 8;
    const max = px(t['max-font-size'], h, ctx) ?? h;
    size = `${fitFontSize(t.text ?? [''], w * 0.9, h * 0.9, min, Math.max(min, max))}px`;
  }
  const rule = `.${name}{position:absolute;box-sizing:border-box;display:flex;flex-direction:column;justify-content:center;overflow-wrap:break-word;line-height:${LINE};` +
    `${place};${declarations(t, ['width', 'height', 'transform', 'font-size'])};font-size:${size};transform:rotate(${t.rotate ?? 0}deg)`;
  const a = t.animate;
  const targets = a ? [...PLACE.filter((k) => a[k] !== undefined).map((k) => `${k}:${a[k]}`), ...(a.opacity !== undefined ? [`opacity:${a.opacity}`] : []), ...(a.rotate !== undefined ? [`transform:rotate(${a.rotate}deg)`] : [])] : [];
  if (!a || targets.length === 0) return `${rule}}`;
  return `${rule};animation:${name} ${(a.duration ?? 1000) / 1000}s ${cssEasing(a.easing ?? 'easeOutQuad')} ${(a.delay ?? 0) / 1000}s both}\n@keyframes ${name}{to{${targets.join(';')}}}`;
}

export const textboxSimple = defineComponent({
  id: 'textbox/simple',
  title: 'Text boxes (up to ten), placed, styled, fitted and optionally animated',
  settings,
  animated: true,
  render(set, ctx) {
    const names = Array.from({ length: COUNT }, (_, i) => `textbox${i + 1}`).filter((n) => set[n] !== undefined);
    return {
      html: names.map((n) => `<div class="${n}">${((set[n] as Textbox).text ?? []).map((p) => `<div>${richText(p)}</div>`).join('')}</div>`).join(''),
      css: names.map((n) => textboxCss(n, set[n] as Textbox, ctx)).join('\n'),
      fonts: familiesOf(...names.map((n) => merge(DEFAULTS, set[n] as Textbox))),
    };
  },
});
