/** The renderer's public surface (the bridge, the connections module and the CLI use only this). */
export { movieSchema, movieSize, RESOLUTIONS, TRANSITION_STYLES, type Movie, type MovieInput, type Element, type Scene, type Destination } from './schema/movie';
export { validateMovie, type ValidationResult } from './schema/validate';
export { RenderError, isRenderError, type RenderErrorCode, type MovieIssue } from './errors';
export * from './jobs/contract';
export {
  registerConnectionOpener, openConnections, registerDestination,
  type ConnectionOpener, type OpenedConnections, type Deliver, type DeliveryContext,
} from './jobs/connections';
export { registerVoiceProvider, type VoiceProvider, type VoiceRequest } from './voice/registry';
export { registerImageProvider, type ImageProvider, type ImageRequest } from './images/registry';
export { createRenderWorker, type RenderWorker, type RenderWorkerOptions } from './worker/render-worker';
export { renderMovie, type RenderOptions, type RenderResult, type ExportOutcome } from './render/render-movie';
export { renderLocal, runRenderCli, type RenderLocalOptions } from './cli/render-local';
export { isAddressAllowed } from './assets/address-policy';
export type { Logger } from './logger';
