/**
 * Test helper: a real bridge on a loopback port with a fresh store and a fresh Redis prefix.
 *
 *   import { startBridge, type TestBridge } from '../helpers/bridge';
 *   let bridge: TestBridge;
 *   beforeAll(async () => { bridge = await startBridge(); });          // SQLite file in a temp dir
 *   // or startBridge({ db: 'postgres' })                               // fresh PostgreSQL schema
 *   // or startBridge({ env: { REELAY_ALLOW_PRIVATE_URLS: 'true' } })   // any env/config override
 *   afterAll(() => bridge.stop());                                      // drops schema, Redis keys, temp dir
 *
 *   const res = await bridge.request('GET', '/v2/account', { key: bridge.primaryKey });
 *   res.status, res.body, res.headers
 *   const { key } = await bridge.keyWithRole('render');                // or keyWithScopes(['movies:read'])
 *   const other = await bridge.createAccount({ credits: 10 });         // { account, primaryKey }
 *   const second = await bridge.startAnotherInstance();                // same store + Redis, own port
 *
 * Every log line of every instance is captured in `bridge.logs`; stop() fails if any contains a full
 * API key. Rate limits default to very high values here (the rate-limit suite sets its own), and
 * responses are checked against their declared schemas (a mismatch answers 500).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { createAccount } from '../../bridge/src/accounts';
import { buildApp } from '../../bridge/src/app';
import { loadConfig, type Config } from '../../bridge/src/config';
import { randomBase62 } from '../../bridge/src/ids';
import { KEY_PATTERN } from '../../bridge/src/keys/format';
import { insertKey } from '../../bridge/src/keys/repository';
import type { Role } from '../../bridge/src/keys/scopes';
import type { AccountsTable } from '../../bridge/src/store/schema';
import { createServices, type Services } from '../../bridge/src/services';

export const PG_URL = process.env.REELAY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REELAY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface StartOptions {
  db?: 'sqlite' | 'postgres';
  /** Extra environment (parsed by the real config loader). */
  env?: Record<string, string>;
  /** Direct config overrides applied after parsing. */
  config?: Partial<Config>;
  /** Credits of the default account (null = unlimited). */
  credits?: number | null;
}

export interface HttpResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  key?: string;
  body?: unknown;
  /** raw body string (sent as is) */
  raw?: string;
  headers?: Record<string, string>;
}

export interface TestBridge {
  url: string;
  services: Services;
  server: Server;
  config: Config;
  account: AccountsTable;
  primaryKey: string;
  primaryKeyId: string;
  logs: string[];
  request(method: string, path: string, opts?: RequestOptions): Promise<HttpResult>;
  createAccount(opts?: { name?: string; credits?: number | null }): Promise<{ account: AccountsTable; primaryKey: string; primaryKeyId: string }>;
  keyWithScopes(scopes: string[], opts?: { accountId?: string; expiresAt?: string | null; grantAll?: boolean }): Promise<{ key: string; id: string }>;
  keyWithRole(role: Role, opts?: { accountId?: string; expiresAt?: string | null }): Promise<{ key: string; id: string }>;
  startAnotherInstance(): Promise<TestBridge>;
  stop(): Promise<void>;
}

const HIGH_LIMIT = '100000/100000';

export function testPrefix(): string {
  return `reelay-test-${randomBase62(10).toLowerCase()}`;
}

async function withPg<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function captureStream(logs: string[]): Writable {
  return new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
}

interface Shared {
  config: Config;
  cleanup: () => Promise<void>;
  logs: string[];
  instances: TestBridge[];
}

async function launch(shared: Shared, first: boolean, opts: StartOptions): Promise<TestBridge> {
  const services = await createServices(shared.config, { logDestination: captureStream(shared.logs) });
  const server = await new Promise<Server>((resolve) => {
    const s = buildApp(services).listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;

  let account: AccountsTable;
  let primaryKey: string;
  let primaryKeyId: string;
  if (first) {
    ({ account, primaryKey, primaryKeyId } = await createAccount(services.db, { name: 'test', credits: opts.credits ?? null }));
  } else {
    const main = shared.instances[0];
    ({ account, primaryKey, primaryKeyId } = main);
  }

  const bridge: TestBridge = {
    url,
    services,
    server,
    config: shared.config,
    account,
    primaryKey,
    primaryKeyId,
    logs: shared.logs,
    async request(method, p, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.key !== undefined) headers['x-api-key'] = o.key;
      let body: string | undefined;
      if (o.raw !== undefined) {
        body = o.raw;
        headers['content-type'] ??= 'application/json';
      } else if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(url + p, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, headers: res.headers, text };
    },
    createAccount: (o = {}) => createAccount(services.db, { name: o.name ?? 'other', credits: o.credits ?? null }),
    async keyWithScopes(scopes, o = {}) {
      const { secret, row } = await insertKey(services.db, {
        accountId: o.accountId ?? account.id,
        name: `test ${scopes.join(' ')}`,
        scopes,
        grantAll: o.grantAll,
        expiresAt: o.expiresAt ?? null,
      });
      return { key: secret, id: row.id };
    },
    async keyWithRole(role, o = {}) {
      const { secret, row } = await insertKey(services.db, { accountId: o.accountId ?? account.id, name: `test ${role}`, role, expiresAt: o.expiresAt ?? null });
      return { key: secret, id: row.id };
    },
    startAnotherInstance: () => launch(shared, false, opts),
    async stop() {
      // Stopping the first instance stops them all and cleans the shared store and Redis prefix.
      const all = first ? shared.instances.splice(0).reverse() : shared.instances.splice(shared.instances.indexOf(bridge), 1);
      for (const b of all) {
        await new Promise<void>((resolve) => b.server.close(() => resolve()));
        b.server.closeAllConnections?.();
        await b.services.close();
      }
      if (first) {
        await shared.cleanup();
        const leaked = shared.logs.filter((l) => new RegExp(KEY_PATTERN.source).test(l));
        if (leaked.length) throw new Error(`a full API key appeared in ${leaked.length} log line(s), e.g. ${leaked[0].slice(0, 300)}`);
      }
    },
  };
  shared.instances.push(bridge);
  return bridge;
}

export async function startBridge(opts: StartOptions = {}): Promise<TestBridge> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-test-'));
  const prefix = testPrefix();
  const schema = prefix.replace(/-/g, '_');
  const env: Record<string, string> = {
    REELAY_DATA_DIR: dir,
    REDIS_URL,
    REELAY_QUEUE_PREFIX: prefix,
    REELAY_LOG_LEVEL: 'info',
    REELAY_ALLOW_PRIVATE_URLS: 'true',
    REELAY_WEBHOOK_RETRY_SCHEDULE: '1,1,1',
    REELAY_RATE_LIMIT_RENDER: HIGH_LIMIT,
    REELAY_RATE_LIMIT_BATCH: HIGH_LIMIT,
    REELAY_RATE_LIMIT_READ: HIGH_LIMIT,
    REELAY_RATE_LIMIT_KEYS: HIGH_LIMIT,
    REELAY_RATE_LIMIT_OTHER: HIGH_LIMIT,
    REELAY_AUTH_FAILURE_LIMIT: HIGH_LIMIT,
    ...(opts.db === 'postgres' ? { DATABASE_URL: PG_URL, REELAY_DATABASE_SCHEMA: schema } : {}),
    ...(opts.env ?? {}),
  };
  const config: Config = { ...loadConfig(env), validateResponses: true, ...(opts.config ?? {}) };
  const shared: Shared = {
    config,
    logs: [],
    instances: [],
    cleanup: async () => {
      const Redis = (await import('ioredis')).default;
      const redis = new Redis(REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
      if (opts.db === 'postgres') await withPg((c) => c.query(`drop schema if exists "${schema}" cascade`));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    return await launch(shared, true, opts);
  } catch (err) {
    await shared.cleanup().catch(() => undefined);
    throw err;
  }
}
