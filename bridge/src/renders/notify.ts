/**
 * Tells the webhooks module that a render ended (movie.done / movie.error), with the status data
 * subscribers and the movie's own export webhooks receive. Called only by the call that made the
 * transition; the webhooks side deduplicates anyway (events arrive at least once).
 */
import type { Services } from '../services';
import { getRenderById } from './repository';
import { movieStatus } from './status';

/** What `publishMovieEvent` (bridge/src/webhooks/events.ts) takes. */
export interface MovieEndedEvent {
  accountId: string;
  type: 'movie.done' | 'movie.error';
  movie: unknown;
  data: {
    project: string;
    id: string | null;
    status: 'done' | 'error';
    url: string | null;
    duration: number | null;
    size: number | null;
    width: number | null;
    height: number | null;
    rendering_time: number | null;
    message: string;
    'client-data': Record<string, unknown>;
  };
}

declare module '../services' {
  interface FeatureServices {
    /** Set by the webhooks feature (publishMovieEvent bound to its store and queue). */
    publishMovieEvent?: (event: MovieEndedEvent) => Promise<unknown>;
  }
}

export async function notifyRenderEnded(services: Services, project: string): Promise<void> {
  const publish = services.publishMovieEvent;
  if (!publish) return; // a bridge built without the webhooks feature
  const row = await getRenderById(services.db, project);
  if (!row || (row.status !== 'done' && row.status !== 'error')) return;
  const status = await movieStatus(services.config, row);
  try {
    await publish({
      accountId: row.account_id,
      type: row.status === 'done' ? 'movie.done' : 'movie.error',
      movie: JSON.parse(row.movie),
      data: {
        project: row.project,
        id: status.movie_id,
        status: row.status,
        url: status.url,
        duration: status.duration,
        size: status.size,
        width: status.width,
        height: status.height,
        rendering_time: status.rendering_time,
        message: status.message,
        'client-data': status['client-data'],
      },
    });
  } catch (err) {
    services.logger.error({ err, project }, 'could not publish the movie event');
  }
}
