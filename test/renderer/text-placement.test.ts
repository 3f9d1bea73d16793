/**
 * Text as JSON2Video's templates write it (compatibility issue): sizes in CSS units ("6vw"), the text
 * block placed with vertical-/horizontal-position and margins. Two texts meant for the top and the
 * bottom of a story used to land on top of each other in the middle.
 */
import { harness, frameAt, type RenderHarness } from './helpers';

let h: RenderHarness;
beforeAll(() => {
  h = harness('text-placement');
});
afterAll(() => h.cleanup());

/** Rows (y) or columns (x) of the frame holding a bright pixel (white text on a dark picture). */
function brightLines(file: string, t: number, axis: 'rows' | 'columns'): number[] {
  const f = frameAt(file, t);
  const [outer, inner] = axis === 'rows' ? [f.height, f.width] : [f.width, f.height];
  const lines: number[] = [];
  for (let a = 0; a < outer; a++) {
    for (let b = 0; b < inner; b++) {
      const [r, g, bl] = axis === 'rows' ? f.at(b, a) : f.at(a, b);
      if (r > 180 && g > 180 && bl > 180) {
        lines.push(a);
        break;
      }
    }
  }
  return lines;
}
const brightRows = (file: string, t: number) => brightLines(file, t, 'rows');
const brightColumns = (file: string, t: number) => brightLines(file, t, 'columns');

test('a story with a title at the top (margin 10vh) and a caption at the bottom, sized in vw', async () => {
  const white = { color: '#ffffff', 'font-size': '8vw' };
  const r = await h.render({
    resolution: 'custom', width: 180, height: 320, quality: 'high', fps: 10,
    scenes: [{ duration: 1, 'background-color': '#000000', elements: [
      { type: 'text', text: 'TOP', settings: { ...white, 'vertical-position': 'top', 'margin-top': '10vh' } },
      { type: 'text', text: 'BOTTOM', settings: { ...white, 'vertical-position': 'bottom', 'margin-bottom': '5%' } },
    ] }],
  });
  const rows = brightRows(r.file, 0.5);
  const fontPx = 0.08 * 180; // 8vw of a 180 px canvas: 14.4 px
  const top = rows.filter((y) => y < 160);
  const bottom = rows.filter((y) => y >= 160);
  // The title starts about 10vh (32 px) down and is about one font size tall.
  expect(Math.min(...top)).toBeGreaterThanOrEqual(30);
  expect(Math.max(...top)).toBeLessThan(32 + 2 * fontPx);
  // The caption ends about 5% of the box (16 px) above the bottom edge.
  expect(Math.max(...bottom)).toBeLessThanOrEqual(320 - 16);
  expect(Math.min(...bottom)).toBeGreaterThan(320 - 16 - 2 * fontPx);
  // Nothing in the middle of the frame.
  expect(rows.filter((y) => y > 100 && y < 250)).toEqual([]);
});

test('horizontal-position places the block; a font size in px still works; a bigger vw is bigger', async () => {
  const r = await h.render({
    resolution: 'custom', width: 320, height: 180, fps: 10,
    scenes: [{ duration: 1, elements: [
      { type: 'text', text: 'L', settings: { color: '#fff', 'font-size': '40px', 'horizontal-position': 'left', 'margin-left': '20px' } },
    ] }],
  });
  const cols = brightColumns(r.file, 0.5);
  expect(Math.min(...cols)).toBeGreaterThanOrEqual(18);
  expect(Math.max(...cols)).toBeLessThan(20 + 40);

  const size = async (fs: string) => {
    const out = await h.render({ resolution: 'custom', width: 320, height: 180, fps: 10, scenes: [{ duration: 1, elements: [{ type: 'text', text: 'H', settings: { color: '#fff', 'font-size': fs } }] }] });
    const rows = brightRows(out.file, 0.5);
    return Math.max(...rows) - Math.min(...rows);
  };
  const small = await size('5vw');
  const big = await size('15vw');
  expect(big).toBeGreaterThan(small * 2.5);
});

test('a caption\'s rgba background paints its text box, not the whole picture', async () => {
  const r = await h.render({
    resolution: 'custom', width: 180, height: 320, fps: 10,
    scenes: [{ duration: 1, 'background-color': 'rgb(0, 0, 255)', elements: [
      { type: 'text', text: 'Follow', settings: { color: '#ffffff', 'font-size': '8vw', 'vertical-position': 'bottom', 'margin-bottom': '10vh', 'background-color': 'rgba(0,0,0,0.55)' } },
    ] }],
  });
  const f = frameAt(r.file, 0.5);
  const blueAt = (x: number, y: number) => f.at(x, y)[2];
  // The middle of the picture keeps its blue; beside the caption's letters, inside its box, it is darkened.
  expect(blueAt(90, 100)).toBeGreaterThan(200);
  const captionRow = 320 - 32 - 10; // just above the 10vh margin, within the line
  expect(blueAt(3, captionRow)).toBeLessThan(150);
  expect(blueAt(3, captionRow)).toBeGreaterThan(60);
});
