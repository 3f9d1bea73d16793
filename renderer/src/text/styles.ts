/**
 * JSON2Video's text `style` presets ("001"…"011"), as far as ffmpeg's drawtext can draw them.
 * Every preset keeps the element's settings; presets differ in how the text enters or leaves:
 *   001 static · 002 fades in over 2 s · 003 word by word · 004 letter by letter (25 ms apart)
 *   005 jumping, 006 revealing, 007 domino, 008 zooming, 009 free letters in: letters appear one by one
 *     in order with the preset's stagger (their per-letter motion — jumps, flips, zooms — is not drawn)
 *   010 free letters out: letters leave one by one over the element's last second
 *   011 a box of `background-color` (default black) behind each line instead of the whole element
 * The mapping is documented in the README (Movie JSON → Text styles).
 */

export const TEXT_STYLES = ['001', '002', '003', '004', '005', '006', '007', '008', '009', '010', '011'] as const;
export type TextStyle = (typeof TEXT_STYLES)[number];

export interface TextStyleEffect {
  /** Seconds of fade-in when the element sets none. */
  fadeIn?: number;
  /** Units (words or letters) shown one after the other from the start, `stagger` seconds apart. */
  revealIn?: { unit: 'word' | 'letter'; stagger: number };
  /** Letters hidden one after the other, in order, over the element's last `over` seconds. */
  revealOut?: { over: number };
  /** A box behind each line, in the element's background colour (default black). */
  lineBoxes?: boolean;
}

const EFFECTS: Record<TextStyle, TextStyleEffect> = {
  '001': {},
  '002': { fadeIn: 2 },
  '003': { revealIn: { unit: 'word', stagger: 0.3 } },
  '004': { revealIn: { unit: 'letter', stagger: 0.025 } },
  '005': { revealIn: { unit: 'letter', stagger: 0.05 } },
  '006': { revealIn: { unit: 'letter', stagger: 0.05 } },
  '007': { revealIn: { unit: 'letter', stagger: 0.045 } },
  '008': { revealIn: { unit: 'letter', stagger: 0.07 } },
  '009': { revealIn: { unit: 'letter', stagger: 0.05 } },
  '010': { revealOut: { over: 1 } },
  '011': { lineBoxes: true },
};

export function textStyleEffect(style: string | undefined): TextStyleEffect {
  return EFFECTS[(style ?? '001') as TextStyle] ?? {};
}

/** A piece of a line drawn on its own so it can appear or leave at its own time. */
export interface TextUnit {
  text: string;
  /** Offset from the line's left edge, in pixels. */
  dx: number;
}

/** Splits a line into words (spaces stay with the gaps) or letters, with each piece's offset. */
export function splitLine(line: string, unit: 'word' | 'letter', measure: (s: string) => number): TextUnit[] {
  const units: TextUnit[] = [];
  const pattern = unit === 'word' ? /\S+/g : /\S/gu;
  for (const m of line.matchAll(pattern)) units.push({ text: m[0], dx: measure(line.slice(0, m.index)) });
  return units;
}
