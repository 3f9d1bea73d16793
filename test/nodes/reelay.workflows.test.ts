/**
 * Workflows run in-process through n8n's engine (n8n-core WorkflowExecute + n8n-workflow Workflow)
 * against a LIVE bridge on loopback (test/helpers/bridge): nothing between the node and the bridge is
 * mocked. Renders that need a renderer worker are in reelay.render.test.ts.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { startBridge, type TestBridge } from '../helpers/bridge';
import { LoadOptionsContext } from 'n8n-core';
import { ReelayApi } from '../../credentials/ReelayApi.credentials';
import { getTemplateVariables, searchTemplates } from '../../nodes/Reelay/methods';
import { additionalData, buildWorkflow, NODE_TYPES, reelayWorkflow, runWorkflow, type WorkflowJson } from './helpers/n8n-engine';

// 1×1 transparent PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge({ credits: 1000 });
});
afterAll(async () => {
  await bridge?.stop();
});

const credentialsFor = (apiKey: string) => ({ credentials: { '1': { baseUrl: bridge.url, apiKey } } });

function reelayNode(name: string, parameters: IDataObject, x: number): INode {
  return {
    id: name,
    name,
    type: NODE_TYPES.reelay,
    typeVersion: 1,
    position: [x, 0],
    parameters: parameters as INode['parameters'],
    credentials: { reelayApi: { id: '1', name: 'Reelay' } },
  };
}

/** Items → node1 → node2 → … */
function chain(steps: Array<[string, IDataObject]>): WorkflowJson {
  const nodes: INode[] = [
    { id: 'items', name: 'Items', type: NODE_TYPES.items, typeVersion: 1, position: [0, 0], parameters: { items: '[{"json":{}}]' } },
    ...steps.map(([name, parameters], i) => reelayNode(name, parameters, 200 * (i + 1))),
  ];
  const connections: WorkflowJson['connections'] = {};
  for (let i = 0; i < nodes.length - 1; i++) {
    connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: NodeConnectionTypes.Main, index: 0 }]] };
  }
  return { nodes, connections };
}

test('API key rotation: create → roll (no grace) → revoke, chained by expressions', async () => {
  const result = await runWorkflow(
    chain([
      ['Create Key', { resource: 'apiKey', operation: 'create', name: 'rotating', permission: 'role', role: 'render' }],
      ['Roll Key', { resource: 'apiKey', operation: 'roll', keyId: '={{ $json.id }}', graceSeconds: 0 }],
      ['Revoke Key', { resource: 'apiKey', operation: 'revoke', keyId: '={{ $json.id }}' }],
    ]),
    credentialsFor(bridge.primaryKey),
  );
  expect(result.error).toBeUndefined();
  const created = result.output('Create Key')[0].json;
  const rolled = result.output('Roll Key')[0].json;
  const revoked = result.output('Revoke Key')[0].json;
  expect(created).toMatchObject({ name: 'rotating', role: 'render', key: expect.stringMatching(/^rly_/) });
  expect(rolled).toMatchObject({ key: expect.stringMatching(/^rly_/), previous: { id: created.id } });
  expect(rolled.key).not.toBe(created.key);
  expect(revoked).toMatchObject({ id: rolled.id, revoked: true });
  // The real effect on the bridge: both secrets are dead now.
  expect((await bridge.request('GET', '/v2/auth/verify', { key: created.key as string })).status).toBe(401);
  expect((await bridge.request('GET', '/v2/auth/verify', { key: rolled.key as string })).status).toBe(401);
});

test('key update and get many see the same key', async () => {
  const { id } = await bridge.keyWithRole('render');
  const result = await runWorkflow(
    chain([
      ['Update', { resource: 'apiKey', operation: 'update', keyId: id, updateFields: { role: 'editor', name: 'promoted' } }],
      ['List', { resource: 'apiKey', operation: 'getMany', returnAll: true }],
    ]),
    credentialsFor(bridge.primaryKey),
  );
  expect(result.error).toBeUndefined();
  expect(result.output('Update')[0].json).toMatchObject({ id, role: 'editor', name: 'promoted' });
  expect(result.output('List').map((i) => i.json.id)).toContain(id);
});

test('templates: create, get variables, render from it with variables (accepted), update, delete', async () => {
  const { key } = await bridge.keyWithRole('editor');
  const created = await runWorkflow(
    reelayWorkflow({
      resource: 'template',
      operation: 'create',
      name: 'n8n promo',
      movie: JSON.stringify({ resolution: 'custom', width: 160, height: 90, scenes: [{ duration: 1, elements: [{ type: 'text', text: '{{title}}' }] }] }),
    }),
    credentialsFor(key),
  );
  expect(created.error).toBeUndefined();
  const template = created.output('Reelay')[0].json;
  expect(template).toMatchObject({ name: 'n8n promo', variables: [expect.objectContaining({ name: 'title', required: true })] });
  const locator = { __rl: true, mode: 'id', value: template.id };

  const variables = await runWorkflow(reelayWorkflow({ resource: 'template', operation: 'getVariables', template: locator }), credentialsFor(key));
  expect(variables.output('Reelay').map((i) => i.json.name)).toEqual(['title']);

  // One render per input row, the variable mapped from the row.
  const rendered = await runWorkflow(
    reelayWorkflow(
      {
        resource: 'movie',
        operation: 'render',
        source: 'template',
        template: locator,
        variablesMode: 'map',
        variables: { mappingMode: 'defineBelow', value: { title: '={{ $json.title }}' }, matchingColumns: [], schema: [] },
        waitForCompletion: false,
        options: { idempotencyKey: '={{ "row-" + $json.row }}' },
      },
      [{ json: { row: 1, title: 'First' } }, { json: { row: 2, title: 'Second' } }, { json: { row: 1, title: 'First' } }],
    ),
    credentialsFor(key),
  );
  expect(rendered.error).toBeUndefined();
  const projects = rendered.output('Reelay').map((i) => i.json.project);
  expect(projects).toHaveLength(3);
  expect(projects[0]).not.toBe(projects[1]);
  expect(projects[2]).toBe(projects[0]); // same Idempotency-Key → the same render
  expect(rendered.output('Reelay').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);

  const status = await runWorkflow(reelayWorkflow({ resource: 'movie', operation: 'getStatus', project: projects[1] }), credentialsFor(key));
  expect(status.output('Reelay')[0].json).toMatchObject({ project: projects[1], status: expect.stringMatching(/pending|running|done/) });

  const updated = await runWorkflow(
    reelayWorkflow({ resource: 'template', operation: 'update', template: locator, updateFields: { name: 'renamed' } }),
    credentialsFor(key),
  );
  expect(updated.output('Reelay')[0].json).toMatchObject({ id: template.id, name: 'renamed' });
  const deleted = await runWorkflow(reelayWorkflow({ resource: 'template', operation: 'delete', template: locator }), credentialsFor(key));
  expect(deleted.output('Reelay')[0].json).toMatchObject({ id: template.id, deleted: true });
  expect((await bridge.request('GET', `/v2/templates/${template.id}`, { key })).status).toBe(404);
});

test('upload an item binary, then get the account', async () => {
  const { key } = await bridge.keyWithRole('render');
  const result = await runWorkflow(
    reelayWorkflow({ resource: 'upload', operation: 'upload', binaryPropertyName: 'image' }, [
      { json: {}, binary: { image: { data: PNG, mimeType: 'image/png', fileName: 'dot.png' } } },
    ]),
    credentialsFor(key),
  );
  expect(result.error).toBeUndefined();
  expect(result.output('Reelay')[0].json).toMatchObject({ id: expect.any(String), url: expect.stringMatching(/^reelay:\/\/uploads\//), kind: 'image', width: 1, height: 1 });

  const account = await runWorkflow(reelayWorkflow({ resource: 'account', operation: 'get' }), credentialsFor(key));
  expect(account.output('Reelay')[0].json).toMatchObject({ id: bridge.account.id });
});

test('errors from the real bridge, per item with continueOnFail: validation paths, missing scope, missing credits, bad key', async () => {
  const { key: renderKey } = await bridge.keyWithRole('render');
  const broke = await bridge.createAccount({ credits: 0 });
  const movie = { resolution: 'custom', width: 160, height: 90, scenes: [{ duration: 1, elements: [{ type: 'text', text: 'x' }] }] };

  const invalid = await runWorkflow(
    reelayWorkflow(
      { resource: 'movie', operation: 'render', source: 'json', movie: '={{ JSON.stringify($json.movie) }}', waitForCompletion: false },
      [{ json: { movie: { scenes: [{ elements: [{ type: 'image' }] }] } } }, { json: { movie } }],
      { onError: 'continueRegularOutput' },
    ),
    credentialsFor(renderKey),
  );
  const [bad, good] = invalid.output('Reelay');
  expect(bad.json).toMatchObject({ httpCode: '400', code: 'validation_error', error: expect.stringMatching(/^Reelay refused the request: scenes\[0\]\.elements\[0\]/) });
  expect(bad.pairedItem).toEqual({ item: 0 });
  expect(good.json).toMatchObject({ success: true, project: expect.any(String) });

  const noScope = await runWorkflow(
    reelayWorkflow({ resource: 'apiKey', operation: 'getMany', returnAll: true }, [{ json: {} }], { onError: 'continueRegularOutput' }),
    credentialsFor(renderKey),
  );
  expect(noScope.output('Reelay')[0].json).toMatchObject({ httpCode: '403', error: expect.stringContaining('keys:read') });

  const noCredits = await runWorkflow(
    reelayWorkflow({ resource: 'movie', operation: 'render', source: 'json', movie: JSON.stringify(movie), waitForCompletion: false }),
    credentialsFor(broke.primaryKey),
  );
  expect(noCredits.error?.message).toMatch(/^Not enough Reelay credits: this needs 1, 0 available/);

  const badKey = await runWorkflow(reelayWorkflow({ resource: 'account', operation: 'get' }), credentialsFor('rly_' + 'x'.repeat(36)));
  expect(badKey.error?.message).toMatch(/^Reelay rejected the API key/);
});

test('editor helpers: the template picker and the variables mapper load from the bridge', async () => {
  const { key } = await bridge.keyWithRole('editor');
  const made = await bridge.request('POST', '/v2/templates', {
    key,
    body: {
      name: 'Weekly recap',
      movie: { scenes: [{ elements: [{ type: 'text', text: '{{headline}} {{count}}' }] }] },
      variables: [
        { name: 'headline', required: true, description: 'big text' },
        { name: 'count', default: 3, required: false, description: '' },
      ],
    },
  });
  expect(made.status).toBe(201);
  const id = made.body.template.id as string;
  const workflow = buildWorkflow(reelayWorkflow({ resource: 'movie', operation: 'render', source: 'template', template: { __rl: true, mode: 'list', value: id } }));
  const context = new LoadOptionsContext(workflow, workflow.getNode('Reelay')!, additionalData(credentialsFor(key)), 'parameters.variables');

  const found = await searchTemplates.call(context, 'weekly');
  expect(found.results).toContainEqual({ name: 'Weekly recap', value: id });
  expect((await searchTemplates.call(context, 'no such name')).results).toEqual([]);

  const { fields } = await getTemplateVariables.call(context);
  expect(fields).toEqual([
    expect.objectContaining({ id: 'headline', displayName: 'headline', required: true, display: true, type: 'string' }),
    expect.objectContaining({ id: 'count', required: false, defaultValue: 3 }),
  ]);
});

test('the credential test request: 200 with a good key, 401 (a rule with a fix) with a bad one', async () => {
  const credential = new ReelayApi();
  const url = `${bridge.url}${credential.test.request.url}`;
  const header = (apiKey: string) => ({ 'x-api-key': apiKey });
  expect(credential.authenticate.properties.headers).toEqual({ 'x-api-key': '={{$credentials.apiKey}}' });
  expect((await fetch(url, { headers: header(bridge.primaryKey) })).status).toBe(200);
  const refused = await fetch(url, { headers: header('rly_' + 'x'.repeat(36)) });
  const rule = credential.test.rules?.find((r) => r.type === 'responseCode' && r.properties.value === refused.status);
  expect(refused.status).toBe(401);
  expect(rule?.properties.message).toMatch(/rejected the API key/);
});

test('Movie → Validate: a template with mapped variables, and a broken movie, checked by the live bridge without charging', async () => {
  const { key } = await bridge.keyWithRole('render');
  const template = await bridge.request('POST', '/v2/templates', {
    key: bridge.primaryKey,
    body: { name: 'validate-me', movie: { resolution: 'hd', scenes: [{ duration: '{{seconds}}', elements: [{ type: 'text', text: '{{title}}' }] }] } },
  });
  const balance = async () => (await bridge.request('GET', '/v2/account', { key: bridge.primaryKey })).body.account.credits;
  const before = await balance();
  const result = await runWorkflow(
    chain([
      ['Valid', {
        resource: 'movie', operation: 'validate', source: 'template', template: { __rl: true, mode: 'id', value: template.body.template.id },
        variablesMode: 'json', variablesJson: '{"title": "Hi", "seconds": 3}',
      }],
      ['Broken', { resource: 'movie', operation: 'validate', source: 'json', movie: '{"scenes": [{"elements": [{"type": "video"}]}]}' }],
    ]),
    credentialsFor(key),
  );
  expect(result.error).toBeUndefined();
  expect(result.output('Valid')[0].json).toEqual({ success: true, valid: true, errors: [], warnings: [], duration: 3, credits: 3 });
  expect(result.output('Broken')[0].json).toMatchObject({ valid: false, errors: [{ path: 'scenes[0].elements[0].src', message: 'required', code: 'validation_error' }] });
  expect(await balance()).toBe(before);
});
