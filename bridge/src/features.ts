/**
 * Features that hang services on the container (queues, storage, vault…), initialised in this order
 * at start-up by createServices. Add one line per feature; see services.ts for the pattern.
 */
import type { Feature } from './services';
import { connectionsFeature } from './connections/feature';
import { metricsFeature } from './metrics/feature';
import { pipelineFeature } from './renders/pipeline';
import { webhooksFeature } from './webhooks/feature';

export const features: Feature[] = [
  // first: the others count into services.metrics
  metricsFeature,
  connectionsFeature,
  // before the pipeline: its render-event consumer publishes movie events as soon as it starts
  webhooksFeature,
  pipelineFeature,
];
