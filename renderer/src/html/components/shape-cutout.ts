/**
 * shape/cutout: a background image (or colour) seen through a shape — a circle, an ellipse, a
 * rectangle or a polygon — that can move, grow or shrink (its `animate` block) and carry a stroke;
 * `invert` makes the shape a hole in the picture instead of a window onto it. Drawn as an SVG mask
 * whose geometry is CSS (cx, cy, r, rx, ry, x, y, width, height, d), so Chromium interpolates it and
 * the engine seeks it like any animation. Geometry is resolved to pixels of the box here: `%` is of
 * the box's width (x, width, rx), height (y, height, ry) or smaller side (r).
 */
import { z } from 'zod';
import { cssPixels, parseCssLength } from '../../schema/css';
import { escapeHtml } from '../document';
import { cssEasing, easing } from './easing';
import { defineComponent, type ComponentContext } from './types';
import { backgroundSize, colour, group, imageUrl, length, merge, millis, num, points } from './values';

const geometry = {
  x: length().optional(), y: length().optional(), r: length().optional(), rx: length().optional(), ry: length().optional(),
  width: length().optional(), height: length().optional(), points: points.optional(),
  'stroke-width': num(z.number().min(0).max(1000)).optional(),
};
const SHAPES = ['circle', 'ellipse', 'rect', 'polygon'] as const;
const settings = z.looseObject({
  background: group({ 'background-image': imageUrl.optional(), 'background-size': backgroundSize.optional() }).optional(),
  cutout: group({
    shape: z.enum(SHAPES).optional(),
    ...geometry,
    stroke: colour.optional(),
    invert: z.boolean().optional(),
    animate: z.looseObject({ ...geometry, duration: millis(60_000).optional(), delay: millis(60_000).optional(), easing: easing.optional() }).optional(),
  }).optional(),
});
type Geometry = { [K in keyof typeof geometry]?: K extends 'points' ? [number, number][] : K extends 'stroke-width' ? number : string };
type Shape = (typeof SHAPES)[number];

const DEFAULTS: Required<Omit<Geometry, 'stroke-width'>> = {
  x: '50%', y: '50%', r: '30%', rx: '35%', ry: '30%', width: '50%', height: '50%', points: [[50, 10], [90, 90], [10, 90]],
};
const FIT = { cover: 'xMidYMid slice', contain: 'xMidYMid meet', '100% 100%': 'none' } as const;
const round = (v: number) => Math.round(v * 100) / 100;

/** The shape's CSS geometry at one state, in pixels of the box. */
function geometryCss(shape: Shape, g: Geometry, box: ComponentContext): string {
  const px = (v: string, of: number) => round(cssPixels(parseCssLength(v)!, { canvasWidth: box.width, canvasHeight: box.height, percentOf: of }));
  const cx = px(g.x!, box.width);
  const cy = px(g.y!, box.height);
  const out = [`stroke-width:${g['stroke-width'] ?? 0}px`];
  if (shape === 'circle') out.push(`cx:${cx}px`, `cy:${cy}px`, `r:${px(g.r!, Math.min(box.width, box.height))}px`);
  if (shape === 'ellipse') out.push(`cx:${cx}px`, `cy:${cy}px`, `rx:${px(g.rx!, box.width)}px`, `ry:${px(g.ry!, box.height)}px`);
  if (shape === 'rect') {
    const w = px(g.width!, box.width);
    const h = px(g.height!, box.height);
    out.push(`x:${round(cx - w / 2)}px`, `y:${round(cy - h / 2)}px`, `width:${w}px`, `height:${h}px`);
  }
  if (shape === 'polygon') out.push(`d:path("M${g.points!.map(([x, y]) => `${round((x * box.width) / 100)},${round((y * box.height) / 100)}`).join(' L')} Z")`);
  return out.join(';');
}

export const shapeCutout = defineComponent({
  id: 'shape/cutout',
  title: 'Cutout: a picture seen through a moving circle, ellipse, rectangle or polygon',
  settings,
  animated: true,
  render(set, box) {
    const bg = set.background ?? {};
    const c = set.cutout ?? {};
    const shape: Shape = c.shape ?? 'ellipse';
    const tag = shape === 'polygon' ? 'path' : shape;
    const start: Geometry = merge(DEFAULTS, c);
    const a = c.animate;
    const end: Geometry = a ? merge(start, a) : start;
    const image = bg['background-image'];
    const paint = image
      ? `<image href="${escapeHtml(image)}" x="0" y="0" width="${box.width}" height="${box.height}" preserveAspectRatio="${FIT[bg['background-size'] ?? 'cover']}" mask="url(#cutout)"/>`
      : `<rect width="${box.width}" height="${box.height}" fill="${bg['background-color'] ?? 'rgba(255,255,255,1)'}" mask="url(#cutout)"/>`;
    const [outside, inside] = c.invert ? ['white', 'black'] : ['black', 'white'];
    const html = `<svg class="root" width="${box.width}" height="${box.height}" viewBox="0 0 ${box.width} ${box.height}">`
      + `<mask id="cutout" maskUnits="userSpaceOnUse" x="0" y="0" width="${box.width}" height="${box.height}"><rect width="${box.width}" height="${box.height}" fill="${outside}"/><${tag} class="cut" fill="${inside}"/></mask>`
      + `${paint}<${tag} class="cut edge" fill="none" stroke="${c.stroke ?? 'transparent'}"/></svg>`;
    const timing = a ? `animation:cut ${(a.duration ?? 1000) / 1000}s ${cssEasing(a.easing ?? 'easeInOutQuad')} ${(a.delay ?? 0) / 1000}s both` : '';
    const css = [
      '.root{position:absolute;left:0;top:0;overflow:visible}',
      // The mask's copy has no stroke: it is the window itself; the edge is drawn over the picture.
      `.cut{${geometryCss(shape, start, box)};${timing}}`,
      'mask .cut{stroke:none}',
      ...(a ? [`@keyframes cut{to{${geometryCss(shape, end, box)}}}`] : []),
    ].join('\n');
    return { html, css, fonts: [] };
  },
});
