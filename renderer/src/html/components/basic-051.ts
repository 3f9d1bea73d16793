/**
 * basic/051: the avatar lower third, timed as JSON2Video's reference says — the round picture fades
 * in (1000 ms), the headline strip wipes open left to right (800 ms), its text slides up (300 ms),
 * then the picture's circular border turns once with an elastic ease (2500 ms). The bar beside the
 * picture is the older reference's. JSON2Video's default picture is a random face from a third-party
 * site; Reelay fetches nothing it was not given, so without `image.src` the circle holds a drawn
 * silhouette.
 */
import { z } from 'zod';
import { escapeHtml } from '../document';
import { cssEasing } from './easing';
import { richText } from './markup';
import { defineComponent } from './types';
import { colour, declarations, familiesOf, group, imageUrl, length, merge, textGroup, verticalAlign } from './values';

const settings = z.looseObject({
  card: group({ 'vertical-align': verticalAlign.optional() }).optional(),
  headline: textGroup({}).optional(),
  image: group({ src: imageUrl.optional(), size: length().optional() }).optional(),
  bar: group({ color: colour.optional() }).optional(),
});

const CARD = { 'text-align': 'left', 'padding-bottom': '7vh', 'padding-left': '4vw', 'padding-right': '4vw', overflow: 'hidden' };
// `font-size: auto` at JSON2Video fits the strip; 3.5vw is what its preview shows for one line.
const HEADLINE = {
  text: ['Lorem ipsum dolor sit amet'], color: 'rgba(0,0,0,1)', background: 'rgba(255,255,255,1)', 'font-size': '3.5vw', 'font-family': 'Inter', 'font-weight': '700',
  'text-shadow': '1px 1px 2px #777', padding: '0.6vw 1.5vw',
};
const JUSTIFY = { top: 'flex-start', center: 'center', bottom: 'flex-end' } as const;
const SILHOUETTE = '<svg class="face" viewBox="0 0 100 100" aria-hidden="true"><rect width="100" height="100" fill="#9aa3ad"/><circle cx="50" cy="38" r="19" fill="#e8ebee"/><path d="M14 100c2-22 17-34 36-34s34 12 36 34z" fill="#e8ebee"/></svg>';

export const basic051 = defineComponent({
  id: 'basic/051',
  title: 'Avatar lower third: a round picture, a bar and a headline strip',
  settings,
  animated: true,
  render(set) {
    const card = merge(CARD, set.card);
    const headline = merge(HEADLINE, set.headline);
    const size = set.image?.size ?? '10vw';
    const src = set.image?.src;
    const picture = src ? `<img class="face" src="${escapeHtml(src)}" alt="">` : SILHOUETTE;
    const colour = set.bar?.color ?? 'rgba(255,0,0,1)';
    const html = `<div class="root"><div class="strap"><div class="avatar">${picture}<div class="ring"></div></div><div class="bar"></div><div class="strip"><div class="t">${headline.text.map(richText).join('<br>')}</div></div></div></div>`;
    const css = [
      `.root{position:absolute;inset:0;display:flex;flex-direction:column;justify-content:${JUSTIFY[set.card?.['vertical-align'] ?? 'bottom']};box-sizing:border-box;${declarations(card)}}`,
      '.strap{display:flex;align-items:center;min-width:0}',
      `.avatar{position:relative;flex:none;width:${size};height:${size};animation:fade 1s linear both}`,
      '.face{display:block;width:100%;height:100%;border-radius:50%;object-fit:cover}',
      // Two arcs of the bar's colour round the picture: the border that turns.
      `.ring{position:absolute;inset:-0.6vw;border-radius:50%;border:0.4vw solid;border-color:${colour} transparent;animation:turn 2.5s ${cssEasing('easeOutElastic')} 2.1s both}`,
      `.bar{flex:none;align-self:center;width:0.8vw;height:calc(${size} * 0.6);margin-left:1.5vw;background:${colour};transform-origin:bottom;animation:grow .25s linear .75s both}`,
      `.strip{min-width:0;overflow:hidden;line-height:1.25;animation:wipe .8s ${cssEasing('easeInOutQuart')} 1s both;${declarations(headline)}}`,
      `.t{animation:up .3s ${cssEasing('easeOutQuad')} 1.8s both}`,
      '@keyframes fade{from{opacity:0}to{opacity:1}}',
      '@keyframes turn{from{transform:none}to{transform:rotate(360deg)}}',
      '@keyframes grow{from{transform:scaleY(0)}to{transform:none}}',
      '@keyframes wipe{from{clip-path:inset(0 100% 0 0)}to{clip-path:inset(0 0 0 0)}}',
      '@keyframes up{from{opacity:0;transform:translateY(100%)}to{opacity:1;transform:none}}',
    ].join('\n');
    return { html, css, fonts: familiesOf(headline) };
  },
});
