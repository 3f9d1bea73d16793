/**
 * Lays out a text element inside its box: font, size, colours, word wrap and line positions. Each
 * line's text is written to its own file for drawtext's `textfile` (no filter-escaping of user text).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseColour } from '../schema/colour';
import type { TextSettings } from '../schema/movie';
import type { TextLayout, TextPiece } from '../normalise/plan';
import { loadFontMetrics, wrapText } from './font-metrics';
import { splitLine, type TextStyleEffect } from './styles';

export function cssPixels(v: string | number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : parseFloat(v);
  return Number.isFinite(n) ? n : fallback;
}

export interface LayoutInput {
  text: string;
  settings: TextSettings;
  fontFile: string;
  boxWidth: number;
  boxHeight: number;
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
  const fontSize = Math.max(4, Math.round(cssPixels(s['font-size'], Math.max(12, Math.round(input.canvasHeight * 0.06)))));
  const padding = cssPixels(s.padding, 0);
  const lh = s['line-height'];
  // CSS line-height: a bare number multiplies the font size, "40px" is absolute.
  const lineHeight = typeof lh === 'string' && lh.trim().endsWith('px') ? parseFloat(lh) : (Number(lh ?? 1.2) || 1.2) * fontSize;
  const metrics = loadFontMetrics(input.fontFile);
  const measure = (t: string) => metrics.measure(t, fontSize);
  const inner = Math.max(1, input.boxWidth - 2 * padding);
  const lines = wrapText(input.text, inner, measure);
  const align = s['text-align'] ?? 'center';
  const valign = s['vertical-align'] === 'middle' ? 'center' : (s['vertical-align'] ?? 'center');
  const blockHeight = lines.length * lineHeight;
  const top = valign === 'top' ? padding : valign === 'bottom' ? input.boxHeight - padding - blockHeight : (input.boxHeight - blockHeight) / 2;
  // drawtext puts the top of the font's ascent box at `y`; centre the glyph box inside the line.
  const glyphHeight = ((metrics.ascender - metrics.descender) * fontSize) / metrics.unitsPerEm;
  const out: TextLayout['lines'] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const width = measure(lines[i]);
    const x = align === 'left' || align === 'justify' ? padding : align === 'right' ? input.boxWidth - padding - width : (input.boxWidth - width) / 2;
    const textFile = `${input.filePrefix}-${i}.txt`;
    await fs.writeFile(textFile, lines[i]);
    out.push({ textFile, x: Math.round(x), y: Math.round(top + i * lineHeight + (lineHeight - glyphHeight) / 2), width: Math.ceil(width), height: Math.ceil(glyphHeight) });
  }
  const outlineWidth = cssPixels(s['outline-width'], s['outline-color'] ? Math.max(1, Math.round(fontSize / 20)) : 0);
  const shadowOffset = cssPixels(s['shadow-offset'], s['shadow-color'] ? Math.max(1, Math.round(fontSize / 20)) : 0);
  const style = input.style ?? {};
  const background = s['background-color'] ? parseColour(s['background-color']) : undefined;
  const layout: TextLayout = {
    fontFile: input.fontFile,
    fontSize,
    ascent: Math.round((metrics.ascender * fontSize) / metrics.unitsPerEm),
    color: parseColour(s.color ?? '#ffffff')!,
    background: style.lineBoxes ? undefined : background,
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
 * The smallest even-sized rectangle (inside the box) holding every line with its outline and shadow.
 * Overlaying only that, instead of a transparent canvas the size of the box, saves a full-frame blend
 * on every frame of a title.
 */
export function textBounds(t: TextLayout, boxWidth: number, boxHeight: number): { x: number; y: number; width: number; height: number } | undefined {
  if (t.lines.length === 0) return undefined;
  const margin = 2 + (t.outline?.width ?? 0) + (t.shadow?.offset ?? 0) + (t.lineBox?.border ?? 0);
  const x0 = Math.max(0, Math.min(...t.lines.map((l) => l.x)) - margin);
  const y0 = Math.max(0, Math.min(...t.lines.map((l) => l.y)) - margin);
  const x1 = Math.min(boxWidth, Math.max(...t.lines.map((l) => l.x + l.width)) + margin);
  const y1 = Math.min(boxHeight, Math.max(...t.lines.map((l) => l.y + l.height)) + margin);
  const even = (n: number) => Math.max(2, Math.ceil(n / 2) * 2);
  const x = x0 - (x0 % 2);
  const y = y0 - (y0 % 2);
  return { x, y, width: Math.min(even(x1 - x), boxWidth - x), height: Math.min(even(y1 - y), boxHeight - y) };
}
