/**
 * advanced/050: an animated call-to-action button — it pops in with a springy scale, then breathes
 * (a gentle pulse) for as long as it is shown.
 */
import { z } from 'zod';
import { cssEasing } from './easing';
import { placement, richText } from './markup';
import { defineComponent } from './types';
import { declarations, familiesOf, horizontalAlign, merge, textGroup, verticalAlign } from './values';

const settings = z.looseObject({
  button: textGroup({ 'vertical-align': verticalAlign.optional(), 'horizontal-align': horizontalAlign.optional() }).optional(),
});

const DEFAULTS = {
  text: ['Button text'], color: 'rgba(255,255,255,1)', 'font-family': 'Roboto', 'font-size': '4vw', 'font-weight': '700', 'text-align': 'center',
  background: 'rgba(227,23,10,1)', padding: '1.5vw 4vw', 'border-radius': '1.5vw', 'box-shadow': '0 0.4vw 1vw rgba(0,0,0,0.3)',
};

export const advanced050 = defineComponent({
  id: 'advanced/050',
  title: 'Animated button (pops in, then pulses)',
  settings,
  animated: true,
  render(set) {
    const b = merge(DEFAULTS, set.button);
    const html = `<div class="root"><div class="button">${b.text.map(richText).join('<br>')}</div></div>`;
    const css = [
      `.root{${placement(set.button?.['vertical-align'] ?? 'center', set.button?.['horizontal-align'] ?? 'center')};padding:2vw}`,
      `.button{box-sizing:border-box;max-width:100%;line-height:1.2;animation:pop .8s ${cssEasing('easeOutBack')} both,pulse 1.2s ${cssEasing('easeInOutSine')} .8s infinite alternate;${declarations(b)}}`,
      '@keyframes pop{from{opacity:0;transform:scale(0.3)}to{opacity:1;transform:scale(1)}}',
      '@keyframes pulse{from{transform:scale(1)}to{transform:scale(1.06)}}',
    ].join('\n');
    return { html, css, fonts: familiesOf(b) };
  },
});
