/**
 * advanced/000: text items one at a time, as JSON2Video's reference times them: each scales up
 * from 0.2 to 1 fading in (800 ms, easeOutSine), stays 500 ms, then scales from 1 to 3 fading out
 * (600 ms, easeInExpo) before the next comes; `text` as an array gives the items. Every item,
 * the last included, goes out the way the reference describes the cycle.
 */
import { z } from 'zod';
import { cssEasing } from './easing';
import { richText, s } from './markup';
import { defineComponent } from './types';
import { declarations, familiesOf, freeCss, group, merge, paragraphs, verticalAlign } from './values';

const settings = z.looseObject({
  animation: group({
    text: paragraphs.optional(),
    'text-stroke': freeCss.optional(),
    'vertical-align': verticalAlign.optional(),
  }).optional(),
});

const DEFAULTS = { text: ['Zoom-out text'], color: 'rgba(255,255,255,1)', 'font-size': '8vw', 'font-family': 'Roboto', 'font-weight': '700', 'text-align': 'center' };
const JUSTIFY = { top: 'flex-start', center: 'center', bottom: 'flex-end' } as const;
const IN = 0.8;
const HOLD = 0.5;
const OUT = 0.6;
const CYCLE = IN + HOLD + OUT;

export const advanced000 = defineComponent({
  id: 'advanced/000',
  title: 'Zoom-in text: items scale up into view, then zoom out, one after another',
  settings,
  animated: true,
  render(set) {
    const a = merge(DEFAULTS, set.animation);
    const items = a.text.map((t, i) => `<div class="item" style="animation-delay:${s(i * CYCLE)},${s(i * CYCLE + IN + HOLD)}">${richText(t)}</div>`);
    const stroke = a['text-stroke'] ? `-webkit-text-stroke:${a['text-stroke']};paint-order:stroke fill;` : '';
    const css = [
      `.root{position:absolute;inset:0;display:grid;align-content:${JUSTIFY[set.animation?.['vertical-align'] ?? 'center']};padding:2vw;box-sizing:border-box}`,
      // Items share one grid cell: each in its place, one at a time.
      `.item{grid-area:1/1;line-height:1.15;overflow-wrap:break-word;${stroke}${declarations(a)};` +
        `animation:zoom-in ${s(IN)} ${cssEasing('easeOutSine')} both,zoom-out ${s(OUT)} ${cssEasing('easeInExpo')} forwards}`,
      '@keyframes zoom-in{from{opacity:0;transform:scale(0.2)}to{opacity:1;transform:scale(1)}}',
      '@keyframes zoom-out{from{opacity:1;transform:scale(1)}to{opacity:0;transform:scale(3)}}',
    ].join('\n');
    return { html: `<div class="root">${items.join('')}</div>`, css, fonts: familiesOf(a) };
  },
});
