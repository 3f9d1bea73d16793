import { Deliver, DeliveryContext, DeliveryOutcome, runDelivery } from './delivery';
import { deliverEmail } from './email';
import { deliverFtp } from './ftp';
import { deliverSftp } from './sftp';

export { DEFAULT_RETRY_DELAYS_MS, DeliveryError, expandMacros, remoteDirectory, remoteFileName, runDelivery } from './delivery';
export type { Deliver, DeliveryContext, DeliveryOutcome } from './delivery';
export { resolvePublicHost } from './egress';

/** Destination types delivered here; `webhook` is delivered by the bridge's webhooks queue. */
export const destinations: Record<'ftp' | 'sftp' | 'email', Deliver> = {
  ftp: deliverFtp,
  sftp: deliverSftp,
  email: deliverEmail,
};

export function deliverTo(type: keyof typeof destinations, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  return runDelivery(type, destinations[type], ctx);
}
