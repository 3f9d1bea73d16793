/**
 * JSON2Video's own n8n node (n8n-nodes-json2video, github.com/JSON2Video/n8n-nodes-json2video) → the
 * Reelay node, operation by operation. Parameters that Reelay's node has no place for leave the node
 * untouched and say why, rather than migrating it half.
 */
import { JSON2VIDEO_NODE_TYPE, REELAY_NODE_TYPE, reelayCredentials, type MigrationEntry, type MigrationOptions, type N8nNode } from './workflow';

type Params = Record<string, unknown>;
type Mapped = { parameters: Params; notes: string[] } | { unmapped: string };

/** Top-level movie properties JSON2Video's "Additional Options" set, as movie JSON keys. */
function movieOptionKeys(options: Params): Params {
  const keys: Params = {};
  for (const key of ['comment', 'fps', 'quality', 'resolution', 'width', 'height', 'cache', 'id'] as const) {
    if (options[key] !== undefined && options[key] !== '') keys[key] = options[key];
  }
  if (typeof options.exports === 'string' && options.exports.trim()) keys.exports = JSON.parse(options.exports);
  else if (typeof options.webhookUrl === 'string' && options.webhookUrl) {
    keys.exports = [{ destinations: [{ type: 'webhook', endpoint: options.webhookUrl }] }];
  }
  return keys;
}

/** The fixedCollection of name/value pairs → one JSON object (Reelay's Client Data option). */
function clientData(options: Params): string | null {
  const entries = (options.clientData as { data?: Array<{ name: string; value: unknown }> })?.data ?? [];
  if (entries.length === 0) return null;
  return JSON.stringify(Object.fromEntries(entries.map((e) => [e.name, e.value])));
}

/** `={{ expr }}` → `(expr)`; a plain value → its JSON; anything mixing text and expressions → null. */
function valueExpression(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('=')) return JSON.stringify(value ?? null);
  const whole = /^=\{\{([\s\S]*)\}\}\s*$/.exec(value);
  return whole && !whole[1].includes('{{') ? `(${whole[1].trim()})` : null;
}

/** `code` as an n8n expression; n8n ends an expression at the first "}}", so no two braces may touch. */
function oneExpression(code: string): string {
  while (code.includes('}}')) code = code.replace(/\}\}/g, '} }');
  return `={{ ${code} }}`;
}

/** The template's variables as one JavaScript expression, for a Movie JSON built by an expression. */
function variablesExpression(p: Params): string | null {
  if (p.specifyVariables === 'json') {
    const json = p.variablesJson ?? '{}';
    const expr = typeof json === 'string' && !json.startsWith('=') ? json || '{}' : valueExpression(json);
    return expr === null ? null : `((v) => typeof v === 'string' ? JSON.parse(v) : v)(${expr})`;
  }
  const mapped = (p.variables as { mappingMode?: string; value?: Params | null }) ?? {};
  if (mapped.mappingMode === 'autoMapInputData') return null;
  const parts: string[] = [];
  for (const [name, value] of Object.entries(mapped.value ?? {})) {
    const expr = valueExpression(value);
    if (expr === null) return null;
    parts.push(`${JSON.stringify(name)}: ${expr}`);
  }
  return `{${parts.join(', ')}}`;
}

function renderParameters(p: Params, waitForCompletion: boolean): Mapped {
  const options = (p.additionalOptions as Params) ?? {};
  const { clientData: _clientData, ...movieOptions } = options;
  const extra = movieOptionKeys(movieOptions);
  const reelayOptions: Params = {};
  const data = clientData(options);
  if (data) reelayOptions.clientData = data;
  const notes: string[] = [];
  let source: Params;
  if ((p.inputMode ?? 'template') === 'json') {
    let movie = p.movieJson as string;
    if (Object.keys(extra).length > 0) {
      if (typeof movie === 'string' && !movie.startsWith('=')) movie = JSON.stringify({ ...JSON.parse(movie), ...extra }, null, 2);
      else {
        const built = valueExpression(movie);
        if (built === null) return { unmapped: `Additional Options (${Object.keys(extra).join(', ')}) on a Movie JSON mixing text and expressions: merge them into the movie by hand` };
        movie = oneExpression(`JSON.stringify(Object.assign(((v) => typeof v === 'string' ? JSON.parse(v) : v)${built}, ${JSON.stringify(extra)}))`);
      }
      notes.push(`Additional Options ${Object.keys(extra).join(', ')} written into the movie JSON`);
    }
    source = { source: 'json', movie };
  } else {
    const locator = (p.templateId as Params) ?? {};
    const template = { __rl: true, mode: locator.mode === 'list' ? 'id' : (locator.mode ?? 'id'), value: locator.value ?? '' };
    if (Object.keys(extra).length > 0) {
      // Reelay's node has no place for top-level options in template mode, but its API takes them
      // next to the template (as JSON2Video's does): send the whole body as Movie JSON instead.
      const variables = variablesExpression(p);
      if (variables === null) return { unmapped: `template render with Additional Options (${Object.keys(extra).join(', ')}) and variables that cannot be written as one expression` };
      const fixed = JSON.stringify({ template: template.value, ...extra }).slice(0, -1);
      source = { source: 'json', movie: oneExpression(`JSON.stringify(${fixed}, "variables": ${variables}})`) };
      notes.push(`template ${String(template.value)} with Additional Options ${Object.keys(extra).join(', ')}: sent as Movie JSON (template, options and variables in one body)`);
    } else source =
      p.specifyVariables === 'json'
        ? { source: 'template', template, variablesMode: 'json', variablesJson: p.variablesJson ?? '{}' }
        : {
            source: 'template',
            template,
            variablesMode: 'map',
            variables: { ...((p.variables as Params) ?? { mappingMode: 'defineBelow', value: null }), matchingColumns: [], schema: [] },
          };
  }
  const parameters: Params = { resource: 'movie', operation: 'render', ...source, waitForCompletion, options: reelayOptions };
  if (waitForCompletion) {
    const wait = (p.waitOptions as Params) ?? {};
    if (wait.timeout !== undefined) parameters.maxWait = wait.timeout;
    if (wait.pollInterval !== undefined) reelayOptions.pollInterval = wait.pollInterval;
    if (wait.failOnRenderError === false) notes.push('Fail On Render Error off: Reelay fails the node on a render error; turn on "Continue On Fail" in its settings to branch instead');
    if (p.simplify === false) notes.push('Simplify off: Reelay returns the movie object (JSON2Video\'s simplified shape), not {success, movie}');
  }
  return { parameters, notes };
}

const TEMPLATE_BY_ID = ['get', 'delete', 'getVariables'];

function mapParameters(p: Params): Mapped {
  const resource = p.resource ?? 'movie';
  const operation = String(p.operation ?? (resource === 'movie' ? 'renderAndWait' : ''));
  if (resource === 'movie') {
    switch (operation) {
      case 'create':
        return renderParameters(p, false);
      case 'renderAndWait':
        return renderParameters(p, true);
      case 'getStatus':
        return {
          parameters: { resource: 'movie', operation: 'getStatus', project: p.projectId ?? '' },
          notes: p.simplify === false ? ['Simplify off: Reelay returns the movie object, not {success, movie}'] : [],
        };
      case 'delete':
        return { parameters: { resource: 'movie', operation: 'delete', project: p.projectId ?? '' }, notes: ['Reelay cancels a running render or deletes the finished movie'] };
      case 'getAll': {
        const options = (p.additionalOptions as Params) ?? {};
        const notes = options.dateStart || options.dateEnd ? ['Start/End Date filters dropped: Reelay lists newest first without a date range'] : [];
        return { parameters: { resource: 'movie', operation: 'getMany', returnAll: p.returnAll ?? false, limit: p.limit ?? 50 }, notes };
      }
    }
  }
  if (resource === 'template' && TEMPLATE_BY_ID.includes(operation)) {
    const locator = (p.templateId as Params) ?? { value: p.templateId ?? '' };
    return {
      parameters: { resource: 'template', operation, template: { __rl: true, mode: 'id', value: locator.value ?? '' } },
      notes: [],
    };
  }
  if (resource === 'template' && operation === 'getAll') {
    return { parameters: { resource: 'template', operation: 'getMany', returnAll: p.returnAll ?? false, limit: p.limit ?? 50 }, notes: [] };
  }
  if (resource === 'media' && operation === 'upload') {
    const options = (p.additionalOptions as Params) ?? {};
    const ignored = Object.keys(options).filter((k) => options[k] !== '' && options[k] !== undefined);
    return {
      parameters: { resource: 'upload', operation: 'upload', binaryPropertyName: p.binaryPropertyName ?? 'data' },
      notes: ignored.length ? [`${ignored.join(', ')} dropped: Reelay stores uploads by content, without folders or names; the output's url is what movies use`] : [],
    };
  }
  return { unmapped: `JSON2Video ${String(resource)}: ${operation} has no Reelay node operation` };
}

export function isJson2VideoNode(node: N8nNode): boolean {
  return node.type === JSON2VIDEO_NODE_TYPE;
}

export function migrateJson2VideoNode(node: N8nNode, options: MigrationOptions): { node: N8nNode; entry: MigrationEntry } {
  let mapped: Mapped;
  try {
    mapped = mapParameters(node.parameters);
  } catch (err) {
    mapped = { unmapped: `its parameters do not parse (${(err as Error).message})` };
  }
  if ('unmapped' in mapped) return { node, entry: { node: node.name, rule: 'unmapped', detail: `left untouched: ${mapped.unmapped}` } };
  const { json2VideoApi: _old, ...otherCredentials } = node.credentials ?? {};
  return {
    node: {
      ...node,
      type: REELAY_NODE_TYPE,
      typeVersion: 1,
      parameters: mapped.parameters,
      credentials: { ...otherCredentials, ...reelayCredentials(options) },
    },
    entry: {
      node: node.name,
      rule: 'json2video-node',
      detail: `JSON2Video ${String(node.parameters.resource ?? 'movie')}: ${String(node.parameters.operation)} → Reelay ${String(mapped.parameters.resource)}: ${String(mapped.parameters.operation)}${
        mapped.notes.length ? `; ${mapped.notes.join('; ')}` : ''
      }`,
    },
  };
}
