/**
 * Reads just enough of a TrueType/OpenType font (head, hhea, hmtx, cmap 4/12) to measure text, so
 * word wrap is computed once in Node and ffmpeg's drawtext only draws finished lines.
 */
import { readFileSync } from 'node:fs';

export interface FontMetrics {
  unitsPerEm: number;
  ascender: number;
  descender: number;
  /** Advance width of a string in pixels at `size` (kerning ignored: drawtext's default). */
  measure(text: string, size: number): number;
}

const cache = new Map<string, FontMetrics>();

export function loadFontMetrics(file: string): FontMetrics {
  let m = cache.get(file);
  if (!m) cache.set(file, (m = parse(readFileSync(file))));
  return m;
}

function parse(buf: Buffer): FontMetrics {
  const numTables = buf.readUInt16BE(4);
  const tables = new Map<string, number>();
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    tables.set(buf.toString('latin1', rec, rec + 4), buf.readUInt32BE(rec + 8));
  }
  const need = (t: string) => {
    const o = tables.get(t);
    if (o === undefined) throw new Error(`font has no ${t} table`);
    return o;
  };
  const head = need('head');
  const hhea = need('hhea');
  const hmtx = need('hmtx');
  const cmap = need('cmap');
  const unitsPerEm = buf.readUInt16BE(head + 18);
  const ascender = buf.readInt16BE(hhea + 4);
  const descender = buf.readInt16BE(hhea + 6);
  const numHMetrics = buf.readUInt16BE(hhea + 34);
  const advanceOf = (glyph: number) => buf.readUInt16BE(hmtx + 4 * Math.min(glyph, numHMetrics - 1));

  // Prefer a full-Unicode (format 12) subtable, then a BMP (format 4) one.
  let lookup: (cp: number) => number = () => 0;
  const n = buf.readUInt16BE(cmap + 2);
  let best: { off: number; format: number } | undefined;
  for (let i = 0; i < n; i++) {
    const platform = buf.readUInt16BE(cmap + 4 + i * 8);
    const encoding = buf.readUInt16BE(cmap + 6 + i * 8);
    const off = cmap + buf.readUInt32BE(cmap + 8 + i * 8);
    const format = buf.readUInt16BE(off);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode || (format !== 4 && format !== 12)) continue;
    if (!best || format > best.format) best = { off, format };
  }
  if (best?.format === 12) {
    const off = best.off;
    const groups = buf.readUInt32BE(off + 12);
    lookup = (cp) => {
      for (let g = 0; g < groups; g++) {
        const s = buf.readUInt32BE(off + 16 + g * 12);
        const e = buf.readUInt32BE(off + 20 + g * 12);
        if (cp >= s && cp <= e) return buf.readUInt32BE(off + 24 + g * 12) + (cp - s);
      }
      return 0;
    };
  } else if (best?.format === 4) {
    const off = best.off;
    const segX2 = buf.readUInt16BE(off + 6);
    const ends = off + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const ranges = deltas + segX2;
    lookup = (cp) => {
      if (cp > 0xffff) return 0;
      for (let i = 0; i < segX2; i += 2) {
        if (buf.readUInt16BE(ends + i) < cp) continue;
        const start = buf.readUInt16BE(starts + i);
        if (start > cp) return 0;
        const delta = buf.readInt16BE(deltas + i);
        const ro = buf.readUInt16BE(ranges + i);
        if (ro === 0) return (cp + delta) & 0xffff;
        const g = buf.readUInt16BE(ranges + i + ro + 2 * (cp - start));
        return g === 0 ? 0 : (g + delta) & 0xffff;
      }
      return 0;
    };
  }
  const widths = new Map<number, number>();
  return {
    unitsPerEm,
    ascender,
    descender,
    measure(text, size) {
      let units = 0;
      for (const ch of text) {
        const cp = ch.codePointAt(0)!;
        let w = widths.get(cp);
        if (w === undefined) widths.set(cp, (w = advanceOf(lookup(cp))));
        units += w;
      }
      return (units * size) / unitsPerEm;
    },
  };
}

/** Greedy word wrap to `maxWidth` pixels; explicit newlines are kept; an over-long word gets its own line. */
export function wrapText(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    const words = paragraph.split(/\s+/).filter(Boolean);
    if (words.length === 0) {
      lines.push('');
      continue;
    }
    let line = words[0];
    for (const word of words.slice(1)) {
      const candidate = `${line} ${word}`;
      if (measure(candidate) <= maxWidth) line = candidate;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}
