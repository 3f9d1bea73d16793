/**
 * Font metrics for laying text out before ffmpeg's drawtext draws it: word wrap is computed once in
 * Node and drawtext only draws finished lines. fontkit reads the same file drawtext is given (TTF,
 * OTF, and the WOFF/WOFF2 subsets of bundled and Google fonts), so both measure the same glyphs.
 */
import * as fontkit from 'fontkit';

export interface FontMetrics {
  unitsPerEm: number;
  ascender: number;
  descender: number;
  /** Advance width of a string in pixels at `size` (kerning ignored: drawtext's default). */
  measure(text: string, size: number): number;
}

const cache = new Map<string, FontMetrics>();

/** Throws when the file is not a font fontkit can read (a font-url pointing at something else). */
export function loadFontMetrics(file: string): FontMetrics {
  let m = cache.get(file);
  if (!m) cache.set(file, (m = metricsOf(file)));
  return m;
}

function metricsOf(file: string): FontMetrics {
  const opened = fontkit.openSync(file);
  // A collection (.ttc): FreeType draws its first face, so measure that one.
  const font = 'fonts' in opened ? opened.fonts[0] : opened;
  if (!font) throw new Error('font collection without fonts');
  const widths = new Map<number, number>();
  return {
    unitsPerEm: font.unitsPerEm,
    // hhea's ascent/descent: the line box drawtext places text in.
    ascender: font.hhea.ascent,
    descender: font.hhea.descent,
    measure(text, size) {
      let units = 0;
      for (const ch of text) {
        const cp = ch.codePointAt(0)!;
        let w = widths.get(cp);
        if (w === undefined) widths.set(cp, (w = font.glyphForCodePoint(cp).advanceWidth));
        units += w;
      }
      return (units * size) / font.unitsPerEm;
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
