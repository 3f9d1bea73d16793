/**
 * Pure timing rules.
 * - Element `duration`: -1 = the asset's own length (after `seek`, times its plays), -2 = what is left of
 *   its container after `start`; absent = -1 for video/audio/voice, -2 for everything else.
 * - Scene `duration` -1 or absent = fits its elements (start + duration + extra-time; elements that
 *   follow the container do not count); a scene with nothing to fit lasts DEFAULT_SCENE_SECONDS.
 * - A scene's transition plays at its start, overlapping the end of the previous scene.
 */
export const DEFAULT_SCENE_SECONDS = 5;

export interface TimedElement {
  start: number;
  /** Seconds, or -2 (follows the container). -1 must already be replaced by the asset's length. */
  duration: number;
  extraTime: number;
}

export function fitDuration(elements: TimedElement[], explicit: number | undefined): number {
  if (explicit !== undefined && explicit > 0) return explicit;
  const ends = elements.filter((e) => e.duration > 0).map((e) => e.start + e.duration + e.extraTime);
  return ends.length > 0 ? Math.max(...ends) : DEFAULT_SCENE_SECONDS;
}

/** Seconds an element lasts inside a container of `containerDuration`. */
export function elementSeconds(e: TimedElement, containerDuration: number): number {
  const d = e.duration === -2 ? containerDuration - e.start : e.duration + e.extraTime;
  return Math.max(0, Math.min(d, containerDuration - e.start));
}

/** Length of a media element with duration -1: the rest of the source after seek, times its plays. */
export function assetSeconds(sourceDuration: number, seek: number, loop: number): number {
  const once = Math.max(0, sourceDuration - seek);
  return loop > 0 ? once * (loop + 1) : once;
}

export interface SceneSlot {
  start: number;
  duration: number;
  /** Clamped so it never exceeds either neighbour. */
  transition?: { style: string; duration: number };
}

export function layoutScenes(scenes: { duration: number; transition?: { style: string; duration: number } }[]): { slots: SceneSlot[]; total: number } {
  const slots: SceneSlot[] = [];
  let end = 0;
  scenes.forEach((s, i) => {
    let transition = i > 0 ? s.transition : undefined;
    if (transition) {
      const max = Math.min(s.duration, slots[i - 1].duration) * 0.99;
      transition = { style: transition.style, duration: Math.min(transition.duration, max) };
    }
    const start = Math.max(0, end - (transition?.duration ?? 0));
    slots.push({ start, duration: s.duration, transition });
    end = start + s.duration;
  });
  return { slots, total: end };
}
