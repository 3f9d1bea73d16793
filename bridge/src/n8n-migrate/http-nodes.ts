/**
 * HTTP Request nodes that call JSON2Video's API. A render (POST /v2/movies) becomes a Reelay node with
 * the request body as its movie (Reelay's POST /v2/movies takes the same body, so every top-level
 * option travels along). Everything else (status checks, template calls) keeps the HTTP Request node
 * and only changes its origin and authentication: Reelay answers the same paths with the same shapes,
 * so expressions reading `$json.movie.url` downstream keep working.
 */
import {
  HTTP_REQUEST_TYPE,
  REELAY_CREDENTIAL_TYPE,
  REELAY_NODE_TYPE,
  reelayCredentials,
  type MigrationEntry,
  type MigrationOptions,
  type N8nNode,
} from './workflow';

const JSON2VIDEO_ORIGIN = /https?:\/\/api\.json2video\.com/i;

export type Json2VideoCall = 'render' | 'status' | 'other';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** HTTP Request v1–2 call the method `requestMethod`; v3+ `method`. Both default to GET. */
function methodOf(node: N8nNode): string {
  const p = node.parameters;
  return String(node.typeVersion < 3 ? (p.requestMethod ?? 'GET') : (p.method ?? 'GET')).toUpperCase();
}

/** Which JSON2Video call an HTTP Request node makes, or null when it does not call JSON2Video. */
export function classifyHttpNode(node: N8nNode): Json2VideoCall | null {
  if (node.type !== HTTP_REQUEST_TYPE) return null;
  const url = text(node.parameters.url);
  if (!JSON2VIDEO_ORIGIN.test(url)) return null;
  const path = url.replace(/^=/, '').replace(JSON2VIDEO_ORIGIN, '').split('?')[0].replace(/\/+$/, '');
  if (path !== '/v2/movies') return 'other';
  const method = methodOf(node);
  if (method === 'POST') return 'render';
  if (method === 'GET') return 'status';
  return 'other';
}

/** The request body as the Reelay node's Movie field takes it: a JSON string or an n8n expression. */
function renderBody(node: N8nNode): string | null {
  const p = node.parameters;
  if (node.typeVersion < 3) return p.jsonParameters ? text(p.bodyParametersJson) || null : null;
  if (p.sendBody === false) return null;
  if ((p.specifyBody ?? 'keypair') !== 'json' && p.contentType !== 'raw') return null;
  const body = p.specifyBody === 'json' ? p.jsonBody : p.body;
  return typeof body === 'string' ? body : body && typeof body === 'object' ? JSON.stringify(body, null, 2) : null;
}

/** A body without expressions that is exactly {template, variables?}: the Reelay node's template mode. */
function staticTemplateBody(body: string): { template: string; variables: Record<string, unknown> } | null {
  if (body.startsWith('=')) return null;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const keys = Object.keys(parsed);
    if (typeof parsed.template !== 'string' || keys.some((k) => k !== 'template' && k !== 'variables')) return null;
    return { template: parsed.template, variables: (parsed.variables as Record<string, unknown>) ?? {} };
  } catch {
    return null;
  }
}

/** POST /v2/movies → Reelay Movie: Render with the same body (or the same template + variables). */
export function renderNodeFromHttp(node: N8nNode, options: MigrationOptions, waitForCompletion: boolean): { node: N8nNode; entry: MigrationEntry } | null {
  const body = renderBody(node);
  if (body === null) return null;
  const template = staticTemplateBody(body);
  const source = template
    ? {
        source: 'template',
        template: { __rl: true, mode: 'id', value: template.template },
        variablesMode: 'json',
        variablesJson: JSON.stringify(template.variables, null, 2),
      }
    : { source: 'json', movie: body };
  const dropped = Object.keys((node.parameters.options as Record<string, unknown>) ?? {});
  const migrated: N8nNode = {
    ...node,
    type: REELAY_NODE_TYPE,
    typeVersion: 1,
    parameters: { resource: 'movie', operation: 'render', ...source, waitForCompletion, options: {} },
    credentials: reelayCredentials(options),
  };
  const what = template ? `template ${template.template} with the same variables` : 'the same movie JSON (all top-level options included)';
  return {
    node: migrated,
    entry: {
      node: node.name,
      rule: 'http-render-to-reelay',
      detail: `HTTP POST /v2/movies → Reelay Movie: Render, ${what}${waitForCompletion ? ', Wait for Completion on' : ''}${
        dropped.length ? `; HTTP options not carried over: ${dropped.join(', ')}` : ''
      }`,
    },
  };
}

/** Which query parameter names the movie: JSON2Video documents `project`, many templates send `id`; Reelay takes both. */
function statusQuery(url: string): string {
  return /[?&]id=/.test(url) ? 'id' : 'project';
}

/** Same request to Reelay: JSON2Video's origin becomes the bridge's, its x-api-key header the Reelay credential. */
export function retargetHttpNode(node: N8nNode, options: MigrationOptions, rule: 'http-status-keep-http' | 'http-other-keep-http'): { node: N8nNode; entry: MigrationEntry } {
  const base = options.baseUrl.replace(/\/+$/, '');
  const parameters: Record<string, unknown> = { ...node.parameters, url: text(node.parameters.url).replace(JSON2VIDEO_ORIGIN, base) };
  let auth = 'authentication set to the Reelay credential';
  if (node.typeVersion >= 3) {
    const headers = ((parameters.headerParameters as { parameters?: Array<{ name?: string }> })?.parameters ?? []).filter(
      (h) => String(h.name ?? '').toLowerCase() !== 'x-api-key',
    );
    parameters.headerParameters = { parameters: headers };
    if (headers.length === 0) parameters.sendHeaders = false;
    parameters.authentication = 'predefinedCredentialType';
    parameters.nodeCredentialType = REELAY_CREDENTIAL_TYPE;
    delete parameters.genericAuthType;
  } else {
    auth = 'HTTP Request v1–2 cannot use the Reelay credential: set the x-api-key header by hand';
  }
  const credentials = node.typeVersion >= 3 ? reelayCredentials(options) : node.credentials;
  return {
    node: { ...node, parameters, ...(credentials ? { credentials } : {}) },
    entry: {
      node: node.name,
      rule,
      detail: `kept as HTTP Request (Reelay answers ${rule === 'http-status-keep-http' ? `GET /v2/movies?${statusQuery(text(node.parameters.url))}= with the same {movie} shape` : 'the same path'}); URL → ${base}, ${auth}`,
    },
  };
}
