/**
 * advanced/060: a counter — `text` with `__num__` standing for a number counting from `from` to
 * `to` over `duration` ms (anime.js easing, easeInOutExpo by default), with 0–3 decimals.
 *
 * The number is CSS, not script: a registered custom property animated from `from` to `to`, its
 * integer part and each decimal digit derived with round()/mod() and shown as CSS counters, so the
 * engine seeks it like any other animation (no timers, the same frame for the same time).
 */
import { z } from 'zod';
import { cssEasing, easing } from './easing';
import { placement, richText } from './markup';
import { defineComponent } from './types';
import { declarations, familiesOf, group, horizontalAlign, merge, millis, num, paragraphs, verticalAlign } from './values';

/** Integer parts CSS counters show exactly (they are 32-bit). */
const LIMIT = 1e9;
const settings = z.looseObject({
  counter: group({
    text: paragraphs.optional(),
    from: num(z.number().min(-LIMIT).max(LIMIT)).optional(),
    to: num(z.number().min(-LIMIT).max(LIMIT)).optional(),
    duration: millis(10_000).optional(),
    decimals: num(z.number().int().min(0).max(3)).optional(),
    easing: easing.optional(),
    'vertical-align': verticalAlign.optional(),
    'horizontal-align': horizontalAlign.optional(),
  }).optional(),
});

const DEFAULTS = { color: 'rgba(255,255,255,1)', 'font-family': 'Roboto', 'font-size': '8vw', 'font-weight': '700', 'text-align': 'center' };
const PLACEHOLDER = '__num__';

export const advanced060 = defineComponent({
  id: 'advanced/060',
  title: 'Counter: a number counting from one value to another inside a text',
  settings,
  animated: true,
  render(set) {
    const c = merge(DEFAULTS, set.counter);
    const text = (c.text ?? [PLACEHOLDER]).join(' ');
    const at = text.indexOf(PLACEHOLDER);
    const [before, after] = at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + PLACEHOLDER.length)];
    const decimals = c.decimals ?? 0;
    const digits = Array.from({ length: decimals }, (_, i) => i + 1);
    const number = at < 0 ? '' : `<span class="num"></span>`;
    const html = `<div class="root"><div class="counter">${richText(before)}${number}${richText(after)}</div></div>`;
    const props = ['--i', ...digits.map((d) => `--d${d}`)];
    // A hair added so 4.35 (stored as 4.3499999…) still shows 4.35 at its end.
    const magnitude = 'abs(var(--v)) + 0.000001';
    const css = [
      '@property --v{syntax:"<number>";inherits:true;initial-value:0}',
      ...props.map((p) => `@property ${p}{syntax:"<integer>";inherits:true;initial-value:0}`),
      `.root{${placement(c['vertical-align'] ?? 'center', c['horizontal-align'] ?? 'center')};padding:1vw}`,
      `.counter{line-height:1.2;font-variant-numeric:tabular-nums;white-space:pre-wrap;${declarations(c)}}`,
      `.num{--i:calc(sign(var(--v)) * round(down, ${magnitude}, 1));${digits.map((d) => `--d${d}:round(down, mod((${magnitude}) * ${10 ** d}, 10), 1)`).join(';')}${decimals ? ';' : ''}` +
        `counter-reset:${props.map((p) => `n${p.slice(2)} var(${p})`).join(' ')};` +
        `animation:count ${(c.duration ?? 5000) / 1000}s ${cssEasing(c.easing ?? 'easeInOutExpo')} both}`,
      `.num::after{content:counter(ni)${decimals ? ` "." ${digits.map((d) => `counter(nd${d})`).join(' ')}` : ''}}`,
      `@keyframes count{from{--v:${c.from ?? 0}}to{--v:${c.to ?? 1000}}}`,
    ].join('\n');
    return { html, css, fonts: familiesOf(c) };
  },
});
