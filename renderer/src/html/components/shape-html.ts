/**
 * shape/html: up to ten boxes (`html1` … `html10`) of HTML or SVG written in the movie (`html`),
 * each placed, styled and animated as shape/rectangle's boxes are (boxes.ts), its content laid out
 * by flexbox: `align-items` places it vertically, `text-align` horizontally, fonts and colour as
 * CSS. The content is the movie's own markup, scripts included, so the engine draws this component
 * as it draws an html element (ComponentDefinition.untrustedMarkup), never as Reelay's own document.
 */
import { z } from 'zod';
import { boxCss, boxesGiven, boxGroup, numberedBoxes } from './boxes';
import { defineComponent } from './types';
import { familiesOf } from './values';

const htmlBox = boxGroup({
  // Its length is the movie's string cap (schema/limits.ts), as for an html element's markup.
  html: z.union([z.string(), z.number()]).transform(String).optional(),
  'align-items': z.enum(['flex-start', 'center', 'flex-end', 'stretch', 'baseline', 'start', 'end']).optional(),
});
const settings = numberedBoxes('html', htmlBox);

export const shapeHtml = defineComponent({
  id: 'shape/html',
  title: 'Boxes (up to ten) of HTML or SVG, placed, styled and optionally animated',
  settings,
  animated: true,
  untrustedMarkup: true,
  render(set) {
    const names = boxesGiven('html', set);
    return {
      // The wrapper spans the box's width, so text-align places the content across it.
      html: names.map((n) => `<div class="${n}"><div class="reelay-content">${set[n]!.html ?? ''}</div></div>`).join(''),
      css: names.map((n) => boxCss(n, set[n]!, `display:flex;align-items:${set[n]!['align-items'] ?? 'stretch'};`)).join('\n') + '\n.reelay-content{width:100%;min-width:0}',
      fonts: familiesOf(...names.map((n) => set[n])),
    };
  },
});
