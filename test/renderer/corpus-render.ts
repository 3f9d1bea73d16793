/**
 * Renders JSON2Video's published movies (test/fixtures/json2video) with local assets: every
 * `http://127.0.0.1:1/<name>` stand-in is served by a real server on loopback from media made here
 * (videos 12 s, audio 15 s, pictures 320×180 — the lengths the expectations below count with), and
 * plain paths (`background.jpg`) come from the same directory, as `reelay render --local` reads them.
 *
 * EXPECTED is what each movie's JSON implies, read off the JSON and JSON2Video's docs (README
 * "Movie JSON" for the defaults: 640×360 without a resolution, 5 s of black for a movie with nothing
 * in it). Used by json2video-corpus-render.test.ts (a sample, in `npm test`) and
 * scripts/corpus-renders.ts (all of them, CI).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { configureProviders, voiceProviders } from '../../renderer/src/providers';
import { renderMovie } from '../../renderer/src/render/render-movie';
import { registerVoiceProvider } from '../../renderer/src/voice/registry';
import { ffprobe, frameAt, harness, serveDir, type Frame } from './helpers';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'json2video');
const STAND_IN = 'http://127.0.0.1:1/';
export const VIDEO_SECONDS = 12;
export const AUDIO_SECONDS = 15;
/** Length of the speech the TTS stand-ins answer with: a voice-only scene lasts this long (not 5 s, the default of a scene nothing fixes, so the voice is seen to set it). */
export const VOICE_SECONDS = 4;

export interface Expected {
  width: number;
  height: number;
  /** Seconds. */
  duration: number;
  /** What the docs say should be seen, checked on a decoded frame. */
  pixels?: (frame: (t: number) => Frame) => void;
}

/** Movies that cannot render here, and why. Every other fixture must render. */
export const NOT_RENDERED: Record<string, string> = {
  '007-n8n-readme-template-movie.json': 'refused at validation (a saved template: its variables come from the render request)',
  '004-image-ai-freepik.json': 'an AI image from model freepik-classic: Reelay has no Freepik client (providers: replicate, fal, flux), so there is no contract to stand in for',
};

const FULL_HD = { width: 1920, height: 1080 };
const DEFAULT_SIZE = { width: 640, height: 360 };
/** A movie of nothing but its exports: 5 s of black at its resolution. */
const EXPORTS_ONLY = { ...FULL_HD, duration: 5 };

/** Mean brightness (0–255) of a rectangle of a frame. */
export function meanLuma(f: Frame, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y += 2) for (let x = x0; x < x1; x += 2) {
    const [r, g, b] = f.at(x, y);
    sum += 0.299 * r + 0.587 * g + 0.114 * b;
    n++;
  }
  return sum / n;
}

/** Rows holding a pixel brighter than `min` on every channel (white text on a dark picture). */
export function brightRows(f: Frame, min = 200): number[] {
  const rows: number[] = [];
  for (let y = 0; y < f.height; y++) for (let x = 0; x < f.width; x += 1) {
    const [r, g, b] = f.at(x, y);
    if (r > min && g > min && b > min) {
      rows.push(y);
      break;
    }
  }
  return rows;
}

const blue = (f: Frame, x: number, y: number) => {
  const [r, g, b] = f.at(x, y);
  return Math.abs(r - 0x43) < 30 && Math.abs(g - 0x92) < 30 && Math.abs(b - 0xf1) < 30;
};

export const EXPECTED: Record<string, Expected> = {
  '001-movies-endpoint-curl.json': { ...DEFAULT_SIZE, duration: VIDEO_SECONDS },
  // Elements without a duration in a scene without one: 5 s (README "Movie JSON": nothing fixes the length).
  '002-element-image-and-text.json': { ...FULL_HD, duration: 5 },
  '003-image-flower-bee.json': { ...FULL_HD, duration: 10 },
  '005-image-slideshow-zoom-pan.json': { ...FULL_HD, duration: 9 },
  '006-image-scale-rotate.json': { ...DEFAULT_SIZE, duration: 5 },
  '011-timing-video-10s.json': { ...DEFAULT_SIZE, duration: 10 },
  '012-timing-scene-5s-trims-video.json': { ...DEFAULT_SIZE, duration: 5 },
  '013-timing-video-and-audio-20s.json': { ...DEFAULT_SIZE, duration: 20 },
  '014-timing-audio-matches-scene.json': { ...DEFAULT_SIZE, duration: 10 },
  '015-loop-video-30s-scene.json': { ...DEFAULT_SIZE, duration: 30 },
  '016-loop-video-under-audio.json': { ...DEFAULT_SIZE, duration: AUDIO_SECONDS },
  '017-layering-array-order.json': { ...DEFAULT_SIZE, duration: 10 },
  '018-layering-z-index.json': { ...DEFAULT_SIZE, duration: 10 },
  '019-layering-transparent-scenes-video-bg.json': { ...DEFAULT_SIZE, duration: 10 },
  '020-positioning-text-bottom-left.json': {
    ...FULL_HD, duration: 10,
    // "Hello World" at the bottom left: white ink in the bottom-left quarter only.
    pixels: (frame) => {
      const rows = brightRows(frame(5));
      expect(rows.length).toBeGreaterThan(0);
      expect(Math.min(...rows)).toBeGreaterThan(1080 / 2);
      expect(meanLuma(frame(5), 0, 540, 960, 1080)).toBeGreaterThan(meanLuma(frame(5), 960, 540, 1920, 1080));
    },
  },
  '021-positioning-text-custom-xy.json': {
    ...FULL_HD, duration: 10,
    // At x 200, y 100, placed top-left: ink starts about 100 px down, nothing in the lower half.
    pixels: (frame) => {
      const rows = brightRows(frame(5));
      expect(Math.min(...rows)).toBeGreaterThanOrEqual(95);
      expect(Math.max(...rows)).toBeLessThan(540);
    },
  },
  '022-variables-summer-sale.json': {
    // The second text starts at 3 s within the scene's default 5 s.
    ...FULL_HD, duration: 5,
    // background-color from a variable (#f0f0f0): a light frame.
    pixels: (frame) => expect(meanLuma(frame(1), 0, 0, 200, 200)).toBeGreaterThan(220),
  },
  '023-variables-scene-override.json': { ...DEFAULT_SIZE, duration: 10 },
  '024-expression-duration.json': { ...DEFAULT_SIZE, duration: 7 },
  '025-expression-ternary-text.json': { ...DEFAULT_SIZE, duration: 5 },
  // A component (drawn by the HTML engine) 50 px wide; nothing fixes the length: 5 s.
  '026-expression-component-width.json': { ...FULL_HD, duration: 5 },
  '027-conditional-elements.json': {
    ...FULL_HD, duration: 10,
    pixels: (frame) => expect(blue(frame(5), 20, 20)).toBe(true),
  },
  '028-iterate-slides.json': { ...FULL_HD, duration: 15 },
  '035-template-hello-world.json': {
    ...FULL_HD, duration: 10,
    // #4392F1 behind a white title in the middle.
    pixels: (frame) => {
      expect(blue(frame(5), 20, 20)).toBe(true);
      const rows = brightRows(frame(5));
      expect(rows.length).toBeGreaterThan(0);
      expect(Math.min(...rows)).toBeGreaterThan(300);
      expect(Math.max(...rows)).toBeLessThan(780);
    },
  },
  '036-exports-destination-id.json': EXPORTS_ONLY,
  '037-exports-test-ftp.json': EXPORTS_ONLY,
  '038-exports-test-ftp-file.json': EXPORTS_ONLY,
  '039-webhook-endpoint.json': EXPORTS_ONLY,
  '040-webhook-connection-id.json': EXPORTS_ONLY,
  '041-webhook-after-ftp.json': EXPORTS_ONLY,
  '042-ftp-connection-file-macros.json': EXPORTS_ONLY,
  '043-ftp-inline-credentials.json': EXPORTS_ONLY,
  '044-email-notification.json': EXPORTS_ONLY,
  '045-email-notification-macros.json': EXPORTS_ONLY,
  '046-optimizing-one-scene-slideshow.json': { ...FULL_HD, duration: 30 },
  '047-tutorial-03-three-scenes.json': { ...FULL_HD, duration: 12 },
  // {{my_video_end}}: the image starts where the 12 s video ends and lasts 5 s.
  '048-dynamic-variables-video-end.json': { ...FULL_HD, duration: VIDEO_SECONDS + 5 },
  '049-tutorial-variables-hello-world.json': { ...FULL_HD, duration: 10, pixels: (frame) => expect(blue(frame(5), 20, 20)).toBe(true) },
  '050-openapi-movie-example.json': { width: 640, height: 360, duration: VIDEO_SECONDS },
  // Voice movies: the TTS stand-ins (providerStandIns) answer with VOICE_SECONDS of speech, and a scene
  // without a duration lasts as long as its voice (plus extra-time).
  '008-voice-azure.json': { ...FULL_HD, duration: VOICE_SECONDS },
  '009-voice-elevenlabs-connection.json': { ...FULL_HD, duration: VOICE_SECONDS },
  '010-subtitles-voice-roboto.json': { width: 1080, height: 1920, duration: VOICE_SECONDS + 2 },
  '029-ai-elevenlabs-own-connection.json': { ...FULL_HD, duration: VOICE_SECONDS },
  '030-elevenlabs-basic.json': { ...DEFAULT_SIZE, duration: VOICE_SECONDS },
  '031-elevenlabs-voice-id-connection.json': { ...DEFAULT_SIZE, duration: VOICE_SECONDS },
  '032-elevenlabs-flash.json': { ...DEFAULT_SIZE, duration: VOICE_SECONDS },
  '033-elevenlabs-model-settings.json': { ...DEFAULT_SIZE, duration: VOICE_SECONDS },
  '034-elevenlabs-speed.json': { ...DEFAULT_SIZE, duration: VOICE_SECONDS },
};

export const corpusFiles = (): string[] => readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();

const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

/** One medium per stand-in name, by extension; distinct colours so a wrong picture shows. */
function makeCorpusMedia(dir: string, names: string[]): void {
  mkdirSync(dir, { recursive: true });
  names.forEach((name, i) => {
    const file = path.join(dir, name);
    // Dark, distinct colours: white titles stay readable and a wrong picture shows.
    const colour = [(i * 53) % 112, (i * 29 + 40) % 112, (i * 71 + 80) % 112].map((c) => c.toString(16).padStart(2, '0')).join('');
    if (/\.(jpe?g|png)$/i.test(name)) ff(['-f', 'lavfi', '-i', `color=c=0x${colour}:s=320x180`, '-frames:v', '1', file]);
    else if (/\.mp4$/i.test(name)) {
      ff(['-f', 'lavfi', '-i', `testsrc2=s=320x180:r=10:d=${VIDEO_SECONDS}`, '-f', 'lavfi', '-i', `sine=f=440:d=${VIDEO_SECONDS}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file]);
    } else if (/\.mp3$/i.test(name)) ff(['-f', 'lavfi', '-i', `sine=f=330:d=${AUDIO_SECONDS}`, '-c:a', 'libmp3lame', file]);
    else throw new Error(`no stand-in medium for ${name}`);
  });
}

export interface CorpusRenderer {
  /** Renders one fixture; `fps` lowers the frame rate (size and duration stay the movie's). */
  render(file: string, opts?: { fps?: number }): Promise<{ file: string; width: number; height: number; duration: number; frame: (t: number) => Frame }>;
  close(): Promise<void>;
}

export async function corpusRenderer(): Promise<CorpusRenderer> {
  const h = harness('corpus');
  const media = path.join(h.dir, 'media');
  const texts = corpusFiles().map((f) => JSON.stringify((JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8')) as { movie: unknown }).movie));
  const names = new Set<string>(['background.jpg']);
  for (const text of texts) for (const m of text.matchAll(/http:\/\/127\.0\.0\.1:1\/([^"\s]+)/g)) names.add(m[1]);
  makeCorpusMedia(media, [...names]);
  const server = await serveDir(media);
  const speech = path.join(h.dir, 'speech.mp3');
  ff(['-f', 'lavfi', '-i', `sine=f=220:d=${VOICE_SECONDS}`, '-c:a', 'libmp3lame', '-ar', '44100', speech]);
  providerStandIns(readFileSync(speech), path.join(h.dir, 'voice-cache'));
  return {
    async render(file, opts = {}) {
      const raw = readFileSync(path.join(FIXTURES, file), 'utf8').split(STAND_IN).join(`${server.url}/`);
      const { movie } = JSON.parse(raw) as { movie: Record<string, unknown> };
      const rendered = opts.fps ? { ...movie, fps: opts.fps } : movie;
      const result = await renderMovie({
        project: file.replace(/\.json$/, ''), movie: rendered, outputDir: path.join(h.dir, 'out'), dataDir: path.join(h.dir, 'data'),
        allowPrivateUrls: true, localBaseDir: media, connections: testConnections(movie),
      });
      const probe = ffprobe(result.file);
      const video = probe.streams.find((s) => s.codec_type === 'video')!;
      return { file: result.file, width: video.width!, height: video.height!, duration: probe.duration, frame: (t) => frameAt(result.file, t) };
    },
    async close() {
      nock.cleanAll();
      nock.enableNetConnect();
      await server.close();
      h.cleanup();
    },
  };
}

/** ElevenLabs voices the corpus names, as GET /v1/voices lists them (ids are 20 characters). */
const ELEVENLABS_VOICES = [
  { voice_id: 'pNInz6obpgDQGcFmaJgB', name: 'Adam' },
  { voice_id: 'onwK4e9ZLuTAKqWW03F9', name: 'Daniel' },
  { voice_id: 'nPczCjzI2devNBz1zQrb', name: 'Brian' },
  { voice_id: '21m00Tcm4TlvDq8ikWAM', name: 'Rachel' },
];
const AZURE_REGION = 'westeurope';

/**
 * The third-party TTS APIs answered in-process by nock, as their contracts say (providers.test.ts):
 * ElevenLabs lists voices and answers POST text-to-speech with MP3 bytes; Azure answers the SSML POST
 * with MP3 bytes. Only loopback (the media server) may be reached otherwise.
 */
function providerStandIns(speech: Buffer, cacheDir: string): void {
  for (const [model, provider] of Object.entries(voiceProviders)) registerVoiceProvider(model, provider);
  // nock stands in for the network, so there is no real peer for the egress check to vet.
  configureProviders({ egressCheck: false, cacheDir });
  nock.disableNetConnect();
  nock.enableNetConnect(/^127\.0\.0\.1/);
  nock('https://api.elevenlabs.io', { reqheaders: { 'xi-api-key': 'corpus-elevenlabs-key' } })
    .persist()
    .get('/v1/voices').reply(200, { voices: ELEVENLABS_VOICES })
    .post(/^\/v1\/text-to-speech\/[A-Za-z0-9]{20}$/, (body: { text?: string; model_id?: string }) => !!body.text && !!body.model_id)
    .query({ output_format: 'mp3_44100_128' })
    .reply(200, speech, { 'content-type': 'audio/mpeg' });
  nock(`https://${AZURE_REGION}.tts.speech.microsoft.com`, {
    reqheaders: { 'ocp-apim-subscription-key': 'corpus-azure-key', 'content-type': 'application/ssml+xml', 'x-microsoft-outputformat': 'audio-24khz-96kbitrate-mono-mp3' },
  })
    .persist()
    .post('/cognitiveservices/v1', (body: string) => /^<speak version='1.0'/.test(body))
    .reply(200, speech, { 'content-type': 'audio/mpeg' });
}

/**
 * The opened connections a job carries, keyed by element path: a test key for every voice element
 * (with or without a named connection, the account's key in JSON2Video).
 */
function testConnections(movie: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const scenes = (movie.scenes ?? []) as { elements?: { type?: string; model?: string }[] }[];
  scenes.forEach((scene, s) => (scene.elements ?? []).forEach((el, e) => {
    if (el.type !== 'voice') return;
    out[`scenes[${s}].elements[${e}]`] = el.model === 'azure'
      ? { subscriptionKey: 'corpus-azure-key', region: AZURE_REGION }
      : { apiKey: 'corpus-elevenlabs-key' };
  }));
  return out;
}
