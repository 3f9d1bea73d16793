/**
 * Unknown properties are accepted and reported as warnings with their paths (JSON2Video ignores what
 * it does not know; real movies carry editor metadata), and so are documented properties Reelay does
 * not apply yet: nothing is dropped silently. A known property with a wrong value stays an error.
 */
import { validateMovie } from '../../renderer/src/schema/validate';
import { MAX_LISTED_WARNINGS, movieWarnings } from '../../renderer/src/schema/warnings';

function warnings(movie: unknown) {
  const r = validateMovie(movie);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.issues)}`);
  return r.warnings;
}

test('a movie Reelay fully understands has no warnings, editor metadata in variables included', () => {
  expect(warnings({
    resolution: 'hd',
    comment: 'ok',
    variables: { '@meta': 1, '?hint': 'x', list: [1, 2] },
    'client-data': { anything: true },
    scenes: [{
      duration: 2, iterate: 'list', 'iterate-as': 'n', transition: { style: 'fade', duration: 1 },
      elements: [{ type: 'text', text: '{{n}}', settings: { 'font-size': 40, color: 'red' } }],
    }],
    elements: [{ type: 'subtitles', settings: { style: 'boxed-line' } }],
  })).toEqual([]);
});

test('unknown and documented-but-unapplied properties, at every level, with their paths', () => {
  expect(warnings({
    resolution: 'hd',
    editorState: { zoom: 2 },
    settings: {},
    scenes: [{
      duration: 2, import: 'intro', colour: 'red', transition: { style: 'fade', type: 'xfade', speed: 2 },
      elements: [
        { type: 'image', src: 'https://example.com/a.png', mask: 'https://example.com/m.png', 'aspect-ratio': 'vertical', sizee: 3 },
        { type: 'text', text: 'x', settings: { 'font-size': 30, 'letter-spacing': '2px', 'text-shadow': '1px 1px #000', 'background-image': 'url(http://169.254.169.254/)', 'not a property': 'x' } },
        { type: 'audio', src: 'https://example.com/a.mp3', mask: 'x' },
      ],
    }],
    elements: [{ type: 'subtitles', settings: { 'font-url': 'https://example.com/f.ttf', glow: true } }],
  })).toEqual([
    { path: 'editorState', message: 'not a JSON2Video property here; ignored' },
    { path: 'settings', message: 'accepted, but Reelay does not apply it yet' },
    { path: 'elements[0].settings.font-url', message: 'accepted, but Reelay does not apply it yet' },
    { path: 'elements[0].settings.glow', message: 'not a JSON2Video property here; ignored' },
    { path: 'scenes[0].import', message: 'accepted, but Reelay does not apply it yet' },
    { path: 'scenes[0].colour', message: 'not a JSON2Video property here; ignored' },
    { path: 'scenes[0].transition.type', message: 'accepted, but Reelay does not apply it yet' },
    { path: 'scenes[0].transition.speed', message: 'not a JSON2Video property here; ignored' },
    { path: 'scenes[0].elements[0].mask', message: 'accepted, but Reelay does not apply it yet' },
    { path: 'scenes[0].elements[0].aspect-ratio', message: 'accepted, but Reelay does not apply it yet' },
    { path: 'scenes[0].elements[0].sizee', message: 'not a JSON2Video property here; ignored' },
    // letter-spacing and text-shadow are CSS the browser draws; a value that loads something or a
    // name that is no property is left out, and said so.
    { path: 'scenes[0].elements[1].settings.background-image', message: 'left out: not a CSS property and value Reelay draws (values may not load anything or leave their declaration)' },
    { path: 'scenes[0].elements[1].settings.not a property', message: 'left out: not a CSS property and value Reelay draws (values may not load anything or leave their declaration)' },
    // mask is a visual property: on audio it is no JSON2Video property at all
    { path: 'scenes[0].elements[2].mask', message: 'not a JSON2Video property here; ignored' },
  ]);
});

test('a known property with a wrong value is still an error, not a warning', () => {
  const r = validateMovie({ scenes: [{ duration: 'long', elements: [] }] });
  expect(r.ok).toBe(false);
  expect(r.issues[0].path).toBe('scenes[0].duration');
});

test('warnings are listed up to a cap, then counted', () => {
  const list = movieWarnings({ scenes: [{ elements: Array.from({ length: 150 }, () => ({ type: 'text', text: 'x', typo: 1 })) }] });
  expect(list).toHaveLength(MAX_LISTED_WARNINGS + 1);
  expect(list[MAX_LISTED_WARNINGS]).toEqual({ path: '', message: 'and 50 more warnings' });
});
