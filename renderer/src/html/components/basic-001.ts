/** basic/001: the text card with a coloured bar on its left; lines drop in with an elastic bounce. */
import { cardSettings, renderCard } from './card';
import { cssEasing } from './easing';
import { defineComponent } from './types';

export const basic001 = defineComponent({
  id: 'basic/001',
  title: 'Text card with a coloured bar on the left',
  settings: cardSettings,
  animated: true,
  render: (settings, ctx) => renderCard(settings, ctx, { lineSeconds: 1, lineEasing: cssEasing('easeOutElastic'), from: 'above', withBar: true }),
});
