/**
 * Splitting a long movie's Plan into segment Plans at scene boundaries, each compiled by the usual
 * `compile` into a graph of its own, so a render's memory follows the segment, not the movie.
 *
 * Frame arithmetic follows compile/scenes.ts (joinBySegments): scene k lasts n[k] frames, the first
 * into[k] of which blend with the end of scene k-1. On the movie's frames scene k's head starts at
 * P[k] = Σ_{j<k} n[j] − Σ_{j≤k} into[j] and its body at P[k] + into[k]. A segment of scenes a..b−1:
 * - its graph is scenes a..b−1 (scene a without its transition, so the graph's frame 0 is movie
 *   frame P[a]) plus, when scene b has a transition, scene b itself so that blend is drawn here;
 * - it outputs movie frames P[a] + into[a] (the blend into a was the previous segment's last
 *   frames) up to P[b] + into[b] (the body of b, first frame of the next segment);
 * - movie-level overlays keep their movie times, shifted by −P[a]/fps: a layer that began earlier has
 *   a negative start, and overlay's frame sync drops its frames before the segment;
 * - subtitles are shifted back to movie time around libass (compile/finish.ts).
 * Every frame is drawn by the same filters as in the single graph, so the joins are invisible.
 */
import { frames, num } from '../compile/escape';
import type { Plan, PlannedScene, VisualLayer } from '../normalise/plan';

export interface SegmentPlan {
  index: number;
  /** Scenes [firstScene, endScene) of the movie are this segment's own. */
  firstScene: number;
  endScene: number;
  /** First movie frame this segment outputs, and how many. */
  startFrame: number;
  frames: number;
  plan: Plan;
}

/**
 * Frames the single graph outputs: its scenes' frames after the blends, cut by `-t` (frames whose
 * time is below the duration written with 3 decimals, as compile/encode.ts writes it).
 */
export function movieFrameCount(plan: Plan): number {
  const n = plan.scenes.map((s) => frames(s.duration, plan.fps));
  const into = plan.scenes.map((s) => (s.transition ? frames(s.transition.duration, plan.fps) : 0));
  const drawn = n.reduce((a, b) => a + b, 0) - into.reduce((a, b) => a + b, 0);
  return Math.min(drawn, Math.ceil(Number(num(plan.duration)) * plan.fps - 1e-6));
}

/** Why this plan must stay one graph, or undefined when it can be split. */
export function unsplittable(plan: Plan): string | undefined {
  if (plan.format === 'gif') return 'a GIF has one palette for the whole movie';
  if (plan.scenes.length < 2) return 'one scene';
  const all = [...plan.scenes.flatMap((s) => s.layers), ...plan.overlays];
  if (all.some((l) => l.source.kind === 'audiogram')) return 'audiograms draw the mix of the whole movie';
  const n = plan.scenes.map((s) => frames(s.duration, plan.fps));
  const into = plan.scenes.map((s) => (s.transition ? frames(s.transition.duration, plan.fps) : 0));
  // The same test as joinBySegments: otherwise the graph joins scenes another way.
  if (n.some((count, k) => count - into[k] - (into[k + 1] ?? 0) < 1)) return 'a scene is shorter than its transitions';
  return undefined;
}

/** Groups scenes: a new segment starts when adding a scene would pass `maxScenes` or `maxWeight`. */
export function groupScenes(plan: Plan, limits: { maxScenes: number; maxWeight?: number; weight?: (scene: PlannedScene) => number }): number[] {
  const starts = [0];
  let count = 0;
  let weight = 0;
  plan.scenes.forEach((scene, k) => {
    const w = limits.weight?.(scene) ?? 0;
    if (count > 0 && (count + 1 > limits.maxScenes || (limits.maxWeight !== undefined && weight + w > limits.maxWeight))) {
      starts.push(k);
      count = 0;
      weight = 0;
    }
    count++;
    weight += w;
  });
  return starts;
}

/** Keeps only the inputs the layers use, renumbered; returns the map old index → new. */
function pruneInputs(plan: Plan, layers: VisualLayer[]): { inputs: Plan['inputs']; map: Map<number, number> } {
  const map = new Map<number, number>();
  const inputs: Plan['inputs'] = [];
  for (const l of layers) {
    if (l.source.kind !== 'image' && l.source.kind !== 'video') continue;
    if (!map.has(l.source.input)) map.set(l.source.input, inputs.push(plan.inputs[l.source.input]) - 1);
  }
  return { inputs, map };
}

function renumber(layer: VisualLayer, map: Map<number, number>, shiftSeconds = 0): VisualLayer {
  const source = layer.source.kind === 'image' || layer.source.kind === 'video' ? { ...layer.source, input: map.get(layer.source.input)! } : layer.source;
  return { ...layer, source, start: layer.start - shiftSeconds };
}

/**
 * The segment plans for scene groups starting at `starts` (from groupScenes). `output(i)` names
 * segment i's file. One group gives one segment equal to the movie (callers render the plan itself).
 */
export function splitPlan(plan: Plan, starts: number[], output: (index: number) => string): SegmentPlan[] {
  const { fps } = plan;
  const n = plan.scenes.map((s) => frames(s.duration, fps));
  const into = plan.scenes.map((s) => (s.transition ? frames(s.transition.duration, fps) : 0));
  const P: number[] = [];
  let sum = 0;
  plan.scenes.forEach((_, k) => {
    sum -= into[k];
    P.push(sum);
    sum += n[k];
  });
  const total = movieFrameCount(plan);
  return starts.map((a, index) => {
    const b = starts[index + 1] ?? plan.scenes.length;
    const startFrame = a === 0 ? 0 : P[a] + into[a];
    const endFrame = b >= plan.scenes.length ? total : P[b] + into[b];
    // Scene b comes along only to draw the blend into it.
    const last = b < plan.scenes.length && into[b] > 0 ? b + 1 : b;
    const movieFrame = P[a];
    const shift = movieFrame / fps;
    const scenes = plan.scenes.slice(a, last);
    // Movie-level layers wholly outside the segment (a frame of margin each side) are left out.
    const from = (startFrame - 1) / fps;
    const until = (endFrame + 1) / fps;
    const overlays = plan.overlays.filter((l) => l.start < until && l.start + l.duration > from);
    const { inputs, map } = pruneInputs(plan, [...scenes.flatMap((s) => s.layers), ...overlays]);
    const segmentScenes: PlannedScene[] = scenes.map((s, i) => ({
      ...s,
      start: Math.max(0, s.start - shift),
      transition: i === 0 ? undefined : s.transition,
      layers: s.layers.map((l) => renumber(l, map)),
    }));
    const count = endFrame - startFrame;
    const skipFrames = startFrame - movieFrame;
    return {
      index, firstScene: a, endScene: b, startFrame, frames: count,
      plan: {
        ...plan,
        inputs,
        scenes: segmentScenes,
        overlays: overlays.map((l) => renumber(l, map, shift)),
        audio: [],
        // -t is a backstop to the trim: half a frame over the segment's frames.
        duration: (count + 0.5) / fps,
        output: output(index),
        segment: { movieFrame, skipFrames, frames: count },
      },
    };
  });
}
