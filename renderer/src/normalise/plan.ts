/**
 * The render plan: a movie with every default applied, every asset on local disk with its probed
 * duration and size, every time absolute or container-relative in seconds and every geometry in
 * pixels. `compile/` turns it into ffmpeg arguments without any I/O.
 */
import type { Rgba } from '../schema/colour';

export type ResizeMode = 'cover' | 'fill' | 'fit' | 'contain';

export interface PlanInput {
  file: string;
  /** Seconds into the source. */
  seek: number;
  /** Seconds to read (after seek, including loops). */
  duration: number;
  /** Extra plays (`-stream_loop`); -1 = endless (cut by duration). */
  loop: number;
  /** A still image: read once, repeated inside the graph. */
  still: boolean;
  /**
   * Frames the HTML engine drew: `file` is an ffconcat list of PNGs, each with its length, for a
   * movie at this rate (html/capture.ts). Absent for ordinary media files.
   */
  pngFrames?: { fps: number };
}

export interface Geometry {
  /** Top-left corner of the element's output on the canvas. */
  x: number;
  y: number;
  /** Size of the element's picture after resizing (what is overlaid). */
  width: number;
  height: number;
  /** The box the source is fitted into (cover/fill/contain fill it; fit may be smaller). */
  boxWidth: number;
  boxHeight: number;
  resize: ResizeMode;
}

export interface Effects {
  crop?: { x: number; y: number; width: number; height: number };
  flipHorizontal: boolean;
  flipVertical: boolean;
  chromaKey?: { color: Rgba; similarity: number };
  correction?: { brightness: number; contrast: number; gamma: number; saturation: number };
  /** End zoom factor (start 1; negative zoom starts here and ends at 1). */
  zoom?: { from: number; to: number; pan?: string; panDistance: number };
  rotate?: { angle: number; speed: number };
  /** 0..1 (below 1 only): the layer is see-through. */
  opacity?: number;
}

export interface TextLine {
  /** File holding the line's text (drawtext reads it verbatim: no escaping pitfalls). */
  textFile: string;
  /** Left edge inside the element's box, in pixels. */
  x: number;
  /** Top of the line inside the box. */
  y: number;
  /** Measured width and glyph-box height of the line, in pixels. */
  width: number;
  height: number;
}

/** A word or letter drawn on its own (text styles that reveal or hide text piece by piece). */
export interface TextPiece {
  textFile: string;
  x: number;
  y: number;
  /** Seconds from the element's start when it appears, and when it leaves (absent: stays). */
  from: number;
  until?: number;
}

export interface TextLayout {
  fontFile: string;
  fontSize: number;
  /** The font's ascent in pixels: a line's baseline sits this far below its `y`. */
  ascent: number;
  color: Rgba;
  /**
   * `background-color`: paints the text box (the block of lines and its padding), as CSS paints a
   * block, not the element's whole box (by default the canvas).
   */
  background?: { color: Rgba; x: number; y: number; width: number; height: number };
  /** A box behind each line (style 011), `border` pixels around the glyphs. */
  lineBox?: { color: Rgba; border: number };
  outline?: { color: Rgba; width: number };
  shadow?: { color: Rgba; offset: number };
  /** Where the text sits (bounds) and, without pieces, what is drawn. */
  lines: TextLine[];
  /** Drawn instead of the lines when the style animates words or letters. */
  pieces?: TextPiece[];
}

export type LayerSource =
  | { kind: 'image'; input: number }
  /**
   * `held`: the input holds each picture for as long as it lasts (the HTML engine's frames, read
   * with the concat demuxer), so most output frames repeat one: compile/layer.ts converts each
   * picture once and lets fps repeat the converted one.
   */
  | { kind: 'video'; input: number; held?: boolean }
  | { kind: 'text'; text: TextLayout }
  | { kind: 'audiogram'; color: Rgba; opacity: number; amplitude: number };

export interface VisualLayer {
  /** JSON path of the element, used in labels' comments and messages. */
  path: string;
  zIndex: number;
  /** Seconds, relative to the container (scene, or the movie for movie-level elements). */
  start: number;
  duration: number;
  /** For audiograms: where the container starts on the movie timeline. */
  containerStart: number;
  geometry: Geometry;
  effects: Effects;
  fadeIn: number;
  fadeOut: number;
  source: LayerSource;
  /**
   * Opaque, covering the whole canvas for the whole container, without fades: it can be the scene's
   * base picture instead of being blended over a background (saves a full-frame overlay per frame).
   */
  coversContainer?: boolean;
  /**
   * Frame preview only (render/frame-seek.ts): the graph starts `frames` frames into this video
   * element, whose input is opened at `to` seconds instead of `from` (its seek), so the frames before
   * are not decoded. Its timestamps keep the element's own times (fades see the right time).
   */
  seeked?: { frames: number; from: number; to: number };
}

export interface AudioLayer {
  path: string;
  input: number;
  /** Absolute seconds on the movie timeline. */
  start: number;
  duration: number;
  volume: number;
  fadeIn: number;
  fadeOut: number;
}

export interface PlannedScene {
  path: string;
  /** Absolute start on the movie timeline (overlaps the previous scene by its transition). */
  start: number;
  duration: number;
  background: Rgba;
  transition?: { style: string; duration: number };
  layers: VisualLayer[];
}

export interface Plan {
  width: number;
  height: number;
  fps: number;
  duration: number;
  format: 'mp4' | 'webm' | 'gif';
  quality: 'low' | 'medium' | 'high';
  draft: { fontFile: string } | undefined;
  inputs: PlanInput[];
  scenes: PlannedScene[];
  /** Movie-level visual elements, over all scenes. */
  overlays: VisualLayer[];
  audio: AudioLayer[];
  /** An ASS file burned in last. */
  /** fontsDir: the subtitle font's files, for libass (bundled and Google fonts are not installed). */
  subtitles?: { file: string; fontsDir?: string };
  output: string;
  /**
   * Set only on one segment of a long movie (segments/split.ts): the graph's frame 0 is frame
   * `movieFrame` of the movie (movie-level times are shifted by it), its first `skipFrames` frames
   * are drawn but not output (a transition the previous segment showed), then `frames` frames are
   * output, picture only (the sound is mixed once for the whole movie).
   */
  segment?: { movieFrame: number; skipFrames: number; frames: number };
}
