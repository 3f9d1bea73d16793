/**
 * Stage 3: each scene → its background plus its layers overlaid in z order → `[scene<k>]`, then the
 * scenes joined into `[scenes]`: a scene with a transition starts that much earlier, overlapping the
 * previous one, and only the overlapping frames go through xfade; everything is concatenated once.
 */
import type { Plan, VisualLayer } from '../normalise/plan';
import { ffmpegColour } from '../schema/colour';
import { frames, num } from './escape';
import { compileLayer } from './layer';

export interface GraphBuilder {
  chains: string[];
  /** Hands out audiogram wave labels (split from the audio mix). */
  nextWave(): string;
}

/** Overlays `layers` on `base`; returns the final label. `prefix` keeps labels stable and unique. */
export function overlayLayers(b: GraphBuilder, base: string, layers: VisualLayer[], prefix: string, fps: number): string {
  let current = base;
  layers.forEach((layer, j) => {
    const label = `${prefix}l${j}`;
    const waveLabel = layer.source.kind === 'audiogram' ? b.nextWave() : undefined;
    b.chains.push(`${compileLayer(layer, { fps, waveLabel })}[${label}]`);
    const out = `${prefix}o${j}`;
    // eof_action=pass: once the element ends, the picture below shows again (no frozen last frame).
    b.chains.push(`[${current}][${label}]overlay=x=${layer.geometry.x}:y=${layer.geometry.y}:eof_action=pass[${out}]`);
    current = out;
  });
  return current;
}

export function compileScenes(plan: Plan, b: GraphBuilder): string {
  const labels = plan.scenes.map((scene, k) => {
    const bg = `s${k}bg`;
    let layers = scene.layers;
    const [first] = layers;
    if (first?.coversContainer && (first.source.kind === 'image' || first.source.kind === 'video') && (first.geometry.x !== 0 || first.geometry.y !== 0 || first.geometry.width !== plan.width || first.geometry.height !== plan.height)) {
      // Covers the canvas but is larger or offset: cut it to the canvas, then it is the base.
      b.chains.push(`${compileLayer(first, { fps: plan.fps, base: true })},crop=${plan.width}:${plan.height}:${-first.geometry.x}:${-first.geometry.y}[${bg}]`);
      layers = layers.slice(1);
    } else if (first?.coversContainer) {
      // An opaque full-canvas picture is the scene's base: no background to blend it over.
      b.chains.push(`${compileLayer(first, { fps: plan.fps, base: true })}[${bg}]`);
      layers = layers.slice(1);
    } else {
      const colour = ffmpegColour({ ...scene.background, a: 1 });
      b.chains.push(`color=c=${colour}:s=${plan.width}x${plan.height}:r=${plan.fps}:d=${num(scene.duration)},format=yuv420p[${bg}]`);
    }
    const last = overlayLayers(b, bg, layers, `s${k}`, plan.fps);
    // A common time base and rate: xfade refuses inputs that differ.
    b.chains.push(`[${last}]settb=1/${plan.fps},setsar=1[scene${k}]`);
    return `scene${k}`;
  });
  if (labels.length === 1) b.chains.push(`[${labels[0]}]null[scenes]`);
  else if (!joinBySegments(plan, b, labels)) joinNested(plan, b, labels);
  return 'scenes';
}

/**
 * Cuts each scene into head (its incoming transition), body and tail (the outgoing one), blends
 * each tail with the next head in a short xfade, and concatenates everything once. ffmpeg's xfade
 * is slow on long inputs: chained over whole scenes (joinNested) it took 3.6 s of a 60 s slideshow's
 * 4 s filter graph, concat 0.4 s. Returns false when a scene is too short to have a body.
 */
function joinBySegments(plan: Plan, b: GraphBuilder, labels: string[]): boolean {
  const fps = plan.fps;
  const n = plan.scenes.map((s) => frames(s.duration, fps));
  // frames of the transition into each scene (0: none)
  const into = plan.scenes.map((s) => (s.transition ? frames(s.transition.duration, fps) : 0));
  const outOf = (k: number) => into[k + 1] ?? 0;
  if (n.some((frameCount, k) => frameCount - into[k] - outOf(k) < 1)) return false;
  const segments: string[] = [];
  labels.forEach((label, k) => {
    const parts = [...(into[k] ? ['head'] : []), 'body', ...(outOf(k) ? ['tail'] : [])];
    const part = (name: string) => `s${k}${name}`;
    const range: Record<string, string> = {
      head: `end_frame=${into[k]}`,
      body: `start_frame=${into[k]}:end_frame=${n[k] - outOf(k)}`,
      tail: `start_frame=${n[k] - outOf(k)}`,
    };
    b.chains.push(`[${label}]split=${parts.length}${parts.map((p) => `[${part(p)}in]`).join('')}`);
    for (const p of parts) b.chains.push(`[${part(p)}in]trim=${range[p]},setpts=PTS-STARTPTS[${part(p)}]`);
    const t = plan.scenes[k].transition;
    if (t) {
      b.chains.push(`[s${k - 1}tail][${part('head')}]xfade=transition=${t.style}:duration=${num(into[k] / fps)}:offset=0[s${k}blend]`);
      segments.push(`s${k}blend`);
    }
    segments.push(part('body'));
  });
  // concat's output time base is 1/1000000; what follows expects the scenes' own.
  b.chains.push(`${segments.map((s) => `[${s}]`).join('')}concat=n=${segments.length}:v=1:a=0,settb=1/${fps}[scenes]`);
  return true;
}

/** Each scene joined onto everything before it: xfade where it has a transition, concat where not. */
function joinNested(plan: Plan, b: GraphBuilder, labels: string[]): void {
  let joined = labels[0];
  for (let k = 1; k < labels.length; k++) {
    const t = plan.scenes[k].transition;
    const out = k === labels.length - 1 ? 'scenes' : `join${k}`;
    if (t) b.chains.push(`[${joined}][${labels[k]}]xfade=transition=${t.style}:duration=${num(t.duration)}:offset=${num(plan.scenes[k].start)}[${out}]`);
    // concat's output time base is 1/1000000; a following xfade needs the scenes' own.
    else b.chains.push(`[${joined}][${labels[k]}]concat=n=2:v=1:a=0,settb=1/${plan.fps}[${out}]`);
    joined = out;
  }
}
