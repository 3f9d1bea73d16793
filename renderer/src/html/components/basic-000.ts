/** basic/000: JSON2Video's simple text card — a headline and body paragraphs that slide up in turn. */
import { cardSettings, renderCard } from './card';
import { cssEasing } from './easing';
import { defineComponent } from './types';

export const basic000 = defineComponent({
  id: 'basic/000',
  title: 'Text card: headline and body paragraphs',
  settings: cardSettings,
  animated: true,
  render: (settings, ctx) => renderCard(settings, ctx, { lineSeconds: 0.5, lineEasing: cssEasing('easeOutQuad'), from: 'below', withBar: false }),
});
