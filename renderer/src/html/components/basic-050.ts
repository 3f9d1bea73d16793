/**
 * basic/050: a news lower third (after CNN's): a red bar grows, then a headline strip and a lead
 * strip below it wipe open left to right, their text sliding up into them.
 */
import { z } from 'zod';
import { cssEasing } from './easing';
import { richText } from './markup';
import { defineComponent } from './types';
import { colour, declarations, familiesOf, group, merge, textGroup, verticalAlign } from './values';

const settings = z.looseObject({
  card: group({ 'vertical-align': verticalAlign.optional() }).optional(),
  headline: textGroup({}).optional(),
  lead: textGroup({}).optional(),
  bar: group({ color: colour.optional() }).optional(),
});

const CARD = { 'text-align': 'left', 'padding-bottom': '7vh', 'padding-left': '4vw', 'padding-right': '4vw', 'padding-top': '4vh' };
const HEADLINE = {
  text: ['Lorem ipsum dolor sit amet'], color: 'rgba(0,0,0,1)', background: 'rgba(255,255,255,1)', 'font-size': '4vw', 'font-family': 'Inter', 'font-weight': '700',
  'text-shadow': '1px 1px 2px #777', padding: '0.4vw', 'padding-left': '1.5vw',
};
const LEAD = {
  text: ['Lorem ipsum dolor sit amet, <em>consectetur adipiscing elit</em>, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.'],
  color: 'rgba(255,255,255,1)', background: 'rgba(0,0,0,1)', 'font-size': '2.2vw', 'font-family': 'Inter', 'font-weight': '400', padding: '0.4vw', 'padding-left': '1.5vw',
};
const JUSTIFY = { top: 'flex-start', center: 'center', bottom: 'flex-end' } as const;

export const basic050 = defineComponent({
  id: 'basic/050',
  title: 'News lower third: a bar, a headline strip and a lead strip',
  settings,
  animated: true,
  render(set) {
    const card = merge(CARD, set.card);
    const headline = merge(HEADLINE, set.headline);
    const lead = merge(LEAD, set.lead);
    const wipe = cssEasing('easeInOutQuart');
    const html = `<div class="root"><div class="strap"><div class="bar"></div><div class="texts"><div class="strip h"><div class="t">${headline.text.map(richText).join('<br>')}</div></div><div class="strip l"><div class="t">${lead.text.map(richText).join('<br>')}</div></div></div></div></div>`;
    const css = [
      `.root{position:absolute;inset:0;display:flex;flex-direction:column;justify-content:${JUSTIFY[set.card?.['vertical-align'] ?? 'bottom']};box-sizing:border-box;${declarations(card)}}`,
      '.strap{display:flex;align-items:stretch}',
      `.bar{flex:none;width:1vw;background:${set.bar?.color ?? 'rgba(255,0,0,1)'};transform-origin:bottom;animation:grow .2s linear both}`,
      '.texts{flex:1;min-width:0;display:flex;flex-direction:column;align-items:flex-start}',
      `.strip{overflow:hidden;line-height:1.25;max-width:100%;box-sizing:border-box;animation:wipe .8s ${wipe} both}`,
      '.h{animation-delay:.2s}.l{animation-delay:.5s}',
      `.t{animation:up .3s ${cssEasing('easeOutQuad')} both}`,
      '.h .t{animation-delay:.8s}.l .t{animation-delay:1.1s}',
      `.h{${declarations(headline)}}`,
      `.l{${declarations(lead)}}`,
      '@keyframes grow{from{transform:scaleY(0)}to{transform:none}}',
      '@keyframes wipe{from{clip-path:inset(0 100% 0 0)}to{clip-path:inset(0 0 0 0)}}',
      '@keyframes up{from{opacity:0;transform:translateY(100%)}to{opacity:1;transform:none}}',
    ].join('\n');
    return { html, css, fonts: familiesOf(headline, lead) };
  },
});
