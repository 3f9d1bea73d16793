/**
 * drawtext and the text layout draw with ONE font file: of a family's subset files (Latin, Latin
 * Extended, Cyrillic…) the one whose characters cover the text best, so both measure and draw the
 * same glyphs. Faces without a `unicode-range` cover what their cmap holds.
 */
import * as fontkit from 'fontkit';
import type { FontFace } from './face';

/** `U+0000-00FF,U+0131,U+25??` → inclusive code point ranges. */
export function parseUnicodeRange(range: string): [number, number][] {
  return range.split(',').flatMap((part) => {
    const m = /^\s*U\+([0-9a-f?]{1,6})(?:-([0-9a-f]{1,6}))?\s*$/i.exec(part);
    if (!m) return [];
    if (m[1].includes('?')) return [[parseInt(m[1].replace(/\?/g, '0'), 16), parseInt(m[1].replace(/\?/g, 'f'), 16)] as [number, number]];
    const start = parseInt(m[1], 16);
    return [[start, m[2] ? parseInt(m[2], 16) : start] as [number, number]];
  });
}

const rangesCache = new Map<string, [number, number][]>();
const cmapCache = new Map<string, Set<number>>();

function covers(face: FontFace): (cp: number) => boolean {
  if (face.unicodeRange) {
    let ranges = rangesCache.get(face.unicodeRange);
    if (!ranges) rangesCache.set(face.unicodeRange, (ranges = parseUnicodeRange(face.unicodeRange)));
    return (cp) => ranges.some(([a, b]) => cp >= a && cp <= b);
  }
  let set = cmapCache.get(face.file);
  if (!set) {
    const font = fontkit.openSync(face.file);
    cmapCache.set(face.file, (set = new Set('characterSet' in font ? font.characterSet : font.fonts[0]?.characterSet ?? [])));
  }
  return (cp) => set.has(cp);
}

/** The face covering most of the text's (non-space) characters; ties go to the first listed. */
export function faceForText(faces: readonly FontFace[], text: string): FontFace {
  const chars = [...new Set([...text].filter((c) => !/\s/.test(c)).map((c) => c.codePointAt(0)!))];
  let best = faces[0];
  let bestCount = -1;
  for (const face of faces) {
    const has = covers(face);
    const count = chars.filter(has).length;
    if (count > bestCount) {
      best = face;
      bestCount = count;
    }
  }
  return best;
}
