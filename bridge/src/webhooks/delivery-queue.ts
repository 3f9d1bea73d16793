/**
 * The delivery engine: a Bull 4 `webhooks` queue whose jobs are wake-ups `{deliveryId, attempt}` for
 * rows of `webhook_deliveries`. Each job claims its row, makes one signed attempt, and records the
 * outcome; a failure schedules the next attempt as a new delayed job. Because the row (not the job)
 * holds the state, a sweeper can rebuild every job from the store after a restart or a Redis loss, and
 * a duplicate job never causes a duplicate send (the claim fails).
 */
import Bull from 'bull';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { type ConnectionResolver, type SealedDestinationLookup, resolveTarget } from './destinations';
import { DEFAULT_DISABLE_AFTER_FAILING_MS, DELIVERY_TIMEOUT_MS, nextRetryDelayMs } from './retry-policy';
import { type SecretCipher, signingSecrets } from './secrets';
import { type AttemptOutcome, type OutboundAgents, attemptDelivery, isSuccess } from './send';
import { signatureHeader } from './signing';
import {
  type DeliveryRow,
  type DestinationTarget,
  type SubscriptionRow,
  type WebhookDb,
  claimDelivery,
  dueDeliveries,
  findDelivery,
  insertAttempt,
} from './store';

export const WEBHOOKS_QUEUE = 'webhooks';

export interface DeliveryJob {
  deliveryId: string;
  /** The row's attempt count when this job was scheduled; a job for an older attempt is stale. */
  attempt: number;
}

export interface WebhookAuditEntry {
  accountId: string;
  event: 'webhook.disabled';
  details: Record<string, unknown>;
}

export interface DeliveryQueueOptions {
  db: WebhookDb;
  redisUrl: string;
  queuePrefix: string;
  /** Seconds between attempts (config `webhookRetrySchedule`). */
  retrySchedule: readonly number[];
  agents: OutboundAgents;
  cipher: SecretCipher;
  logger: Logger;
  audit?: (entry: WebhookAuditEntry) => Promise<void>;
  resolveConnection?: ConnectionResolver;
  /** Inline fields of a movie destination from its render's sealed blob (opened per request, never logged). */
  sealedDestination?: SealedDestinationLookup;
  /** @default 5 days: a subscription failing this long without a success is disabled. */
  disableAfterFailingMs?: number;
  /** @default 30 s: how often the store is swept for deliveries that have no job. */
  sweepIntervalMs?: number;
  /** @default 16 parallel deliveries per process. */
  concurrency?: number;
  /** @default 15 s per attempt. */
  timeoutMs?: number;
  /** Told each attempt's outcome (metrics): `pending` means another attempt is scheduled. */
  onAttempt?: (status: DeliveryRow['status']) => void;
}

const USER_AGENT = 'Reelay-Webhooks/1.0';
const DELIVERY_LOG_RETENTION_MS = 30 * 24 * 3600 * 1000;

export class DeliveryQueue {
  readonly queue: Bull.Queue<DeliveryJob>;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastPrune = 0;
  private readonly lockMs: number;

  constructor(private readonly options: DeliveryQueueOptions) {
    this.queue = new Bull<DeliveryJob>(WEBHOOKS_QUEUE, options.redisUrl, { prefix: options.queuePrefix });
    // An attempt may take the whole timeout; the claim must outlive it so nobody else takes the row.
    // A process that dies mid-attempt leaves the claim; its row is retried once the claim lapses.
    this.lockMs = (options.timeoutMs ?? DELIVERY_TIMEOUT_MS) + 5_000;
    this.queue.on('error', (err) => options.logger.warn({ err: err.message }, 'webhooks queue error'));
  }

  /** Starts processing and the sweeper (which runs once at once: this is the restart recovery). */
  async start(): Promise<void> {
    // Bull names its blocking connection (CLIENT SETNAME, only for `getWorkers()`, unused here) from a
    // promise nobody awaits; queued behind a blocking pop, it rejects unhandled when the queue closes.
    (this.queue as unknown as { setWorkerName: () => Promise<void> }).setWorkerName = async () => undefined;
    // The promise settles only when the queue closes (Bull 4 may reject it then): nothing to report.
    this.queue
      .process(this.options.concurrency ?? 16, async (job) => {
        const status = await this.process(job.data);
        if (status !== 'skipped') this.options.onAttempt?.(status);
        return status;
      })
      .catch(() => undefined);
    await this.clientsReady();
    await this.sweep();
    const interval = this.options.sweepIntervalMs ?? 30_000;
    this.sweepTimer = setInterval(() => void this.sweep(), interval);
    this.sweepTimer.unref();
  }

  /**
   * Bull 4 opens its subscriber and blocking Redis connections lazily while `process()` starts, and its
   * close() does not wait for that: closed too early, the late connections stay open and keep the
   * process alive. Creating them now (the getters cache them) and waiting until they are ready makes
   * a later close() end them.
   */
  private async clientsReady(): Promise<void> {
    const lazy = this.queue as unknown as { eclient: Redis; bclient: Redis };
    await this.queue.isReady();
    const ready = (client: Redis) =>
      client.status === 'ready'
        ? undefined
        : new Promise<void>((resolve) => {
            client.once('ready', () => resolve());
            client.once('end', () => resolve());
          });
    await Promise.all([ready(lazy.eclient), ready(lazy.bclient)]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.queue.close();
  }

  /** Schedules the row's next attempt; a Redis failure is only logged (the sweeper tries again). */
  async enqueue(row: Pick<DeliveryRow, 'id' | 'attempts' | 'next_attempt_at'>, now = new Date()): Promise<void> {
    const due = row.next_attempt_at ? Date.parse(row.next_attempt_at) : now.getTime();
    try {
      await this.queue.add(
        { deliveryId: row.id, attempt: row.attempts },
        {
          jobId: `${row.id}-a${row.attempts}`,
          delay: Math.max(0, due - now.getTime()),
          attempts: 1,
          removeOnComplete: true,
          removeOnFail: true,
        },
      );
    } catch (err) {
      this.options.logger.warn({ deliveryId: row.id, err: (err as Error).message }, 'webhook delivery not enqueued; the sweeper will retry');
    }
  }

  /**
   * Re-creates jobs for every delivery that is due soon or whose sender died. Bull ignores an add
   * whose job id exists, so sweeping while jobs are intact is harmless.
   */
  async sweep(): Promise<number> {
    const now = new Date();
    const horizon = new Date(now.getTime() + 2 * (this.options.sweepIntervalMs ?? 30_000));
    let count = 0;
    try {
      await this.pruneLog(now);
      const rows = await dueDeliveries(this.options.db, now, horizon, 1000);
      for (const row of rows) {
        await this.enqueue(row, now);
        count += 1;
      }
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'webhook sweep failed');
    }
    return count;
  }

  /** Finished deliveries are kept 30 days for the log, then removed (checked at most hourly). */
  private async pruneLog(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < 3600_000) return;
    this.lastPrune = now.getTime();
    const before = new Date(now.getTime() - DELIVERY_LOG_RETENTION_MS).toISOString();
    const { db } = this.options;
    const old = db.selectFrom('webhook_deliveries').select('id').where('status', 'in', ['succeeded', 'failed']).where('created_at', '<', before);
    await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', old).execute();
    await db.deleteFrom('webhook_deliveries').where('status', 'in', ['succeeded', 'failed']).where('created_at', '<', before).execute();
  }

  /** One attempt of one delivery. Exported for the processor; never throws for a receiver's failure. */
  async process(job: DeliveryJob): Promise<'skipped' | DeliveryRow['status']> {
    const { db } = this.options;
    const now = new Date();
    if (!(await claimDelivery(db, job.deliveryId, job.attempt, now, this.lockMs))) return 'skipped';
    const row = await findDelivery(db, job.deliveryId);
    if (!row) return 'skipped';

    const subscription = row.subscription_id
      ? await db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', row.subscription_id).executeTakeFirst()
      : undefined;
    // A ping still goes to a disabled subscription: it is how a user checks the endpoint before re-enabling.
    if (row.subscription_id && (!subscription || (subscription.disabled_at && row.event_type !== 'ping'))) {
      return this.abandon(row, subscription ? 'subscription is disabled' : 'subscription was deleted', now);
    }

    let request: Awaited<ReturnType<DeliveryQueue['buildRequest']>>;
    try {
      request = await this.buildRequest(row, subscription, now);
    } catch (err) {
      // e.g. this process's key ring lacks the secret's key version: count it as a failed attempt, so
      // the row is retried on schedule (perhaps by a process that has the key) instead of stuck.
      const error = `could not prepare the request: ${(err as Error).message}`;
      return this.record(row, subscription, { status: null, latencyMs: 0, retryAfterSeconds: null, error }, now);
    }
    if ('error' in request) return this.abandon(row, request.error, now);
    const outcome = await attemptDelivery(this.options.agents, { ...request, timeoutMs: this.options.timeoutMs });
    return this.record(row, subscription, outcome, now);
  }

  private async buildRequest(
    row: DeliveryRow,
    subscription: SubscriptionRow | undefined,
    now: Date,
  ): Promise<{ url: string; headers: Record<string, string>; body: string } | { error: string }> {
    const headers: Record<string, string> = {
      'content-type': row.content_type,
      'user-agent': USER_AGENT,
      'webhook-id': row.message_id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    };
    if (subscription) {
      headers['webhook-signature'] = signatureHeader(signingSecrets(this.options.cipher, subscription, now), row.message_id, now, row.body);
      return { url: subscription.url, headers, body: row.body };
    }
    // A movie's own destination: JSON2Video documents no signature; the saved connection's headers
    // (e.g. an Authorization its receiver checks) are added, ours take precedence.
    const target = JSON.parse(row.target ?? '{}') as DestinationTarget;
    const sealed = target.connectionId && target.path && row.project ? await this.options.sealedDestination?.(row.account_id, row.project, target.path) : undefined;
    const resolved = await resolveTarget(target, row.account_id, this.options.resolveConnection, sealed);
    if ('error' in resolved) return resolved;
    return { url: resolved.url, headers: { ...resolved.headers, ...headers }, body: row.body };
  }

  private async abandon(row: DeliveryRow, reason: string, now: Date): Promise<'failed'> {
    await this.options.db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', locked_until: null, next_attempt_at: null, last_error: reason, last_attempt_at: now.toISOString() })
      .where('id', '=', row.id)
      .execute();
    return 'failed';
  }

  private async record(
    row: DeliveryRow,
    subscription: SubscriptionRow | undefined,
    outcome: AttemptOutcome,
    now: Date,
  ): Promise<DeliveryRow['status']> {
    const { db, logger } = this.options;
    const attempts = row.attempts + 1;
    const finished = new Date();
    const common = {
      attempts,
      locked_until: null,
      last_status_code: outcome.status,
      last_latency_ms: outcome.latencyMs,
      last_error: outcome.error,
      last_attempt_at: now.toISOString(),
    };
    await insertAttempt(db, {
      delivery_id: row.id,
      attempt: attempts,
      account_id: row.account_id,
      attempted_at: now.toISOString(),
      status_code: outcome.status,
      latency_ms: outcome.latencyMs,
      error: outcome.error,
    });

    if (isSuccess(outcome)) {
      await db
        .updateTable('webhook_deliveries')
        .set({ ...common, status: 'succeeded', next_attempt_at: null, delivered_at: finished.toISOString() })
        .where('id', '=', row.id)
        .execute();
      if (subscription?.failing_since) {
        await db.updateTable('webhook_subscriptions').set({ failing_since: null }).where('id', '=', subscription.id).execute();
      }
      return 'succeeded';
    }

    // Standard Webhooks: 410 Gone means the receiver wants no more deliveries.
    if (outcome.status === 410 && subscription) {
      await db.updateTable('webhook_deliveries').set({ ...common, status: 'failed', next_attempt_at: null }).where('id', '=', row.id).execute();
      await this.disable(subscription, 'the endpoint answered 410 Gone', finished);
      return 'failed';
    }

    const delay = nextRetryDelayMs(this.options.retrySchedule, attempts, outcome.retryAfterSeconds);
    const next = delay === null ? null : new Date(finished.getTime() + delay).toISOString();
    await db
      .updateTable('webhook_deliveries')
      .set({ ...common, status: next ? 'pending' : 'failed', next_attempt_at: next })
      .where('id', '=', row.id)
      .execute();
    logger.info(
      { deliveryId: row.id, event: row.event_type, attempts, status: outcome.status, error: outcome.error, nextAttemptAt: next },
      'webhook delivery attempt failed',
    );
    if (next) await this.enqueue({ id: row.id, attempts, next_attempt_at: next }, finished);

    if (subscription) {
      const failingSince = subscription.failing_since ?? now.toISOString();
      if (!subscription.failing_since) {
        await db.updateTable('webhook_subscriptions').set({ failing_since: failingSince }).where('id', '=', subscription.id).where('failing_since', 'is', null).execute();
      }
      const limit = this.options.disableAfterFailingMs ?? DEFAULT_DISABLE_AFTER_FAILING_MS;
      if (finished.getTime() - Date.parse(failingSince) >= limit) {
        await this.disable(subscription, `every delivery failed for ${Math.round(limit / 3600_000)} h`, finished);
      }
    }
    return next ? 'pending' : 'failed';
  }

  private async disable(subscription: SubscriptionRow, reason: string, at: Date): Promise<void> {
    const result = await this.options.db
      .updateTable('webhook_subscriptions')
      .set({ disabled_at: at.toISOString(), disabled_reason: reason, updated_at: at.toISOString() })
      .where('id', '=', subscription.id)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return;
    this.options.logger.warn({ webhookId: subscription.id, reason }, 'webhook subscription disabled');
    await this.options.audit?.({
      accountId: subscription.account_id,
      event: 'webhook.disabled',
      // Not the URL: for Zapier and Make the hook URL itself is the secret.
      details: { webhookId: subscription.id, reason },
    });
  }
}
