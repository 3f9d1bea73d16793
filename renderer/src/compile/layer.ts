/**
 * Stage 2: one visual element → a filter chain ending in a YUVA stream of its own size whose
 * timestamps start at the element's start in its container. Work that is the same on every frame
 * (scaling a still, drawing text, colour correction) runs once, before `loop` repeats the frame.
 */
import type { Effects, Geometry, VisualLayer } from '../normalise/plan';
import { ffmpegColour } from '../schema/colour';
import { frames, num, quotePath } from './escape';

export interface LayerContext {
  fps: number;
  /** The layer is the scene's opaque base picture: no alpha channel needed. */
  base?: boolean;
  /** Label of an audio stream for audiograms (the movie's mix), when this layer is one. */
  waveLabel?: string;
}

function resizeFilters(g: Geometry): string[] {
  switch (g.resize) {
    case 'cover':
      return [`scale=${g.width}:${g.height}:force_original_aspect_ratio=increase`, `crop=${g.width}:${g.height}`];
    case 'fill':
    case 'fit':
      return [`scale=${g.width}:${g.height}`];
    case 'contain':
      // Letterbox inside the box with transparent bars.
      return [`scale=${g.width}:${g.height}:force_original_aspect_ratio=decrease`, 'format=yuva420p', `pad=${g.width}:${g.height}:(ow-iw)/2:(oh-ih)/2:color=black@0`];
  }
}

/** Per-frame-invariant effects (before the still is repeated). */
function staticEffects(e: Effects, base = false): string[] {
  const out: string[] = [];
  if (e.flipHorizontal) out.push('hflip');
  if (e.flipVertical) out.push('vflip');
  if (e.correction) {
    const c = e.correction;
    out.push(`eq=brightness=${num(c.brightness)}:contrast=${num(c.contrast)}:gamma=${num(c.gamma)}:saturation=${num(c.saturation)}`);
  }
  out.push(base ? 'format=yuv420p' : 'format=yuva420p');
  // Scales the alpha plane in place (colorchannelmixer would convert to RGB and back).
  if (e.opacity !== undefined && !base) out.push(`lut=a='val*${num(e.opacity)}'`);
  if (e.chromaKey) out.push(`chromakey=color=${ffmpegColour({ ...e.chromaKey.color, a: 1 }).split('@')[0]}:similarity=${num(e.chromaKey.similarity)}:blend=0.05`);
  return out;
}

/** Ken Burns: zoom from→to over the element, panning toward `pan`. */
function zoompan(e: NonNullable<Effects['zoom']>, g: Geometry, fps: number, n: number, perInputFrame: boolean): string {
  const p = `(on/${Math.max(1, n - 1)})`;
  const z = `${num(e.from)}+${num(e.to - e.from)}*${p}`;
  const pan = e.pan ?? '';
  const fx = pan.includes('left') ? `(1-${p})` : pan.includes('right') ? p : '0.5';
  const fy = pan.includes('top') ? `(1-${p})` : pan.includes('bottom') ? p : '0.5';
  return `zoompan=z='${z}':x='(iw-iw/zoom)*${fx}':y='(ih-ih/zoom)*${fy}':d=${perInputFrame ? 1 : n}:s=${g.width}x${g.height}:fps=${fps}`;
}

function motion(layer: VisualLayer, fps: number): string[] {
  const out: string[] = [];
  const r = layer.effects.rotate;
  if (r) out.push(`rotate=a='(${num(r.angle)}+${num(r.speed)}*t)*PI/180':c=none`);
  if (layer.fadeIn > 0) out.push(`fade=t=in:st=0:d=${num(layer.fadeIn)}:alpha=1`);
  if (layer.fadeOut > 0) out.push(`fade=t=out:st=${num(Math.max(0, layer.duration - layer.fadeOut))}:d=${num(layer.fadeOut)}:alpha=1`);
  // Shift to the element's start inside its container; overlay shows nothing before that. Whole
  // ticks of 1/fps: setpts truncates, so `start/TB` in floating point could land a frame early.
  out.push(`settb=1/${fps}`, `setpts=PTS-STARTPTS+${Math.round(layer.start * fps)}`);
  return out;
}

/** Returns the chain (without the output label) for a layer. */
export function compileLayer(layer: VisualLayer, ctx: LayerContext): string {
  const { fps } = ctx;
  const g = layer.geometry;
  const n = frames(layer.duration, fps);
  const e = layer.effects;
  const crop = e.crop ? [`crop=${num(e.crop.width)}:${num(e.crop.height)}:${num(e.crop.x)}:${num(e.crop.y)}`] : [];
  // settb first, then integer frame numbers as timestamps (exact, unlike `N/FPS/TB`).
  const repeat = [`loop=loop=${n - 1}:size=1:start=0`, `settb=1/${fps}`, 'setpts=N'];
  const src = layer.source;
  let chain: string[];
  switch (src.kind) {
    case 'image': {
      const head = [`[${src.input}:v]`];
      if (e.zoom) {
        // zoompan emits all n frames from the single input frame.
        chain = [...crop, ...resizeFilters(g), ...staticEffects(e, ctx.base), zoompan(e.zoom, g, fps, n, false), `settb=1/${fps}`, 'setpts=N'];
      } else {
        chain = [...crop, ...resizeFilters(g), ...staticEffects(e, ctx.base), ...repeat];
      }
      return head[0] + [...chain, ...motion(layer, fps)].join(',');
    }
    case 'video': {
      // A seeked input (frame preview) starts later: its times are put back by the whole ticks ffmpeg
      // took off each seek, so fps picks the same source frames as from the start (when the first
      // frame after `from` lies on it, as with no seek), and trim drops the slots before the frame.
      const seeked = layer.seeked;
      const rebase = seeked && seeked.to > seeked.from ? `setpts=PTS+round(${num(seeked.to)}/TB)-round(${num(seeked.from)}/TB)` : 'setpts=PTS-STARTPTS';
      const skip = seeked ? [`trim=start_pts=${seeked.frames}`] : [];
      const picture = [...crop, ...resizeFilters(g), ...staticEffects(e, ctx.base)];
      // Held pictures are converted before fps repeats them: repeats of one converted frame share its
      // buffer, while converting after fps made each repeat a frame of its own. Measured on a 10 s
      // 1080p text layer of 29 pictures over a video: ffmpeg 1,762 → 390 MB, 13.9 → 8.7 CPU-s.
      // The engine's pictures are RGBA, or RGB when Chromium found one fully opaque: the input keeps
      // its filters through that change (-reinit_filter 0, compile/inputs.ts) and scale, first to
      // touch pixels, converts each picture as it comes. Reinitialised, the movie's whole graph
      // restarted at that picture, its fps state lost: the layer's first pictures were dropped.
      const uniform = src.held ? ['scale', 'format=rgba'] : [];
      chain = src.held && !e.zoom
        ? [`trim=duration=${num(layer.duration)}`, rebase, ...uniform, ...picture, `fps=${fps}`, ...skip]
        : [`trim=duration=${num(layer.duration)}`, rebase, ...uniform, `fps=${fps}`, ...skip, ...picture];
      if (e.zoom) chain.push(zoompan(e.zoom, g, fps, n, true));
      return `[${src.input}:v]` + [...chain, ...motion(layer, fps)].join(',');
    }
    case 'text': {
      const t = src.text;
      // The text box's background is a box of its colour padded out to the layer with transparency
      // (drawbox can not set alpha on rgba in ffmpeg 5.1: its replace mode crashes).
      const b = t.background && clampRect(t.background, g.width, g.height);
      const draw = (textFile: string, x: number, y: number, enable?: string) => {
        // drawtext puts the top of the string's tallest glyph at y; placing the baseline instead keeps
        // lines, words and letters drawn separately on one baseline whatever their glyphs.
        const opts = [`fontfile=${quotePath(t.fontFile)}`, `textfile=${quotePath(textFile)}`, 'expansion=none', `fontsize=${t.fontSize}`, `fontcolor=${ffmpegColour(t.color)}`, `x=${x}`, `y=${y + t.ascent}-max_glyph_a`];
        if (t.lineBox) opts.push('box=1', `boxcolor=${ffmpegColour(t.lineBox.color)}`, `boxborderw=${t.lineBox.border}`);
        if (t.outline) opts.push(`borderw=${num(t.outline.width)}`, `bordercolor=${ffmpegColour(t.outline.color)}`);
        if (t.shadow) opts.push(`shadowx=${num(t.shadow.offset)}`, `shadowy=${num(t.shadow.offset)}`, `shadowcolor=${ffmpegColour(t.shadow.color)}`);
        if (enable) opts.push(`enable='${enable}'`);
        return `drawtext=${opts.join(':')}`;
      };
      // Static text is drawn once on a one-frame transparent canvas and that frame repeated. Pieces
      // (words, letters) are drawn on as many frames as it takes for the last one to come or go, and
      // the last of those frames is repeated.
      let frameCount = 1;
      let draws: string[];
      if (t.pieces) {
        const at = (s: number) => Math.min(n - 1, Math.round(s * fps));
        draws = t.pieces.map((p) => {
          const from = at(p.from);
          const until = p.until === undefined ? undefined : at(p.until);
          frameCount = Math.max(frameCount, from + 1, (until ?? 0) + 1);
          return draw(p.textFile, p.x, p.y, until === undefined ? (from > 0 ? `gte(n,${from})` : undefined) : `between(n,${from},${until - 1})`);
        });
      } else {
        draws = t.lines.map((line) => draw(line.textFile, line.x, line.y));
      }
      // tpad clones the last frame (ffmpeg 5.1's loop with start > 0 repeats a frame from before the text).
      const hold = frameCount === 1 ? repeat : [`tpad=stop_mode=clone:stop=${n - frameCount}`, `settb=1/${fps}`, 'setpts=N'];
      const canvas = b
        ? [`color=c=${ffmpegColour(t.background!.color)}:s=${b.width}x${b.height}:r=${fps}`, `trim=end_frame=${frameCount}`, 'format=rgba', `pad=${g.width}:${g.height}:${b.x}:${b.y}:color=black@0`]
        : [`color=c=black@0:s=${g.width}x${g.height}:r=${fps}`, `trim=end_frame=${frameCount}`, 'format=rgba'];
      chain = [...canvas, ...draws, ...staticEffects({ ...e, crop: undefined }), ...hold];
      return [...chain, ...motion(layer, fps)].join(',');
    }
    case 'audiogram': {
      if (!ctx.waveLabel) throw new Error('audiogram without an audio label');
      const from = layer.containerStart + layer.start;
      chain = [
        `volume=${num(src.amplitude / 5)}`,
        `showwaves=s=${g.width}x${g.height}:mode=cline:rate=${fps}:colors=${ffmpegColour({ ...src.color, a: 1 }).split('@')[0]}:scale=sqrt`,
        'format=yuva420p',
        `trim=start=${num(from)}:duration=${num(layer.duration)}`,
      ];
      if (src.opacity < 1) chain.push(`colorchannelmixer=aa=${num(src.opacity)}`);
      return `[${ctx.waveLabel}]` + [...chain, ...motion(layer, fps)].join(',');
    }
  }
}

/** The part of a rectangle inside a `width`×`height` canvas, or undefined when nothing of it is. */
function clampRect(r: { x: number; y: number; width: number; height: number }, width: number, height: number) {
  const x = Math.max(0, r.x);
  const y = Math.max(0, r.y);
  const w = Math.min(width, r.x + r.width) - x;
  const h = Math.min(height, r.y + r.height) - y;
  return w >= 1 && h >= 1 ? { x, y, width: w, height: h } : undefined;
}
