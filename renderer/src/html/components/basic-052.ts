/**
 * basic/052: a one-line lower third (after CNN's breaking-news strap): a fixed section label and a
 * headline wiped in from the left, taking longer for a longer text (500 ms + 20 ms a character).
 */
import { z } from 'zod';
import { cssEasing } from './easing';
import { placement, richText, s } from './markup';
import { defineComponent } from './types';
import { declarations, familiesOf, group, horizontalAlign, merge, textGroup, verticalAlign } from './values';

const settings = z.looseObject({
  card: group({ 'vertical-align': verticalAlign.optional(), 'horizontal-align': horizontalAlign.optional() }).optional(),
  section: textGroup({}).optional(),
  headline: textGroup({}).optional(),
});

const CARD = { padding: '4vw' };
const SECTION = { text: ['SECTION'], 'font-size': '2.5vw', 'font-family': 'Inter', 'font-weight': '700', 'background-color': 'rgba(255,0,0,1)', color: 'rgba(255,255,255,1)', padding: '1vw' };
const HEADLINE = { text: ['Lorem ipsum dolor sit amet, consectetur adipiscing elit'], 'font-size': '2.5vw', 'font-family': 'Inter', 'font-weight': '400', 'background-color': 'rgba(255,255,255,1)', color: 'rgba(0,0,0,1)', padding: '1vw' };

export const basic052 = defineComponent({
  id: 'basic/052',
  title: 'Lower third: section label and a headline wiped in',
  settings,
  animated: true,
  render(set) {
    const card = merge(CARD, set.card);
    const section = merge(SECTION, set.section);
    const headline = merge(HEADLINE, set.headline);
    const text = headline.text.join(' ');
    const wipe = 0.5 + 0.02 * text.length;
    const html = `<div class="root"><div class="strap"><div class="section">${section.text.map(richText).join(' ')}</div><div class="headline">${richText(text)}</div></div></div>`;
    const css = [
      `.root{${placement(set.card?.['vertical-align'] ?? 'bottom', set.card?.['horizontal-align'] ?? 'left')};${declarations(card)}}`,
      '.strap{display:flex;align-items:stretch;max-width:100%;line-height:1.2}',
      `.section{flex:none;white-space:nowrap;animation:pop .3s ${cssEasing('easeOutQuad')} both;${declarations(section)}}`,
      `.headline{min-width:0;animation:wipe ${s(wipe)} ${cssEasing('easeOutQuart')} .2s both;${declarations(headline)}}`,
      '@keyframes pop{from{opacity:0}to{opacity:1}}',
      '@keyframes wipe{from{clip-path:inset(0 100% 0 0);transform:translateX(-1.5em)}to{clip-path:inset(0 0 0 0);transform:none}}',
    ].join('\n');
    return { html, css, fonts: familiesOf(section, headline) };
  },
});
