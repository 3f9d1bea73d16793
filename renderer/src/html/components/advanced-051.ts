/**
 * advanced/051: a mouse cursor clicks a button — as JSON2Video's reference describes it: the
 * cursor moves to the button's centre (1500 ms, easeOutCirc), the button presses to 0.9 (200 ms)
 * and springs back (100 ms), then the cursor fades out (200 ms). The button is there from the
 * start; the cursor is Reelay's own arrow (SVG), `cursor.width`/`height` its size.
 */
import { z } from 'zod';
import { cssEasing } from './easing';
import { placement, richText } from './markup';
import { defineComponent } from './types';
import { declarations, familiesOf, group, horizontalAlign, length, merge, textGroup, verticalAlign } from './values';

const settings = z.looseObject({
  button: textGroup({ 'vertical-align': verticalAlign.optional(), 'horizontal-align': horizontalAlign.optional() }).optional(),
  cursor: group({ width: length().optional(), height: length().optional() }).optional(),
});

/** JSON2Video's defaults (its settings table); the background is advanced/050's red, as the docs give none. */
const BUTTON = {
  text: ['Button text'], color: 'rgba(255,255,255,1)', 'font-family': 'Roboto', 'font-size': '3vw', 'text-align': 'center',
  padding: '1vw 2vw', 'border-radius': '1.5vw', background: 'rgba(227,23,10,1)',
};
const CURSOR = { width: '8vw', height: '8vw' };
/** A pointer arrow, its tip at (0,0) so the element's top-left corner is where it points. */
const ARROW = '<svg viewBox="0 0 24 24" preserveAspectRatio="xMinYMin meet"><path d="M1 1 L1 19 L5.6 14.8 L8.9 22 L12.2 20.5 L8.9 13.4 L15 13.4 Z" fill="white" stroke="black" stroke-width="1.2" stroke-linejoin="round"/></svg>';

export const advanced051 = defineComponent({
  id: 'advanced/051',
  title: 'Button clicked by a mouse cursor',
  settings,
  animated: true,
  render(set) {
    const b = merge(BUTTON, set.button);
    const c = merge(CURSOR, set.cursor);
    const html = `<div class="root"><div class="target"><div class="button">${b.text.map(richText).join('<br>')}</div><div class="cursor">${ARROW}</div></div></div>`;
    const css = [
      `.root{${placement(set.button?.['vertical-align'] ?? 'center', set.button?.['horizontal-align'] ?? 'center')};padding:2vw}`,
      '.target{position:relative;max-width:100%}',
      `.button{box-sizing:border-box;line-height:1.2;animation:press .2s linear 1.5s both,release .1s linear 1.7s forwards;${declarations(b, ['width', 'height'])}}`,
      // The tip comes from the lower right of the box to the button's centre.
      `.cursor{position:absolute;left:50%;top:50%;width:${c.width};height:${c.height};${declarations(c, ['width', 'height', 'opacity', 'transform'])};` +
        `animation:arrive 1.5s ${cssEasing('easeOutCirc')} both,leave .2s linear 1.8s forwards}`,
      '.cursor svg{display:block;width:100%;height:100%;overflow:visible}',
      '@keyframes press{from{transform:scale(1)}to{transform:scale(0.9)}}',
      '@keyframes release{from{transform:scale(0.9)}to{transform:scale(1)}}',
      '@keyframes arrive{from{transform:translate(45vw,45vh)}to{transform:none}}',
      '@keyframes leave{from{opacity:1}to{opacity:0}}',
    ].join('\n');
    return { html, css, fonts: familiesOf(b) };
  },
});
