/** The OpenAPI 3.1 document, generated from the same route definitions that are mounted. */
import { z } from 'zod';
import { SCOPE_INFO } from '../keys/scopes';
import type { Route } from './route';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // unrepresentable types (transforms, dates) become {} rather than throwing: the doc stays complete.
  const js = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete js.$schema;
  return js;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const js = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }));
}

export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function buildOpenApi(routes: readonly Route[], publicUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = openApiPath(r.path);
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(r.responses)) {
      const type = Number(status) < 300 && r.responseContentType ? r.responseContentType : 'application/json';
      responses[status] = { description: Number(status) < 300 ? 'Success' : 'Error', content: { [type]: { schema: toSchema(schema, 'output') } } };
    }
    responses.default = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    const op: Record<string, unknown> = {
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: r.tags ?? [r.path.split('/')[2] ?? 'system'],
      operationId: `${r.method}${p.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: [...parameters(r.request?.params, 'path'), ...parameters(r.request?.query, 'query')],
      responses,
      'x-reelay-scope': r.scope,
      ...(r.rateClass ? { 'x-reelay-rate-class': r.rateClass } : {}),
      security: r.scope === 'public' ? [] : [{ apiKey: [] }, { bearer: [] }, { basic: [] }],
    };
    if (r.request?.body) {
      op.requestBody = { required: true, content: { [r.bodyContentType ?? 'application/json']: { schema: toSchema(r.request.body, 'input') } } };
    }
    (paths[p] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Reelay API',
      version: '2.0.0',
      description: 'Self-hosted JSON-to-video rendering. Every operation names the API key scope it needs (x-reelay-scope).',
    },
    servers: [{ url: publicUrl }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer' },
        basic: { type: 'http', scheme: 'basic', description: 'The API key as user name, empty password' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['success', 'error', 'code'],
          properties: {
            success: { const: false },
            error: { type: 'string' },
            code: { type: 'string' },
            details: {},
            requestId: { type: ['string', 'null'] },
          },
        },
      },
    },
    'x-reelay-scopes': SCOPE_INFO,
  };
}
