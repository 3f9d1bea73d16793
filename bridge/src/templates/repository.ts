/** Template rows: account-scoped lookups and writes. */
import type { Db } from '../store/db';
import type { TemplatesTable } from './table';
import type { DeclaredVariable } from './variables';
import './table';

export interface Template {
  id: string;
  name: string;
  description: string;
  movie: Record<string, unknown>;
  variables: DeclaredVariable[];
  created_at: string;
  updated_at: string;
}

export function toTemplate(row: TemplatesTable): Template {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    movie: JSON.parse(row.movie) as Record<string, unknown>,
    variables: JSON.parse(row.variables) as DeclaredVariable[],
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function getTemplate(db: Db, accountId: string, id: string): Promise<Template | undefined> {
  const row = await db.selectFrom('templates').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return row ? toTemplate(row) : undefined;
}
