/**
 * A renderer process for the segment tests (segments-queue.test.ts): a real worker on the test's
 * Redis prefix and data directory, its log as JSON lines on stdout so the test sees which segments
 * it renders and the pids of its ffmpeg. Env: PREFIX, DATA_DIR, SEGMENT_SCENES.
 */
import { createRenderWorker } from '../../renderer/src/worker/render-worker';

const line = (level: string) => (obj: object | string, msg?: string) =>
  process.stdout.write(JSON.stringify({ level, pid: process.pid, ...(typeof obj === 'string' ? { msg: obj } : { ...obj, msg }) }) + '\n');
const worker = createRenderWorker({
  redis: 'redis://127.0.0.1:6379', prefix: process.env.PREFIX!, dataDir: process.env.DATA_DIR!, allowPrivateUrls: true,
  segments: { maxScenes: Number(process.env.SEGMENT_SCENES ?? 0) },
  logger: { info: line('info'), warn: line('warn'), error: line('error'), debug: () => undefined },
});
void worker.ready.then(() => process.stdout.write(JSON.stringify({ msg: 'ready', pid: process.pid }) + '\n'));
process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
