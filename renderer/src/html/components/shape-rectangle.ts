/**
 * shape/rectangle: up to ten rectangles (`rectangle1` … `rectangle10`), each placed and styled
 * with CSS (gradients, borders, `border-radius: 50%` for circles, shadows) and, when its `animate`
 * block names targets, moved towards them (left, top, width, height, opacity, rotate, scale,
 * background-color) over `duration` ms after `delay` ms with an anime.js easing.
 */
import { z } from 'zod';
import { cssEasing, easing } from './easing';
import { defineComponent } from './types';
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
const rectangle = group({ ...geometry, ...motion, animate: animate.optional() }).optional();
const COUNT = 10;
const settings = z.looseObject(Object.fromEntries(Array.from({ length: COUNT }, (_, i) => [`rectangle${i + 1}`, rectangle])) as Record<string, typeof rectangle>);
type Rect = NonNullable<z.infer<typeof rectangle>>;

const transform = (r: { rotate?: number; scale?: number }) => `transform:rotate(${r.rotate ?? 0}deg) scale(${r.scale ?? 1})`;
const PLACE = ['left', 'top', 'width', 'height'] as const;

function rectangleCss(name: string, r: Rect): string {
  const place = PLACE.map((k) => `${k}:${r[k] ?? (k === 'width' || k === 'height' ? '100%' : '0')}`).join(';');
  const rule = `.${name}{position:absolute;box-sizing:border-box;${place};${declarations(r, ['width', 'height', 'transform'])};${transform(r)}`;
  const a = r.animate;
  const targets = a ? [...PLACE.filter((k) => a[k] !== undefined).map((k) => `${k}:${a[k]}`), a.opacity !== undefined ? `opacity:${a.opacity}` : '', a['background-color'] ? `background-color:${a['background-color']}` : ''].filter(Boolean) : [];
  if (a && (a.rotate !== undefined || a.scale !== undefined)) targets.push(transform({ rotate: a.rotate ?? r.rotate, scale: a.scale ?? r.scale }));
  if (!a || targets.length === 0) return `${rule}}`;
  const ms = a.duration ?? 1000;
  return `${rule};animation:${name} ${ms / 1000}s ${cssEasing(a.easing ?? 'easeOutQuad')} ${(a.delay ?? 0) / 1000}s both}\n@keyframes ${name}{to{${targets.join(';')}}}`;
}

export const shapeRectangle = defineComponent({
  id: 'shape/rectangle',
  title: 'Rectangles (up to ten), styled with CSS and optionally animated',
  settings,
  animated: true,
  render(set) {
    const names = Array.from({ length: COUNT }, (_, i) => `rectangle${i + 1}`).filter((n) => set[n] !== undefined);
    return {
      html: names.map((n) => `<div class="${n}"></div>`).join(''),
      css: names.map((n) => rectangleCss(n, set[n] as Rect)).join('\n'),
      fonts: [],
    };
  },
});
