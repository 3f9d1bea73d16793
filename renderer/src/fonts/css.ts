/**
 * `@font-face` rules for resolved fonts, for the HTML engine's pages: the browser then draws a text
 * with the very files drawtext would use, subset by subset as Google Fonts serves them.
 */
import type { ResolvedFont } from './face';

const cssString = (s: string) => `"${s.replace(/["\\\n\r]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"`;

/**
 * One rule per face: `font-family` (the resolved family's name; pass `aliasFamily` to also declare it
 * under the name the movie used), `src: url(urlFor(file)) format(…)`, `font-weight`, `font-style`,
 * `unicode-range` when the face is a subset. Duplicate faces (two texts in one font) come once.
 */
export function fontFaceCss(fonts: readonly ResolvedFont[], urlFor: (file: string) => string, opts: { aliasFamily?: boolean } = {}): string {
  const seen = new Set<string>();
  const rules: string[] = [];
  for (const font of fonts) {
    const names = new Set([font.family, ...(opts.aliasFamily && font.requested ? [font.requested] : [])]);
    for (const name of names) {
      for (const face of font.faces) {
        const key = `${name}|${face.file}|${face.weight}|${face.style}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const format = /\.woff2$/i.test(face.file) ? 'woff2' : /\.woff$/i.test(face.file) ? 'woff' : /\.otf$/i.test(face.file) ? 'opentype' : 'truetype';
        rules.push(
          `@font-face{font-family:${cssString(name)};src:url(${cssString(urlFor(face.file))}) format("${format}");font-weight:${face.weight};font-style:${face.style};font-display:block` +
            `${face.unicodeRange ? `;unicode-range:${face.unicodeRange}` : ''}}`,
        );
      }
    }
  }
  return rules.join('\n');
}
