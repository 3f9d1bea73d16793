/**
 * The page every layer is drawn in: a transparent body exactly the size of the element's box, the
 * @font-face rules of the fonts it names, Tailwind when asked for (the npm package's browser build,
 * served from `reelay.local`, never a CDN), then the layer's own style and markup.
 */
import { createRequire } from 'node:module';

const require_ = createRequire(__filename);
let tailwindFile: string | undefined;

/** The browser build of Tailwind CSS (package @tailwindcss/browser). */
export function tailwindScript(): string {
  tailwindFile ??= require_.resolve('@tailwindcss/browser');
  return tailwindFile;
}

export interface LayerDocument {
  width: number;
  height: number;
  /** Markup inside the body. */
  body: string;
  /** The layer's own style sheet. */
  css?: string;
  /** @font-face rules. */
  fontFaces?: string;
  /** Address of Tailwind's script (LayerEngine.fileUrl(tailwindScript())), when the element asks for it. */
  tailwindUrl?: string;
}

/** `</style` inside a style sheet would end it early: such a sheet came from a user and is cut there. */
const safeCss = (css: string) => css.replace(/<\/style/gi, '');

export function layerDocument(d: LayerDocument): string {
  return [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<style>html,body{margin:0;padding:0;background:transparent;width:${d.width}px;height:${d.height}px;overflow:hidden}</style>`,
    d.fontFaces ? `<style>${safeCss(d.fontFaces)}</style>` : '',
    d.tailwindUrl ? `<script src="${d.tailwindUrl}"></script>` : '',
    d.css ? `<style>${safeCss(d.css)}</style>` : '',
    `</head><body>${d.body}</body></html>`,
  ].join('');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text as text, never as markup. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
