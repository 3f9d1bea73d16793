/**
 * `reelay start --demo`: renders a small movie through the whole pipeline (store, queue, worker,
 * events, storage) for the default account and prints its signed URL — proof that a fresh install
 * works, without needing a key on the command line.
 */
import type { Services } from '../services';
import { getRenderById } from '../renders/repository';
import { movieStatus } from '../renders/status';
import { prepareMovie } from './prepare';
import { bodyFingerprint } from './fingerprint';
import { acceptMovie } from './submit';

export const DEMO_MOVIE = {
  comment: 'Reelay demo',
  resolution: 'custom',
  width: 640,
  height: 360,
  quality: 'medium',
  cache: false,
  scenes: [
    {
      'background-color': '#1e3a8a',
      duration: 2,
      elements: [{ type: 'text', text: 'Reelay works', settings: { 'font-size': 56, color: '#ffffff' }, 'fade-in': 0.3 }],
    },
    {
      'background-color': '#0f766e',
      duration: 2,
      transition: { style: 'fade', duration: 0.5 },
      elements: [{ type: 'text', text: 'JSON in, video out', settings: { 'font-size': 40, color: '#ffffff' } }],
    },
  ],
};

export async function renderDemo(services: Services, print: (line: string) => void, timeoutMs = 120_000): Promise<string> {
  const account = await services.db.selectFrom('accounts').select('id').orderBy('created_at').limit(1).executeTakeFirstOrThrow();
  const prepared = await prepareMovie(services, account.id, DEMO_MOVIE, null);
  const { project } = await acceptMovie(services, { accountId: account.id, keyId: null }, prepared, { bodyHash: bodyFingerprint(DEMO_MOVIE) });
  print(`reelay: rendering the demo movie (project ${project})…`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await getRenderById(services.db, project);
    if (row?.status === 'done') {
      const status = await movieStatus(services.config, row);
      print(`reelay: demo movie ready (${status.duration}s, ${status.width}×${status.height}, rendered in ${status.rendering_time}s): ${status.url}`);
      return status.url!;
    }
    if (row?.status === 'error') throw new Error(`the demo render failed: ${row.message}`);
    if (Date.now() > deadline) throw new Error(`the demo render did not finish within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
