/** Pure geometry: where an element goes and what size it ends up, from its box, resize mode and source size. */
import type { Geometry, ResizeMode } from './plan';

export type Position =
  | 'top-left' | 'top-center' | 'top-right' | 'center-left' | 'center-center' | 'center-right'
  | 'bottom-left' | 'bottom-center' | 'bottom-right' | 'custom';

export interface BoxInput {
  canvasWidth: number;
  canvasHeight: number;
  width?: number;
  height?: number;
  position?: Position;
  x?: number;
  y?: number;
  resize?: ResizeMode;
  /** Natural size of the source (images, videos); absent for text/audiogram (they fill their box). */
  sourceWidth?: number;
  sourceHeight?: number;
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

export function placeElement(b: BoxInput): Geometry {
  const given = (n?: number) => (n !== undefined && n > 0 ? n : undefined);
  let boxWidth = given(b.width);
  let boxHeight = given(b.height);
  const aspect = b.sourceWidth && b.sourceHeight ? b.sourceWidth / b.sourceHeight : undefined;
  // One side given: the other follows the source's aspect ratio (or the canvas for text).
  if (boxWidth && !boxHeight) boxHeight = aspect ? boxWidth / aspect : b.canvasHeight;
  if (boxHeight && !boxWidth) boxWidth = aspect ? boxHeight * aspect : b.canvasWidth;
  boxWidth = even(boxWidth ?? b.canvasWidth);
  boxHeight = even(boxHeight ?? b.canvasHeight);
  const resize = b.resize ?? 'cover';
  let width = boxWidth;
  let height = boxHeight;
  if (resize === 'fit' && aspect) {
    const scale = Math.min(boxWidth / b.sourceWidth!, boxHeight / b.sourceHeight!);
    width = even(b.sourceWidth! * scale);
    height = even(b.sourceHeight! * scale);
  }
  const cw = b.canvasWidth;
  const ch = b.canvasHeight;
  const position = b.position ?? (b.x !== undefined || b.y !== undefined ? 'custom' : 'center-center');
  let x: number;
  let y: number;
  if (position === 'custom') {
    x = b.x ?? 0;
    y = b.y ?? 0;
  } else {
    const [v, h] = position.split('-');
    x = h === 'left' ? 0 : h === 'right' ? cw - width : (cw - width) / 2;
    y = v === 'top' ? 0 : v === 'bottom' ? ch - height : (ch - height) / 2;
  }
  return { x: Math.round(x), y: Math.round(y), width, height, boxWidth, boxHeight, resize };
}
