/** GET/HEAD /files/:name?sig=JWT — the signed, expiring links of finished movies, posters and uploads. */
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { serveSignedFile } from './signed-urls';

export const fileRoutes = [
  defineRoute({
    method: 'get',
    path: '/files/:name',
    scope: 'public',
    summary: 'Download a file by its signed link',
    description: 'No API key: the link itself (a JWT, 7 days by default) is the permission. Supports `Range` requests.',
    tags: ['files'],
    request: { params: z.object({ name: z.string() }), query: z.object({ sig: z.string().optional() }) },
    responses: { 200: z.any().describe('the file'), 206: z.any().describe('part of the file') },
    handler: async ({ services, req, res }) => {
      await serveSignedFile(services.pipeline.storage, services.config.jwtSecret, req, res);
    },
  }),
];
