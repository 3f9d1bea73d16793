/**
 * Writes the README's component stills (docs/components/<id>.png, 640×360): each component with
 * the settings of its README entry, over JSON2Video's example blue, at the end of its intro.
 * Run: bash scripts/run.sh tsx test/html/component-stills.ts [id…]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { closeBrowser } from '../../renderer/src/html/browser';
import { IMAGES, openComponent } from './component-page';

/** A detailed picture for the components that show one (a Mandelbrot set, drawn by ffmpeg). */
const photo = () => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'mandelbrot=s=640x360:start_scale=1.5', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1']);

export const STILLS: { id: string; at: number; settings: unknown }[] = [
  { id: 'basic/000', at: 3, settings: { card: { 'vertical-align': 'center', background: 'rgba(0,0,0,0.35)', 'border-radius': '1vw', padding: '3vw' }, headline: { text: 'Welcome to Reelay', 'font-family': 'Inter', 'font-weight': 700 }, body: { text: ['Videos from JSON, drawn by ffmpeg and Chromium.', 'Self-hosted, <em>no</em> third-party renderer.'] } } },
  { id: 'basic/001', at: 4, settings: { card: { 'vertical-align': 'center', padding: '3vw' }, headline: { text: 'Introducing the suite', 'font-size': '6vw' }, body: { text: ['Personalised ads', 'Rewards for data'], 'font-size': '4vw' }, bar: { background: '#FFD23F' } } },
  { id: 'basic/050', at: 3, settings: { headline: { text: 'BREAKING NEWS' }, lead: { text: 'Reelay draws JSON2Video components in its own browser' } } },
  { id: 'basic/051', at: 5, settings: { headline: { text: 'Ada Lovelace, mathematician' }, image: { src: `${IMAGES}/photo.png`, size: '14vw' } } },
  { id: 'basic/052', at: 3, settings: { section: { text: 'MUSIC' }, headline: { text: 'The band announces a world tour for next year' } } },
  { id: 'basic/100', at: 3, settings: { box: { initial_left: '100%', final_left: '50%', background: '#0F132D', 'box-shadow': 'none', duration: 2000 } } },
  { id: 'basic/125', at: 3, settings: { table: { 'font-size': '3.5vw', 'font-family': 'Lato', 'border-spacing': '0 1.5vw', padding: '3vw' }, header: { 'column-widths': ['35%', '65%'], color: '#FFD23F' }, 'first-column': { 'border-right': '4px solid white', 'text-align': 'right' }, cells: { padding: '0.5vw 1.5vw' }, data: { columns: ['Step', 'What'], rows: [['Analyse', 'Real-time market data'], ['Target', 'Personalised videos'], ['Iterate', 'Measure and improve']] } } },
  { id: 'advanced/000', at: 1.2, settings: { animation: { text: ['Ready', 'Steady', 'Go!'], 'font-size': '14vw', 'font-family': 'Anton', 'font-weight': '400', 'text-stroke': '2px #0F132D' } } },
  { id: 'advanced/001', at: 4, settings: { animation: { text: 'VARIABLES<br>ARE<br>HERE', 'font-family': 'Anton', 'font-size': '12vw', speed: 4 } } },
  { id: 'advanced/050', at: 1, settings: { button: { text: 'SUBSCRIBE', background: '#E3170A', border: '0.2vw solid rgba(0,0,0,20%)', 'border-radius': '3vw', padding: '1vw 8vw', 'box-shadow': 'inset -1vw -1vw 1vw rgba(0,0,0,0.2)', 'font-size': '6vw' } } },
  { id: 'advanced/051', at: 1.6, settings: { button: { text: 'SUBSCRIBE', background: '#E3170A', 'border-radius': '3vw', padding: '1vw 6vw', 'font-size': '6vw', 'box-shadow': 'inset -1vw -1vw 1vw rgba(0,0,0,0.2)' } } },
  { id: 'advanced/100', at: 2, settings: { image: { src: `${IMAGES}/photo.png`, final_left: '45%', final_top: '10%', final_width: '50%', final_height: '80%', 'border-radius': '2vw', 'box-shadow': '0 1vw 2vw rgba(0,0,0,0.4)' } } },
  { id: 'advanced/060', at: 5.5, settings: { counter: { text: ['$__num__'], from: '400', to: '230', duration: 3000, 'text-shadow': '.2vw .2vw .2vw rgba(50,50,50,0.5)', 'font-size': '20vw', 'font-family': 'Anton', 'font-weight': '400' } } },
  { id: 'advanced/070', at: 3, settings: { rating: { value: 4, symbol: 'star', size: '12vw', 'off-color': 'rgba(255,255,255,0.1)' } } },
  { id: 'shape/rectangle', at: 2, settings: {
    rectangle1: { left: '0%', top: '0%', width: '100%', height: '100%', background: 'linear-gradient(120deg, #FF2B2B 0%, #0039CB 100%)' },
    rectangle2: { left: '10%', top: '20%', width: '20vw', height: '20vw', background: 'white', 'border-radius': '50%', animate: { left: '65%', rotate: 180, duration: 1500, easing: 'easeOutBack' } },
  } },
  { id: 'shape/polygon', at: 1, settings: {
    polygon1: { left: '0%', top: '0%', width: '100%', height: '100%', points: '0,0 60,0 40,100 0,100', fill: '#0F132D' },
    polygon2: { left: '50%', top: '15%', width: '40%', height: '70%', points: '50,0 100,100 0,100', fill: '#FFD23F', stroke: 'white', 'stroke-width': 3, animate: { points: '50,0 100,50 50,100', fill: '#FF2B2B', duration: 2000, easing: 'easeInOutQuad' } },
  } },
  { id: 'shape/cutout', at: 1.2, settings: {
    background: { 'background-image': `${IMAGES}/photo.png` },
    cutout: { shape: 'circle', x: '30%', r: '5%', stroke: 'white', 'stroke-width': 6, animate: { x: '55%', r: '40%', duration: 1500, easing: 'easeInOutQuad' } },
  } },
  { id: 'shape/3dbox', at: 1.6, settings: {
    size: { width: '30vw', height: '30vw', depth: '30vw' },
    front: { 'background-image': `${IMAGES}/photo.png` }, right: { 'background-color': '#FFD23F' }, top: { 'background-color': '#FF2B2B' },
    origin: { rotateX: -25, rotateY: 0, zoom: 0.4 }, destination: { rotateX: -25, rotateY: -35, zoom: 1, duration: 1500, easing: 'easeOutBack' },
  } },
  { id: 'shape/html', at: 1.5, settings: {
    html1: { left: '8%', top: '20%', width: '30%', height: '60%', rotate: -20, html: '<svg viewBox="0 0 24 24" width="100%" height="100%"><path fill="#FFD23F" stroke="#0F132D" stroke-width="0.4" d="M12 2l3.09 6.26L22 9.27l-5 4.87L18.18 22 12 18.56 5.82 22 7 14.14l-5-4.87 6.91-1.01z"/></svg>', animate: { rotate: 0, duration: 1200, easing: 'easeOutBack' } },
    html2: { left: '42%', top: '20%', width: '52%', height: '60%', opacity: 0, 'align-items': 'center', 'text-align': 'left', color: 'white', 'font-family': 'Inter', 'font-size': '5vw', html: '<div style="font-weight:700;font-size:7vw">Rated 5/5</div><div>by <b>1,024</b> readers</div>', animate: { opacity: 1, duration: 800, delay: 400 } },
  } },
  { id: 'textbox/simple', at: 2, settings: {
    textbox1: { left: '5%', top: '10%', width: '40%', height: '35%', text: 'Fitted to its box, however long the sentence is', background: '#0F132D', 'border-radius': '1vw', padding: '1vw' },
    textbox2: { left: '55%', top: '10%', width: '40%', height: '35%', text: 'SALE', background: '#FFD23F', color: '#0F132D', 'font-family': 'Anton', rotate: -5 },
    textbox3: { left: '5%', top: '60%', width: '90%', height: '30%', text: ['Two paragraphs,', 'a fixed size'], 'font-size': '4vw', border: '0.3vw solid white', animate: { rotate: 2, duration: 1000, easing: 'easeOutBack' } },
  } },
];

async function main(): Promise<void> {
  const out = path.join(__dirname, '../../docs/components');
  // Ids on the command line: only their stills (the others stay as they are).
  const only = process.argv.slice(2);
  const images = { 'photo.png': photo() };
  for (const still of STILLS.filter((s) => only.length === 0 || only.includes(s.id))) {
    const p = await openComponent(still.id, still.settings, { width: 640, height: 360, duration: 6, fps: 25 }, '#4392F1', images);
    const file = path.join(out, `${still.id}.png`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, (await p.shot(still.at)).png);
    await p.close();
  }
  await closeBrowser();
}

if (require.main === module) void main();
