/**
 * shape/polygon: up to ten polygons (`polygon1` … `polygon10`), each an SVG shape whose `points`
 * are in a 0–100 space stretched over its container (`left`, `top`, `width`, `height`), filled
 * (`fill`, #00FF00 by default) and stroked. Its `animate` block moves and resizes the container
 * and morphs the points, fill and stroke over `duration` ms after `delay` ms with an anime.js
 * easing. The points are drawn as a CSS `d: path()`, which Chromium interpolates (and the engine
 * seeks) like any animation; points morph smoothly when both lists have as many points.
 */
import { z } from 'zod';
import { cssEasing, easing } from './easing';
import { defineComponent } from './types';
import { colour, declarations, group, length, millis, num, opacity, points } from './values';

const geometry = { left: length().optional(), top: length().optional(), width: length().optional(), height: length().optional() };
const paint = { points: points.optional(), fill: colour.optional(), stroke: colour.optional(), 'stroke-width': num(z.number().min(0).max(1000)).optional() };
const animate = z.looseObject({
  ...geometry,
  ...paint,
  opacity: opacity.optional(),
  duration: millis(60_000).optional(),
  delay: millis(60_000).optional(),
  easing: easing.optional(),
});
const polygon = group({ ...geometry, ...paint, animate: animate.optional() }).optional();
const COUNT = 10;
const settings = z.looseObject(Object.fromEntries(Array.from({ length: COUNT }, (_, i) => [`polygon${i + 1}`, polygon])) as Record<string, typeof polygon>);
type Polygon = NonNullable<z.infer<typeof polygon>>;

const PLACE = ['left', 'top', 'width', 'height'] as const;
/** A triangle pointing up, filling its container, when no points are given. */
const TRIANGLE: [number, number][] = [[50, 0], [100, 100], [0, 100]];
const round = (v: number) => Math.round(v * 1000) / 1000;
const pathOf = (p: [number, number][]) => `path("M${p.map(([x, y]) => `${round(x)},${round(y)}`).join(' L')} Z")`;

function polygonCss(name: string, p: Polygon): string {
  const place = PLACE.map((k) => `${k}:${p[k] ?? (k === 'width' || k === 'height' ? '100%' : '0')}`).join(';');
  const box = `.${name}{position:absolute;box-sizing:border-box;overflow:visible;${place};${declarations(p, ['width', 'height', 'fill'])}}`;
  const shape = `.${name} path{d:${pathOf(p.points ?? TRIANGLE)};fill:${p.fill ?? 'rgba(0,255,0,1)'};stroke:${p.stroke ?? 'none'};stroke-width:${p['stroke-width'] ?? 0}px}`;
  const a = p.animate;
  if (!a) return `${box}\n${shape}`;
  const timing = `${(a.duration ?? 1000) / 1000}s ${cssEasing(a.easing ?? 'easeOutQuad')} ${(a.delay ?? 0) / 1000}s both`;
  const boxTargets = [...PLACE.filter((k) => a[k] !== undefined).map((k) => `${k}:${a[k]}`), ...(a.opacity !== undefined ? [`opacity:${a.opacity}`] : [])];
  const shapeTargets = [
    ...(a.points ? [`d:${pathOf(a.points)}`] : []), ...(a.fill ? [`fill:${a.fill}`] : []), ...(a.stroke ? [`stroke:${a.stroke}`] : []),
    ...(a['stroke-width'] !== undefined ? [`stroke-width:${a['stroke-width']}px`] : []),
  ];
  return [
    boxTargets.length ? `${box.slice(0, -1)};animation:${name}-box ${timing}}\n@keyframes ${name}-box{to{${boxTargets.join(';')}}}` : box,
    shapeTargets.length ? `${shape.slice(0, -1)};animation:${name}-shape ${timing}}\n@keyframes ${name}-shape{to{${shapeTargets.join(';')}}}` : shape,
  ].join('\n');
}

export const shapePolygon = defineComponent({
  id: 'shape/polygon',
  title: 'Polygons (up to ten), points in 0–100 space, optionally morphing',
  settings,
  animated: true,
  render(set) {
    const names = Array.from({ length: COUNT }, (_, i) => `polygon${i + 1}`).filter((n) => set[n] !== undefined);
    return {
      // vector-effect keeps the stroke its width in pixels however the 0–100 space is stretched.
      html: names.map((n) => `<svg class="${n}" viewBox="0 0 100 100" preserveAspectRatio="none"><path vector-effect="non-scaling-stroke"/></svg>`).join(''),
      css: names.map((n) => polygonCss(n, set[n] as Polygon)).join('\n'),
      fonts: [],
    };
  },
});
