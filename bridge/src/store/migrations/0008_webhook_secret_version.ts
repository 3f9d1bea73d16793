/**
 * A subscription's secret version: 1 at creation, one more on every rotation. Not secret itself; it
 * lets a receiver that keeps the secret (the n8n trigger) notice that it was rotated elsewhere.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_subscriptions').addColumn('secret_version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_subscriptions').dropColumn('secret_version').execute();
}
