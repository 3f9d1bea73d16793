/**
 * basic/125: a table — `data.columns` (the header) and `data.rows`, styled per part (`table`,
 * `header` with its `column-widths`, `first-column`, `cells`); rows come in one after another.
 */
import { z } from 'zod';
import { cssEasing } from './easing';
import { placement, richText, s } from './markup';
import { defineComponent } from './types';
import { declarations, familiesOf, group, horizontalAlign, length, merge, verticalAlign } from './values';

const cell = z.union([z.string(), z.number()]).transform(String);
const settings = z.looseObject({
  table: group({ 'vertical-align': verticalAlign.optional(), 'horizontal-align': horizontalAlign.optional() }).optional(),
  header: group({ 'column-widths': z.array(length()).max(20).optional() }).optional(),
  'first-column': group({}).optional(),
  cells: group({}).optional(),
  data: z.looseObject({
    columns: z.array(cell).max(20).optional(),
    rows: z.array(z.array(cell).max(20)).max(100).optional(),
  }).optional(),
});

const TABLE = { width: '100%', color: 'rgba(255,255,255,1)', 'font-family': 'Roboto', 'font-size': '3vw' };
const HEADER = { 'font-weight': '700' };
const CELLS = { padding: '0.5vw 1vw' };

export const basic125 = defineComponent({
  id: 'basic/125',
  title: 'Table: a header and rows of cells',
  settings,
  animated: true,
  render(set) {
    const table = merge(TABLE, set.table);
    const header = merge(HEADER, set.header);
    const cells = merge(CELLS, set.cells);
    const first = set['first-column'];
    const columns = set.data?.columns ?? [];
    const rows = set.data?.rows ?? [];
    const widths = header['column-widths'] ?? [];
    const html = [
      '<div class="root"><table>',
      widths.length ? `<colgroup>${widths.map(() => '<col>').join('')}</colgroup>` : '',
      columns.length ? `<thead><tr>${columns.map((c) => `<th>${richText(c)}</th>`).join('')}</tr></thead>` : '',
      `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${richText(c)}</td>`).join('')}</tr>`).join('')}</tbody>`,
      '</table></div>',
    ].join('');
    const css = [
      `.root{${placement(set.table?.['vertical-align'] ?? 'top', set.table?.['horizontal-align'], true)}}`,
      `table{table-layout:${widths.length ? 'fixed' : 'auto'};border-collapse:separate;line-height:1.25;${declarations(table)}}`,
      ...widths.map((w, i) => `col:nth-child(${i + 1}){width:${w}}`),
      `th,td{text-align:left;vertical-align:top;overflow-wrap:break-word;${declarations(cells)}}`,
      `thead tr{${declarations(header, ['width', 'height'])}}`,
      `th{font-weight:inherit}`,
      first ? `tr>:first-child{${declarations(first)}}` : '',
      `tr{animation:row-in .5s ${cssEasing('easeOutCubic')} both}`,
      ...rows.map((_, i) => `tbody tr:nth-child(${i + 1}){animation-delay:${s(0.3 + i * 0.3)}}`),
      '@keyframes row-in{from{opacity:0;transform:translateX(-2vw)}to{opacity:1;transform:none}}',
    ].join('\n');
    return { html, css, fonts: familiesOf(table, header, cells, first) };
  },
});
