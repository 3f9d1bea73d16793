/**
 * Hooks the connections module plugs in: how to open the sealed connections of a job, and how to
 * deliver `exports[].destinations[]` after a render.
 */
import type { Logger } from '../logger';
import { currentJobContext } from './job-context';

/** JSON path of an element or destination (`scenes[0].elements[1]`, `exports[0].destinations[0]`) → its connection. */
export type OpenedConnections = Record<string, Record<string, unknown>>;
export type ConnectionOpener = (sealed: string) => OpenedConnections | Promise<OpenedConnections>;

let opener: ConnectionOpener | undefined;

export function registerConnectionOpener(fn: ConnectionOpener): void {
  opener = fn;
}

export async function openConnections(sealed: string | undefined): Promise<OpenedConnections> {
  if (!sealed) return {};
  if (!opener) throw new Error('this renderer cannot open sealed connections: no connection opener is registered');
  return opener(sealed);
}

export interface DestinationResultFile {
  file: string;
  poster: string;
  duration: number;
  size: number;
  width: number;
  height: number;
  fps: number;
  renderingTime: number;
  format: string;
}

export interface DeliveryContext {
  project: string;
  /** The destination as written in the movie, merged over its saved connection's fields. */
  destination: Record<string, unknown>;
  /** `exports[0].destinations[1]` */
  path: string;
  result: DestinationResultFile;
  movieId?: string;
  clientData?: Record<string, unknown>;
  /** Public (signed) URL of the movie, when the bridge gave one (job data `output.url`). */
  url?: string;
  signal: AbortSignal;
  logger: Logger;
}

export type Deliver = (ctx: DeliveryContext) => Promise<void | { message?: string }>;

const destinations = new Map<string, Deliver>();

export function registerDestination(type: string, deliver: Deliver): void {
  destinations.set(type, deliver);
}

export function getDestination(type: string): Deliver | undefined {
  const deliver = destinations.get(type);
  if (!deliver) return undefined;
  // The job's public link (job-context.ts) reaches every destination without the pipeline carrying it.
  return (ctx) => deliver({ ...ctx, url: ctx.url ?? currentJobContext()?.publicUrl });
}
