// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient module mapping, see the file
/// <reference path="../types/kysely-migration.d.ts" />
/**
 * Opens the store chosen by the config: SQLite (better-sqlite3) by default, PostgreSQL (pg) when
 * DATABASE_URL is postgres://. Both behind one typed Kysely instance; migrations run through
 * Kysely's Migrator from the static list in ./migrations.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { Pool, types } from 'pg';
import type { Config } from '../config';
import { migrations } from './migrations';
import type { Database } from './schema';

export type Db = Kysely<Database>;
export type Dialect = Config['database']['kind'];

// PostgreSQL returns bigint (int8) as a string; our counters (credits, sizes) fit in a JS number.
types.setTypeParser(20, (v) => Number(v));

export function openDb(database: Config['database']): Db {
  if (database.kind === 'sqlite') {
    if (database.file !== ':memory:') mkdirSync(path.dirname(database.file), { recursive: true });
    const sqlite = new BetterSqlite3(database.file);
    // WAL lets several bridge instances (and the CLI) share the file; busy_timeout waits for the writer.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  }
  const pool = new Pool({
    connectionString: database.url,
    max: 10,
    ...(database.schema ? { options: `-c search_path=${database.schema}` } : {}),
  });
  // An idle connection the server ends (restart, failover, an administrator) is reported here, and
  // unheard it was an uncaught exception that took the process down. The pool has already dropped
  // that connection and the next query opens a new one; queries in flight get their own error.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Kysely's SQLite driver prepares every query afresh; preparing costs more than running a keyed
 * lookup. better-sqlite3 statements are synchronous, so one prepared statement per SQL text can be
 * reused safely.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (source: string) => {
          let stmt = cache.get(source);
          if (!stmt) {
            if (cache.size >= 500) cache.clear();
            stmt = prepare(source);
            cache.set(source, stmt);
          }
          return stmt;
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Creates the configured PostgreSQL schema if missing (no-op for SQLite). */
export async function ensureSchema(db: Db, database: Config['database']): Promise<void> {
  if (database.kind === 'postgres' && database.schema) {
    try {
      await sql`create schema if not exists ${sql.id(database.schema)}`.execute(db);
    } catch (err) {
      // Two processes creating it at the same instant: PostgreSQL's IF NOT EXISTS is not atomic, and
      // the loser gets a unique violation on pg_namespace (23505) or duplicate_schema (42P06). It exists.
      if (!['23505', '42P06'].includes((err as { code?: string }).code ?? '')) throw err;
    }
  }
}

/**
 * Applies every pending migration; throws with the failing migration's name. On SQLite, processes
 * starting together on a new store race (Kysely's migration lock is per connection there): the loser's
 * transaction rolls back ("table … already exists", busy), so it tries again and finds them applied.
 */
export async function migrateToLatest(db: Db, database: Config['database']): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(db, database);
    } catch (err) {
      if (database.kind !== 'sqlite' || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
    }
  }
}

async function migrateOnce(db: Db, database: Config['database']): Promise<string[]> {
  await ensureSchema(db, database);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Kysely looks for its bookkeeping tables across every schema unless told which one: with several
    // schemas in one database (tests, tenants) it would find another schema's table and skip creating its own.
    ...(database.kind === 'postgres' && database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`${failed ? `migration ${failed.migrationName}` : 'migrating the store'} failed: ${cause}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pingDb(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Rows changed by an update/delete, on both dialects. */
export function changedRows(result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }): number {
  return Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0n);
}
