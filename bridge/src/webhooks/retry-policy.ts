/**
 * When to try a delivery again. The schedule (seconds between attempts) comes from the config:
 * `DEFAULT_WEBHOOK_RETRY_SCHEDULE`, or `REELAY_WEBHOOK_RETRY_SCHEDULE` (comma-separated seconds),
 * which the tests use to retry within a second.
 */

/** A subscription whose deliveries have failed without a single success for this long is disabled. */
export const DEFAULT_DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600 * 1000;

/** Per-attempt HTTP timeout (Standard Webhooks recommends 15–30 s; Svix uses 15 s). */
export const DELIVERY_TIMEOUT_MS = 15_000;

/** ±20 % jitter, so receivers that come back up are not hit by every queued retry in the same second. */
const JITTER = 0.2;

/**
 * Milliseconds to wait after `failedAttempts` failed attempts, or null when the schedule is used up.
 * A `Retry-After` from a 429/503 replaces the scheduled wait (it is the receiver telling us when it can
 * take traffic again), capped at the schedule's longest step so a bogus value cannot park a delivery.
 */
export function nextRetryDelayMs(
  schedule: readonly number[],
  failedAttempts: number,
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number | null {
  if (failedAttempts < 1 || failedAttempts > schedule.length) return null;
  if (retryAfterSeconds !== null) {
    const cap = Math.max(...schedule);
    return Math.round(Math.min(retryAfterSeconds, cap) * 1000);
  }
  const base = schedule[failedAttempts - 1] * 1000;
  return Math.max(0, Math.round(base * (1 + JITTER * (2 * random() - 1))));
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: Date = new Date()): number | null {
  if (value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}
