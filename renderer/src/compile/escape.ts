/** Filter-graph quoting and number formatting, shared by the compile stages. */

/**
 * Quotes a file path as a filter option value. Single quotes protect `:` `,` `;` `[` `]` at both the
 * option and graph level; paths holding a quote or backslash are refused (ours come from the work
 * dir, the cache and fontconfig, so this never happens in practice).
 */
export function quotePath(p: string): string {
  if (/['\\\n]/.test(p)) throw new Error(`unsupported character in path ${JSON.stringify(p)}`);
  return `'${p}'`;
}

/** Stable short decimals (snapshot-friendly, no 0.30000000000000004). */
export function num(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

export function frames(seconds: number, fps: number): number {
  return Math.max(1, Math.round(seconds * fps));
}
