/**
 * advanced/001: words zoom in one after another, each from fourteen times its size down to its
 * place, fading in (easeOutCirc); `speed` 3 (slow) … 6 (fast).
 */
import { z } from 'zod';
import { cssEasing } from './easing';
import { richText, s } from './markup';
import { defineComponent } from './types';
import { declarations, familiesOf, group, merge, num, paragraphs, verticalAlign } from './values';

const settings = z.looseObject({
  animation: group({
    text: paragraphs.optional(),
    speed: num(z.number().int().min(1).max(10)).optional(),
    'vertical-align': verticalAlign.optional(),
  }).optional(),
});

const DEFAULTS = { text: ['Lorem ipsum dolor sit amet'], color: 'rgba(255,255,255,1)', 'font-size': '8vw', 'font-family': 'Roboto', 'font-weight': '700', 'text-align': 'center' };
const JUSTIFY = { top: 'flex-start', center: 'center', bottom: 'flex-end' } as const;

export const advanced001 = defineComponent({
  id: 'advanced/001',
  title: 'Zooming words: each word falls from very large into place',
  settings,
  animated: true,
  render(set) {
    const a = merge(DEFAULTS, set.animation);
    const speed = a.speed ?? 3;
    // At speed 3 a word takes 0.6 s and the next starts halfway through it.
    const wordSeconds = 1.8 / speed;
    const words = a.text.join(' <br> ').split(/\s+/).filter(Boolean);
    let i = 0;
    const html = `<div class="root"><div class="text">${words.map((w) => (/^<br>$/i.test(w) ? '<br>' : `<span class="w" style="animation-delay:${s(i++ * wordSeconds * 0.5)}">${richText(w)}</span> `)).join('')}</div></div>`;
    const css = [
      `.root{position:absolute;inset:0;display:flex;flex-direction:column;justify-content:${JUSTIFY[set.animation?.['vertical-align'] ?? 'center']};padding:2vw;box-sizing:border-box}`,
      `.text{line-height:1.15;${declarations(a)}}`,
      `.w{display:inline-block;animation:zoom ${s(wordSeconds)} ${cssEasing('easeOutCirc')} both}`,
      '@keyframes zoom{from{opacity:0;transform:scale(14)}to{opacity:1;transform:none}}',
    ].join('\n');
    return { html, css, fonts: familiesOf(a) };
  },
});
