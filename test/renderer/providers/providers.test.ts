/**
 * Contract tests for the AI providers. Third-party SaaS is the one place nock stands in: each
 * interceptor below records the request and answer shapes from the provider's public API docs (cited
 * above each block), and asserts what we send (path, auth header, body) as well as what we do with the
 * answer (the bytes written, the polling, the error message).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { ProviderError, configureProviders, imageProviders, voiceProviders } from '../../../renderer/src/providers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reelay-providers-'));
const signal = new AbortController().signal;
const out = (name: string) => path.join(tmp, `${name}-${randomBytes(4).toString('hex')}`);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);
const mp3 = Buffer.concat([Buffer.from('ID3'), randomBytes(128)]);

beforeAll(() => {
  nock.disableNetConnect();
  // nock stands in for the network, so the egress address check (tested below on a real socket) is off here.
  configureProviders({ pollInitialMs: 5, pollMaxMs: 20, timeoutMs: 2000, cacheDir: path.join(tmp, 'voice-cache'), egressCheck: false });
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    return e as ProviderError;
  }
  throw new Error('expected a failure');
}

describe('ElevenLabs (elevenlabs.io/docs/api-reference/text-to-speech/convert, …/voices/search)', () => {
  const apiKey = `sk_${randomBytes(16).toString('hex')}`;
  const connection = { type: 'elevenlabs', apiKey };

  it('looks a voice name up, posts the text with xi-api-key, writes the audio, then serves it from the cache', async () => {
    nock('https://api.elevenlabs.io', { reqheaders: { 'xi-api-key': apiKey } })
      .get('/v1/voices')
      .reply(200, { voices: [{ voice_id: '21m00Tcm4TlvDq8ikWAM', name: 'Rachel' }, { voice_id: 'pNInz6obpgDQGcFmaJgB', name: 'Adam' }] })
      .post('/v1/text-to-speech/pNInz6obpgDQGcFmaJgB', { text: 'Hello from Reelay', model_id: 'eleven_multilingual_v2' })
      .query({ output_format: 'mp3_44100_128' })
      .reply(200, mp3, { 'content-type': 'audio/mpeg' });
    const file = out('el');
    await voiceProviders.elevenlabs.synthesize({ text: 'Hello from Reelay', voice: 'Adam', model: 'elevenlabs', connection, signal }, file);
    expect(fs.readFileSync(file).equals(mp3)).toBe(true);

    // Same (provider, voice, text): no HTTP at all (nock would refuse the connection).
    const again = out('el');
    await voiceProviders.elevenlabs.synthesize({ text: 'Hello from Reelay', voice: 'Adam', model: 'elevenlabs', connection, signal }, again);
    expect(fs.readFileSync(again).equals(mp3)).toBe(true);
  });

  it("JSON2Video's elevenlabs-flash-v2-5 model asks ElevenLabs for eleven_flash_v2_5", async () => {
    const text = `flash ${randomBytes(4).toString('hex')}`;
    nock('https://api.elevenlabs.io').post('/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM', { text, model_id: 'eleven_flash_v2_5' }).query(true).reply(200, mp3);
    await voiceProviders['elevenlabs-flash-v2-5'].synthesize({ text, voice: '21m00Tcm4TlvDq8ikWAM', model: 'elevenlabs-flash-v2-5', connection, signal }, out('el'));
    expect(nock.isDone()).toBe(true);
  });

  it("the element's model-settings reach ElevenLabs (language_code, voice_settings); unknown ones do not", async () => {
    const text = `settings ${randomBytes(4).toString('hex')}`;
    nock('https://api.elevenlabs.io')
      .post('/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM', { text, model_id: 'eleven_multilingual_v2', language_code: 'en', voice_settings: { speed: 1.2 } })
      .query(true).reply(200, mp3);
    const settings = { language_code: 'en', voice_settings: { speed: 1.2, colour: 'blue' }, unknown: 1 };
    await voiceProviders.elevenlabs.synthesize({ text, voice: '21m00Tcm4TlvDq8ikWAM', model: 'elevenlabs', settings, connection, signal }, out('el'));
    expect(nock.isDone()).toBe(true);
  });

  it('uses a voice id directly', async () => {
    nock('https://api.elevenlabs.io').post('/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM').query(true).reply(200, mp3);
    await voiceProviders.elevenlabs.synthesize({ text: `id ${randomBytes(4).toString('hex')}`, voice: '21m00Tcm4TlvDq8ikWAM', model: 'elevenlabs', connection, signal }, out('el'));
  });

  it('401 invalid key: names the provider and its reason, never the key, not retryable', async () => {
    nock('https://api.elevenlabs.io')
      .post('/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM')
      .query(true)
      .reply(401, { detail: { status: 'invalid_api_key', message: `Invalid API key: ${apiKey}` } });
    const e = await failure(voiceProviders.elevenlabs.synthesize({ text: `x ${randomBytes(4).toString('hex')}`, voice: '21m00Tcm4TlvDq8ikWAM', model: 'elevenlabs', connection, signal }, out('el')));
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.message).toMatch(/^ElevenLabs refused the credentials \(HTTP 401: invalid_api_key: Invalid API key/);
    expect(e.message).not.toContain(apiKey);
    expect(e.retryable).toBe(false);
  });

  it('quota exceeded (401 quota_exceeded) is reported as quota', async () => {
    nock('https://api.elevenlabs.io')
      .post('/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM')
      .query(true)
      .reply(401, { detail: { status: 'quota_exceeded', message: 'This request exceeds your quota of 10000. You have 3 credits remaining, while 50 credits are required for this request.' } });
    const e = await failure(voiceProviders.elevenlabs.synthesize({ text: `q ${randomBytes(4).toString('hex')}`, voice: '21m00Tcm4TlvDq8ikWAM', model: 'elevenlabs', connection, signal }, out('el')));
    expect(e.message).toMatch(/ElevenLabs refused: quota or rate limit reached \(HTTP 401: quota_exceeded/);
  });

  it('fails clearly without a connection', async () => {
    const e = await failure(voiceProviders.elevenlabs.synthesize({ text: 'x', model: 'elevenlabs', signal }, out('el')));
    expect(e.message).toMatch(/no apiKey.*"connection"/);
  });
});

describe('Azure AI Speech (learn.microsoft.com/azure/ai-services/speech-service/rest-text-to-speech)', () => {
  const key = randomBytes(16).toString('hex');
  it('posts escaped SSML to the regional endpoint with the subscription key', async () => {
    let body = '';
    nock('https://westeurope.tts.speech.microsoft.com', {
      reqheaders: { 'ocp-apim-subscription-key': key, 'content-type': 'application/ssml+xml', 'x-microsoft-outputformat': 'audio-24khz-96kbitrate-mono-mp3' },
    })
      .post('/cognitiveservices/v1', (b) => ((body = typeof b === 'string' ? b : JSON.stringify(b)), true))
      .reply(200, mp3, { 'content-type': 'audio/mpeg' });
    const file = out('az');
    await voiceProviders.azure.synthesize({ text: 'Fish & <chips>', voice: 'en-GB-SoniaNeural', model: 'azure', connection: { subscriptionKey: key, region: 'westeurope' }, signal }, file);
    expect(body).toBe("<speak version='1.0' xml:lang='en-GB'><voice name='en-GB-SoniaNeural'>Fish &amp; &lt;chips&gt;</voice></speak>");
    expect(fs.readFileSync(file).equals(mp3)).toBe(true);
  });

  it('429 is a retryable quota error', async () => {
    nock('https://westeurope.tts.speech.microsoft.com').post('/cognitiveservices/v1').reply(429, 'Too many requests');
    const e = await failure(voiceProviders.azure.synthesize({ text: `r ${randomBytes(3).toString('hex')}`, model: 'azure', connection: { subscriptionKey: key, region: 'westeurope' }, signal }, out('az')));
    expect(e.message).toBe('Azure Speech refused: quota or rate limit reached (HTTP 429: Too many requests)');
    expect(e.retryable).toBe(true);
  });
});

describe('Replicate (replicate.com/docs/reference/http#models.predictions.create, topics/predictions/lifecycle)', () => {
  const token = `r8_${randomBytes(16).toString('hex')}`;
  it('creates a prediction on the official model, polls with backoff until it succeeds, downloads the output', async () => {
    const api = nock('https://api.replicate.com', { reqheaders: { authorization: `Bearer ${token}` } })
      .post('/v1/models/black-forest-labs/flux-schnell/predictions', { input: { prompt: 'a red fox', aspect_ratio: '16:9', output_format: 'png', num_outputs: 1 } })
      .reply(201, { id: 'gm3qorzdhgbfurvjtvhg6dckhu', status: 'starting', urls: { get: 'https://api.replicate.com/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu' } })
      .get('/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu')
      .reply(200, { id: 'gm3qorzdhgbfurvjtvhg6dckhu', status: 'processing' })
      .get('/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu')
      .reply(200, { id: 'gm3qorzdhgbfurvjtvhg6dckhu', status: 'succeeded', output: ['https://replicate.delivery/xezq/out-0.png'] });
    nock('https://replicate.delivery').get('/xezq/out-0.png').reply(200, png, { 'content-type': 'image/png' });
    const file = out('rep');
    await imageProviders.replicate.generate({ prompt: 'a red fox', model: 'replicate', width: 1920, height: 1080, connection: { apiToken: token }, signal }, file);
    expect(api.isDone()).toBe(true);
    expect(fs.readFileSync(file).equals(png)).toBe(true);
  });

  it('a failed prediction carries the provider error', async () => {
    nock('https://api.replicate.com').post(/predictions$/).reply(201, { id: 'p1', status: 'starting' }).get('/v1/predictions/p1').reply(200, { id: 'p1', status: 'failed', error: 'NSFW content detected' });
    const e = await failure(imageProviders.replicate.generate({ prompt: 'x', model: 'replicate', width: 512, height: 512, connection: { apiToken: token }, signal }, out('rep')));
    expect(e.message).toBe('Replicate prediction failed: NSFW content detected');
  });

  it('402 insufficient credit', async () => {
    nock('https://api.replicate.com').post(/predictions$/).reply(402, { title: 'Insufficient credit', detail: 'You have insufficient credit to run this model.', status: 402 });
    const e = await failure(imageProviders.replicate.generate({ prompt: 'x', model: 'replicate', width: 512, height: 512, connection: { apiToken: token }, signal }, out('rep')));
    expect(e.message).toBe('Replicate refused: quota or rate limit reached (HTTP 402: You have insufficient credit to run this model.)');
  });

  it('gives up after the time limit while the prediction keeps processing', async () => {
    configureProviders({ timeoutMs: 120 });
    try {
      nock('https://api.replicate.com').post(/predictions$/).reply(201, { id: 'slow', status: 'starting' }).get('/v1/predictions/slow').times(100).reply(200, { id: 'slow', status: 'processing' });
      const e = await failure(imageProviders.replicate.generate({ prompt: 'x', model: 'replicate', width: 512, height: 512, connection: { apiToken: token }, signal }, out('rep')));
      expect(e.message).toMatch(/^Replicate: timed out after/);
      expect(e.retryable).toBe(true);
    } finally {
      configureProviders({ timeoutMs: 2000 });
      nock.cleanAll();
    }
  });
});

describe('fal.ai queue (fal.ai/docs/documentation/model-apis/inference/queue)', () => {
  const key = `${randomBytes(8).toString('hex')}:${randomBytes(16).toString('hex')}`;
  it('submits to the queue, polls the status URL, reads the response URL, downloads the image', async () => {
    const base = 'https://queue.fal.run';
    nock(base, { reqheaders: { authorization: `Key ${key}` } })
      .post('/fal-ai/flux/schnell', { prompt: 'a lighthouse', image_size: { width: 1024, height: 576 }, num_images: 1, output_format: 'png', enable_safety_checker: true })
      .reply(200, {
        request_id: '764cabcf-b745-4b3e-ae38-1200304cf45b',
        status_url: `${base}/fal-ai/flux/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/status`,
        response_url: `${base}/fal-ai/flux/requests/764cabcf-b745-4b3e-ae38-1200304cf45b`,
        cancel_url: `${base}/fal-ai/flux/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/cancel`,
      })
      .get('/fal-ai/flux/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/status')
      .reply(202, { status: 'IN_QUEUE', queue_position: 0 })
      .get('/fal-ai/flux/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/status')
      .reply(200, { status: 'COMPLETED' })
      .get('/fal-ai/flux/requests/764cabcf-b745-4b3e-ae38-1200304cf45b')
      .reply(200, { images: [{ url: 'https://v3.fal.media/files/lion/out.png', width: 1024, height: 576, content_type: 'image/png' }], seed: 42 });
    nock('https://v3.fal.media').get('/files/lion/out.png').reply(200, png);
    const file = out('fal');
    await imageProviders.fal.generate({ prompt: 'a lighthouse', model: 'fal', width: 1024, height: 576, connection: { apiKey: key }, signal }, file);
    expect(fs.readFileSync(file).equals(png)).toBe(true);
  });

  it('401 names fal and its reason without the key', async () => {
    nock('https://queue.fal.run').post('/fal-ai/flux/schnell').reply(401, { detail: `Invalid key ${key}` });
    const e = await failure(imageProviders.fal.generate({ prompt: 'x', model: 'fal', width: 512, height: 512, connection: { apiKey: key }, signal }, out('fal')));
    expect(e.message).toBe('fal refused the credentials (HTTP 401: Invalid key ***)');
  });
});

describe('Black Forest Labs (docs.bfl.ai/quick_start/generating_images)', () => {
  const key = randomBytes(16).toString('hex');
  it('posts to the model endpoint with x-key, polls polling_url until Ready, downloads result.sample', async () => {
    nock('https://api.bfl.ai', { reqheaders: { 'x-key': key } })
      .post('/v1/flux-pro-1.1', { prompt: 'a glacier', width: 1024, height: 576, output_format: 'png' })
      .reply(200, { id: 'task-1', polling_url: 'https://api.eu1.bfl.ai/v1/get_result?id=task-1' });
    nock('https://api.eu1.bfl.ai', { reqheaders: { 'x-key': key } })
      .get('/v1/get_result')
      .query({ id: 'task-1' })
      .reply(200, { id: 'task-1', status: 'Pending' })
      .get('/v1/get_result')
      .query({ id: 'task-1' })
      .reply(200, { id: 'task-1', status: 'Ready', result: { sample: 'https://delivery-eu1.bfl.ai/results/abc/sample.png?se=1' } });
    nock('https://delivery-eu1.bfl.ai').get('/results/abc/sample.png').query(true).reply(200, png);
    const file = out('bfl');
    await imageProviders.flux.generate({ prompt: 'a glacier', model: 'flux', width: 1024, height: 576, connection: { apiKey: key }, signal }, file);
    expect(fs.readFileSync(file).equals(png)).toBe(true);
  });

  it('does not send the key to a polling URL outside BFL', async () => {
    nock('https://api.bfl.ai').post('/v1/flux-pro-1.1').reply(200, { id: 't2', polling_url: 'https://evil.example.com/collect' });
    nock('https://api.bfl.ai').get('/v1/get_result').query({ id: 't2' }).reply(200, { status: 'Content Moderated' });
    const e = await failure(imageProviders.flux.generate({ prompt: 'x', model: 'flux', width: 512, height: 512, connection: { apiKey: key }, signal }, out('bfl')));
    expect(e.message).toBe('Black Forest Labs: Content Moderated');
  });
});

describe('egress', () => {
  it('a baseUrl on a private address is refused unless private hosts are allowed; the key never leaves', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(String(req.headers['xi-api-key']));
      res.setHeader('content-type', 'audio/mpeg');
      res.end(mp3);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    nock.enableNetConnect('127.0.0.1');
    configureProviders({ egressCheck: true, allowPrivateHosts: false });
    try {
      const connection = { apiKey: 'private-net-key', baseUrl };
      const req = { text: `e ${randomBytes(4).toString('hex')}`, voice: '21m00Tcm4TlvDq8ikWAM', model: 'elevenlabs', connection, signal };
      const e = await failure(voiceProviders.elevenlabs.synthesize(req, out('eg')));
      expect(e.message).toMatch(/EREELAYFORBIDDEN/);
      expect(seen).toEqual([]);
      configureProviders({ allowPrivateHosts: true });
      const file = out('eg');
      await voiceProviders.elevenlabs.synthesize(req, file);
      expect(fs.readFileSync(file).equals(mp3)).toBe(true);
      expect(seen).toEqual(['private-net-key']);
    } finally {
      configureProviders({ egressCheck: false, allowPrivateHosts: false });
      nock.disableNetConnect();
      await new Promise((r) => server.close(r));
    }
  });
});
