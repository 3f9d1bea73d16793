/**
 * How long a segment may be. One graph holds every scene's filters and buffers at once, so ffmpeg's
 * memory grows with the scenes in it. Measured with `reelay render --local` (GNU time's peak RSS,
 * ffmpeg 5.1, slideshow scenes of one 1920×1080 JPEG + one caption, 0.5 s fades, music):
 *   hd (1280×720):       4 scenes 242 MB, 12 scenes 400 MB, 24 scenes 641 MB → 20 MB a scene over ~160 MB
 *   full-hd (1920×1080): 4 scenes 419 MB, 12 scenes 708 MB                    → 36 MB a scene over ~275 MB
 * i.e. about 14 canvas-sized frames (W×H×1.5 bytes) a scene and 80 MB + 60 frames for the graph
 * itself. A movie whose estimate is under SEGMENT_BUDGET_MB is one graph, exactly as before (movie
 * (b) of the bench, 12 hd scenes: 423 MB measured); a longer one is cut into segments whose graph
 * (with the next scene, whose incoming transition it draws) and the sound's ffmpeg beside it stay
 * under it: 10 slides at hd, 1 at full-hd and above. Node (about 190 MB) runs beside them: all stay
 * under 700 MB. Measured by bench (e) before the next scene and the sound were counted: 14-scene hd
 * graphs reached 457–502 MB, Node + both ffmpeg 658–729 MB; with them counted (11-scene graphs):
 * 2 minutes 599 MB (largest process 396 MB), 10 minutes 670 MB (399 MB).
 */
import type { Plan, PlannedScene } from '../normalise/plan';
import { groupScenes, splitPlan, unsplittable, type SegmentPlan } from './split';

export interface SegmentSettings {
  /** REELAY_RENDER_SEGMENT_SCENES: at most this many scenes per segment (0 or absent: from the budget). */
  maxScenes?: number;
}

/** ffmpeg's resident memory one segment's graph may reach, by the estimate below, in MB. */
export const SEGMENT_BUDGET_MB = 420;
/** The sound's ffmpeg, which mixes the whole movie while the segments render (measured: 20–40 MB). */
const SOUND_MB = 40;

const frameMb = (plan: Pick<Plan, 'width' | 'height'>) => (plan.width * plan.height * 1.5) / (1024 * 1024);

/** The graph's own memory (encoder, output, buffers between stages). */
export function graphBaseMb(plan: Pick<Plan, 'width' | 'height'>): number {
  return 80 + 60 * frameMb(plan);
}

/**
 * Estimated memory of one scene: frames for its background, split, trims and blends, and per layer
 * its decoded and scaled pictures (a video's decoder keeps several reference frames: twice as many).
 */
export function sceneWeightMb(plan: Pick<Plan, 'width' | 'height'>, scene: PlannedScene): number {
  const frames = 6 + scene.layers.reduce((a, l) => a + (l.source.kind === 'video' ? 8 : 4), 0);
  return frameMb(plan) * frames;
}

/** The segments of a plan, or undefined when it renders as one graph. `output(i)` names segment files. */
export function planSegments(plan: Plan, settings: SegmentSettings, output: (index: number) => string): SegmentPlan[] | undefined {
  if (unsplittable(plan)) return undefined;
  const forced = settings.maxScenes !== undefined && settings.maxScenes > 0;
  const weight = (s: PlannedScene) => sceneWeightMb(plan, s);
  if (!forced && graphBaseMb(plan) + plan.scenes.reduce((a, s) => a + weight(s), 0) <= SEGMENT_BUDGET_MB) return undefined;
  // Beside a segment's graph run the sound's ffmpeg, and in it the next scene (its incoming transition).
  const lookahead = Math.max(0, ...plan.scenes.map(weight));
  const starts = groupScenes(plan, forced
    ? { maxScenes: settings.maxScenes! }
    : { maxScenes: Infinity, maxWeight: Math.max(0, SEGMENT_BUDGET_MB - graphBaseMb(plan) - SOUND_MB - lookahead), weight });
  return starts.length < 2 ? undefined : splitPlan(plan, starts, output);
}
