/**
 * Plugs connections into the renderer: the opener of sealed job payloads, the voice and image
 * providers, and the ftp/sftp/email destinations. Call once per process that renders (`reelay start`
 * does it through the bridge's connections feature; a separate `reelay renderer` calls it at start).
 */
import { DEFAULT_RETRY_DELAYS_MS, destinations, runDelivery } from '../destinations';
import { registerImageProvider } from '../images/registry';
import { registerConnectionOpener, registerDestination, type DeliveryContext } from '../jobs/connections';
import { configureProviders, imageProviders, voiceProviders } from '../providers';
import { registerVoiceProvider } from '../voice/registry';
import { openConnectionConfigs } from './job-payload';

export interface InstallOptions {
  /** Let destinations reach loopback/private hosts (REELAY_ALLOW_PRIVATE_URLS; tests). @default false */
  allowPrivateHosts?: boolean;
  /** Delays between delivery attempts, ms. @default REELAY_DESTINATION_RETRY_SCHEDULE (seconds) or 2 s, 10 s, 30 s */
  retryDelaysMs?: number[];
}

export function installConnections(opts: InstallOptions = {}): void {
  const allowPrivateHosts = opts.allowPrivateHosts ?? /^(1|true|yes)$/i.test(process.env.REELAY_ALLOW_PRIVATE_URLS ?? '');
  const retryDelaysMs = opts.retryDelaysMs ?? retryScheduleFromEnv() ?? DEFAULT_RETRY_DELAYS_MS;

  configureProviders({ allowPrivateHosts });
  registerConnectionOpener(openConnectionConfigs);
  for (const [model, provider] of Object.entries(voiceProviders)) registerVoiceProvider(model, provider);
  for (const [model, provider] of Object.entries(imageProviders)) registerImageProvider(model, provider);
  for (const [type, deliver] of Object.entries(destinations)) {
    registerDestination(type, async (ctx: DeliveryContext) => {
      const outcome = await runDelivery(type, deliver, {
        file: ctx.result.file,
        project: ctx.project,
        movieId: ctx.movieId,
        url: (ctx as DeliveryContext & { url?: string }).url,
        config: ctx.destination,
        path: ctx.path,
        signal: ctx.signal,
        retryDelaysMs,
        allowPrivateHosts,
      });
      // Targets and errors name hosts, paths and recipients, never credentials.
      ctx.logger.info({ path: ctx.path, type, status: outcome.status, attempts: outcome.attempts, target: outcome.target, error: outcome.error }, 'destination delivered');
      if (outcome.status === 'error') throw new Error(outcome.error);
      return { message: outcome.target };
    });
  }
  // `webhook` destinations are sent by the bridge's webhooks queue when the render ends (one queue,
  // retries and delivery log with subscriptions: bridge/src/webhooks); the renderer only records them.
  registerDestination('webhook', async () => ({ message: 'sent by the bridge when the render ends (GET /v2/webhooks/deliveries?project=…)' }));
}

function retryScheduleFromEnv(): number[] | undefined {
  const raw = process.env.REELAY_DESTINATION_RETRY_SCHEDULE;
  if (!raw) return undefined;
  const seconds = raw.split(',').map((s) => Number(s.trim()));
  return seconds.every((n) => Number.isFinite(n) && n >= 0) ? seconds.map((n) => n * 1000) : undefined;
}
