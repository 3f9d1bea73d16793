/**
 * The connections feature: loads the key ring (start-up fails clearly when a key version still in
 * use is missing), hands it to the in-process renderer with the providers and destinations, and
 * gives POST /v2/movies its hook (`sealMovieConnections`).
 */
import { installConnections } from '@reelay/renderer/src/connections/install';
import type { Feature, Services } from '../services';
import { resolveMovieConnections } from './resolve';
import { keyVersionsInUse, keyWasGenerated, loadKeyRing } from './vault';

/** The hook the pipeline calls at POST /v2/movies (see bridge/src/movies/prepare.ts). */
export type MovieConnectionSealer = (accountId: string, movie: Record<string, unknown>, principalScopes?: ReadonlySet<string>) => Promise<string | null>;

export const connectionsFeature: Feature = {
  name: 'connections',
  async init(services: Services) {
    const ring = loadKeyRing(services);
    if (keyWasGenerated(services)) {
      services.logger.warn(
        { file: `${services.config.dataDir}/encryption-key` },
        'REELAY_ENCRYPTION_KEY is not set: connection secrets are encrypted with a key generated into the data directory; back it up, or set REELAY_ENCRYPTION_KEY (other bridge and renderer machines need the same value)',
      );
    }
    ring.assertCanDecrypt(await keyVersionsInUse(services));
    services.vault = { ring };
    const sealer: MovieConnectionSealer = async (accountId, movie, principalScopes) =>
      (await resolveMovieConnections(services, accountId, movie, principalScopes)).sealed;
    // Assigned untyped: the pipeline declares the hook's type (movies/prepare.ts).
    Object.assign(services, { sealMovieConnections: sealer });
    installConnections({ allowPrivateHosts: services.config.allowPrivateUrls });
  },
};
