/**
 * Colours as movies write them (`#RGB`, `#RRGGBB`, `#RRGGBBAA`, CSS names, `transparent`), parsed once
 * so ffmpeg (`0xRRGGBB@a`) and ASS (`&HAABBGGRR`) get the exact same colour.
 */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  /** 0..1 */
  a: number;
}

const NAMED: Record<string, string> = {
  black: '000000', white: 'ffffff', red: 'ff0000', lime: '00ff00', green: '008000', blue: '0000ff',
  yellow: 'ffff00', cyan: '00ffff', aqua: '00ffff', magenta: 'ff00ff', fuchsia: 'ff00ff', gray: '808080',
  grey: '808080', silver: 'c0c0c0', maroon: '800000', olive: '808000', purple: '800080', teal: '008080',
  navy: '000080', orange: 'ffa500', pink: 'ffc0cb', brown: 'a52a2a', gold: 'ffd700', indigo: '4b0082',
  violet: 'ee82ee', coral: 'ff7f50', salmon: 'fa8072', crimson: 'dc143c', beige: 'f5f5dc', khaki: 'f0e68c',
  lightgray: 'd3d3d3', lightgrey: 'd3d3d3', darkgray: 'a9a9a9', darkgrey: 'a9a9a9', darkblue: '00008b',
  darkgreen: '006400', darkred: '8b0000', skyblue: '87ceeb', turquoise: '40e0d0', tomato: 'ff6347',
};

export function parseColour(input: string): Rgba | undefined {
  const s = input.trim().toLowerCase();
  if (s === 'transparent') return { r: 0, g: 0, b: 0, a: 0 };
  let hex = NAMED[s];
  if (!hex) {
    const m = /^#?([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s);
    if (!m || (!s.startsWith('#') && m[1].length === 3)) return undefined;
    hex = m[1];
    if (hex.length === 3) hex = hex.split('').map((c) => c + c).join('');
  }
  const n = (i: number) => parseInt(hex.slice(i, i + 2), 16);
  return { r: n(0), g: n(2), b: n(4), a: hex.length === 8 ? Math.round((n(6) / 255) * 1000) / 1000 : 1 };
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** ffmpeg colour syntax, e.g. `0xff0000@1`. */
export function ffmpegColour(c: Rgba): string {
  return `0x${hex2(c.r)}${hex2(c.g)}${hex2(c.b)}@${c.a}`;
}

/** ASS colour: `&HAABBGGRR` where alpha 00 is opaque. */
export function assColour(c: Rgba): string {
  return `&H${hex2(Math.round((1 - c.a) * 255))}${hex2(c.b)}${hex2(c.g)}${hex2(c.r)}`.toUpperCase();
}
