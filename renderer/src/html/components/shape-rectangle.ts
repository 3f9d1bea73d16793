/**
 * shape/rectangle: up to ten rectangles (`rectangle1` … `rectangle10`), each placed and styled
 * with CSS (gradients, borders, `border-radius: 50%` for circles, shadows) and, when its `animate`
 * block names targets, moved towards them (see boxes.ts).
 */
import { boxCss, boxesGiven, boxGroup, numberedBoxes } from './boxes';
import { defineComponent } from './types';

const rectangle = boxGroup({});
const settings = numberedBoxes('rectangle', rectangle);

export const shapeRectangle = defineComponent({
  id: 'shape/rectangle',
  title: 'Rectangles (up to ten), styled with CSS and optionally animated',
  settings,
  animated: true,
  render(set) {
    const names = boxesGiven('rectangle', set);
    return {
      html: names.map((n) => `<div class="${n}"></div>`).join(''),
      css: names.map((n) => boxCss(n, set[n]!)).join('\n'),
      fonts: [],
    };
  },
});
