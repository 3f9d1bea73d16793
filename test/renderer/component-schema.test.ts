/**
 * The component element in the movie schema, and the component library's values: an unknown id is
 * named with the supported list, settings issues carry their path, untrusted values never reach CSS
 * or markup unless they pass a validator, and anime.js easings become CSS curves of the same shape.
 */
import { COMPONENTS, componentIds } from '../../renderer/src/html/components';
import { cssEasing } from '../../renderer/src/html/components/easing';
import { richText } from '../../renderer/src/html/components/markup';
import { cssUrl, safeCssValue } from '../../renderer/src/html/components/values';
import { validateMovie } from '../../renderer/src/schema/validate';

const movie = (el: Record<string, unknown>) => ({ scenes: [{ elements: [{ type: 'component', ...el }] }] });
const issues = (el: Record<string, unknown>) => {
  const r = validateMovie(movie(el));
  return r.ok ? {} : Object.fromEntries(r.issues.map((i) => [i.path, i.message]));
};
const ctx = { width: 640, height: 360, duration: 5, fps: 25 };

test('the ten ids real movies use (and more) are in the library', () => {
  for (const id of ['advanced/000', 'advanced/051', 'shape/polygon', 'textbox/simple', 'advanced/060', 'advanced/070', 'basic/100', 'advanced/050', 'advanced/001', 'basic/000', 'basic/001', 'basic/052', 'basic/125', 'shape/rectangle', 'basic/051', 'shape/cutout', 'shape/3dbox', 'advanced/100', 'shape/html']) {
    expect(componentIds()).toContain(id);
  }
});

test('an unknown id is an issue at `component` naming it and listing the supported ids', () => {
  const found = issues({ component: 'basic/999' });
  const message = found['scenes[0].elements[0].component'];
  expect(message).toContain("'basic/999'");
  for (const id of componentIds()) expect(message).toContain(id);
  expect(issues({})['scenes[0].elements[0].component']).toBe('required');
});

test('settings issues carry their path; unknown keys are accepted; numbers may come as strings', () => {
  expect(issues({ component: 'basic/000', settings: { headline: { color: 'not-a-colour' } } })).toEqual({
    'scenes[0].elements[0].settings.headline.color': expect.stringMatching(/not a colour/),
  });
  expect(Object.keys(issues({ component: 'advanced/070', settings: { rating: { value: 9 } } }))).toEqual(['scenes[0].elements[0].settings.rating.value']);
  expect(Object.keys(issues({ component: 'basic/125', settings: { header: { 'column-widths': ['35%', 'wide'] } } }))).toEqual(['scenes[0].elements[0].settings.header.column-widths[1]']);
  expect(validateMovie(movie({ component: 'advanced/060', settings: { counter: { from: '400', to: '230', duration: '3000', 'some-editor-key': 1 } }, unknownField: true })).ok).toBe(true);
  expect(validateMovie(movie({ component: 'shape/rectangle', settings: { rectangle1: { animate: {} } } })).ok).toBe(true);
  expect(Object.keys(issues({ component: 'shape/polygon', settings: { polygon1: { points: '0,0 100,0' }, polygon2: { animate: { points: '0,0 1,1 x,2' } } } }))).toEqual([
    'scenes[0].elements[0].settings.polygon1.points', 'scenes[0].elements[0].settings.polygon2.animate.points',
  ]);
});

test('a text group may be its text alone (`"headline": "FOR SALE"`)', () => {
  const def = COMPONENTS.get('basic/000')!;
  const m = def.render(def.settings.parse({ headline: 'FOR SALE', body: ['123 Oak Street', 'Open house'] }), ctx);
  expect(m.html).toContain('FOR SALE');
  expect(m.html).toContain('Open house');
});

test.each([
  ['background', 'url(http://169.254.169.254/)'],
  ['background', 'red;} body{background:url(x)'],
  ['box-shadow', '0 0 1px red</style><script>'],
  ['background', 'image-set("a.png" 1x)'],
  ['background', 'var(--x)'],
  ['border', 'attr(data-x)'],
  ['color', 'red;background:blue'],
  ['font-family', 'Inter";}*{x:y'],
  ['font-size', '10px;}'],
  ['padding', '1px 2px 3px 4px 5px'],
])('%s: %s is refused at its path', (key, value) => {
  expect(Object.keys(issues({ component: 'basic/000', settings: { card: { [key]: value } } }))).toEqual([`scenes[0].elements[0].settings.card.${key}`]);
});

test('pictures are http(s) addresses, written back by the URL parser; in CSS nothing closes their string', () => {
  const at = (group: string, key: string) => `scenes[0].elements[0].settings.${group}.${key}`;
  for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'data:image/png;base64,AAAA', 'not a url', 'chrome://settings']) {
    expect(Object.keys(issues({ component: 'basic/051', settings: { image: { src: bad } } }))).toEqual([at('image', 'src')]);
    expect(Object.keys(issues({ component: 'shape/cutout', settings: { background: { 'background-image': bad } } }))).toEqual([at('background', 'background-image')]);
    expect(Object.keys(issues({ component: 'shape/3dbox', settings: { top: { 'background-image': bad } } }))).toEqual([at('top', 'background-image')]);
    expect(Object.keys(issues({ component: 'advanced/100', settings: { image: { src: bad } } }))).toEqual([at('image', 'src')]);
  }
  const box = COMPONENTS.get('shape/3dbox')!;
  const m = box.render(box.settings.parse({ front: { 'background-image': 'https://img.example/a b"c\\")x(\'y?q=\\' } }), ctx);
  const url = /url\("([^"]*)"\)/.exec(m.css)![1];
  expect(url).toBe('https://img.example/a%20b%22c/%22%29x%28%27y?q=%5C');
  expect(cssUrl('https://a.example/?x=\\')).toBe('url("https://a.example/?x=%5C")');
  const avatar = COMPONENTS.get('basic/051')!;
  expect(avatar.render(avatar.settings.parse({ image: { src: 'https://img.example/"><script>' } }), ctx).html).toContain('src="https://img.example/%22%3E%3Cscript%3E"');
});

test('free CSS values: gradients, shadows and borders pass in a normal form; anything else does not', () => {
  expect(safeCssValue('linear-gradient(120deg, #FF2B2B 0%,   #0039CB 100%)')).toBe('linear-gradient(120deg, #FF2B2B 0%, #0039CB 100%)');
  expect(safeCssValue('inset -1vw -1vw 1vw rgba(0,0,0,0.2)')).toBe('inset -1vw -1vw 1vw rgba(0,0,0,0.2)');
  expect(safeCssValue('0.2vw solid rgba(0,0,0,20%)')).toBe('0.2vw solid rgba(0,0,0,20%)');
  for (const bad of ['rgb(1,2,3', 'a)b(', 'url (x)', 'expression(alert(1))', 'red !important', "'x'", 'a\\62 c']) expect(safeCssValue(bad)).toBeUndefined();
});

test('every component renders with no settings, and what the settings say reaches the page only in its checked form', () => {
  for (const def of COMPONENTS.values()) {
    const m = def.render(def.settings.parse({}), ctx);
    // shape/rectangle, shape/polygon, shape/html and textbox/simple draw the boxes they are given: none, nothing.
    if (!['shape/rectangle', 'shape/polygon', 'shape/html', 'textbox/simple'].includes(def.id)) expect(m.html.length).toBeGreaterThan(0);
    expect(m.css).not.toMatch(/url\(|<\/style|@import/i);
    expect(m.html).not.toMatch(/https?:/);
  }
  const def = COMPONENTS.get('basic/052')!;
  const m = def.render(def.settings.parse({ headline: { text: '</div><script>x</script>', color: 'ReD', 'font-size': 40 }, card: { 'vertical-align': 'top' } }), ctx);
  expect(m.html).toContain('&lt;/div&gt;&lt;script&gt;');
  expect(m.css).toContain('color:rgba(255,0,0,1)');
  expect(m.css).toContain('font-size:40px');
});

test("shape/html alone carries the movie's markup, as written; its boxes' CSS is checked like any component's", () => {
  expect([...COMPONENTS.values()].filter((d) => d.untrustedMarkup).map((d) => d.id)).toEqual(['shape/html']);
  const def = COMPONENTS.get('shape/html')!;
  const svg = '<svg viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="red"/></svg>';
  const m = def.render(def.settings.parse({ html1: { html: svg, left: '10%', 'align-items': 'center', 'font-family': 'Inter' } }), ctx);
  expect(m.html).toContain(svg);
  expect(m.css).toMatch(/\.html1\{[^}]*display:flex;align-items:center;left:10%/);
  expect(m.fonts).toEqual(['Inter']);
  expect(Object.keys(issues({ component: 'shape/html', settings: { html1: { left: '1px;background:url(x)' }, html2: { 'align-items': 'middle;' }, html3: { html: ['<b>'] } } }))).toEqual([
    'scenes[0].elements[0].settings.html1.left', 'scenes[0].elements[0].settings.html2.align-items', 'scenes[0].elements[0].settings.html3.html',
  ]);
});

test('inline tags JSON2Video texts use stay tags only when bare', () => {
  expect(richText('a<br>b <em>c</em> <B>d</B>')).toBe('a<br>b <em>c</em> <b>d</b>');
  expect(richText('<em onclick="x">c</em>')).toBe('&lt;em onclick=&quot;x&quot;&gt;c</em>');
  expect(richText('<script>')).toBe('&lt;script&gt;');
});

test('anime.js easings as CSS: sampled curves from 0 to 1, elastic overshooting, CSS keywords as they are', () => {
  const points = (name: string) => /^linear\((.*)\)$/.exec(cssEasing(name))![1].split(',').map(Number);
  for (const name of ['easeOutElastic', 'easeInOutExpo', 'easeOutBounce', 'easeInBack', 'easeOutCirc']) {
    const p = points(name);
    expect(p[0]).toBe(0);
    expect(p[p.length - 1]).toBe(1);
  }
  expect(Math.max(...points('easeOutElastic'))).toBeGreaterThan(1.1);
  expect(Math.min(...points('easeInBack'))).toBeLessThan(0);
  expect(points('easeInOutQuad')[30]).toBeCloseTo(0.5, 3);
  expect(cssEasing('ease-in-out')).toBe('ease-in-out');
});
