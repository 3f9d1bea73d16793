/**
 * `reelay n8n migrate`: each mapping rule on a small workflow, then the real public workflows in
 * test/fixtures/n8n-workflows (see the README there). Importing the output into the real n8n is in
 * test/e2e/n8n-app.test.ts.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMigrate } from '../../bridge/src/n8n-migrate/cli';
import { migrateWorkflow, type N8nWorkflow } from '../../bridge/src/n8n-migrate/migrate';
import type { MigrationEntry, N8nNode } from '../../bridge/src/n8n-migrate/workflow';
import { CliError } from '../../bridge/src/movies/cli-render';

const OPTIONS = { baseUrl: 'http://127.0.0.1:8080', credentialName: 'Reelay account', credentialId: 'cred1' };
const FIXTURES = path.resolve(__dirname, '../fixtures/n8n-workflows');
const MOVIE = { resolution: 'sd', scenes: [{ elements: [{ type: 'text', text: 'hi' }] }], comment: 'kept' };

function node(name: string, type: string, parameters: Record<string, unknown> = {}, typeVersion = 4.2): N8nNode {
  return { id: name, name, type, typeVersion, position: [0, 0], parameters };
}

function chain(...names: string[]): N8nWorkflow['connections'] {
  const connections: N8nWorkflow['connections'] = {};
  for (let i = 0; i + 1 < names.length; i++) connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
  return connections;
}

const start = node('Start', 'n8n-nodes-base.manualTrigger', {}, 1);
const post = (body: string, extra: Record<string, unknown> = {}) =>
  node('Render', 'n8n-nodes-base.httpRequest', {
    method: 'POST',
    url: 'https://api.json2video.com/v2/movies',
    sendHeaders: true,
    headerParameters: { parameters: [{ name: 'x-api-key', value: 'J2V_KEY_PLACEHOLDER' }] },
    sendBody: true,
    specifyBody: 'json',
    jsonBody: body,
    options: {},
    ...extra,
  });
const status = node('Status', 'n8n-nodes-base.httpRequest', {
  url: '=https://api.json2video.com/v2/movies?project={{ $json.project }}',
  sendHeaders: true,
  headerParameters: { parameters: [{ name: 'x-api-key', value: 'J2V_KEY_PLACEHOLDER' }, { name: 'Accept', value: 'application/json' }] },
  options: {},
});

function byName(workflow: N8nWorkflow, name: string): N8nNode {
  const found = workflow.nodes.find((n) => n.name === name);
  if (!found) throw new Error(`no node ${name}`);
  return found;
}

/** Every connection's source and target exist (what n8n needs to keep the graph). */
function expectConnectionsIntact(workflow: N8nWorkflow): void {
  const names = new Set(workflow.nodes.map((n) => n.name));
  for (const [source, byType] of Object.entries(workflow.connections)) {
    expect(names).toContain(source);
    for (const outputs of Object.values(byType)) for (const targets of outputs) for (const t of targets ?? []) expect(names).toContain(t.node);
  }
}

describe('HTTP Request nodes calling JSON2Video', () => {
  test('POST /v2/movies with a movie → Reelay Render with the same body, the Reelay credential, no key left', () => {
    const input: N8nWorkflow = { nodes: [start, post(JSON.stringify(MOVIE))], connections: chain('Start', 'Render') };
    const { workflow, report } = migrateWorkflow(input, OPTIONS);
    const render = byName(workflow, 'Render');
    expect(render).toMatchObject({ type: 'n8n-nodes-reelay.reelay', typeVersion: 1, credentials: { reelayApi: { id: 'cred1', name: 'Reelay account' } } });
    expect(render.parameters).toEqual({ resource: 'movie', operation: 'render', source: 'json', movie: JSON.stringify(MOVIE), waitForCompletion: false, options: {} });
    expect(JSON.stringify(workflow)).not.toContain('J2V_KEY_PLACEHOLDER');
    expect(report).toEqual([expect.objectContaining({ node: 'Render', rule: 'http-render-to-reelay' })]);
    expect(workflow.connections).toEqual(input.connections);
  });

  test('a body that is exactly template + variables → template mode', () => {
    const body = JSON.stringify({ template: 'tplAbc', variables: { title: 'Hello' } });
    const { workflow } = migrateWorkflow({ nodes: [post(body)], connections: {} }, OPTIONS);
    expect(byName(workflow, 'Render').parameters).toMatchObject({
      source: 'template',
      template: { __rl: true, mode: 'id', value: 'tplAbc' },
      variablesMode: 'json',
      variablesJson: JSON.stringify({ title: 'Hello' }, null, 2),
    });
  });

  test('a body built by an expression goes over verbatim (n8n evaluates it in the Reelay node)', () => {
    const body = '={\n  "resolution": "sd",\n  "scenes": [{ "elements": [{ "type": "text", "text": "{{ $json.title }}" }] }]\n}';
    const { workflow } = migrateWorkflow({ nodes: [post(body)], connections: {} }, OPTIONS);
    expect(byName(workflow, 'Render').parameters.movie).toBe(body);
  });

  test('GET /v2/movies?project= stays HTTP: new origin, x-api-key header replaced by the credential, other headers kept', () => {
    const { workflow, report } = migrateWorkflow({ nodes: [status], connections: {} }, OPTIONS);
    const migrated = byName(workflow, 'Status');
    expect(migrated.type).toBe('n8n-nodes-base.httpRequest');
    expect(migrated.parameters).toMatchObject({
      url: '=http://127.0.0.1:8080/v2/movies?project={{ $json.project }}',
      authentication: 'predefinedCredentialType',
      nodeCredentialType: 'reelayApi',
      headerParameters: { parameters: [{ name: 'Accept', value: 'application/json' }] },
    });
    expect(migrated.credentials).toEqual({ reelayApi: { id: 'cred1', name: 'Reelay account' } });
    expect(report[0].rule).toBe('http-status-keep-http');
  });

  test('a form-field (keypair) body cannot be handed to the Reelay node: kept as HTTP, retargeted', () => {
    const keypair = post('', { specifyBody: 'keypair', bodyParameters: { parameters: [{ name: 'template', value: 'x' }] } });
    const { workflow, report } = migrateWorkflow({ nodes: [keypair], connections: {} }, OPTIONS);
    expect(byName(workflow, 'Render').type).toBe('n8n-nodes-base.httpRequest');
    expect(byName(workflow, 'Render').parameters.url).toBe('http://127.0.0.1:8080/v2/movies');
    expect(report[0].rule).toBe('http-other-keep-http');
  });

  test('nodes that only mention JSON2Video are listed as unmapped and left byte for byte', () => {
    const code = node('Build payload', 'n8n-nodes-base.code', { jsCode: "// payload for JSON2Video\nreturn [{ json: { resolution: 'sd' } }];" }, 2);
    const { workflow, report } = migrateWorkflow({ nodes: [code], connections: {} }, OPTIONS);
    expect(byName(workflow, 'Build payload')).toEqual(code);
    expect(report).toEqual([{ node: 'Build payload', rule: 'unmapped', detail: expect.stringContaining('left untouched') }]);
  });
});

describe('polling loops', () => {
  const wait = node('Wait', 'n8n-nodes-base.wait', { amount: 15 }, 1.1);
  const check = node('Done?', 'n8n-nodes-base.if', { conditions: { conditions: [{ leftValue: '={{ $json.movie.status }}', rightValue: 'done' }] } }, 2);
  const download = node('Download', 'n8n-nodes-base.httpRequest', { url: '={{ $json.movie.url }}', options: {} });
  const notify = node('Notify', 'n8n-nodes-base.set', { value: "={{ $('Status').item.json.movie.duration }} s" }, 3.4);
  const loop = (): N8nWorkflow => ({
    nodes: [start, post(JSON.stringify(MOVIE)), wait, status, check, download, notify],
    connections: {
      ...chain('Start', 'Render', 'Wait', 'Status', 'Done?'),
      'Done?': { main: [[{ node: 'Download', type: 'main', index: 0 }], [{ node: 'Wait', type: 'main', index: 0 }]] },
      Download: { main: [[{ node: 'Notify', type: 'main', index: 0 }]] },
    },
  });

  test('render → Wait → status → IF back to Wait becomes Wait for Completion; the exit follows the render', () => {
    const input = loop();
    const before = JSON.stringify(input);
    const { workflow, report } = migrateWorkflow(input, OPTIONS);
    expect(JSON.stringify(input)).toBe(before);
    expect(workflow.nodes.map((n) => n.name)).toEqual(['Start', 'Render', 'Download', 'Notify']);
    expect(byName(workflow, 'Render').parameters.waitForCompletion).toBe(true);
    expect(workflow.connections.Render).toEqual({ main: [[{ node: 'Download', type: 'main', index: 0 }]] });
    // The waiting render returns the movie itself, not {movie}: expressions follow.
    expect(byName(workflow, 'Download').parameters.url).toBe('={{ $json.url }}');
    expect(byName(workflow, 'Notify').parameters.value).toBe("={{ $('Render').item.json.duration }} s");
    expect(report.map((e) => e.rule)).toEqual(['http-render-to-reelay', 'polling-loop-to-wait', 'expression-rewritten', 'expression-rewritten']);
    expectConnectionsIntact(workflow);
  });

  test('a Switch with an error branch keeps its loop (pointed at Reelay) and says why', () => {
    const input = loop();
    const fail = node('Report failure', 'n8n-nodes-base.set', {}, 3.4);
    input.nodes.push(fail);
    input.nodes[4] = { ...check, type: 'n8n-nodes-base.switch' };
    input.connections['Done?'] = {
      main: [[{ node: 'Download', type: 'main', index: 0 }], [{ node: 'Report failure', type: 'main', index: 0 }], [{ node: 'Wait', type: 'main', index: 0 }]],
    };
    const { workflow, report } = migrateWorkflow(input, OPTIONS);
    expect(workflow.nodes).toHaveLength(input.nodes.length);
    expect(byName(workflow, 'Render').parameters.waitForCompletion).toBe(false);
    expect(byName(workflow, 'Status').parameters.url).toContain('http://127.0.0.1:8080/v2/movies?project=');
    expect(report).toContainEqual({ node: 'Render', rule: 'polling-loop-kept', detail: expect.stringContaining('more than one way out') });
    expect(workflow.connections).toEqual(input.connections);
  });

  test('render → Wait → status with nothing looping back: the render waits, the fixed Wait goes, the status request stays', () => {
    const next = node('Post', 'n8n-nodes-base.set', { value: '={{ $json.movie.url }}' }, 3.4);
    const input: N8nWorkflow = { nodes: [start, post(JSON.stringify(MOVIE)), wait, status, next], connections: chain('Start', 'Render', 'Wait', 'Status', 'Post') };
    const { workflow, report } = migrateWorkflow(input, OPTIONS);
    expect(workflow.nodes.map((n) => n.name)).toEqual(['Start', 'Render', 'Status', 'Post']);
    expect(byName(workflow, 'Render').parameters.waitForCompletion).toBe(true);
    expect(workflow.connections).toEqual(chain('Start', 'Render', 'Status', 'Post'));
    // The status request still answers {movie}: what follows it is not touched.
    expect(byName(workflow, 'Post')).toEqual(next);
    expect(report.map((e) => e.rule)).toEqual(['http-render-to-reelay', 'http-status-keep-http', 'fixed-wait-removed']);
  });

  test('a fixed Wait that an expression reads by name stays', () => {
    const next = node('Post', 'n8n-nodes-base.set', { value: "={{ $('Wait').item.json.project }}" }, 3.4);
    const input: N8nWorkflow = { nodes: [start, post(JSON.stringify(MOVIE)), wait, status, next], connections: chain('Start', 'Render', 'Wait', 'Status', 'Post') };
    const { workflow, report } = migrateWorkflow(input, OPTIONS);
    expect(workflow.connections).toEqual(input.connections);
    expect(byName(workflow, 'Render').parameters.waitForCompletion).toBe(false);
    expect(report).toContainEqual({ node: 'Render', rule: 'polling-loop-kept', detail: 'expressions read "Wait" by name, so it stays' });
  });

  test('two checks in a row ("Is Error?" → "Done?") are one loop; with no error branch it becomes Wait for Completion', () => {
    const input = loop();
    const isError = node('Is Error?', 'n8n-nodes-base.if', { conditions: { conditions: [{ leftValue: '={{ $json.movie.status }}', rightValue: 'error' }] } }, 2);
    input.nodes.push(isError);
    input.connections.Status = { main: [[{ node: 'Is Error?', type: 'main', index: 0 }]] };
    input.connections['Is Error?'] = { main: [[], [{ node: 'Done?', type: 'main', index: 0 }]] };
    const { workflow, report } = migrateWorkflow(input, OPTIONS);
    expect(workflow.nodes.map((n) => n.name)).toEqual(['Start', 'Render', 'Download', 'Notify']);
    expect(report).toContainEqual(expect.objectContaining({ node: 'Render', rule: 'polling-loop-to-wait', detail: expect.stringContaining('Wait, Status, Is Error?, Done?') }));
    expectConnectionsIntact(workflow);

    // With the error branch wired to a node of its own, both ways out must stay: kept.
    input.nodes.push(node('Handle Error', 'n8n-nodes-base.noOp', {}, 1));
    input.connections['Is Error?'] = { main: [[{ node: 'Handle Error', type: 'main', index: 0 }], [{ node: 'Done?', type: 'main', index: 0 }]] };
    const kept = migrateWorkflow(input, OPTIONS);
    expect(kept.workflow.connections).toEqual(input.connections);
    expect(kept.report).toContainEqual({ node: 'Render', rule: 'polling-loop-kept', detail: expect.stringContaining('"Is Error?" and "Done?" have more than one way out') });
  });

  test('a loop entered from elsewhere is kept', () => {
    const input = loop();
    input.nodes.push(node('Retry button', 'n8n-nodes-base.manualTrigger', {}, 1));
    input.connections['Retry button'] = { main: [[{ node: 'Status', type: 'main', index: 0 }]] };
    const { report } = migrateWorkflow(input, OPTIONS);
    expect(report).toContainEqual({ node: 'Render', rule: 'polling-loop-kept', detail: expect.stringContaining('Retry button') });
  });
});

describe("JSON2Video's own node", () => {
  const j2v = (name: string, parameters: Record<string, unknown>): N8nNode => ({
    ...node(name, 'n8n-nodes-json2video.json2Video', parameters, 1),
    credentials: { json2VideoApi: { id: 'j2v', name: 'JSON2Video account' } },
  });
  const migrateOne = (parameters: Record<string, unknown>) => {
    const { workflow, report } = migrateWorkflow({ nodes: [j2v('J', parameters)], connections: {} }, OPTIONS);
    return { migrated: workflow.nodes[0], entry: report[0] };
  };

  test('Render and Wait (template, mapped variables, client data, wait options) → Render with Wait for Completion', () => {
    const { migrated, entry } = migrateOne({
      resource: 'movie',
      operation: 'renderAndWait',
      inputMode: 'template',
      templateId: { __rl: true, value: 'LerKrmBfiqaIgBuacLWn', mode: 'id' },
      specifyVariables: 'keypair',
      variables: { mappingMode: 'defineBelow', value: { title: '={{ $json.title }}' }, matchingColumns: [], schema: [{ id: 'title' }] },
      additionalOptions: { clientData: { data: [{ name: 'order', value: '={{ $json.id }}' }] } },
      waitOptions: { timeout: 900, pollInterval: 10 },
    });
    expect(migrated).toMatchObject({ type: 'n8n-nodes-reelay.reelay', credentials: { reelayApi: { name: 'Reelay account' } } });
    expect(migrated.credentials).not.toHaveProperty('json2VideoApi');
    expect(migrated.parameters).toEqual({
      resource: 'movie',
      operation: 'render',
      source: 'template',
      template: { __rl: true, mode: 'id', value: 'LerKrmBfiqaIgBuacLWn' },
      variablesMode: 'map',
      variables: { mappingMode: 'defineBelow', value: { title: '={{ $json.title }}' }, matchingColumns: [], schema: [] },
      waitForCompletion: true,
      maxWait: 900,
      options: { clientData: JSON.stringify({ order: '={{ $json.id }}' }), pollInterval: 10 },
    });
    expect(entry.rule).toBe('json2video-node');
  });

  test('Create with Movie JSON: Additional Options become top-level movie keys, Webhook URL an export', () => {
    const { migrated } = migrateOne({
      resource: 'movie',
      operation: 'create',
      inputMode: 'json',
      movieJson: JSON.stringify({ scenes: [] }),
      additionalOptions: { resolution: 'custom', width: 320, height: 240, webhookUrl: 'https://n8n.example/webhook/x' },
    });
    expect(migrated.parameters.waitForCompletion).toBe(false);
    expect(JSON.parse(migrated.parameters.movie as string)).toEqual({
      scenes: [],
      resolution: 'custom',
      width: 320,
      height: 240,
      exports: [{ destinations: [{ type: 'webhook', endpoint: 'https://n8n.example/webhook/x' }] }],
    });
  });

  test('a template render with Additional Options → one Movie JSON expression with template, options and variables', () => {
    const { migrated } = migrateOne({
      resource: 'movie',
      operation: 'renderAndWait',
      inputMode: 'template',
      templateId: { __rl: true, value: 'tpl1', mode: 'id' },
      variables: { mappingMode: 'defineBelow', value: { title: '={{ $json.title }}', size: 3, nested: '={{ { a: { b: 1 } } }}' } },
      additionalOptions: { resolution: 'instagram-story', quality: 'high' },
    });
    const movie = migrated.parameters.movie as string;
    expect(movie.slice(3, -3)).not.toContain('}}');
    const code = /^=\{\{([\s\S]*)\}\}$/.exec(movie)![1];
    const evaluate = new Function('$json', `return ${code}`) as (json: unknown) => string;
    expect(JSON.parse(evaluate({ title: 'Hello' }))).toEqual({
      template: 'tpl1',
      resolution: 'instagram-story',
      quality: 'high',
      variables: { title: 'Hello', size: 3, nested: { a: { b: 1 } } },
    });
    expect(migrated.parameters).toMatchObject({ source: 'json', waitForCompletion: true });
  });

  test('options Reelay cannot carry leave the node untouched and reported', () => {
    const parameters = { resource: 'movie', operation: 'create', inputMode: 'template', templateId: { value: 'x' }, variables: { mappingMode: 'autoMapInputData' }, additionalOptions: { fps: 30 } };
    const { migrated, entry } = migrateOne(parameters);
    expect(migrated.type).toBe('n8n-nodes-json2video.json2Video');
    expect(migrated.parameters).toEqual(parameters);
    expect(entry).toMatchObject({ rule: 'unmapped', detail: expect.stringContaining('fps') });
  });

  test.each([
    [{ resource: 'movie', operation: 'getStatus', projectId: '={{ $json.project }}' }, { resource: 'movie', operation: 'getStatus', project: '={{ $json.project }}' }],
    [{ resource: 'movie', operation: 'delete', projectId: 'p1' }, { resource: 'movie', operation: 'delete', project: 'p1' }],
    [{ resource: 'movie', operation: 'getAll', returnAll: true }, { resource: 'movie', operation: 'getMany', returnAll: true, limit: 50 }],
    [{ resource: 'template', operation: 'get', templateId: { __rl: true, mode: 'list', value: 't1' } }, { resource: 'template', operation: 'get', template: { __rl: true, mode: 'id', value: 't1' } }],
  ])('%j → %j', (from, to) => {
    expect(migrateOne(from).migrated.parameters).toEqual(to);
  });

  test('Storage: Upload → Reelay Upload (folder and name dropped, said so); other Storage operations untouched, reported', () => {
    const upload = migrateOne({ resource: 'media', operation: 'upload', binaryPropertyName: 'voice', additionalOptions: { folder: 'n8n' } });
    expect(upload.migrated.parameters).toEqual({ resource: 'upload', operation: 'upload', binaryPropertyName: 'voice' });
    expect(upload.entry.detail).toContain('folder dropped');
    const { migrated, entry } = migrateOne({ resource: 'media', operation: 'getStorage' });
    expect(migrated.type).toBe('n8n-nodes-json2video.json2Video');
    expect(entry).toMatchObject({ node: 'J', rule: 'unmapped' });
  });

  test('Movie JSON built by an expression + Additional Options → the options merged by the expression', () => {
    const { migrated } = migrateOne({
      resource: 'movie',
      operation: 'renderAndWait',
      inputMode: 'json',
      movieJson: "={{ JSON.stringify({ scenes: [{ elements: [{ type: 'audio', src: $json.url }] }] }) }}",
      additionalOptions: { quality: 'high' },
    });
    const code = /^=\{\{([\s\S]*)\}\}$/.exec(migrated.parameters.movie as string)![1];
    expect(code).not.toContain('}}');
    const evaluate = new Function('$json', `return ${code}`) as (json: unknown) => string;
    expect(JSON.parse(evaluate({ url: 'reelay://uploads/u1' }))).toEqual({ scenes: [{ elements: [{ type: 'audio', src: 'reelay://uploads/u1' }] }], quality: 'high' });
  });
});

describe('real public workflows (test/fixtures/n8n-workflows)', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));

  test('each one is recorded with its source in the README', () => {
    const readme = readFileSync(path.join(FIXTURES, 'README.md'), 'utf8');
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const file of files) expect(readme).toContain(file);
  });

  test.each(files)('%s: every JSON2Video node is migrated or reported, connections intact', (file) => {
    const input = JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as N8nWorkflow;
    const { workflow, report } = migrateWorkflow(input, OPTIONS);
    expectConnectionsIntact(workflow);
    for (const n of workflow.nodes) {
      const touchesJson2Video = n.type === 'n8n-nodes-json2video.json2Video' || /api\.json2video\.com/.test(JSON.stringify(n.parameters));
      if (touchesJson2Video) expect(report).toContainEqual(expect.objectContaining({ node: n.name, rule: 'unmapped' }));
    }
    expect(report.filter((e) => e.rule !== 'unmapped').length).toBeGreaterThan(0);
  });
});

/** The real workflows built from HTTP Request nodes (README: sources), migrated as the CLI does. */
describe('real public workflows built from HTTP Request nodes', () => {
  const load = (file: string) => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as N8nWorkflow;
  const lines = (report: MigrationEntry[]) => report.map((e) => `${e.rule} ${e.node}`);

  /** Every node the report does not name is byte for byte the input's. */
  function expectOthersUntouched(input: N8nWorkflow, output: N8nWorkflow, report: MigrationEntry[]): void {
    const named = new Set(report.map((e) => e.node));
    for (const n of output.nodes) if (!named.has(n.name)) expect(n).toEqual(byName(input, n.name));
  }

  function expectStatusOnReelay(n: N8nNode, url: string): void {
    expect(n.type).toBe('n8n-nodes-base.httpRequest');
    expect(n.parameters).toMatchObject({ url, authentication: 'predefinedCredentialType', nodeCredentialType: 'reelayApi' });
    expect(n.parameters.genericAuthType).toBeUndefined();
    expect(n.credentials).toEqual({ reelayApi: { id: 'cred1', name: 'Reelay account' } });
  }

  test('captions with a Wait + "Is Error" + "is Completed" loop: render → Reelay, the loop (error branch) kept and pointed at Reelay with ?id=', () => {
    const input = load('http-01-video-captions-polling-loop.json');
    const { workflow, report } = migrateWorkflow(input, OPTIONS);
    expect(lines(report)).toEqual([
      'polling-loop-kept json2video - Add Captions',
      'http-render-to-reelay json2video - Add Captions',
      'http-status-keep-http json2video - Get Status',
    ]);
    expect(report[0].detail).toContain('"Is Error" and "is Completed" have more than one way out');
    expect(report[2].detail).toContain('GET /v2/movies?id=');
    const render = byName(workflow, 'json2video - Add Captions');
    // The body is an n8n expression ("={ … {{ $json.video_url }} … }"): it goes over verbatim, with its top-level options.
    expect(render.parameters).toEqual({
      resource: 'movie',
      operation: 'render',
      source: 'json',
      movie: byName(input, 'json2video - Add Captions').parameters.jsonBody,
      waitForCompletion: false,
      options: {},
    });
    expect(render.credentials).toEqual({ reelayApi: { id: 'cred1', name: 'Reelay account' } });
    expectStatusOnReelay(byName(workflow, 'json2video - Get Status'), "=http://127.0.0.1:8080/v2/movies?id={{ $('json2video - Add Captions').first().json.project }}");
    expect(workflow.connections).toEqual(input.connections);
    expect(workflow.nodes.map((n) => n.name)).toEqual(input.nodes.map((n) => n.name));
    expectOthersUntouched(input, workflow, report);
    expect(JSON.stringify(workflow)).not.toContain('api.json2video.com');
  });

  test('Telegram → AI video → JSON2Video merge with music: render waits, the fixed 1-minute Wait goes, "Get Final Video URL" stays HTTP on Reelay', () => {
    const input = load('http-02-telegram-ai-video-merge-music.json');
    const { workflow, report } = migrateWorkflow(input, OPTIONS);
    expect(lines(report)).toEqual([
      'http-render-to-reelay Merge Video + Music',
      'http-status-keep-http Get Final Video URL',
      'fixed-wait-removed Merge Video + Music',
    ]);
    expect(byName(workflow, 'Merge Video + Music').parameters).toMatchObject({ source: 'json', movie: byName(input, 'Merge Video + Music').parameters.jsonBody, waitForCompletion: true });
    expectStatusOnReelay(byName(workflow, 'Get Final Video URL'), '=http://127.0.0.1:8080/v2/movies?id={{ $json.project }}');
    const expected: N8nWorkflow['connections'] = { ...input.connections, 'Merge Video + Music': { main: [[{ node: 'Get Final Video URL', type: 'main', index: 0 }]] } };
    delete expected['Wait for Fusion Completion'];
    expect(workflow.connections).toEqual(expected);
    expect(workflow.nodes.map((n) => n.name)).toEqual(input.nodes.map((n) => n.name).filter((n) => n !== 'Wait for Fusion Completion'));
    // Later nodes read the status node's {movie} shape, which Reelay answers too: untouched.
    expect(JSON.stringify(workflow.nodes)).toContain("$('Get Final Video URL').item.json.movie.url");
    expectOthersUntouched(input, workflow, report);
    expectConnectionsIntact(workflow);
  });

  test('Kling AI video → JSON2Video audio merge → JSON2Video captions: both renders wait, both fixed Waits go, the one between them stays', () => {
    const input = load('http-03-kling-ai-video-audio-and-captions.json');
    const { workflow, report } = migrateWorkflow(input, OPTIONS);
    expect(lines(report)).toEqual([
      'http-render-to-reelay Merge Audio + Video',
      'http-status-keep-http Get Video URL with Audio',
      'http-render-to-reelay Add Captions/Subtitles to Video',
      'http-status-keep-http Get Final Video URL (Audio + Captions)',
      'fixed-wait-removed Merge Audio + Video',
      'fixed-wait-removed Add Captions/Subtitles to Video',
    ]);
    for (const name of ['Merge Audio + Video', 'Add Captions/Subtitles to Video']) {
      expect(byName(workflow, name)).toMatchObject({ type: 'n8n-nodes-reelay.reelay', parameters: { movie: byName(input, name).parameters.jsonBody, waitForCompletion: true } });
    }
    for (const name of ['Get Video URL with Audio', 'Get Final Video URL (Audio + Captions)']) expectStatusOnReelay(byName(workflow, name), '=http://127.0.0.1:8080/v2/movies?id={{ $json.project }}');
    const to = (target: string) => ({ main: [[{ node: target, type: 'main', index: 0 }]] });
    const expected: N8nWorkflow['connections'] = { ...input.connections, 'Merge Audio + Video': to('Get Video URL with Audio'), 'Add Captions/Subtitles to Video': to('Get Final Video URL (Audio + Captions)') };
    delete expected['Wait for Audio/Video Fusion'];
    delete expected['Wait for Caption Render'];
    expect(workflow.connections).toEqual(expected);
    // "Wait Before Captioning" follows a status request, not a render: not JSON2Video's, kept.
    expect(byName(workflow, 'Wait Before Captioning')).toEqual(byName(input, 'Wait Before Captioning'));
    expectOthersUntouched(input, workflow, report);
    expectConnectionsIntact(workflow);
  });
});

describe('the command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-migrate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('migrates a file and an `n8n export --all` array; bad input names the JSON path and code', () => {
    const file = path.join(dir, 'w.json');
    writeFileSync(file, JSON.stringify([{ name: 'one', nodes: [post(JSON.stringify(MOVIE))], connections: {} }]));
    const { json, report } = runMigrate(file, { baseUrl: 'http://127.0.0.1:8080', credential: 'Reelay account' });
    expect(JSON.parse(json)[0].nodes[0].type).toBe('n8n-nodes-reelay.reelay');
    expect(report).toContain('http-render-to-reelay');

    writeFileSync(file, JSON.stringify({ nodes: [{ name: 'x' }] }));
    expect(() => runMigrate(file, { baseUrl: 'http://127.0.0.1:8080', credential: 'c' })).toThrow(new CliError(`${file}: $.nodes[0]: expected a node with a name and a type (N8N_WORKFLOW_INVALID)`));
    expect(() => runMigrate(file, { baseUrl: 'not a url', credential: 'c' })).toThrow(CliError);
  });
});
