/**
 * Where a movie's export destinations would send the render (and, for a saved connection, its secret),
 * checked at POST /v2/movies like asset URLs are, rather than failing (and being retried) at delivery:
 * webhook endpoints must be http(s) URLs, and FTP, SFTP and SMTP hosts as well as webhook hosts must
 * be addresses the renderer may reach — loopback and private ranges only with REELAY_ALLOW_PRIVATE_URLS,
 * link-local and cloud metadata never (one policy: renderer/src/assets/address-policy.ts). Both fully
 * inline destinations and the merged result of a saved connection with its inline overrides count.
 * The renderer and the webhook queue check the connected address again (DNS rebinding).
 */
import { ApiError, type ValidationProblem } from '../errors';
import { hostAllowed } from '../movies/assets';

/** One destination to check: its JSON path, its type and its (merged) fields. */
export interface DestinationTarget {
  path: string;
  type: string;
  fields: Record<string, unknown>;
}

const HOST_FIELD: Record<string, string> = { ftp: 'host', sftp: 'host', email: 'host' };

/** Why this destination may not be sent to, or null. */
export async function destinationTargetProblem(target: DestinationTarget, allowPrivate: boolean): Promise<ValidationProblem | null> {
  const refused = (field: string, host: string): ValidationProblem => ({
    path: `${target.path}.${field}`,
    message: `'${host}' is a private, loopback or link-local address; export destinations must be public`,
    in: 'body',
  });
  if (target.type === 'webhook') {
    const raw = target.fields.endpoint;
    if (typeof raw !== 'string') return null; // the schema reports a missing endpoint
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { path: `${target.path}.endpoint`, message: 'must be an absolute http(s) URL', in: 'body' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { path: `${target.path}.endpoint`, message: `the ${url.protocol.replace(':', '')} scheme is not allowed (http or https only)`, in: 'body' };
    }
    return (await hostAllowed(url.hostname, allowPrivate)) ? null : refused('endpoint', url.hostname);
  }
  const field = HOST_FIELD[target.type];
  const host = field ? target.fields[field] : undefined;
  if (typeof host !== 'string' || host === '') return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(host) && !/^\[?[0-9a-f:.]+\]?$/i.test(host)) {
    return { path: `${target.path}.${field}`, message: 'a host name or IP address, without scheme or path', in: 'body' };
  }
  return (await hostAllowed(host, allowPrivate)) ? null : refused(field, host);
}

/** Throws 400 forbidden_url listing every destination that may not be sent to. */
export async function checkDestinationTargets(targets: readonly DestinationTarget[], allowPrivate: boolean): Promise<void> {
  const problems: ValidationProblem[] = [];
  for (const t of targets) {
    const problem = await destinationTargetProblem(t, allowPrivate);
    if (problem) problems.push(problem);
  }
  if (problems.length === 0) return;
  const first = problems[0];
  throw new ApiError(400, 'forbidden_url', `${first.path}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
}
