/**
 * JSON2Video value forms real movies use (compatibility issue): CSS colours, numbers sent as strings,
 * and null meaning "not given". Each was refused at validation before.
 */
import { parseColour } from '../../renderer/src/schema/colour';
import { validateMovie } from '../../renderer/src/schema/validate';

const withElement = (el: Record<string, unknown>, movie: Record<string, unknown> = {}) => ({ ...movie, scenes: [{ duration: 2, elements: [el] }] });

function accepted(movie: unknown) {
  const r = validateMovie(movie);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.issues)}`);
  return r.movie;
}

describe('colours: every CSS form', () => {
  test.each([
    ['rgba(0,0,0,0.55)', { r: 0, g: 0, b: 0, a: 0.55 }],
    ['rgb(255, 128, 0)', { r: 255, g: 128, b: 0, a: 1 }],
    ['rgb(10 20 30 / 50%)', { r: 10, g: 20, b: 30, a: 0.5 }],
    ['hsl(120, 100%, 50%)', { r: 0, g: 255, b: 0, a: 1 }],
    ['hsla(0, 100%, 50%, 0.25)', { r: 255, g: 0, b: 0, a: 0.25 }],
    ['#abc', { r: 170, g: 187, b: 204, a: 1 }],
    ['#abc8', { r: 170, g: 187, b: 204, a: 0.533 }],
    ['#11223344', { r: 17, g: 34, b: 51, a: 0.267 }],
    ['ff0000', { r: 255, g: 0, b: 0, a: 1 }],
    ['transparent', { r: 0, g: 0, b: 0, a: 0 }],
    ['RebeccaPurple', { r: 102, g: 51, b: 153, a: 1 }],
    ['lightgoldenrodyellow', { r: 250, g: 250, b: 210, a: 1 }],
  ])('%s', (input, rgba) => {
    expect(parseColour(input)).toEqual(rgba);
  });

  test('not colours stay refused, with the path', () => {
    for (const bad of ['nope', 'rgb(1,2)', '#ab', '']) expect(parseColour(bad)).toBeUndefined();
    const r = validateMovie(withElement({ type: 'text', text: 'x', settings: { color: 'rgb(1,2)' } }));
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({ path: 'scenes[0].elements[0].settings.color', message: expect.stringContaining('not a colour') });
  });

  test('a movie with rgba/hsl colours is accepted', () => {
    const movie = accepted({
      scenes: [{ 'background-color': 'hsl(210, 50%, 20%)', duration: 2, elements: [{ type: 'text', text: 'x', settings: { color: 'rgba(255,255,255,0.9)', 'background-color': 'rgba(0,0,0,0.55)' } }] }],
    });
    expect(movie.scenes[0]['background-color']).toBe('hsl(210, 50%, 20%)');
  });
});

describe('numbers sent as strings', () => {
  test('"100", " 2.5 ", "1e1" and "-1" are numbers where a number is meant', () => {
    const movie = accepted({
      fps: '30',
      scenes: [{ duration: '100', elements: [{ type: 'audiogram', opacity: '0.5', start: ' 2.5 ', duration: '-1', x: '1e1', 'z-index': '3' }] }],
    });
    expect(movie.fps).toBe(30);
    expect(movie.scenes[0].duration).toBe(100);
    expect(movie.scenes[0].elements[0]).toMatchObject({ opacity: 0.5, start: 2.5, duration: -1, x: 10, 'z-index': 3 });
  });

  test('a {{variable}} resolving to a numeric string works for volume and start', () => {
    const movie = accepted({ variables: { v: '0.3', s: '1' }, scenes: [{ duration: 2, elements: [{ type: 'audio', src: 'https://example.com/a.mp3', volume: '{{v}}', start: '{{s}}' }] }] });
    expect(movie.scenes[0].elements[0]).toMatchObject({ volume: 0.3, start: 1 });
  });

  test('strings that are not plain numbers stay refused with their path', () => {
    for (const bad of ['', 'ten', '0x10', '1,5', '5s']) {
      const r = validateMovie({ scenes: [{ duration: bad, elements: [] }] });
      expect(r.ok).toBe(false);
      expect(r.issues[0].path).toBe('scenes[0].duration');
    }
    // Bounds apply after the conversion.
    expect(validateMovie({ scenes: [{ duration: '1e308', elements: [] }] }).issues[0]).toMatchObject({ path: 'scenes[0].duration' });
  });
});

describe('null means not given', () => {
  test('width, pan, settings fields and scene keys set to null are ignored', () => {
    const movie = accepted({
      resolution: 'hd',
      width: null,
      height: null,
      scenes: [{ duration: 2, transition: null, elements: [{ type: 'image', src: 'https://example.com/a.png', width: null, pan: null, zoom: null, settings: null }] }],
    });
    expect(movie.width).toBeUndefined();
    expect(movie.scenes[0].transition).toBeUndefined();
    expect(movie.scenes[0].elements[0]).not.toHaveProperty('pan');
  });

  test('client-data keeps its nulls: it is the caller\'s own data, echoed back', () => {
    const movie = accepted({ 'client-data': { row: null, id: 7 }, scenes: [{ duration: 1, elements: [] }] });
    expect(movie['client-data']).toEqual({ row: null, id: 7 });
  });

  test('a required field given as null is reported missing', () => {
    const r = validateMovie(withElement({ type: 'video', src: null }));
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toEqual({ path: 'scenes[0].elements[0].src', message: 'required' });
  });
});
