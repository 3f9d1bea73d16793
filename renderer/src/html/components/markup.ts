/**
 * Pieces every component's markup shares: text as text (a few inline tags JSON2Video's examples
 * use are given back, without attributes) and the card's place in the box.
 */
import { escapeHtml } from '../document';
import type { Horizontal, Vertical } from './values';

/** Tags JSON2Video's texts carry (`<em>` in its defaults, `<br>` in its templates), bare only. */
const INLINE = /&lt;(\/?)(em|strong|b|i|u|br)\s*\/?&gt;/gi;

/** Escaped text; `<br>`, `<em>`, `<strong>`, `<b>`, `<i>`, `<u>` (no attributes) stay tags. */
export function richText(s: string): string {
  return escapeHtml(s).replace(INLINE, (_, close: string, tag: string) => `<${close}${tag.toLowerCase()}>`);
}

const JUSTIFY: Record<Vertical, string> = { top: 'flex-start', center: 'center', bottom: 'flex-end' };
const ALIGN: Record<Horizontal, string> = { left: 'flex-start', center: 'center', right: 'flex-end' };

/** A full-box flex container that places its child as `vertical-align` / `horizontal-align` say. */
export function placement(v: Vertical, h: Horizontal | undefined, stretch = false): string {
  return `position:absolute;inset:0;display:flex;flex-direction:column;justify-content:${JUSTIFY[v]};align-items:${h ? ALIGN[h] : stretch ? 'stretch' : 'flex-start'};box-sizing:border-box`;
}

/** Seconds for CSS, rounded so the style sheet (and the layer cache key) stays stable. */
export const s = (seconds: number): string => `${Math.round(seconds * 1000) / 1000}s`;
