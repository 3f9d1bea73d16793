/**
 * Text elements in the browser, following JSON2Video's model: the element's box (the canvas unless
 * width/height say otherwise) holds a text box that `vertical-position` / `horizontal-position`,
 * margins and padding place; `background-color` paints the text box only; every other setting is
 * CSS on the text box (`text-shadow` outlines, `letter-spacing`, `text-transform`…). Styles 002–010
 * are CSS animations on words or letters, seeked frame by frame by the capture's virtual clock.
 *
 * Which texts come here and which keep ffmpeg's drawtext (faster, no browser): see `needsBrowser`.
 */
import type { TextElement } from '../schema/movie';
import { type CanvasSize, cssValue, declarations } from './css-settings';
import { escapeHtml, layerDocument } from './document';

/** Settings drawtext draws exactly as the browser does (measured: test/html/text-fidelity.test.ts). */
const DRAWTEXT_SETTINGS = new Set([
  'font-family', 'font-url', 'font-size', 'font-weight', 'color', 'background-color', 'text-align', 'vertical-align', 'line-height',
  'vertical-position', 'horizontal-position', 'padding', 'margin', 'margin-top', 'margin-bottom', 'margin-left', 'margin-right',
]);
/** Reelay's and JSON2Video's own settings, not CSS properties: interpreted below. */
const OWN_SETTINGS = new Set(['vertical-position', 'horizontal-position', 'vertical-align', 'font-url', 'outline-color', 'outline-width', 'shadow-color', 'shadow-offset']);
/** Styles whose letters move (jump, flip, zoom, fly): only the browser draws that motion. */
const MOTION_STYLES = new Set(['005', '006', '007', '008', '009']);

/**
 * The rule: a text goes through the browser when drawtext would draw it differently — a setting
 * drawtext does not have (text-shadow, letter-spacing, text-transform, font-style, word-break…),
 * outlines and shadows (drawtext's stroke and hard shadow are not CSS's), letters that move (styles
 * 005–009), or characters past Latin-1 (the browser shapes scripts and falls back per glyph; drawtext
 * draws one font's glyphs in logical order). Everything else keeps the fast path.
 */
export function needsBrowser(el: TextElement): boolean {
  // REELAY_TEXT_ENGINE=browser: every text through the browser (fidelity over speed); ffmpeg: never.
  const engine = process.env.REELAY_TEXT_ENGINE;
  if (engine === 'browser' || engine === 'ffmpeg') return engine === 'browser';
  if (el.style && MOTION_STYLES.has(el.style)) return true;
  if (/[^\u0000-\u00ff]/.test(el.text)) return true;
  return Object.entries(el.settings ?? {}).some(([key, value]) => value !== undefined && value !== null && !DRAWTEXT_SETTINGS.has(key));
}

interface Timing {
  duration: number;
}

/** Seconds between units of a reveal, and the reveal's whole length at most (as the drawtext path). */
const REVEAL: Record<string, { unit: 'word' | 'letter'; stagger: number; keyframes: string; length: number }> = {
  '003': { unit: 'word', stagger: 0.3, length: 0.01, keyframes: 'from{opacity:0}to{opacity:1}' },
  '004': { unit: 'letter', stagger: 0.025, length: 0.01, keyframes: 'from{opacity:0}to{opacity:1}' },
  '005': { unit: 'letter', stagger: 0.05, length: 0.5, keyframes: '0%{opacity:0;transform:translateY(0.6em)}40%{opacity:1;transform:translateY(-0.35em)}70%{transform:translateY(0.1em)}100%{opacity:1;transform:none}' },
  '006': { unit: 'letter', stagger: 0.05, length: 0.4, keyframes: 'from{opacity:0;clip-path:inset(100% 0 0 0);transform:translateY(0.5em)}to{opacity:1;clip-path:inset(0 0 0 0);transform:none}' },
  '007': { unit: 'letter', stagger: 0.045, length: 0.45, keyframes: 'from{opacity:0;transform:perspective(400px) rotateX(-90deg)}to{opacity:1;transform:none}' },
  '008': { unit: 'letter', stagger: 0.07, length: 0.45, keyframes: 'from{opacity:0;transform:scale(3)}to{opacity:1;transform:none}' },
  '009': { unit: 'letter', stagger: 0.05, length: 0.8, keyframes: 'from{opacity:0;transform:translate(var(--dx),var(--dy)) rotate(var(--r))}to{opacity:1;transform:none}' },
};
/** Reveals finish by this share of the element's duration, however long the text. */
const REVEAL_WITHIN = 0.8;

export interface TextDocument {
  html: string;
  animated: boolean;
}

/** Deterministic spread for style 009's letters (the same text always flies in the same way). */
const spread = (i: number, salt: number) => {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x) - 0.5;
};

/** The font to draw with: its family name and the @font-face rules that bring its files. */
export interface TextFont {
  family: string;
  faces: string;
}

export function textDocument(el: TextElement, box: { width: number; height: number }, canvas: CanvasSize, t: Timing, font?: TextFont): TextDocument {
  const s = (el.settings ?? {}) as Record<string, unknown>;
  const own = (k: string) => (typeof s[k] === 'string' || typeof s[k] === 'number' ? cssValue(k, s[k], canvas) : undefined);
  const vpos = String(s['vertical-position'] ?? (s['vertical-align'] === 'middle' ? 'center' : (s['vertical-align'] ?? 'center')));
  const hpos = s['horizontal-position'] === undefined ? undefined : String(s['horizontal-position']);
  const flex = (p: string | undefined) => (p === 'top' || p === 'left' ? 'flex-start' : p === 'bottom' || p === 'right' ? 'flex-end' : 'center');
  // What is not safe CSS is left out, and listed as a warning at submit (schema/warnings.ts).
  const { css: userCss } = declarations(s, canvas, OWN_SETTINGS);
  // drawtext's defaults, so both paths agree when a movie says nothing.
  const defaults = [
    `font-size:${Math.max(12, Math.round(canvas.canvasHeight * 0.06))}px`, 'color:#ffffff', 'text-align:center', 'line-height:1.2',
    'font-family:"Inter","DejaVu Sans",sans-serif', 'white-space:pre-wrap', 'overflow-wrap:break-word',
  ];
  // JSON2Video's outline and shadow settings in CSS terms: a stroke painted under the fill, a hard shadow.
  const outlineWidth = own('outline-width');
  const extra: string[] = [];
  if (outlineWidth && !/^-/.test(outlineWidth) && outlineWidth !== '0px') {
    extra.push(`-webkit-text-stroke:calc(${outlineWidth} * 2) ${own('outline-color') ?? '#000000'}`, 'paint-order:stroke fill');
  }
  const shadowOffset = own('shadow-offset') ?? (s['shadow-color'] ? '2px' : undefined);
  if (shadowOffset && s['text-shadow'] === undefined) extra.push(`text-shadow:${shadowOffset} ${shadowOffset} 0 ${own('shadow-color') ?? '#000000'}`);

  const reveal = el.style ? REVEAL[el.style] : undefined;
  let content: string;
  let animationCss = '';
  const animated = !!el.style && el.style !== '001' && el.style !== '011';
  if (reveal) {
    const units = reveal.unit === 'word' ? el.text.split(/(\s+)/) : [...el.text];
    const count = units.filter((u) => u.trim() !== '').length || 1;
    const stagger = Math.min(reveal.stagger, (t.duration * REVEAL_WITHIN - reveal.length) / count);
    let i = 0;
    content = units.map((u) => {
      if (u.trim() === '') return escapeHtml(u);
      const n = i++;
      const vars = el.style === '009' ? `--dx:${(spread(n, 1) * 3).toFixed(2)}em;--dy:${(spread(n, 2) * 3).toFixed(2)}em;--r:${Math.round(spread(n, 3) * 180)}deg;` : '';
      return `<span class="u" style="${vars}animation-delay:${(Math.max(0, stagger) * n).toFixed(3)}s">${escapeHtml(u)}</span>`;
    }).join('');
    animationCss = `.u{display:inline-block;white-space:pre;opacity:0;animation:reveal ${reveal.length}s ease-out both}@keyframes reveal{${reveal.keyframes}}`;
  } else if (el.style === '010') {
    const letters = [...el.text];
    const count = letters.filter((u) => u.trim() !== '').length || 1;
    const over = Math.min(1, t.duration);
    let i = 0;
    content = letters.map((u) => (u.trim() === '' ? escapeHtml(u) : `<span class="u" style="animation-delay:${(t.duration - over + (over * i++) / count).toFixed(3)}s">${escapeHtml(u)}</span>`)).join('');
    animationCss = '.u{display:inline-block;white-space:pre;animation:leave 0.01s linear both}@keyframes leave{to{opacity:0}}';
  } else if (el.style === '002') {
    content = escapeHtml(el.text);
    animationCss = '.t{animation:fadein 2s linear both}@keyframes fadein{from{opacity:0}to{opacity:1}}';
  } else if (el.style === '011') {
    // A box of the background colour behind each line, not the block.
    const bg = cssValue('background-color', s['background-color'] ?? '#000000', canvas);
    content = `<span class="line-boxes" style="background:${bg};box-decoration-break:clone;-webkit-box-decoration-break:clone;padding:0 0.15em">${escapeHtml(el.text)}</span>`;
  } else {
    content = escapeHtml(el.text);
  }
  // The resolved family replaces the movie's list: the browser draws what drawtext and layout measured.
  const family = font ? `font-family:"${font.family.replace(/["\\]/g, '')}"` : '';
  const textBoxCss = [...defaults, ...extra, userCss, family, el.style === '011' ? 'background-color:transparent' : '', hpos ? 'max-width:100%' : 'width:100%'].filter(Boolean).join(';');
  const css = [
    `.box{position:absolute;inset:0;display:flex;align-items:${flex(vpos)};justify-content:${flex(hpos)}}`,
    `.t{${textBoxCss}}`,
    animationCss,
  ].join('');
  const html = layerDocument({
    width: box.width, height: box.height, css, fontFaces: font?.faces,
    body: `<div class="box" data-reelay-frame><div class="t">${content}</div></div>`,
  });
  return { html, animated };
}
