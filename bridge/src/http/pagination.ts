/** Cursor pagination shared by list routes: `?limit=50&cursor=<last id of the previous page>`, newest first. */
import { z } from 'zod';

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(100).optional().describe('the nextCursor of the previous page'),
});

/** Given limit+1 rows fetched newest first, returns the page and the cursor of the next one. */
export function page<T extends { id: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}
