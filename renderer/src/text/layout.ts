/**
 * Lays out a text element inside its box: font, size, colours, word wrap and line positions. Each
 * line's text is written to its own file for drawtext's `textfile` (no filter-escaping of user text).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseColour } from '../schema/colour';
import { cssPixels, parseCssLength } from '../schema/css';
import type { TextSettings } from '../schema/movie';
import type { TextLayout, TextPiece } from '../normalise/plan';
import { loadFontMetrics, wrapText } from './font-metrics';
import { splitLine, type TextStyleEffect } from './styles';

export interface LayoutInput {
  text: string;
  settings: TextSettings;
  fontFile: string;
  boxWidth: number;
  boxHeight: number;
  canvasWidth: number;
  canvasHeight: number;
  /** Prefix for the line files, unique per element. */
  filePrefix: string;
  /** The element's `style` preset and how long the element lasts (pieces are timed within it). */
  style?: TextStyleEffect;
  duration?: number;
}

/** Reveals finish by this share of the element's duration, however long the text. */
const REVEAL_WITHIN = 0.8;

export async function layoutText(input: LayoutInput): Promise<TextLayout> {
  const s = input.settings;
  const canvas = { canvasWidth: input.canvasWidth, canvasHeight: input.canvasHeight };
  // CSS: font-size's em and % refer to the parent's font (the browser's 16 px); other lengths' em to
  // this font, their % to the box (horizontal ones to its width, vertical ones to its height).
  const length = (v: string | number | undefined, fallback: number, percentOf: number, em?: number) => {
    const l = v === undefined ? undefined : parseCssLength(v);
    return l ? cssPixels(l, { ...canvas, percentOf, em }) : fallback;
  };
  const fontSize = Math.min(2_000, Math.max(4, Math.round(length(s['font-size'], Math.max(12, Math.round(input.canvasHeight * 0.06)), 16))));
  const across = (v: string | number | undefined, fallback = 0) => Math.max(0, length(v, fallback, input.boxWidth, fontSize));
  const down = (v: string | number | undefined, fallback = 0) => Math.max(0, length(v, fallback, input.boxHeight, fontSize));
  const padding = across(s.padding);
  const margin = { top: down(s['margin-top'], down(s.margin)), bottom: down(s['margin-bottom'], down(s.margin)), left: across(s['margin-left'], across(s.margin)), right: across(s['margin-right'], across(s.margin)) };
  const lh = s['line-height'];
  // CSS line-height: a bare number multiplies the font size, a length ("40px", "2em") is absolute.
  const lineHeight = typeof lh === 'string' && /[a-z%]\s*$/i.test(lh) ? down(lh, 1.2 * fontSize) : (Number(lh ?? 1.2) || 1.2) * fontSize;
  const metrics = loadFontMetrics(input.fontFile);
  const measure = (t: string) => metrics.measure(t, fontSize);
  const inner = Math.max(1, input.boxWidth - 2 * padding - margin.left - margin.right);
  const lines = wrapText(input.text, inner, measure);
  const align = s['text-align'] ?? 'center';
  // JSON2Video places the text block in its box with vertical-/horizontal-position (and margins);
  // vertical-align is Reelay's older name for the same.
  const vpos = s['vertical-position'] ?? (s['vertical-align'] === 'middle' ? 'center' : (s['vertical-align'] ?? 'center'));
  const blockHeight = lines.length * lineHeight;
  const top = vpos === 'top' ? padding + margin.top : vpos === 'bottom' ? input.boxHeight - padding - margin.bottom - blockHeight : (input.boxHeight - blockHeight + margin.top - margin.bottom) / 2;
  // The block is as wide as its widest line when horizontal-position places it; else it spans the box.
  const widths = lines.map((l) => (l === '' ? 0 : measure(l)));
  const hpos = s['horizontal-position'];
  const blockWidth = hpos ? Math.max(0, ...widths) : inner;
  const left = hpos === 'left' ? padding + margin.left : hpos === 'right' ? input.boxWidth - padding - margin.right - blockWidth : hpos === 'center' ? (input.boxWidth - blockWidth + margin.left - margin.right) / 2 : padding + margin.left;
  // drawtext puts the top of the font's ascent box at `y`; centre the glyph box inside the line.
  const glyphHeight = ((metrics.ascender - metrics.descender) * fontSize) / metrics.unitsPerEm;
  const out: TextLayout['lines'] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const width = widths[i];
    const x = left + (align === 'left' || align === 'justify' ? 0 : align === 'right' ? blockWidth - width : (blockWidth - width) / 2);
    const textFile = `${input.filePrefix}-${i}.txt`;
    await fs.writeFile(textFile, lines[i]);
    out.push({ textFile, x: Math.round(x), y: Math.round(top + i * lineHeight + (lineHeight - glyphHeight) / 2), width: Math.ceil(width), height: Math.ceil(glyphHeight) });
  }
  const outlineWidth = Math.min(1_000, across(s['outline-width'], s['outline-color'] ? Math.max(1, Math.round(fontSize / 20)) : 0));
  const shadowOffset = Math.min(1_000, across(s['shadow-offset'], s['shadow-color'] ? Math.max(1, Math.round(fontSize / 20)) : 0));
  const style = input.style ?? {};
  const background = s['background-color'] ? parseColour(s['background-color']) : undefined;
  const layout: TextLayout = {
    fontFile: input.fontFile,
    fontSize,
    ascent: Math.round((metrics.ascender * fontSize) / metrics.unitsPerEm),
    color: parseColour(s.color ?? '#ffffff')!,
    background: style.lineBoxes || !background ? undefined : {
      color: background,
      x: Math.round(left - padding), y: Math.round(top - padding), width: Math.round(blockWidth + 2 * padding), height: Math.round(blockHeight + 2 * padding),
    },
    lineBox: style.lineBoxes ? { color: background ?? parseColour('#000000')!, border: Math.max(2, Math.round(fontSize * 0.15)) } : undefined,
    outline: outlineWidth > 0 ? { color: parseColour(s['outline-color'] ?? '#000000')!, width: outlineWidth } : undefined,
    shadow: shadowOffset > 0 ? { color: parseColour(s['shadow-color'] ?? '#000000')!, offset: shadowOffset } : undefined,
    lines: out,
  };
  if (style.revealIn || style.revealOut) layout.pieces = await timedPieces(out, lines, style, input.duration ?? 0, measure, input.filePrefix);
  return layout;
}

/** Words or letters of every line, each in its own file, timed by the style within the duration. */
async function timedPieces(
  placed: TextLayout['lines'], lines: string[], style: TextStyleEffect, duration: number, measure: (s: string) => number, filePrefix: string,
): Promise<TextPiece[]> {
  const unit = style.revealIn?.unit ?? 'letter';
  const drawn = lines.filter((l) => l !== '');
  const split = placed.flatMap((line, i) => splitLine(drawn[i], unit, measure).map((u) => ({ ...u, line })));
  const n = split.length;
  const pieces: TextPiece[] = [];
  for (let k = 0; k < n; k++) {
    const { text, dx, line } = split[k];
    const textFile = `${filePrefix}-p${k}.txt`;
    await fs.writeFile(textFile, text);
    const piece: TextPiece = { textFile, x: Math.round(line.x + dx), y: line.y, from: 0 };
    if (style.revealIn) piece.from = k * Math.min(style.revealIn.stagger, (duration * REVEAL_WITHIN) / n);
    if (style.revealOut) {
      const over = Math.min(style.revealOut.over, duration / 2);
      piece.until = duration - over + (k * over) / n;
    }
    pieces.push(piece);
  }
  return pieces;
}

export const textFileDir = (workDir: string) => path.join(workDir, 'text');

/**
 * The smallest even-sized rectangle (inside the box) holding every line with its outline and shadow,
 * and the text box's background.
 * Overlaying only that, instead of a transparent canvas the size of the box, saves a full-frame blend
 * on every frame of a title.
 */
export function textBounds(t: TextLayout, boxWidth: number, boxHeight: number): { x: number; y: number; width: number; height: number } | undefined {
  if (t.lines.length === 0) return undefined;
  const margin = 2 + (t.outline?.width ?? 0) + (t.shadow?.offset ?? 0) + (t.lineBox?.border ?? 0);
  const rects = t.lines.map((l) => ({ x0: l.x - margin, y0: l.y - margin, x1: l.x + l.width + margin, y1: l.y + l.height + margin }));
  const bg = t.background;
  if (bg) rects.push({ x0: bg.x, y0: bg.y, x1: bg.x + bg.width, y1: bg.y + bg.height });
  const x0 = Math.max(0, Math.min(...rects.map((r) => r.x0)));
  const y0 = Math.max(0, Math.min(...rects.map((r) => r.y0)));
  const x1 = Math.min(boxWidth, Math.max(...rects.map((r) => r.x1)));
  const y1 = Math.min(boxHeight, Math.max(...rects.map((r) => r.y1)));
  const even = (n: number) => Math.max(2, Math.ceil(n / 2) * 2);
  const x = x0 - (x0 % 2);
  const y = y0 - (y0 % 2);
  return { x, y, width: Math.min(even(x1 - x), boxWidth - x), height: Math.min(even(y1 - y), boxHeight - y) };
}
