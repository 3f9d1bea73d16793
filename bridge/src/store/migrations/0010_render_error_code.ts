/** The stable code of a failed render (`asset_failed`, `timeout`, `render_crashed`…), shown as `code` next to `message`. */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('renders').addColumn('error_code', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('renders').dropColumn('error_code').execute();
}
