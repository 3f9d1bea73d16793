import { movieSchema, validateMovie } from '../../renderer/src';
import { evaluateExpression } from '../../renderer/src/variables/expression';

const scene = (elements: unknown[], extra: object = {}) => ({ elements, ...extra });

describe('validateMovie', () => {
  test('accepts a JSON2Video movie and applies defaults', () => {
    const r = validateMovie({ resolution: 'full-hd', scenes: [scene([{ type: 'text', text: 'hi' }])], 'client-data': { a: 1 }, unknownKey: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.movie.fps).toBe(25);
    expect(r.movie.quality).toBe('high');
    expect(r.movie.format).toBe('mp4');
    expect(movieSchema.safeParse(r.movie).success).toBe(true);
  });

  test('lists every problem with its JSON path', () => {
    const r = validateMovie({
      fps: 'fast',
      scenes: [
        scene([{ type: 'text', text: 'ok' }]),
        scene([{ type: 'image' }, { type: 'video', src: 'https://x/v.mp4', 'fade-in': -1 }, { type: 'nope' }, { type: 'html', wait: 99 }, { type: 'component' }]),
      ],
      elements: [{ type: 'subtitles' }, { type: 'subtitles' }],
    });
    expect(r.ok).toBe(false);
    const paths = Object.fromEntries(r.issues.map((i) => [i.path, i.message]));
    expect(paths['scenes[1].elements[0].src']).toMatch(/required/);
    expect(paths['scenes[1].elements[1].fade-in']).toBeDefined();
    expect(paths['scenes[1].elements[2].type']).toBeDefined();
    expect(paths['scenes[1].elements[3].html']).toBe('required (or a page address in src)');
    expect(paths['scenes[1].elements[3].wait']).toBeDefined();
    expect(paths['scenes[1].elements[4].component']).toBe('required');
    expect(paths.fps).toBeDefined();
  });

  test('accepts a movie with nothing in it; reports bad colours', () => {
    // JSON2Video: "scenes is required but can be an empty array"; an empty movie is a few seconds of black.
    expect(validateMovie({}).ok).toBe(true);
    const r = validateMovie({ scenes: [scene([], { 'background-color': 'not-a-colour' })] });
    expect(r.issues[0].path).toBe('scenes[0].background-color');
    expect(validateMovie([]).ok).toBe(false);
  });

  test('text and subtitle styles are the known presets, anything else is refused with its path', () => {
    const r = validateMovie({ scenes: [scene([{ type: 'text', text: 'x', style: '012' }])], elements: [{ type: 'subtitles', settings: { style: 'karaoke' } }] });
    expect(r.issues.map((i) => i.path)).toEqual(['scenes[0].elements[0].style', 'elements[0].settings.style']);
    expect(r.issues[0].message).toContain('"011"');
    expect(validateMovie({ scenes: [scene([{ type: 'text', text: 'x', style: '003' }])], elements: [{ type: 'subtitles', settings: { style: 'boxed-word' } }] }).ok).toBe(true);
  });

  test('custom resolution needs width and height within 50–3840', () => {
    expect(validateMovie({ resolution: 'custom', width: 100, scenes: [scene([])] }).issues[0].path).toBe('height');
    expect(validateMovie({ resolution: 'custom', width: 20, height: 100, scenes: [scene([])] }).issues[0].path).toBe('width');
  });

  test('keeps connection ids on elements and destinations', () => {
    const r = validateMovie({
      scenes: [scene([{ type: 'voice', text: 'hi', model: 'elevenlabs', connection: 'my-eleven' }])],
      exports: [{ destinations: [{ id: 'my-sftp', 'remote-path': '/x' }, { type: 'webhook', endpoint: 'https://e' }] }],
    });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.movie.exports[0].destinations[0].id).toBe('my-sftp');
      expect((r.movie.scenes[0].elements[0] as { connection?: string }).connection).toBe('my-eleven');
    }
    expect(validateMovie({ scenes: [scene([])], exports: [{ destinations: [{}] }] }).issues[0].path).toBe('exports[0].destinations[0]');
  });
});

describe('variables and conditions', () => {
  test('resolve from the nearest scope, keep types for whole expressions', () => {
    const r = validateMovie({
      variables: { name: 'Ann', n: 2, who: 'movie' },
      scenes: [
        scene([{ type: 'text', text: '{{who}}: {{name}} x{{n * 3}}', variables: { who: 'element' }, duration: '{{n + 0.5}}' }], { variables: { name: 'Bob' } }),
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const el = r.movie.scenes[0].elements[0] as { text: string; duration: number };
    expect(el.text).toBe('element: Bob x6');
    expect(el.duration).toBe(2.5);
  });

  test('conditions drop elements and scenes; paths stay those of the submitted movie', () => {
    const r = validateMovie({
      variables: { show: false, count: 3 },
      scenes: [
        scene([{ type: 'text', text: 'a', condition: '{{show}}' }, { type: 'text', text: 'b', condition: 'count > 2' }]),
        scene([], { condition: '{{count < 2}}' }),
        scene([{ type: 'text', text: 'x', condition: false }, { type: 'image' }]),
      ],
    });
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual([{ path: 'scenes[2].elements[1].src', message: 'required (or a prompt)' }]);
    const ok = validateMovie({ variables: { show: false, count: 3 }, scenes: [scene([{ type: 'text', text: 'a', condition: '{{show}}' }, { type: 'text', text: 'b', condition: 'count > 2' }]), scene([], { condition: '{{count < 2}}' })] });
    expect(ok.ok && ok.movie.scenes.length).toBe(1);
    expect(ok.ok && ok.movie.scenes[0].elements.map((e) => (e as { text: string }).text)).toEqual(['b']);
  });

  test('iterate repeats a scene per array item: item fields as variables, the item under iterate-as, conditions per copy', () => {
    const r = validateMovie({
      variables: { slides: [{ title: 'One', d: 2, skip: false }, { title: 'Two', d: 3, skip: true }, { title: 'Three', d: 4, skip: false }], listing: { rooms: ['hall', 'kitchen'] } },
      scenes: [
        scene([{ type: 'text', text: '{{title}} / {{slide.title}}' }], { iterate: 'slides', 'iterate-as': 'slide', duration: '{{d}}', condition: '{{!slide.skip}}' }),
        scene([{ type: 'text', text: 'room: {{item}}' }], { iterate: 'listing.rooms' }),
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.movie.scenes.map((s) => [s.duration, (s.elements[0] as { text: string }).text])).toEqual([
      [2, 'One / One'], [4, 'Three / Three'], [undefined, 'room: hall'], [undefined, 'room: kitchen'],
    ]);
    expect(r.movie.scenes[0]).not.toHaveProperty('iterate');
  });

  test('iterate over something that is not an array, or a missing one, names the scene', () => {
    const r = validateMovie({ variables: { n: 3 }, scenes: [scene([], { iterate: 'n' }), scene([], { iterate: 'nothing' }), scene([], { iterate: 'a b' })] });
    expect(r.issues).toEqual([
      { path: 'scenes[0].iterate', message: "'n' is not an array" },
      { path: 'scenes[1].iterate', message: "variable 'nothing' is not defined" },
      { path: 'scenes[2].iterate', message: 'must name an array variable (e.g. "products" or "product.images")' },
    ]);
  });

  test('a missing variable is an error naming its path', () => {
    const r = validateMovie({ scenes: [scene([{ type: 'text', text: 'Hi {{nobody}}' }])] });
    expect(r.issues).toEqual([{ path: 'scenes[0].elements[0].text', message: "variable 'nobody' is not defined" }]);
  });
});

describe('expression evaluator', () => {
  const vars: Record<string, unknown> = { a: 5, b: 2, s: 'x', o: { k: 1 }, 'client-name': 'Zed' };
  const ev = (src: string) => evaluateExpression(src, (n) => (Object.prototype.hasOwnProperty.call(vars, n) ? { found: true, value: vars[n] } : { found: false }));

  test.each([
    ['a + b * 2', 9], ['(a + b) * 2', 14], ['a % b', 1], ['-a + 1', -4], ['a > b ? "big" : "small"', 'big'], ['a == "5"', true],
    ['a >= 5 && b < 2', false], ['!a || b', 2], ['min(a, b, 7)', 2], ['max(a, b)', 5], ['round(3.14159, 2)', 3.14], ['upper(s)', 'X'],
    ['s + a', 'x5'], ['o.k', 1], ['client-name', 'Zed'], ['a-b', 3], ['1.5e1', 15],
  ])('%s = %p', (src, expected) => expect(ev(src)).toEqual(expected));

  test.each([
    ['constructor'], ['o.constructor'], ['o.__proto__'], ['s.length'], ['process'], ['globalThis'], ['a; b'], ['eval("1")'], ['(a'], ['a ?'],
  ])('refuses %s', (src) => expect(() => ev(src)).toThrow());
});
