/**
 * advanced/100: a picture that moves and resizes from its `initial_*` place to its `final_*` place
 * (percentages of the box), filling its frame at every moment. JSON2Video crops it around a focal
 * point its smartcrop finds (faces, busy areas); Reelay has no such detector and keeps the picture's
 * centre (`object-position` picks another point).
 */
import { z } from 'zod';
import { boxMotion, place, START } from './basic-100';
import { cssEasing } from './easing';
import { escapeHtml } from '../document';
import { defineComponent } from './types';
import { declarations, group, imageUrl } from './values';

const settings = z.looseObject({
  image: group({ ...boxMotion, src: imageUrl.optional(), 'object-position': z.string().regex(/^(left|center|right|top|bottom|\d{1,3}%)( (left|center|right|top|bottom|\d{1,3}%))?$/).optional() }).optional(),
});

const FINAL = { left: '50%', top: '0%', width: '50%', height: '100%' };

export const advanced100 = defineComponent({
  id: 'advanced/100',
  title: 'Picture moving and resizing from an initial to a final place, cropped to fill',
  settings,
  animated: true,
  render(set) {
    const image = set.image ?? {};
    const look = declarations(image, ['width', 'height', 'transform']);
    const ms = image.duration ?? 1000;
    const picture = image.src ? `<img class="picture" src="${escapeHtml(image.src)}" alt="">` : '<div class="picture none"></div>';
    const css = [
      `.frame{position:absolute;overflow:hidden;box-sizing:border-box;${look};${place(image, 'final', FINAL)};animation:move ${ms / 1000}s ${cssEasing(image.easing ?? 'easeInOutQuad')} both}`,
      `.picture{display:block;width:100%;height:100%;object-fit:cover;object-position:${image['object-position'] ?? 'center'}}`,
      // No picture given: a neutral grey where it would be, so the motion still shows.
      '.none{background:#9aa3ad}',
      `@keyframes move{from{${place(image, 'initial', START)}}to{${place(image, 'final', FINAL)}}}`,
    ].join('\n');
    return { html: `<div class="frame">${picture}</div>`, css, fonts: [] };
  },
});
