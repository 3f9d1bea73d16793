/**
 * The early check of a subscription URL, so a forbidden target is refused when it is registered
 * (400 forbidden_url) rather than failing silently later. The real guard is at connect time: every
 * attempt goes through the renderer's SSRF-safe agents (assets/safe-agent.ts), which check the address
 * actually connected to, so DNS rebinding after this check gains nothing.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import { isAddressAllowed } from '@reelay/renderer/src/assets/address-policy';

const LOOKUP_TIMEOUT_MS = 3000;

/** Why `raw` may not receive webhooks, or null when it may. */
export async function targetUrlProblem(raw: string, allowPrivate: boolean): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `the ${url.protocol.replace(':', '')} scheme is not allowed (http or https only)`;
  if (url.username || url.password) return 'must not contain a user name or password (use the URL of a hook, e.g. a Zapier Catch Hook)';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const refused = `'${url.hostname}' is a private, loopback or link-local address; webhook targets must be public`;
  if (net.isIP(host)) return isAddressAllowed(host, allowPrivate) ? null : refused;
  if (host === 'localhost' || host.endsWith('.localhost')) return allowPrivate ? null : refused;
  try {
    const addresses = await Promise.race([
      dns.lookup(host, { all: true }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), LOOKUP_TIMEOUT_MS).unref()),
    ]);
    return addresses.every((a) => isAddressAllowed(a.address, allowPrivate)) ? null : refused;
  } catch {
    // Not resolvable now (e.g. DNS not yet propagated): allowed; each attempt is checked when it connects.
    return null;
  }
}
