/**
 * Writes an ASS script (for libass) from cues and the subtitles element's settings.
 * JSON2Video's subtitle styles, with each word's time spread over its cue by its length:
 *   classic              the line, the word being spoken in `word-color`
 *   classic-progressive  words appear as they are spoken (later words keep their place, invisible)
 *   classic-one-word     only the word being spoken
 *   boxed-line           classic on a box (`box-color`)
 *   boxed-word           the line without a box, and a box (`box-color`) behind the spoken word only:
 *                        a second layer draws the same line with every other word fully transparent,
 *                        and libass boxes only what is visible
 */
import path from 'node:path';
import { assColour, parseColour, type Rgba } from '../schema/colour';
import { cssPixels, parseCssLength } from '../schema/css';
import type { SubtitlesSettings } from '../schema/movie';
import { parseFontWeight } from '../fonts/face';
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
const sameColour = (a: Rgba, b: Rgba) => a.r === b.r && a.g === b.g && a.b === b.b && a.a === b.a;
/** An alpha override tag's value (`&HAA&`, 00 opaque). */
const alphaTag = (c: Rgba) => `&H${assColour(c).slice(2, 4)}&`;
/** Override tags take `&HBBGGRR&` (alpha is a tag of its own). */
const overrideColour = (c: Rgba) => `${assColour({ ...c, a: 1 }).replace(/^&H00/, '&H')}&`;

/** ASS numpad alignment of JSON2Video's positions: 7 8 9 top, 4 5 6 middle, 1 2 3 bottom. */
function numpad(position: string): number {
  if (position === 'custom') return 7;
  const row = /^(top|mid-top)/.test(position) ? 7 : /^center/.test(position) ? 4 : 1;
  const column = /-left$/.test(position) ? 0 : /-right$/.test(position) ? 2 : 1;
  return row + column;
}

/** `replace` (`{"gonna": "going to"}`): whole words, matched regardless of case, in what is shown. */
function replaceWords(text: string, replace: Record<string, string> | undefined): string {
  if (!replace) return text;
  const table = new Map(Object.entries(replace).map(([k, v]) => [k.toLowerCase(), v]));
  return text.replace(/[\p{L}\p{N}'’-]+/gu, (word) => table.get(word.toLowerCase()) ?? word);
}

/** Each word of a cue with its share of the cue's time, in proportion to its length (plus the gap). */
function timedWords(text: string, start: number, end: number): { word: string; start: number; end: number }[] {
  const words = text.split(/\s+/).filter(Boolean);
  const total = words.reduce((n, w) => n + w.length + 1, 0) || 1;
  let t = start;
  return words.map((word, i) => {
    const to = i === words.length - 1 ? end : t + ((end - start) * (word.length + 1)) / total;
    const timed = { word, start: t, end: to };
    t = to;
    return timed;
  });
}

export function buildAss(cues: Cue[], settings: SubtitlesSettings, video: { width: number; height: number }, fontFile: string): string {
  const given = settings['font-size'] === undefined ? undefined : parseCssLength(settings['font-size']);
  const size = given ? Math.round(cssPixels(given, { canvasWidth: video.width, canvasHeight: video.height, percentOf: video.height })) : Math.round(video.height / 14);
  const family = settings['font-family'] ?? path.basename(fontFile).replace(/\.(ttf|otf)$/i, '').replace(/-/g, ' ');
  const pos = settings.position ?? 'bottom-center';
  const alignment = numpad(pos);
  // `custom` puts the text's top-left corner at x, y; `mid-*` sits halfway between the middle and the edge.
  const place = pos === 'custom' ? `{\\pos(${Math.round(settings.x ?? 0)},${Math.round(settings.y ?? 0)})}` : '';
  const bold = parseFontWeight(settings['font-weight']) >= 600 ? -1 : 0;
  const style = settings.style ?? 'classic';
  const wordBox = style === 'boxed-word';
  const boxed = !wordBox && (settings['box-color'] !== undefined || style === 'boxed-line');
  const white = { r: 255, g: 255, b: 255, a: 1 };
  const lineColour = (settings['line-color'] && parseColour(settings['line-color'])) || white;
  const wordColour = (settings['word-color'] && parseColour(settings['word-color'])) || lineColour;
  const primary = assColour(lineColour);
  const outline = colour(settings['outline-color'], { r: 0, g: 0, b: 0, a: 1 });
  const boxColour = (settings['box-color'] && parseColour(settings['box-color'])) || { r: 0, g: 0, b: 0, a: 0.6 };
  const back = assColour(boxColour);
  // Without a box, ASS draws the shadow in the back colour.
  const shadow = colour(settings['shadow-color'], { r: 0, g: 0, b: 0, a: 1 });
  const margin = Math.round(video.height * 0.06);
  const marginV = pos.startsWith('mid-') ? Math.round(video.height * 0.25) : margin;
  const border = settings['outline-width'] ?? Math.max(1, Math.round(size / 16));
  const styleOf = (name: string, box: boolean) => [
    name, family, size, primary, primary, box ? back : outline, box ? back : shadow, bold, 0, 0, 0, 100, 100, 0, 0,
    box ? 3 : 1, box ? Math.max(border, Math.round(size / 8)) : border, settings['shadow-offset'] ?? 0, alignment,
    margin, margin, marginV, 1,
  ].join(',');
  const styleLines = [styleOf('Default', boxed), ...(wordBox ? [styleOf('Word', true)] : [])];
  const caps = settings['all-caps'] === true;
  const dialogue = (start: number, end: number, text: string, layer = 0, name = 'Default') => `Dialogue: ${layer},${assTime(start)},${assTime(end)},${name},,0,0,0,,${place}${text}`;
  const hidden = '{\\1a&HFF&\\3a&HFF&\\4a&HFF&}';
  const shown = `{\\1a${alphaTag(wordColour)}\\3a${alphaTag(boxColour)}\\4a&H00&\\c${overrideColour(wordColour)}}`;
  const perWord = style === 'classic-progressive' || style === 'classic-one-word' || wordBox || !sameColour(wordColour, lineColour);
  const events = cues.flatMap((c) => {
    const replaced = replaceWords(c.text, settings.replace);
    const text = caps ? replaced.toUpperCase() : replaced;
    if (!perWord) return [dialogue(c.start, c.end, escapeText(text))];
    const words = timedWords(text, c.start, c.end);
    return words.flatMap((w, i) => {
      if (style === 'classic-one-word') return [dialogue(w.start, w.end, `{\\c${overrideColour(wordColour)}}${escapeText(w.word)}`)];
      const parts = words.map((o, j) => {
        const t = escapeText(o.word);
        if (j === i) return `{\\c${overrideColour(wordColour)}}${t}{\\c${overrideColour(lineColour)}}`;
        // Later words hold their place (the line does not re-centre as it grows) but do not show yet:
        // text, border/box and shadow fully transparent from the first of them to the end of the line.
        if (j === i + 1 && style === 'classic-progressive') return `${hidden}${t}`;
        return t;
      });
      const line = dialogue(w.start, w.end, parts.join(' '));
      if (!wordBox) return [line];
      // The spaces stay hidden too, so the box hugs the word.
      const boxLayer = words.map((o, j) => `${j > 0 ? `${hidden} ` : ''}${j === i ? shown : hidden}${escapeText(o.word)}`).join('');
      return [line, dialogue(w.start, w.end, boxLayer, 1, 'Word')];
    });
  });
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
    ...styleLines.map((l) => `Style: ${l}`),
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...events,
    '',
  ].join('\n');
}
