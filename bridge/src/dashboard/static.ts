/**
 * Serves the dashboard (the `dashboard` workspace, built into static files by `npm run build`) at `/`,
 * same origin as the API so its session cookie can be SameSite=Strict and nothing comes from a CDN.
 * Every page answer carries a strict Content-Security-Policy: scripts and styles from this origin only
 * (the build has no inline script), no framing, no plugins; media may also come from https storage
 * (signed S3 links).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';

/** dashboard/dist beside bridge/ (source tree and the compiled image keep the same layout). */
export const DEFAULT_DASHBOARD_DIR = path.resolve(__dirname, '../../../dashboard/dist');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: https:",
  "media-src 'self' blob: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  next();
};

/** Paths that belong to the API or the server, never to the app's client-side routes. */
const SERVER_PATHS = /^\/(v2|v1|files|healthz|readyz|openapi\.json|docs|metrics)(\/|$)/;

export function mountDashboard(app: Express, dir = DEFAULT_DASHBOARD_DIR): void {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) {
    app.get('/', (_req, res) => {
      res.status(503).type('text/plain').send('The dashboard is not built: run `npm run build -w dashboard` (npm start does it when missing).\n');
    });
    return;
  }
  // Hashed asset names: cached for good; index.html always revalidated so a new build is picked up.
  app.use('/assets', securityHeaders, express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }));
  app.get(/.*/, (req, res, next) => {
    if (SERVER_PATHS.test(req.path) || !req.accepts('html')) return next();
    securityHeaders(req, res, () => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  });
}
