/**
 * advanced/070: a five-symbol rating (stars or hearts); symbols fade in one by one (500 ms each,
 * 300 ms apart); the first `value` in `color`, the rest in `off-color`.
 */
import { z } from 'zod';
import { placement } from './markup';
import { defineComponent } from './types';
import { colour, group, horizontalAlign, length, num, freeCss, verticalAlign } from './values';

const settings = z.looseObject({
  rating: group({
    value: num(z.number().min(0).max(5)).optional(),
    symbol: z.enum(['star', 'heart']).optional(),
    size: length().optional(),
    color: colour.optional(),
    stroke: colour.optional(),
    'off-color': colour.optional(),
    'off-stroke': colour.optional(),
    'drop-shadow': freeCss.optional(),
    'vertical-align': verticalAlign.optional(),
    'horizontal-align': horizontalAlign.optional(),
  }).optional(),
});

const PATHS = {
  star: 'M12 1.8l3.1 6.6 7.2.9-5.3 5 1.4 7.1L12 17.9l-6.4 3.5 1.4-7.1-5.3-5 7.2-.9z',
  heart: 'M12 21.4l-1.5-1.3C5.4 15.4 2 12.3 2 8.5 2 5.4 4.4 3 7.5 3c1.7 0 3.4.8 4.5 2.1C13.1 3.8 14.8 3 16.5 3 19.6 3 22 5.4 22 8.5c0 3.8-3.4 6.9-8.5 11.5z',
};

export const advanced070 = defineComponent({
  id: 'advanced/070',
  title: 'Rating: five stars or hearts',
  settings,
  animated: true,
  render(set) {
    const r = set.rating ?? {};
    // Halves round up, as a 4.5 rating shows five lit symbols at JSON2Video (symbols are whole).
    const lit = Math.round(r.value ?? 5);
    const path = PATHS[r.symbol ?? 'star'];
    const symbols = Array.from({ length: 5 }, (_, i) => `<svg class="s ${i < lit ? 'on' : 'off'}" viewBox="0 0 24 24" style="animation-delay:${i * 0.3}s"><path d="${path}"/></svg>`);
    const css = [
      `.root{${placement(r['vertical-align'] ?? 'center', r['horizontal-align'] ?? 'center')};padding:1vw}`,
      `.row{display:flex;gap:calc(${r.size ?? '3vw'} * 0.15)}`,
      `.s{width:${r.size ?? '3vw'};height:${r.size ?? '3vw'};overflow:visible;animation:in .5s ease-out both}`,
      `.on{fill:${r.color ?? 'gold'};stroke:${r.stroke ?? 'none'};stroke-width:1${r['drop-shadow'] ? `;filter:${r['drop-shadow'].startsWith('drop-shadow(') ? r['drop-shadow'] : `drop-shadow(${r['drop-shadow']})`}` : ''}}`,
      `.off{fill:${r['off-color'] ?? 'transparent'};stroke:${r['off-stroke'] ?? 'none'};stroke-width:1}`,
      '@keyframes in{from{opacity:0}to{opacity:1}}',
    ].join('\n');
    return { html: `<div class="root"><div class="row">${symbols.join('')}</div></div>`, css, fonts: [] };
  },
});
