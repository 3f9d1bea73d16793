/**
 * Numbered boxes (`<prefix>1` … `<prefix>10`), as shape/rectangle and shape/html take them: each
 * placed by `left`, `top`, `width`, `height` (the whole component by default), styled with CSS,
 * turned (`rotate`) and scaled, and, when its `animate` block names targets (place, size, opacity,
 * rotate, scale, background-color), moved towards them over `duration` ms after `delay` ms with an
 * anime.js easing.
 */
import { z } from 'zod';
import { cssEasing, easing } from './easing';
import { colour, declarations, group, length, millis, num, opacity } from './values';

const geometry = { left: length().optional(), top: length().optional(), width: length().optional(), height: length().optional() };
const motion = {
  rotate: num(z.number().min(-36_000).max(36_000)).optional(),
  scale: num(z.number().min(0).max(100)).optional(),
};
const animate = z.looseObject({
  ...geometry,
  ...motion,
  opacity: opacity.optional(),
  'background-color': colour.optional(),
  duration: millis(60_000).optional(),
  delay: millis(60_000).optional(),
  easing: easing.optional(),
});

const box = group({ ...geometry, ...motion, animate: animate.optional() });
/** What every box group carries, whatever its component adds. */
type Box = z.infer<typeof box>;
/** One box's settings group: CSS, place, motion, `animate`, plus the component's own keys. */
export const boxGroup = <E extends z.ZodRawShape>(extra: E) => box.extend(extra);

const COUNT = 10;
/** `<prefix>1` … `<prefix>10`, each an optional `group`. */
export function numberedBoxes<B extends z.ZodType>(prefix: string, group: B) {
  return z.looseObject(Object.fromEntries(Array.from({ length: COUNT }, (_, i) => [`${prefix}${i + 1}`, group.optional()])) as Record<string, z.ZodOptional<B>>);
}

/** The names of the boxes the settings give, in order. */
export const boxesGiven = (prefix: string, set: Record<string, unknown>): string[] =>
  Array.from({ length: COUNT }, (_, i) => `${prefix}${i + 1}`).filter((n) => set[n] !== undefined);

const transform = (r: { rotate?: number; scale?: number }) => `transform:rotate(${r.rotate ?? 0}deg) scale(${r.scale ?? 1})`;
const PLACE = ['left', 'top', 'width', 'height'] as const;

/** The box's rule (`.name{…}` plus `own` declarations) and, when it moves, its keyframes. */
export function boxCss(name: string, r: Box, own = ''): string {
  const place = PLACE.map((k) => `${k}:${r[k] ?? (k === 'width' || k === 'height' ? '100%' : '0')}`).join(';');
  const rule = `.${name}{position:absolute;box-sizing:border-box;${own}${place};${declarations(r, ['width', 'height', 'transform'])};${transform(r)}`;
  const a = r.animate;
  const targets = a ? [...PLACE.filter((k) => a[k] !== undefined).map((k) => `${k}:${a[k]}`), a.opacity !== undefined ? `opacity:${a.opacity}` : '', a['background-color'] ? `background-color:${a['background-color']}` : ''].filter(Boolean) : [];
  if (a && (a.rotate !== undefined || a.scale !== undefined)) targets.push(transform({ rotate: a.rotate ?? r.rotate, scale: a.scale ?? r.scale }));
  if (!a || targets.length === 0) return `${rule}}`;
  const ms = a.duration ?? 1000;
  return `${rule};animation:${name} ${ms / 1000}s ${cssEasing(a.easing ?? 'easeOutQuad')} ${(a.delay ?? 0) / 1000}s both}\n@keyframes ${name}{to{${targets.join(';')}}}`;
}
