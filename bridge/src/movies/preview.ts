/**
 * POST /v2/movies/preview: one frame of a movie (or of a template with variables) as a PNG, for the
 * dashboard's editor. The same checks as POST /v2/movies (prepareMovie), then the renderer's own
 * pipeline restricted to one frame (renderer/src/render/preview.ts), run in the bridge with the
 * shared asset cache: no queue, no credits, nothing stored. Like a render job it gets the movie's
 * saved connections (opened from the same sealed payload) and its uploads' files: a generated image
 * is part of the picture, and a voice's length can set its scene's.
 */
import { previewFrame } from '@reelay/renderer/src/render/preview';
import { RenderError } from '@reelay/renderer/src/errors';
import { openConnections, type OpenedConnections } from '@reelay/renderer/src/jobs/connections';
import { runInJobContext } from '@reelay/renderer/src/jobs/job-context';
import pLimit from 'p-limit';
import { z } from 'zod';
import { ApiError, validationError } from '../errors';
import { defineRoute } from '../http/route';
import { uploadPaths } from './assets';
import { bindTemplate, loadTemplate, missingVariablesError, prepareMovie } from './prepare';

const previewBody = z
  .object({
    movie: z.record(z.string(), z.unknown()).optional(),
    template: z.string().min(1).optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
    /** Seconds into the movie; past its end, the last frame. */
    time: z.number().min(0).max(86_400).default(0),
  })
  .strict()
  .refine((b) => (b.movie === undefined) !== (b.template === undefined), { message: 'give either movie or template', path: ['movie'] });

/**
 * Previews run ffmpeg on the bridge's own machine: at most two at once per bridge, the others wait
 * their turn (an editor scrubbing fast sends one after another; a closed request leaves the queue).
 */
const inTurn = pLimit(2);

export const previewRoutes = [
  defineRoute({
    method: 'post',
    path: '/v2/movies/preview',
    scope: 'movies:create',
    rateClass: 'other',
    summary: 'One frame of a movie as a PNG',
    description:
      'Body: `{ "movie": {…}, "time": seconds }` or `{ "template": ID, "variables": {…}, "time": seconds }`. The same checks as `POST /v2/movies`, then the frame at `time` drawn by the render pipeline (no encode), assets from the cache. Free; nothing is queued or stored.',
    tags: ['movies'],
    request: { body: previewBody },
    responses: { 200: z.any().describe('image/png') },
    responseContentType: 'image/png',
    handler: async ({ body, principal, services, res }) => {
      const accountId = principal.account.id;
      let input = body.movie;
      let templateId: string | null = null;
      if (body.template !== undefined) {
        const template = await loadTemplate(services, accountId, body.template);
        const bound = bindTemplate(template, body.variables ?? {});
        if (bound.missing.length) throw missingVariablesError(bound.missing);
        input = bound.movie;
        templateId = template.id;
      }
      if (!input || Object.keys(input).length === 0) throw validationError([{ path: 'movie', message: 'required', in: 'body' }]);
      const prepared = await prepareMovie(services, accountId, input, templateId, '', principal.scopes);
      // What the render worker is handed with the job (renders/pipeline.ts, worker/render-worker.ts).
      const assets = await uploadPaths(services, accountId, prepared.jobMovie);
      let connections: OpenedConnections;
      try {
        connections = await openConnections(prepared.sealedConnections ?? undefined);
      } catch (err) {
        throw new ApiError(422, 'preview_failed', `The frame could not be drawn: could not open the movie's connections: ${(err as Error).message}`, { code: 'provider_failed', issues: [] });
      }
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const { pipeline } = services.config;
      let frame;
      try {
        frame = await inTurn(() => {
          if (abort.signal.aborted) throw new RenderError('cancelled', 'the request was closed');
          return runInJobContext({ assets }, () => previewFrame({
            movie: prepared.jobMovie, time: body.time, dataDir: services.config.dataDir, allowPrivateUrls: services.config.allowPrivateUrls,
            connections, signal: abort.signal, stallSeconds: pipeline.renderStallSeconds, memoryMb: pipeline.renderMemoryMb,
          }));
        });
      } catch (err) {
        if (!(err instanceof RenderError) || err.code === 'internal') throw err;
        const issues = err.issues ?? (err.path ? [{ path: err.path, message: err.message }] : []);
        throw new ApiError(422, 'preview_failed', `The frame could not be drawn: ${err.message}`, { code: err.code, issues });
      }
      res.setHeader('Content-Type', 'image/png');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Frame-Time', String(frame.time));
      res.setHeader('X-Movie-Duration', String(frame.duration));
      res.end(frame.png);
    },
  }),
];
