/**
 * The bridge's reconcile sweep must not turn a render the renderers gave up on into a new render:
 * a job Bull failed because its workers kept vanishing ("stalled more than allowable limit": the
 * movie crashed them) becomes an error with code render_crashed, refunded; any other failed job
 * whose error event was lost becomes an error with its reason. Real bridge (in-process, no renderer),
 * real Redis; the vanishing worker is a Bull client that takes the job and never renews its lock.
 */
import Bull from 'bull';
import { renderCrashedMessage, RENDER_QUEUE, STALLED_LIMIT_MESSAGE, type RenderJobData } from '../../renderer/src/jobs/contract';
import { reenqueueLostRenders } from '../../bridge/src/renders/reconcile';
import { REDIS_URL, startBridge, type TestBridge } from '../helpers/bridge';
import { tinyMovie } from '../e2e/harness';

let bridge: TestBridge;
let worker: Bull.Queue<RenderJobData>;

beforeAll(async () => {
  bridge = await startBridge({ credits: 100 });
  // A worker that takes jobs and dies holding them: short lock, no stalled re-runs allowed.
  worker = new Bull<RenderJobData>(RENDER_QUEUE, REDIS_URL, { prefix: bridge.config.queuePrefix, settings: { lockDuration: 300, stalledInterval: 100, maxStalledCount: 0 } });
});
afterAll(async () => {
  await worker?.close();
  await bridge?.stop();
});

const balance = async () => (await bridge.request('GET', '/v2/account', { key: bridge.primaryKey })).body.account.credits as number;
const status = async (project: string) => (await bridge.request('GET', `/v2/movies?project=${project}`, { key: bridge.primaryKey })).body.movie;
/** The sweep as it runs once the row has waited past the lost-event delay. */
const sweepLater = () => reenqueueLostRenders(bridge.services, Date.now() + 10 * 60_000);

async function submit(text: string): Promise<string> {
  const res = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: tinyMovie(text) });
  expect(res.status).toBe(200);
  return res.body.project as string;
}

test('a job Bull failed as stalled too often (it kept killing its renderer) ends as render_crashed, refunded, never rendered again', async () => {
  const project = await submit('poison');
  expect(await balance()).toBeLessThan(100);
  const job = await worker.getNextJob();
  expect(job?.id).toBe(project);
  // Bull's stalled check: one pass notes the active jobs, the next fails those whose lock lapsed.
  const stalledCheck = () => (worker as unknown as { moveUnlockedJobsToWait(): Promise<void> }).moveUnlockedJobsToWait();
  await stalledCheck();
  await new Promise((r) => setTimeout(r, 600)); // its lock lapses: the worker is gone
  await stalledCheck();
  expect((await bridge.services.pipeline.queue.getJob(project))?.failedReason).toBe(STALLED_LIMIT_MESSAGE);

  expect(await sweepLater()).not.toContain(project);
  expect(await status(project)).toMatchObject({ status: 'error', code: 'render_crashed', message: renderCrashedMessage(3) });
  expect(await balance()).toBe(100);
  const after = await bridge.services.pipeline.queue.getJob(project);
  expect(await after?.getState()).toBe('failed');
  expect(await sweepLater()).not.toContain(project);
});

test('another failed job whose error event was lost ends as an error with its reason, not a new render', async () => {
  const project = await submit('broken');
  const job = (await worker.getNextJob())!;
  expect(job.id).toBe(project);
  job.discard();
  await job.moveToFailed({ message: 'scenes[0].elements[0]: the asset is not media' }, true);
  expect(await sweepLater()).not.toContain(project);
  expect(await status(project)).toMatchObject({ status: 'error', message: 'scenes[0].elements[0]: the asset is not media' });
  expect(await balance()).toBe(100);
});
