/**
 * Font files for a `font-family` and weight. Installed fonts are found through fontconfig
 * (`fc-match`); when nothing matches, DejaVu Sans (fonts-dejavu-core) is the fallback.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DEFAULT_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
export const DEFAULT_BOLD_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

const cache = new Map<string, string>();

export function isBold(weight: string | number | undefined): boolean {
  if (weight === undefined) return false;
  if (typeof weight === 'number') return weight >= 600;
  return /bold|black|heavy/i.test(weight) || Number(weight) >= 600;
}

export function findFont(family: string | undefined, bold: boolean): string {
  const key = `${family ?? ''}|${bold}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let file = bold ? DEFAULT_BOLD_FONT : DEFAULT_FONT;
  // Only plain family names reach fc-match (it is given an argv, never a shell, but keep it tidy).
  if (family && /^[\w .-]{1,64}$/.test(family)) {
    try {
      const found = execFileSync('fc-match', ['-f', '%{file}', `${family}:weight=${bold ? 200 : 80}`], { encoding: 'utf8', timeout: 5000 }).trim();
      if (found && existsSync(found) && /\.(ttf|otf)$/i.test(found)) file = found;
    } catch {
      // fontconfig missing: the fallback stands.
    }
  }
  cache.set(key, file);
  return file;
}
