/**
 * The ASS script Reelay writes for subtitles, against JSON2Video's documented settings: the twelve
 * positions (custom with x/y), font-weight, shadow-color and word replacements. libass draws it;
 * one render checks that a corner position lands in its corner.
 */
import { buildAss } from '../../renderer/src/subtitles/ass';
import type { SubtitlesSettings } from '../../renderer/src/schema/movie';
import { frameAt, harness, type RenderHarness } from './helpers';

const cue = [{ start: 0, end: 1, text: 'gonna be fine' }];
const video = { width: 640, height: 360 };
const ass = (settings: SubtitlesSettings) => buildAss(cue, settings, video, '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf');
const style = (script: string) => script.split('\n').find((l) => l.startsWith('Style: Default,'))!.split(',');
const dialogue = (script: string) => script.split('\n').find((l) => l.startsWith('Dialogue:'))!;

test.each([
  ['top-left', 7], ['top-center', 8], ['top-right', 9], ['center-left', 4], ['center-center', 5], ['center-right', 6],
  ['bottom-left', 1], ['bottom-center', 2], ['bottom-right', 3], ['mid-top-center', 8], ['mid-bottom-center', 2], ['top', 8], ['bottom', 2],
] as const)('position %s → alignment %i', (position, alignment) => {
  expect(style(ass({ position }))[18]).toBe(String(alignment));
});

test('mid positions sit a quarter of the height from their edge; custom puts the text at x, y', () => {
  expect(style(ass({ position: 'mid-bottom-center' }))[21]).toBe('90');
  expect(style(ass({ position: 'bottom-center' }))[21]).toBe('22');
  expect(dialogue(ass({ position: 'custom', x: 40, y: 300 }))).toContain(',{\\pos(40,300)}gonna be fine');
});

test('font-weight makes it bold; shadow-color colours the shadow; replace changes whole words only', () => {
  expect(style(ass({ 'font-weight': '700' }))[7]).toBe('-1');
  expect(style(ass({}))[7]).toBe('0');
  expect(style(ass({ 'shadow-color': '#ff0000', 'shadow-offset': 2 }))[6]).toBe('&H000000FF');
  expect(dialogue(ass({ replace: { Gonna: 'going to', fin: 'X' } }))).toMatch(/,going to be fine$/);
});

describe('rendered', () => {
  let h: RenderHarness;
  beforeAll(() => {
    h = harness('subtitles-ass');
  });
  afterAll(() => h.cleanup());

  test('top-right subtitles are drawn in the top-right corner', async () => {
    const srt = '1\n00:00:00,000 --> 00:00:01,000\nCORNER\n';
    const r = await h.render({ resolution: 'custom', width: 320, height: 180, fps: 10, scenes: [{ duration: 1, 'background-color': '#000000' }], elements: [{ type: 'subtitles', captions: srt, settings: { position: 'top-right', 'font-size': 20 } }] });
    const f = frameAt(r.file, 0.5);
    let topRight = 0;
    let elsewhere = 0;
    for (let y = 0; y < f.height; y++) for (let x = 0; x < f.width; x++) {
      if (f.at(x, y).every((c) => c > 180)) {
        if (x > 160 && y < 60) topRight++;
        else elsewhere++;
      }
    }
    expect(topRight).toBeGreaterThan(20);
    expect(elsewhere).toBe(0);
  });
});
