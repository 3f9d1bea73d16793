/**
 * Metrics as a feature: the registry, queue gauges read at scrape time, and credit counters hooked
 * onto the credits service. Initialised first, so later features can count into `services.metrics`.
 */
import type { Feature } from '../services';
import { registerQueueGauges } from './queues';
import { createMetrics, type Metrics } from './registry';

declare module '../services' {
  interface FeatureServices {
    metrics: Metrics;
  }
}

export const metricsFeature: Feature = {
  name: 'metrics',
  init(services) {
    const metrics = createMetrics();
    registerQueueGauges(metrics.registry, services.redis, services.config.queuePrefix);
    // Counted where every path that moves credits passes, after the change succeeded.
    const credits = services.credits;
    services.credits = {
      ...credits,
      async debit(accountId, n) {
        const balance = await credits.debit(accountId, n);
        metrics.creditsCharged.inc(n);
        return balance;
      },
      async debitWithin(trx, accountId, n) {
        await credits.debitWithin(trx, accountId, n);
        metrics.creditsCharged.inc(n);
      },
      async refund(accountId, n) {
        const balance = await credits.refund(accountId, n);
        metrics.creditsRefunded.inc(n);
        return balance;
      },
    };
    services.metrics = metrics;
  },
};
