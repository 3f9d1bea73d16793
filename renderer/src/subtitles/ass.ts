/** Writes an ASS script (for libass) from cues and the subtitles element's settings. */
import path from 'node:path';
import { assColour, parseColour, type Rgba } from '../schema/colour';
import type { SubtitlesSettings } from '../schema/movie';
import type { Cue } from './captions';

function assTime(t: number): string {
  const cs = Math.max(0, Math.round(t * 100));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
}

function escapeText(s: string): string {
  // `{` starts an override block in ASS; newlines are `\N`.
  return s.replace(/\\/g, '\\\\').replace(/\{/g, '\\{').replace(/\}/g, '\\}').replace(/\r?\n/g, '\\N');
}

const colour = (c: string | undefined, fallback: Rgba) => assColour((c && parseColour(c)) || fallback);

export function buildAss(cues: Cue[], settings: SubtitlesSettings, video: { width: number; height: number }, fontFile: string): string {
  const size = Number(String(settings['font-size'] ?? Math.round(video.height / 14)).replace('px', ''));
  const family = settings['font-family'] ?? path.basename(fontFile).replace(/\.(ttf|otf)$/i, '').replace(/-/g, ' ');
  const pos = settings.position ?? 'bottom-center';
  // ASS numpad alignment: 2 bottom-centre, 5 middle, 8 top.
  const alignment = pos.startsWith('top') || pos === 'mid-top-center' ? 8 : pos.startsWith('center') ? 5 : 2;
  const boxed = settings['box-color'] !== undefined || settings.style === 'boxed-line' || settings.style === 'boxed-word';
  const primary = colour(settings['line-color'] ?? settings['word-color'], { r: 255, g: 255, b: 255, a: 1 });
  const outline = colour(settings['outline-color'], { r: 0, g: 0, b: 0, a: 1 });
  const back = colour(settings['box-color'], { r: 0, g: 0, b: 0, a: 0.6 });
  const margin = Math.round(video.height * 0.06);
  const style = [
    'Default', family, size, primary, primary, boxed ? back : outline, back, 0, 0, 0, 0, 100, 100, 0, 0,
    boxed ? 3 : 1, settings['outline-width'] ?? Math.max(1, Math.round(size / 16)), settings['shadow-offset'] ?? 0, alignment,
    margin, margin, margin, 1,
  ].join(',');
  const caps = settings['all-caps'] === true;
  const events = cues.map((c) => `Dialogue: 0,${assTime(c.start)},${assTime(c.end)},Default,,0,0,0,,${escapeText(caps ? c.text.toUpperCase() : c.text)}`);
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${video.width}`,
    `PlayResY: ${video.height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    `Style: ${style}`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...events,
    '',
  ].join('\n');
}
