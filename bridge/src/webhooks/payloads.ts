/**
 * What a delivery sends. Subscriptions receive Standard Webhooks' `{type, timestamp, data}`; a movie's
 * own `exports[].destinations[]` webhook receives JSON2Video's flat body (numbers as strings), so a
 * JSON2Video workflow pointed at Reelay keeps parsing what it receives.
 */
import { z } from 'zod';

export const WEBHOOK_EVENT_TYPES = ['movie.done', 'movie.error', 'ping'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** Events a subscription may ask for (`ping` is sent by `POST /v2/webhooks/:id/test` whatever it asked). */
export const SUBSCRIBABLE_EVENT_TYPES = ['movie.done', 'movie.error'] as const;
export type MovieEventType = (typeof SUBSCRIBABLE_EVENT_TYPES)[number];

/** The render's state as the status endpoint shows it; null where it does not apply (e.g. url on error). */
export const movieEventDataSchema = z.object({
  project: z.string(),
  /** The movie's own `id` from its JSON, echoed like JSON2Video does. */
  id: z.string().nullable(),
  status: z.enum(['done', 'error']),
  url: z.string().nullable(),
  duration: z.number().nullable(),
  size: z.number().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  rendering_time: z.number().nullable(),
  message: z.string(),
  'client-data': z.record(z.string(), z.unknown()),
});
export type MovieEventData = z.infer<typeof movieEventDataSchema>;

export interface StandardEventBody {
  type: WebhookEventType;
  timestamp: string;
  data: Record<string, unknown>;
}

export function standardEventBody(type: WebhookEventType, data: Record<string, unknown>, at: Date): StandardEventBody {
  return { type, timestamp: at.toISOString(), data };
}

export function pingData(subscriptionId: string): Record<string, unknown> {
  return { webhook: subscriptionId, message: 'Reelay test delivery' };
}

/** JSON2Video's destination body: flat, numbers as strings; `status`/`message` added so errors are usable. */
export function json2videoBody(data: MovieEventData): Record<string, unknown> {
  const text = (value: number | null) => (value === null ? '' : String(value));
  return {
    width: text(data.width),
    height: text(data.height),
    duration: text(data.duration),
    size: text(data.size),
    url: data.url ?? '',
    project: data.project,
    id: data.id ?? '',
    status: data.status,
    message: data.message,
    'client-data': data['client-data'],
  };
}

export type BodyContentType = 'json' | 'urlencoded';

/** Serialises a body once; the exact bytes are what gets signed and sent on every attempt. */
export function encodeBody(body: Record<string, unknown>, contentType: BodyContentType): { text: string; mediaType: string } {
  if (contentType === 'json') return { text: JSON.stringify(body), mediaType: 'application/json' };
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) {
    form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return { text: form.toString(), mediaType: 'application/x-www-form-urlencoded' };
}
