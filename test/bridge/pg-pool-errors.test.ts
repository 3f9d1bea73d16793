/**
 * PostgreSQL ends a pooled connection while it sits idle (a restart, a failover, an administrator,
 * `idle_session_timeout`): the bridge must go on, the next query on a new connection. Without a
 * listener, the pool's `error` event was an uncaught exception (it failed CI once, when a test dropped
 * its database with a pool's connection still open).
 */
import { sql } from 'kysely';
import { Client } from 'pg';
import { openDb } from '../../bridge/src/store/db';
import { PG_URL } from '../helpers/bridge';

test('an idle connection terminated by the server does not crash the process; the next query works', async () => {
  const db = openDb({ kind: 'postgres', url: PG_URL });
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
    // The connection is back in the pool, idle, when the server ends it.
    await admin.query('select pg_terminate_backend($1)', [rows[0].pid]);
    await new Promise((r) => setTimeout(r, 300));
    const again = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(again.rows[0].one).toBe(1);
    expect(uncaught).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
    await admin.end();
    await db.destroy();
  }
});
