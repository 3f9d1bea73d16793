/**
 * The bridge's Prometheus metrics: one registry per services container (tests run several bridges in
 * one process), named `reelay_<thing>_<unit>`, labelled only by small fixed sets (route class,
 * status class, outcome, queue) so the series count never grows with traffic.
 */
import type { RenderErrorCode } from '@reelay/renderer/src/errors';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Labels: `route` (rate class, `public`, `dashboard` or `unmatched`), `method`, `status` (2xx…5xx). */
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  /** Renders ended, by `status` (`done`, `error`) and `code` (the error code, or `none`). */
  renders: Counter<'status' | 'code'>;
  /** Wall time from a renderer taking the job to its finished file. */
  renderSeconds: Histogram;
  /** Seconds of video encoded: divided by render seconds, how many times real time renderers run. */
  encodedVideoSeconds: Counter;
  /** Attempts by outcome: `succeeded`, `retrying` (failed, another attempt scheduled), `failed` (given up). */
  webhookDeliveries: Counter<'outcome'>;
  creditsCharged: Counter;
  creditsRefunded: Counter;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'reelay_' });
  const statusLabels = ['route', 'method', 'status'] as const;
  return {
    registry,
    httpRequests: new Counter({ name: 'reelay_http_requests_total', help: 'HTTP requests answered, by route class, method and status class', labelNames: statusLabels, registers: [registry] }),
    httpDuration: new Histogram({
      name: 'reelay_http_request_duration_seconds',
      help: 'Time from request to the end of the answer, by route class, method and status class',
      labelNames: statusLabels,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    renders: new Counter({ name: 'reelay_renders_total', help: 'Renders ended, by status (done, error) and error code', labelNames: ['status', 'code'], registers: [registry] }),
    renderSeconds: new Histogram({
      name: 'reelay_render_duration_seconds',
      help: 'Seconds from a renderer starting a movie to its finished file',
      buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 3600],
      registers: [registry],
    }),
    encodedVideoSeconds: new Counter({ name: 'reelay_encoded_video_seconds_total', help: 'Seconds of finished video encoded', registers: [registry] }),
    webhookDeliveries: new Counter({ name: 'reelay_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome', labelNames: ['outcome'], registers: [registry] }),
    creditsCharged: new Counter({ name: 'reelay_credits_charged_total', help: 'Credits taken from accounts for renders', registers: [registry] }),
    creditsRefunded: new Counter({ name: 'reelay_credits_refunded_total', help: 'Credits given back (failed renders, shorter movies than estimated)', registers: [registry] }),
  };
}

/** `2xx`…`5xx`: a status label with five values. */
export function statusClass(code: number): string {
  return `${Math.floor(code / 100)}xx`;
}

/** Every renderer error code (the compiler checks the list is whole); the bridge's own count as `other`. */
const RENDER_ERROR_CODES: Record<RenderErrorCode, true> = {
  invalid_movie: true, not_supported: true, asset_forbidden: true, asset_failed: true, asset_unavailable: true, provider_missing: true,
  provider_failed: true, ffmpeg_failed: true, cancelled: true, timeout: true, stalled: true, memory_limit: true, render_crashed: true, internal: true,
};

/** The `code` label of an ended render: one of a fixed set, so the series count stays bounded. */
export function renderCodeLabel(code: string): string {
  return Object.prototype.hasOwnProperty.call(RENDER_ERROR_CODES, code) ? code : 'other';
}
