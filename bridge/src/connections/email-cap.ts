/**
 * Emails per account per UTC day, capped whatever the key (REELAY_EMAIL_DAILY_CAP): an email
 * destination is a way to make our SMTP connection send mail, so a leaked Render key must not turn
 * it into a spam cannon. Counted when the movie is accepted (atomic upsert, both SQL dialects);
 * a request that would cross the cap is refused and its reservation given back.
 */
import { sql } from 'kysely';
import { ApiError } from '../errors';
import type { Services } from '../services';

export function utcDay(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export async function reserveEmails(services: Services, accountId: string, count: number): Promise<number> {
  const cap = services.config.emailDailyCap;
  const day = utcDay();
  const row = await services.db
    .insertInto('email_sends')
    .values({ account_id: accountId, day, count })
    .onConflict((oc) => oc.columns(['account_id', 'day']).doUpdateSet({ count: sql<number>`email_sends.count + ${count}` }))
    .returning('count')
    .executeTakeFirstOrThrow();
  const total = Number(row.count);
  if (total > cap) {
    await services.db
      .updateTable('email_sends')
      .set({ count: sql<number>`count - ${count}` })
      .where('account_id', '=', accountId)
      .where('day', '=', day)
      .execute();
    const left = Math.max(0, cap - (total - count));
    throw new ApiError(429, 'email_cap_reached', `This account may send ${cap} emails a day; ${left} left today and this movie sends ${count}`, {
      cap,
      remaining: left,
      requested: count,
    });
  }
  return cap - total;
}
