/**
 * The webhooks feature: starts the delivery engine (Bull `webhooks` queue + store sweeper) with the
 * SSRF-safe agents and the vault's key ring, and gives the render pipeline its `publishMovieEvent`
 * hook (bridge/src/renders/notify.ts calls it when a render ends).
 */
import { createSafeAgents } from '@reelay/renderer/src/assets/safe-agent';
import { openJobConnections } from '@reelay/renderer/src/connections/job-payload';
import { loadConnections } from '../connections/repository';
import { rendersDb, vaultOf } from '../connections/vault';
import type { Feature, Services } from '../services';
import { DeliveryQueue } from './delivery-queue';
import type { ConnectionResolver, SealedDestinationLookup } from './destinations';
import { publishMovieEvent, type WebhookEventsDeps } from './events';
import type { SecretCipher } from './secrets';
import type { WebhookAttemptsTable, WebhookDb, WebhookDeliveriesTable, WebhookSubscriptionsTable } from './store';

declare module '../store/schema' {
  interface Database {
    webhook_subscriptions: WebhookSubscriptionsTable;
    webhook_deliveries: WebhookDeliveriesTable;
    webhook_attempts: WebhookAttemptsTable;
  }
}

export interface WebhooksService extends WebhookEventsDeps {
  cipher: SecretCipher;
}

declare module '../services' {
  interface FeatureServices {
    /** Set by the webhooks feature. */
    webhooks?: WebhooksService;
  }
}

export function webhooksOf(services: Services): WebhooksService {
  if (!services.webhooks) throw new Error('the webhooks feature is not initialised');
  return services.webhooks;
}

export const webhooksFeature: Feature = {
  name: 'webhooks',
  async init(services: Services) {
    const { config, logger } = services;
    // The store has our tables (migration 0004); the engine only needs to see those.
    const db = services.db as unknown as WebhookDb;
    const { ring } = vaultOf(services);
    const resolveConnection: ConnectionResolver = async (accountId, id) => {
      const connection = (await loadConnections(services.db, ring, accountId, [id])).get(id);
      return connection ? { type: connection.type, fields: connection.config } : undefined;
    };
    // The render row keeps the movie's inline connection fields sealed (they are stripped from the movie).
    const sealedDestination: SealedDestinationLookup = async (accountId, project, path) => {
      const row = await rendersDb(services)
        .selectFrom('renders')
        .select('sealed_connections')
        .where('project', '=', project)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      if (!row?.sealed_connections) return undefined;
      const ref = openJobConnections(row.sealed_connections, ring).refs[path];
      return ref?.type === 'webhook' ? { inline: ref.inline } : undefined;
    };
    const deliveries = new DeliveryQueue({
      db,
      redisUrl: config.redisUrl,
      queuePrefix: config.queuePrefix,
      retrySchedule: config.webhookRetrySchedule,
      agents: createSafeAgents(config.allowPrivateUrls),
      cipher: ring,
      logger: logger.child({ feature: 'webhooks' }),
      audit: (entry) => services.audit.record({ event: entry.event, accountId: entry.accountId, details: entry.details }),
      resolveConnection,
      sealedDestination,
      onAttempt: (status) => services.metrics.webhookDeliveries.inc({ outcome: status === 'pending' ? 'retrying' : status }),
    });
    await deliveries.start();
    services.onClose(() => deliveries.close());
    const deps: WebhookEventsDeps = { db, deliveries, resolveConnection };
    services.webhooks = { ...deps, cipher: ring };
    services.publishMovieEvent = (event) => publishMovieEvent(deps, event);
  },
};
