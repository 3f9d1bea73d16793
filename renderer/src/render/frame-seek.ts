/**
 * Frame preview without drawing the frames before it. framePlan (preview.ts) keeps the one scene
 * that shows a frame and trims the graph's output to it, but the graph still draws the scene from
 * its start: ~4 ms per earlier 1080p frame. seekPlan moves the graph's start to the frame itself:
 *
 * - a still (image, text) that looks the same on every frame is drawn once, for one frame;
 * - a video is opened at the frame (input `-ss`), a few frames early, with its timestamps put back
 *   so that `fps` picks the same source frames as a render does and its fades see their own times
 *   (compile/layer.ts, `seeked`). Exact when the first source frame at the element's seek lies on
 *   it (no seek, or a seek on a source frame); otherwise a frame may show its neighbour;
 * - anything else whose picture depends on its own time (fades, zoom, rotation, words appearing,
 *   frames the HTML engine drew, looped or shared inputs) keeps its whole chain, started that many
 *   frames earlier (a negative start, as a segment's movie-level layers have): only its own small
 *   frames are drawn, the canvas-sized blends of the earlier frames are not;
 * - layers that start after the frame, or that ended before it, are left out.
 * A frame inside a transition's blend, and movies with audiograms, are drawn as before.
 */
import { frames } from '../compile/escape';
import type { Plan, PlanInput, VisualLayer } from '../normalise/plan';

/** Frames a seeked video is opened before the one shown, so `fps` has its neighbours to choose from. */
const SEEK_MARGIN_FRAMES = 3;

function looksTheSameEveryFrame(layer: VisualLayer): boolean {
  const { source: src, effects: e } = layer;
  if (layer.fadeIn > 0 || layer.fadeOut > 0 || e.rotate || e.zoom) return false;
  return src.kind === 'image' || (src.kind === 'text' && !src.text.pieces);
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * `plan`: a one-frame plan from framePlan (segment.frames = 1). Returns a plan whose graph starts at
 * that frame, or the plan itself when the frame can not be reached that way.
 */
export function seekPlan(plan: Plan): Plan {
  const seg = plan.segment;
  if (!seg || seg.frames !== 1) return plan;
  const f = seg.skipFrames;
  const { fps } = plan;
  const [scene, next, ...more] = plan.scenes;
  if (!scene || more.length > 0 || f <= 0) return plan;
  const all = [...plan.scenes.flatMap((s) => s.layers), ...plan.overlays];
  if (all.some((l) => l.source.kind === 'audiogram')) return plan;
  // The next scene is in the graph only for its blend: a frame before the blend is the scene's alone.
  if (next && (!next.transition || f >= frames(scene.duration, fps) - frames(next.transition.duration, fps) - 1)) return plan;
  if (!next && f >= frames(scene.duration, fps)) return plan;

  const uses = new Map<number, number>();
  for (const l of all) if (l.source.kind === 'image' || l.source.kind === 'video') uses.set(l.source.input, (uses.get(l.source.input) ?? 0) + 1);
  const inputs: PlanInput[] = [...plan.inputs];
  const one = 1 / fps;

  const shift = (layer: VisualLayer): VisualLayer | undefined => {
    const first = Math.round(layer.start * fps);
    const count = frames(layer.duration, fps);
    if (first > f || first + count <= f) return undefined; // not on the frame
    const into = f - first;
    if (looksTheSameEveryFrame(layer)) return { ...layer, start: 0, duration: one };
    const src = layer.source;
    const input = src.kind === 'video' ? inputs[src.input] : undefined;
    if (src.kind === 'video' && input && !input.pngFrames && input.loop === 0 && uses.get(src.input) === 1 && !layer.effects.zoom) {
      // Seeks as compile writes them (milliseconds), so the ticks put back are the ones ffmpeg took off.
      const from = round3(input.seek);
      const to = round3(from + Math.max(0, into - SEEK_MARGIN_FRAMES) / fps);
      if (to > from) inputs[src.input] = { ...input, seek: to, duration: Math.max(one, input.duration - (to - from)) };
      return { ...layer, start: 0, seeked: { frames: into, from, to } };
    }
    // Its whole chain, started `f` frames earlier: overlay drops its frames before the graph's first.
    // The scene's base picture must start at the frame: such a layer is blended like any other.
    return { ...layer, start: layer.start - f / fps, coversContainer: false };
  };
  const keep = (layers: VisualLayer[]) => layers.map(shift).filter((l): l is VisualLayer => l !== undefined);
  return {
    ...plan,
    inputs,
    scenes: [{ ...scene, duration: one, layers: keep(scene.layers) }],
    overlays: keep(plan.overlays),
    duration: 1.5 / fps,
    segment: { movieFrame: seg.movieFrame + f, skipFrames: 0, frames: 1 },
  };
}
