/**
 * basic/100: the elastic box — a rectangle that moves and resizes from its `initial_*` place to its
 * `final_*` place (percentages of the box by default), with JSON2Video's easing (easeOutElastic).
 */
import { z } from 'zod';
import { cssEasing, easing } from './easing';
import { defineComponent } from './types';
import { declarations, group, length, millis } from './values';

const pos = length().optional();
/** A box moving from `initial_*` to `final_*` (left, top, width, height) over `duration` ms (≤ 3000). */
export const boxMotion = {
  initial_left: pos, initial_top: pos, initial_width: pos, initial_height: pos,
  final_left: pos, final_top: pos, final_width: pos, final_height: pos,
  duration: millis(3_000).optional(),
  easing: easing.optional(),
};
const settings = z.looseObject({ box: group(boxMotion).optional() });

const EDGES = ['left', 'top', 'width', 'height'] as const;
type Edges = Record<(typeof EDGES)[number], string>;
/** The whole box. */
export const START: Edges = { left: '0%', top: '0%', width: '100%', height: '100%' };

/** The box's `initial_*` or `final_*` place as declarations, each edge not given taken from `defaults`. */
export const place = (box: Record<string, unknown>, state: 'initial' | 'final', defaults: Edges): string =>
  EDGES.map((e) => `${e}:${String(box[`${state}_${e}`] ?? defaults[e])}`).join(';');

export const basic100 = defineComponent({
  id: 'basic/100',
  title: 'Elastic box: a rectangle moving from an initial to a final place',
  settings,
  animated: true,
  render(set) {
    const box = set.box ?? {};
    const initial = place(box, 'initial', START);
    const final = place(box, 'final', START);
    const look = declarations({ background: 'cornflowerblue', 'box-shadow': '2px 0 2px 0 #555', ...box }, ['width', 'height']);
    const ms = box.duration ?? 1000;
    const css = [
      `.box{position:absolute;box-sizing:border-box;${look};${final};animation:move ${ms / 1000}s ${cssEasing(box.easing ?? 'easeOutElastic')} both}`,
      `@keyframes move{from{${initial}}to{${final}}}`,
    ].join('\n');
    return { html: '<div class="box"></div>', css, fonts: [] };
  },
});
