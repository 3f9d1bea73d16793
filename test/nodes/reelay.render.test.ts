/**
 * Render-and-wait through n8n's engine against a live bridge AND a live renderer (ffmpeg): the node
 * polls until done and returns the MP4 as binary data, which ffprobe reads back.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestBridge } from '../helpers/bridge';
import { startLivePipeline, TINY_MOVIE } from './helpers/live-pipeline';
import { reelayWorkflow, runWorkflow } from './helpers/n8n-engine';

let bridge: TestBridge;
let dir: string;
beforeAll(async () => {
  bridge = await startLivePipeline({ credits: 1000 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-n8n-render-'));
});
afterAll(async () => {
  await bridge?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function probe(video: Buffer): { width: number; height: number; codec: string; duration: number } {
  const file = path.join(dir, `${Date.now()}.mp4`);
  writeFileSync(file, video);
  const out = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,codec_name:format=duration', '-of', 'json', file]).toString(),
  );
  return { width: out.streams[0].width, height: out.streams[0].height, codec: out.streams[0].codec_name, duration: Number(out.format.duration) };
}

const credentialsFor = (apiKey: string) => ({ credentials: { '1': { baseUrl: bridge.url, apiKey } } });

test('render and wait, download as binary video/mp4', async () => {
  const { key } = await bridge.keyWithRole('render');
  const started = Date.now();
  const result = await runWorkflow(
    reelayWorkflow({
      resource: 'movie',
      operation: 'render',
      source: 'json',
      movie: JSON.stringify(TINY_MOVIE),
      waitForCompletion: true,
      maxWait: 120,
      download: true,
      options: { pollInterval: 0.2, clientData: '{"from":"n8n"}' },
    }),
    credentialsFor(key),
  );
  expect(result.error).toBeUndefined();
  const [item] = result.output('Reelay');
  expect(item.json).toMatchObject({ status: 'done', width: 160, height: 90, 'client-data': { from: 'n8n' } });
  expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileExtension: 'mp4' });
  const video = Buffer.from(item.binary!.data.data, 'base64');
  expect(probe(video)).toMatchObject({ width: 160, height: 90, codec: 'h264' });
  expect(probe(video).duration).toBeCloseTo(1, 0);
  console.log(`render-and-wait through n8n-core: ${Date.now() - started} ms`);
}, 120_000);

test('template render with variables, waited for', async () => {
  const { key } = await bridge.keyWithRole('editor');
  const template = await bridge.request('POST', '/v2/templates', {
    key,
    body: { name: 'tiny', movie: { ...TINY_MOVIE, scenes: [{ ...TINY_MOVIE.scenes[0], elements: [{ type: 'text', text: '{{title}}' }] }] } },
  });
  expect(template.status).toBe(201);
  const result = await runWorkflow(
    reelayWorkflow(
      {
        resource: 'movie',
        operation: 'render',
        source: 'template',
        template: { __rl: true, mode: 'id', value: template.body.template.id },
        variablesMode: 'json',
        variablesJson: '={{ JSON.stringify({ title: $json.title }) }}',
        waitForCompletion: true,
        maxWait: 120,
        options: { pollInterval: 0.2 },
      },
      [{ json: { title: 'Row one' } }],
    ),
    credentialsFor(key),
  );
  expect(result.error).toBeUndefined();
  expect(result.output('Reelay')[0].json).toMatchObject({ status: 'done', url: expect.any(String) });
}, 120_000);

test('a movie that fails to render is reported per item with continueOnFail', async () => {
  const { key } = await bridge.keyWithRole('render');
  // An asset server that answers 404: a permanent failure, reported without retries.
  const assets = createServer((_req, res) => res.writeHead(404).end('gone'));
  await new Promise<void>((resolve) => assets.listen(0, '127.0.0.1', resolve));
  const port = (assets.address() as AddressInfo).port;
  const broken = { ...TINY_MOVIE, scenes: [{ duration: 1, elements: [{ type: 'image', src: `http://127.0.0.1:${port}/missing.png` }] }] };
  const result = await runWorkflow(
    reelayWorkflow(
      { resource: 'movie', operation: 'render', source: 'json', movie: JSON.stringify(broken), maxWait: 120, options: { pollInterval: 0.2 } },
      [{ json: {} }],
      { onError: 'continueRegularOutput' },
    ),
    credentialsFor(key),
  );
  assets.close();
  const [item] = result.output('Reelay');
  expect(item.json.error).toMatch(/^The render failed: .*missing\.png/);
  expect(item.pairedItem).toEqual({ item: 0 });
}, 120_000);
