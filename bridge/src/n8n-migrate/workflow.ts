/** The parts of an n8n workflow export the migration reads and writes (the rest passes through untouched). */
export interface N8nNode {
  id?: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Record<string, unknown>;
  credentials?: Record<string, { id: string | null; name: string }>;
  [key: string]: unknown;
}

export interface N8nConnection {
  node: string;
  type: string;
  index: number;
}

/** connections[source].main[outputIndex] = targets. */
export type N8nConnections = Record<string, Record<string, Array<N8nConnection[] | null>>>;

export interface N8nWorkflow {
  name?: string;
  nodes: N8nNode[];
  connections: N8nConnections;
  [key: string]: unknown;
}

/** One line of the report: which rule applied to which node (or why nothing did). */
export interface MigrationEntry {
  node: string;
  rule: MigrationRule;
  detail: string;
}

export type MigrationRule =
  | 'http-render-to-reelay'
  | 'http-status-keep-http'
  | 'http-other-keep-http'
  | 'polling-loop-to-wait'
  | 'polling-loop-kept'
  | 'fixed-wait-removed'
  | 'json2video-node'
  | 'expression-rewritten'
  | 'unmapped';

export interface MigrationOptions {
  /** Where the Reelay bridge listens (the HTTP Request nodes that stay get this origin). */
  baseUrl: string;
  /** Name of the Reelay API credential (type reelayApi) the nodes reference. */
  credentialName: string;
  /** Its id in n8n, when known; n8n matches by name when the id is unknown. */
  credentialId?: string | null;
}

export interface MigrationResult {
  workflow: N8nWorkflow;
  report: MigrationEntry[];
}

export const REELAY_NODE_TYPE = 'n8n-nodes-reelay.reelay';
export const REELAY_CREDENTIAL_TYPE = 'reelayApi';
export const HTTP_REQUEST_TYPE = 'n8n-nodes-base.httpRequest';
export const JSON2VIDEO_NODE_TYPE = 'n8n-nodes-json2video.json2Video';

/** Every connection whose target is `name`, with its source and output index. */
export function incoming(workflow: N8nWorkflow, name: string): Array<{ source: string; output: number }> {
  const found: Array<{ source: string; output: number }> = [];
  for (const [source, byType] of Object.entries(workflow.connections)) {
    (byType.main ?? []).forEach((targets, output) => {
      if (targets?.some((t) => t.node === name)) found.push({ source, output });
    });
  }
  return found;
}

/** Names of the nodes one output of `name` leads to. */
export function outgoing(workflow: N8nWorkflow, name: string, output = 0): string[] {
  return (workflow.connections[name]?.main?.[output] ?? []).map((t) => t.node);
}

export function reelayCredentials(options: MigrationOptions): N8nNode['credentials'] {
  return { [REELAY_CREDENTIAL_TYPE]: { id: options.credentialId ?? null, name: options.credentialName } };
}
