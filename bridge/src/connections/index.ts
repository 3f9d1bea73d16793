/**
 * Connections vault (bridge side). For the pipeline: `resolveMovieConnections(services, accountId,
 * movie, principalScopes)` validates a movie's references and returns the sealed blob for the job; the
 * feature also sets `services.sealMovieConnections(accountId, movie, principalScopes?)`.
 */
export { connectionsFeature, type MovieConnectionSealer } from './feature';
export { resolveMovieConnections, type ResolvedConnections } from './resolve';
export { connectionRoutes } from './routes';
export { resealPendingRenders } from './requeue';
export { rotateVault, type RotateReport } from './rotate';
