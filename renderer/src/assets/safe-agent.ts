/**
 * HTTP(S) agents that refuse to connect to forbidden addresses. The check runs on the address the
 * socket actually connects to (after DNS), so DNS rebinding and names resolving to loopback are caught;
 * IP literals in URLs (which skip DNS) are checked before connecting.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { isAddressAllowed } from './address-policy';

export class ForbiddenAddressError extends Error {
  readonly code = 'EREELAYFORBIDDEN';
  constructor(readonly address: string) {
    super(`connecting to ${address} is not allowed`);
  }
}

type LookupCb = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

function safeLookup(allowPrivate: boolean) {
  return (hostname: string, options: dns.LookupOptions, cb: LookupCb) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return cb(err, []);
      const bad = addresses.find((a) => !isAddressAllowed(a.address, allowPrivate));
      if (bad) return cb(new ForbiddenAddressError(bad.address) as NodeJS.ErrnoException, []);
      if (options.all) return cb(null, addresses);
      return cb(null, addresses[0].address, addresses[0].family);
    });
  };
}

function guard<T extends Duplex>(socket: T, allowPrivate: boolean): T {
  // Belt and braces: whatever resolved, the connected peer must be allowed.
  socket.once('connect', () => {
    const remote = (socket as unknown as net.Socket).remoteAddress;
    if (remote && !isAddressAllowed(remote, allowPrivate)) socket.destroy(new ForbiddenAddressError(remote));
  });
  return socket;
}

function checkLiteral(host: string | undefined | null, allowPrivate: boolean) {
  const h = (host ?? '').replace(/^\[|\]$/g, '');
  if (net.isIP(h) && !isAddressAllowed(h, allowPrivate)) throw new ForbiddenAddressError(h);
}

export function createSafeAgents(allowPrivate: boolean): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const lookup = safeLookup(allowPrivate);
  class SafeHttpAgent extends http.Agent {
    createConnection(options: net.NetConnectOpts & { host?: string }, cb?: (err: Error | null, s: Duplex) => void): Duplex {
      checkLiteral(options.host, allowPrivate);
      // @ts-expect-error createConnection exists on http.Agent at runtime but is not in its typings
      return guard(super.createConnection({ ...options, lookup }, cb), allowPrivate);
    }
  }
  class SafeHttpsAgent extends https.Agent {
    createConnection(options: net.NetConnectOpts & { host?: string }, cb?: (err: Error | null, s: Duplex) => void): Duplex {
      checkLiteral(options.host, allowPrivate);
      // @ts-expect-error see above
      return guard(super.createConnection({ ...options, lookup }, cb), allowPrivate);
    }
  }
  return { httpAgent: new SafeHttpAgent({ keepAlive: false }), httpsAgent: new SafeHttpsAgent({ keepAlive: false }) };
}
