/**
 * The text card basic/000 and basic/001 share: a card placed in the box, a headline and body
 * paragraphs (`text` may be an array), each line animated in after the other. basic/001 adds a
 * coloured bar on the card's left.
 */
import { z } from 'zod';
import { placement, richText, s } from './markup';
import type { ComponentContext, ComponentMarkup } from './types';
import { declarations, familiesOf, group, horizontalAlign, merge, textGroup, verticalAlign } from './values';


export const cardSettings = z.looseObject({
  card: group({ 'vertical-align': verticalAlign.optional(), 'horizontal-align': horizontalAlign.optional() }).optional(),
  headline: textGroup({}).optional(),
  body: textGroup({}).optional(),
  bar: group({}).optional(),
});
export type CardSettings = z.infer<typeof cardSettings>;

/** JSON2Video's defaults (its docs' settings tables). */
const HEADLINE = { text: ['Lorem ipsum dolor sit amet'], 'font-size': '5vw', 'font-family': 'Inter', 'font-weight': '400' };
const BODY = {
  text: ['Lorem ipsum dolor sit amet, <em>consectetur adipiscing elit</em>, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.'],
  'font-size': '3.5vw', 'font-family': 'Inter', 'font-weight': '400',
};
const CARD = { margin: '1vw', padding: '20px', 'text-align': 'left', overflow: 'hidden', color: 'rgba(255,255,255,1)' };
const BAR = { background: 'rgba(255,0,0,1)', width: '3vw', 'margin-right': '3vw' };

export interface CardMotion {
  /** Seconds each line takes to come in, and its curve. */
  lineSeconds: number;
  lineEasing: string;
  /** Lines come from below (basic/000) or from above (basic/001). */
  from: 'below' | 'above';
  withBar: boolean;
}

export function renderCard(settings: CardSettings, _ctx: ComponentContext, motion: CardMotion): ComponentMarkup {
  const card = merge(CARD, settings.card);
  const headline = merge(HEADLINE, settings.headline);
  const body = merge(BODY, settings.body);
  const bar = merge(BAR, settings.bar);
  const lines = [
    `<div class="line headline">${headline.text.map(richText).join('<br>')}</div>`,
    ...body.text.map((p) => `<div class="line body">${richText(p)}</div>`),
  ];
  const firstLine = motion.withBar ? 0.4 : 0.3;
  const delays = lines.map((_, i) => `.line:nth-child(${i + 1}){animation-delay:${s(firstLine + i * 0.4)}}`).join('');
  const offset = motion.from === 'below' ? '0.8em' : '-0.8em';
  const html = `<div class="root"><div class="card">${motion.withBar ? '<div class="bar"></div>' : ''}<div class="lines">${lines.join('')}</div></div></div>`;
  const css = [
    `.root{${placement(settings.card?.['vertical-align'] ?? 'top', settings.card?.['horizontal-align'], true)}}`,
    `.card{box-sizing:border-box;max-width:100%;max-height:100%;display:flex;animation:fade-in .5s linear both;${declarations(card)}}`,
    '.lines{flex:1;min-width:0}',
    `.bar{flex:none;align-self:stretch;transform-origin:top;animation:grow .4s cubic-bezier(.2,.8,.2,1) both;${declarations(bar)}}`,
    `.line{margin:0;line-height:1.25;overflow-wrap:break-word;animation:line-in ${s(motion.lineSeconds)} ${motion.lineEasing} both}`,
    '.body{margin-top:.5em}',
    `.headline{${declarations(headline)}}`,
    `.body{${declarations(body)}}`,
    delays,
    '@keyframes fade-in{from{opacity:0}to{opacity:1}}',
    '@keyframes grow{from{transform:scaleY(0)}to{transform:none}}',
    `@keyframes line-in{from{opacity:0;transform:translateY(${offset})}to{opacity:1;transform:none}}`,
  ].join('\n');
  return { html, css, fonts: familiesOf(headline, body, card) };
}

