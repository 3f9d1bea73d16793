/**
 * Structured logs (pino). Secrets are redacted by field name wherever they appear in a logged object,
 * and request logs carry the path only (never the query string or headers), so a key can not leak
 * through a log line. Tests pass their own destination to capture and scan the output.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

const SECRET_FIELDS = [
  'key',
  'apiKey',
  'api_key',
  'x-api-key',
  'authorization',
  'Authorization',
  'password',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'privateKey',
  'passphrase',
  'cookie',
];

/**
 * Redaction paths for the field names above at the top level and one level down (`*.key`).
 * Deeper wildcards (`*.*.key`) cost a lot on every log line; log objects are kept flat instead.
 */
export const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => {
  const p = /^[A-Za-z_$][\w$]*$/.test(f) ? f : `["${f}"]`;
  const dot = p.startsWith('[') ? p : `.${p}`;
  return [p, `*${dot}`, `req.headers${dot}`];
});

/**
 * Default destination: stdout, buffered (a write syscall per request log line cost about a tenth of
 * an authenticated request). Flushed every 250 ms and, by pino, at exit.
 */
function bufferedStdout(): DestinationStream {
  const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      dest.flush();
    } catch {
      // a flush while a write is in flight is retried on the next tick of the interval
    }
  }, 250).unref();
  return dest;
}

/**
 * Stdout written at once: for processes that log a few lines per render (`reelay renderer`), where a
 * line lost to a SIGKILL or late by 250 ms costs more than the write.
 */
export const syncStdout = (): DestinationStream => pino.destination({ dest: 1, sync: true });

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'reelay-bridge' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination ?? bufferedStdout(),
  );
}
