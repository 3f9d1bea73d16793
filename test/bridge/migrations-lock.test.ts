/**
 * Several bridges starting together on a new PostgreSQL store (a compose stack scaled up, a rolling
 * upgrade) run the migrations once: each opens its own pool, as separate processes do, and all of
 * them start; every migration is recorded once.
 */
import { Client } from 'pg';
import { migrateToLatest, openDb } from '../../bridge/src/store/db';
import { migrations } from '../../bridge/src/store/migrations';
import { PG_URL } from '../helpers/bridge';

const BRIDGES = 4;
const database = `reelay_migrate_${process.pid}`;
const url = PG_URL.replace(/\/[^/]*$/, `/${database}`);

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(() => admin(`create database ${database}`));
afterAll(() => admin(`drop database if exists ${database} with (force)`));

test.each([
  ['the default schema', undefined],
  ['a schema of its own (REELAY_DATABASE_SCHEMA)', 'tenant_a'],
])(`%s: ${BRIDGES} bridges at once migrate it once`, async (_name, schema) => {
  const config = { kind: 'postgres' as const, url, schema };
  const dbs = Array.from({ length: BRIDGES }, () => openDb(config));
  try {
    const applied = await Promise.all(dbs.map((db) => migrateToLatest(db, config)));
    // Each migration was applied by exactly one of them.
    expect(applied.flat().sort()).toEqual(Object.keys(migrations).sort());
    const c = new Client({ connectionString: url });
    await c.connect();
    const rows = await c.query(`select name from ${schema ? `${schema}.` : ''}kysely_migration`);
    await c.end();
    expect(rows.rows.map((r: { name: string }) => r.name).sort()).toEqual(Object.keys(migrations).sort());
  } finally {
    await Promise.all(dbs.map((db) => db.destroy()));
  }
});
