/**
 * shape/3dbox: a box of six faces (front, back, left, right, top, bottom), each a colour or an
 * image, turning in 3D from its `origin` state (rotateX/Y/Z in degrees, zoom, x/y offsets) to its
 * `destination` state over `destination.duration` ms with an anime.js easing. Plain CSS 3D
 * (perspective, preserve-3d), so Chromium sorts the faces and the engine seeks the turn.
 */
import { z } from 'zod';
import { cssEasing, easing } from './easing';
import { defineComponent } from './types';
import { backgroundSize, cssUrl, declarations, group, imageUrl, length, merge, millis, num } from './values';

const FACES = ['front', 'back', 'left', 'right', 'top', 'bottom'] as const;
type Face = (typeof FACES)[number];
const degrees = num(z.number().min(-36_000).max(36_000)).optional();
const state = {
  rotateX: degrees, rotateY: degrees, rotateZ: degrees,
  zoom: num(z.number().min(0).max(100)).optional(),
  x: length().optional(), y: length().optional(),
};
const face = group({ 'background-image': imageUrl.optional(), 'background-size': backgroundSize.optional() }).optional();
const settings = z.looseObject({
  size: group({ width: length().optional(), height: length().optional(), depth: length().optional(), perspective: length().optional() }).optional(),
  ...(Object.fromEntries(FACES.map((f) => [f, face])) as Record<Face, typeof face>),
  origin: z.looseObject(state).optional(),
  destination: z.looseObject({ ...state, duration: millis(60_000).optional(), delay: millis(60_000).optional(), easing: easing.optional() }).optional(),
});
type State = { [K in keyof typeof state]?: K extends 'x' | 'y' ? string : number };

/** Shades of one blue, lighter on top, so a box with no settings reads as a solid. */
const SHADES: Record<Face, string> = {
  front: '#4392F1', back: '#2F6DB8', left: '#3579CC', right: '#3579CC', top: '#7DB4F6', bottom: '#1F4C82',
};
/** Each face's size and its place on the box (centred on the box's middle). */
const PLACE: Record<Face, { w: string; h: string; at: string }> = {
  front: { w: 'var(--w)', h: 'var(--h)', at: 'translateZ(calc(var(--d) / 2))' },
  back: { w: 'var(--w)', h: 'var(--h)', at: 'rotateY(180deg) translateZ(calc(var(--d) / 2))' },
  right: { w: 'var(--d)', h: 'var(--h)', at: 'rotateY(90deg) translateZ(calc(var(--w) / 2))' },
  left: { w: 'var(--d)', h: 'var(--h)', at: 'rotateY(-90deg) translateZ(calc(var(--w) / 2))' },
  top: { w: 'var(--w)', h: 'var(--d)', at: 'rotateX(90deg) translateZ(calc(var(--h) / 2))' },
  bottom: { w: 'var(--w)', h: 'var(--d)', at: 'rotateX(-90deg) translateZ(calc(var(--h) / 2))' },
};
const ORIGIN: State = { rotateX: -20, rotateY: -35, rotateZ: 0, zoom: 0.6 };
const DESTINATION: State = { rotateX: -20, rotateY: 325, rotateZ: 0, zoom: 1 };

const transform = (s: State) => `translate(${s.x ?? '0px'}, ${s.y ?? '0px'}) scale(${s.zoom ?? 1}) rotateX(${s.rotateX ?? 0}deg) rotateY(${s.rotateY ?? 0}deg) rotateZ(${s.rotateZ ?? 0}deg)`;

export const shape3dbox = defineComponent({
  id: 'shape/3dbox',
  title: '3D box: six faces of colour or image, turning from an origin to a destination',
  settings,
  animated: true,
  render(set) {
    const size = set.size ?? {};
    const from = merge(ORIGIN, set.origin);
    const d = set.destination ?? {};
    const to = merge(DESTINATION, d);
    const faceCss = FACES.map((f) => {
      const g = set[f] ?? {};
      const image = g['background-image'] ? `background-image:${cssUrl(g['background-image'])};background-size:${g['background-size'] ?? 'cover'};background-position:center;` : '';
      const p = PLACE[f];
      return `.${f}{width:${p.w};height:${p.h};margin:calc(${p.h} / -2) 0 0 calc(${p.w} / -2);transform:${p.at};background-color:${SHADES[f]};${image}${declarations(g, ['width', 'height', 'transform', 'margin'])}}`;
    });
    const css = [
      `.scene{position:absolute;inset:0;perspective:${size.perspective ?? '2000px'};--w:${size.width ?? '400px'};--h:${size.height ?? '300px'};--d:${size.depth ?? '50px'}}`,
      `.box{position:absolute;left:50%;top:50%;width:0;height:0;transform-style:preserve-3d;transform:${transform(to)};animation:turn ${(d.duration ?? 5000) / 1000}s ${cssEasing(d.easing ?? 'easeInOutQuad')} ${(d.delay ?? 0) / 1000}s both}`,
      '.face{position:absolute;left:0;top:0;box-sizing:border-box;backface-visibility:hidden}',
      ...faceCss,
      `@keyframes turn{from{transform:${transform(from)}}to{transform:${transform(to)}}}`,
    ].join('\n');
    const html = `<div class="scene"><div class="box">${FACES.map((f) => `<div class="face ${f}"></div>`).join('')}</div></div>`;
    return { html, css, fonts: [] };
  },
});
