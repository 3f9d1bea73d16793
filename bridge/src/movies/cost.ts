/**
 * What a render costs, in credits. Documented in the README ("Credits"):
 *
 *   credits = ceil(output seconds) × resolution factor, at least 1
 *   resolution factor: 1 up to 1280×720 pixels (HD), 2 up to 1920×1080 (full HD), 4 above.
 *
 * The factor compares pixel counts, so orientation does not matter (1080×1920 costs like
 * 1920×1080). The price is computed from the movie JSON before rendering: scene durations, or for a
 * scene without one (or -1, "fit the elements") the latest end among its timed elements; a length
 * that only the assets know (duration -1 everywhere) is estimated as UNKNOWN_SCENE_SECONDS. When the
 * render is done its real length is known and any surplus is refunded (never charged extra after
 * the fact, so a render can never fail for credits once accepted).
 */
import { movieSize, type Movie } from '@reelay/renderer/src/schema/movie';

export const UNKNOWN_SCENE_SECONDS = 10;
const HD_PIXELS = 1280 * 720;
const FULL_HD_PIXELS = 1920 * 1080;

type Loose = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Elements whose timing waits for an asset (element variables, variables/element-times.ts): not counted. */
export type TimingUnknown = (scene: number | undefined, element: number) => boolean;

function elementsEnd(elements: unknown, unknown: (element: number) => boolean = () => false): number | undefined {
  if (!Array.isArray(elements)) return undefined;
  let end: number | undefined;
  for (const [i, el] of (elements as Loose[]).entries()) {
    if (unknown(i)) continue;
    const d = num(el?.duration);
    if (d === undefined || d <= 0) continue;
    const e = (num(el.start) ?? 0) + d + (num(el['extra-time']) ?? 0);
    end = Math.max(end ?? 0, e);
  }
  return end;
}

/** Seconds of output the movie will have, as far as the JSON tells. */
export function estimateSeconds(movie: Loose, unknown: TimingUnknown = () => false): number {
  const scenes = Array.isArray(movie.scenes) ? (movie.scenes as Loose[]) : [];
  // Movie-level elements only: the movie lasts as long as they do.
  if (scenes.length === 0) return elementsEnd(movie.elements, (e) => unknown(undefined, e)) ?? UNKNOWN_SCENE_SECONDS;
  let total = 0;
  for (const [s, scene] of scenes.entries()) {
    const d = num(scene?.duration);
    total += d !== undefined && d > 0 ? d : (elementsEnd(scene?.elements, (e) => unknown(s, e)) ?? UNKNOWN_SCENE_SECONDS);
  }
  return total;
}

export function resolutionFactor(size: { width: number; height: number }): number {
  const pixels = size.width * size.height;
  if (pixels <= HD_PIXELS) return 1;
  if (pixels <= FULL_HD_PIXELS) return 2;
  return 4;
}

export function creditsFor(seconds: number, size: { width: number; height: number }): number {
  return Math.max(1, Math.ceil(seconds - 1e-9) * resolutionFactor(size));
}

/** The price of a validated movie (its size by the renderer's own rule: presets, custom, WxH). */
export function movieCost(movie: Loose, unknown?: TimingUnknown): number {
  return creditsFor(estimateSeconds(movie, unknown), movieSize(movie as Pick<Movie, 'resolution' | 'width' | 'height'>));
}
