/**
 * Features that hang services on the container (queues, storage, vault…), initialised in this order
 * at start-up by createServices. Add one line per feature; see services.ts for the pattern.
 */
import type { Feature } from './services';
import { connectionsFeature } from './connections/feature';
import { pipelineFeature } from './renders/pipeline';

export const features: Feature[] = [
  connectionsFeature,
  pipelineFeature,
];
