/**
 * How long a segment may be. One graph holds every scene's filters and buffers at once, so ffmpeg's
 * memory grows with the scenes in it (PLACEHOLDER: measured numbers below); a segment is as many
 * scenes as fit a budget, and a movie that fits in one is one graph, exactly as before.
 */
import type { Plan, PlannedScene } from '../normalise/plan';
import { groupScenes, splitPlan, unsplittable, type SegmentPlan } from './split';

export interface SegmentSettings {
  /** REELAY_RENDER_SEGMENT_SCENES: at most this many scenes per segment (0 or absent: from the budget). */
  maxScenes?: number;
}

/** Estimated ffmpeg memory of one scene, in MB: canvas-sized frames per layer. */
export function sceneWeightMb(plan: Pick<Plan, 'width' | 'height'>, scene: PlannedScene): number {
  const frameMb = (plan.width * plan.height * 1.5) / (1024 * 1024);
  return frameMb * (PER_SCENE_FRAMES + PER_LAYER_FRAMES * scene.layers.length);
}

const PER_SCENE_FRAMES = 8;
const PER_LAYER_FRAMES = 4;
/** ffmpeg memory the scenes of one segment may use, in MB. */
export const SEGMENT_BUDGET_MB = 250;

/** The segments of a plan, or undefined when it renders as one graph. `output(i)` names segment files. */
export function planSegments(plan: Plan, settings: SegmentSettings, output: (index: number) => string): SegmentPlan[] | undefined {
  if (unsplittable(plan)) return undefined;
  const forced = settings.maxScenes !== undefined && settings.maxScenes > 0;
  const starts = groupScenes(plan, forced
    ? { maxScenes: settings.maxScenes! }
    : { maxScenes: Infinity, maxWeight: SEGMENT_BUDGET_MB, weight: (s) => sceneWeightMb(plan, s) });
  return starts.length < 2 ? undefined : splitPlan(plan, starts, output);
}
