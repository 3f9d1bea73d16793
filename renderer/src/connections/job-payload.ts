import { JOB_CONNECTIONS_CONTEXT, open, seal } from '../vault';
import type { KeyRing } from '../vault';
import type { ConnectionType } from './types';

/**
 * What a render job carries about connections, sealed as one AES-GCM blob (`sealedConnections`).
 *
 * - `configs`: the merged configuration per JSON path: what the renderer uses.
 * - `refs`: how each config was made (saved id + inline fields). The bridge keeps them so that when a
 *   saved connection is edited or deleted while the job still waits in the queue, it can re-merge and
 *   re-seal the job (see bridge/src/connections/requeue.ts): the render uses the connection in the
 *   form it has when the render starts.
 *
 * Inline fields may themselves be secrets (a password given inline), so refs are sealed too.
 */
export interface ConnectionRef {
  connectionId?: string;
  type: ConnectionType;
  inline: Record<string, unknown>;
  inlineType?: string;
}

export type ConnectionConfigs = Record<string, Record<string, unknown> & { type: ConnectionType }>;

export interface JobConnections {
  v: 1;
  accountId: string;
  /** Whether the submitting key held connections:write (re-merges after an edit apply the same rules). */
  canWriteConnections: boolean;
  refs: Record<string, ConnectionRef>;
  configs: ConnectionConfigs;
}

export function sealJobConnections(payload: JobConnections, ring?: KeyRing): string {
  return seal(payload, JOB_CONNECTIONS_CONTEXT, ring);
}

export function openJobConnections(sealed: string, ring?: KeyRing): JobConnections {
  const payload = open<JobConnections>(sealed, JOB_CONNECTIONS_CONTEXT, ring);
  if (payload?.v !== 1 || typeof payload.configs !== 'object') throw new Error('sealed connections have an unknown format');
  return payload;
}

/** The renderer's opener: JSON path → configuration, only while a render runs. */
export function openConnectionConfigs(sealed: string): ConnectionConfigs {
  return openJobConnections(sealed).configs;
}
