/**
 * Colours as movies write them — every CSS form JSON2Video's templates use: `#RGB`, `#RGBA`,
 * `#RRGGBB`, `#RRGGBBAA`, `rgb()`/`rgba()`, `hsl()`/`hsla()`, `transparent` and every CSS named
 * colour (parsed by colord) — parsed once so ffmpeg (`0xRRGGBB@a`) and ASS (`&HAABBGGRR`) get the
 * exact same colour. A bare `RRGGBB` (no `#`) is accepted too, as Reelay always did.
 */
import { colord, extend } from 'colord';
import names from 'colord/plugins/names';

extend([names]);

export interface Rgba {
  r: number;
  g: number;
  b: number;
  /** 0..1 */
  a: number;
}

export function parseColour(input: string): Rgba | undefined {
  const s = input.trim();
  const c = colord(/^([0-9a-f]{6}|[0-9a-f]{8})$/i.test(s) ? `#${s}` : s);
  if (!c.isValid()) return undefined;
  const { r, g, b, a } = c.rgba;
  return { r, g, b, a: Math.round(a * 1000) / 1000 };
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
