/** GET/HEAD /files/:name?sig=JWT — the signed, expiring links of finished movies, posters and uploads. */
import { z } from 'zod';
import { defineRoute } from '../http/route';
import type { Response } from 'express';
import { serveSignedFile } from './signed-urls';

/**
 * Served files are user content (uploads are checked by their magic bytes only, so a PNG header may
 * carry HTML): the browser must take the declared type (nosniff) and, should it render the file as a
 * document anyway, run nothing and load nothing (CSP `default-src 'none'; sandbox`).
 */
export const FILE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
};

export function setFileHeaders(res: Response): void {
  for (const [k, v] of Object.entries(FILE_HEADERS)) res.setHeader(k, v);
}

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
      setFileHeaders(res);
      await serveSignedFile(services.pipeline.storage, services.config.jwtSecret, req, res);
    },
  }),
];
