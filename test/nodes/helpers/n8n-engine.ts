/**
 * Runs workflows through n8n's own engine in-process: `Workflow` from n8n-workflow and
 * `WorkflowExecute` from n8n-core, with the package's node classes loaded from source. This is the
 * pattern of n8n's NodeTestHarness (not published on npm), written here from scratch: a node-types
 * registry, a credentials helper that applies our credential's generic `authenticate` block like
 * n8n's does, and the additionalData the engine needs. No HTTP is mocked; requests go where the
 * credential's base URL points (a live bridge, or nock in unit tests).
 */
import { randomUUID } from 'node:crypto';
import { ExecutionLifecycleHooks, HookContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
  ICredentialDataDecryptedObject,
  ICredentials,
  ICredentialsHelper,
  IDataObject,
  IExecuteFunctions,
  IHttpRequestOptions,
  INode,
  INodeExecutionData,
  INodeProperties,
  INodeType,
  INodeTypeDescription,
  INodeTypes,
  IRun,
  IVersionedNodeType,
  IWebhookData,
  IWorkflowExecuteAdditionalData,
  WorkflowActivateMode,
} from 'n8n-workflow';
import { LoggerProxy, NodeConnectionTypes, Workflow } from 'n8n-workflow';
import { ReelayApi } from '../../../credentials/ReelayApi.credentials';
import { Reelay } from '../../../nodes/Reelay/Reelay.node';
import { ReelayTrigger } from '../../../nodes/ReelayTrigger/ReelayTrigger.node';

// n8n's engine logs every node error to the console by default; tests assert on the errors instead.
const quiet = () => undefined;
LoggerProxy.init({ error: quiet, warn: quiet, info: quiet, debug: quiet });

/** A start node that emits the items written in its `items` parameter (JSON, binary inline as base64). */
class TestItems implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Test Items',
    name: 'testItems',
    group: ['input'],
    version: 1,
    description: 'Emits fixed items',
    defaults: { name: 'Items' },
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const raw = this.getNodeParameter('items', 0) as unknown;
    const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as INodeExecutionData[];
    return [items.map((item, i) => ({ ...item, pairedItem: { item: i } }))];
  }
}

export const NODE_TYPES = {
  reelay: 'CUSTOM.reelay',
  trigger: 'CUSTOM.reelayTrigger',
  items: 'test.items',
};

export class PackageNodeTypes implements INodeTypes {
  private readonly types: Record<string, INodeType> = {
    [NODE_TYPES.reelay]: new Reelay(),
    [NODE_TYPES.trigger]: new ReelayTrigger(),
    [NODE_TYPES.items]: new TestItems(),
  };

  getByName(nodeType: string): INodeType | IVersionedNodeType {
    return this.getByNameAndVersion(nodeType);
  }

  getByNameAndVersion(nodeType: string): INodeType {
    const type = this.types[nodeType];
    if (!type) throw new Error(`unknown node type ${nodeType}`);
    return type;
  }

  getKnownTypes() {
    return {};
  }
}

/** Replaces `{{$credentials.name}}` inside a generic authenticate value. */
function resolveCredentialExpression(value: string, credentials: ICredentialDataDecryptedObject): string {
  const expression = value.startsWith('=') ? value.slice(1) : value;
  return expression.replace(/\{\{\s*\$credentials\.([A-Za-z0-9_]+)\s*\}\}/g, (_m, name: string) => String(credentials[name] ?? ''));
}

class TestCredentialsHelper implements ICredentialsHelper {
  constructor(private readonly store: Record<string, ICredentialDataDecryptedObject>) {}

  getParentTypes(): string[] {
    return [];
  }

  isCredentialUsableByNode(): boolean {
    return true;
  }

  async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
    if (typeName !== 'reelayApi') throw new Error(`no credential type ${typeName}`);
    const headers = { ...(requestOptions.headers ?? {}) } as IDataObject;
    const generic = new ReelayApi().authenticate.properties.headers ?? {};
    for (const [name, value] of Object.entries(generic)) headers[name] = resolveCredentialExpression(String(value), credentials);
    return { ...requestOptions, headers };
  }

  async preAuthentication() {
    return undefined;
  }

  async runPreAuthentication() {
    return undefined;
  }

  async getCredentials(): Promise<ICredentials> {
    throw new Error('not used');
  }

  async getDecrypted(_additionalData: unknown, nodeCredentials: { id: string | null }): Promise<ICredentialDataDecryptedObject> {
    const data = this.store[String(nodeCredentials.id)];
    if (!data) throw new Error(`no credentials with id ${nodeCredentials.id}`);
    return { ...data };
  }

  async updateCredentials() {}

  async updateCredentialsOauthTokenData() {}

  getCredentialsProperties(): INodeProperties[] {
    return new ReelayApi().properties;
  }
}

export interface EngineOptions {
  /** Credentials by id: `{ '1': { baseUrl, apiKey } }`; nodes reference `{ reelayApi: { id: '1', name } }`. */
  credentials: Record<string, ICredentialDataDecryptedObject>;
  webhookBaseUrl?: string;
}

export function additionalData(options: EngineOptions, workflowId = 'wf1'): IWorkflowExecuteAdditionalData {
  const base = options.webhookBaseUrl ?? 'http://127.0.0.1:5678';
  const executionId = randomUUID();
  return {
    executionId,
    credentialsHelper: new TestCredentialsHelper(options.credentials),
    hooks: new ExecutionLifecycleHooks('manual', executionId, { id: workflowId, name: 'test', nodes: [], connections: {}, active: false, settings: {} } as never),
    variables: {},
    webhookBaseUrl: `${base}/webhook`,
    webhookWaitingBaseUrl: `${base}/webhook-waiting`,
    webhookTestBaseUrl: `${base}/webhook-test`,
    formWaitingBaseUrl: `${base}/form-waiting`,
    formBaseUrl: `${base}/form`,
    formTestBaseUrl: `${base}/form-test`,
    restApiUrl: `${base}/rest`,
    instanceBaseUrl: base,
    mcpBaseUrl: `${base}/mcp`,
    mcpTestBaseUrl: `${base}/mcp-test`,
    currentNodeExecutionIndex: 0,
    executeWorkflow: async () => {
      throw new Error('sub-workflows are not used');
    },
    getRunExecutionData: async () => undefined,
    logAiEvent: () => undefined,
  } as unknown as IWorkflowExecuteAdditionalData;
}

export interface WorkflowJson {
  id?: string;
  nodes: INode[];
  connections: Workflow['connectionsBySourceNode'];
  staticData?: IDataObject;
}

export function buildWorkflow(json: WorkflowJson): Workflow {
  return new Workflow({
    id: json.id ?? 'wf1',
    name: 'test',
    nodes: json.nodes,
    connections: json.connections,
    active: false,
    nodeTypes: new PackageNodeTypes(),
    staticData: json.staticData,
  });
}

export interface RunResult {
  run: IRun;
  /** Output items (main, first output) of each node's first run. */
  output(nodeName: string): INodeExecutionData[];
  error: IRun['data']['resultData']['error'];
}

export async function runWorkflow(json: WorkflowJson, options: EngineOptions, startNodeName?: string): Promise<RunResult> {
  const workflow = buildWorkflow(json);
  const start = startNodeName ? workflow.getNode(startNodeName) : json.nodes[0];
  if (!start) throw new Error('no start node');
  const run = await new WorkflowExecute(additionalData(options, workflow.id), 'manual').run({ workflow, startNode: start });
  return {
    run,
    error: run.data.resultData.error,
    output(nodeName: string) {
      const taskData = run.data.resultData.runData[nodeName]?.[0];
      if (!taskData) throw new Error(`node ${nodeName} did not run`);
      if (taskData.error) throw taskData.error;
      return taskData.data?.main?.[0] ?? [];
    },
  };
}

/** "Items → Reelay" with the given Reelay parameters and input items. */
export function reelayWorkflow(parameters: IDataObject, items: INodeExecutionData[] = [{ json: {} }], settings: Partial<INode> = {}): WorkflowJson {
  return {
    nodes: [
      { id: 'n1', name: 'Items', type: NODE_TYPES.items, typeVersion: 1, position: [0, 0], parameters: { items: JSON.stringify(items) } },
      {
        id: 'n2',
        name: 'Reelay',
        type: NODE_TYPES.reelay,
        typeVersion: 1,
        position: [200, 0],
        parameters: parameters as INode['parameters'],
        credentials: { reelayApi: { id: '1', name: 'Reelay' } },
        ...settings,
      },
    ],
    connections: { Items: { main: [[{ node: 'Reelay', type: NodeConnectionTypes.Main, index: 0 }]] } },
  };
}

/** A trigger node inside a workflow, and the contexts n8n gives its webhook methods. */
export function triggerHarness(parameters: IDataObject, options: EngineOptions, workflowId = 'wfTrigger') {
  const node: INode = {
    id: 't1',
    name: 'Reelay Trigger',
    type: NODE_TYPES.trigger,
    typeVersion: 1,
    position: [0, 0],
    webhookId: `hook-${randomUUID()}`,
    parameters: parameters as INode['parameters'],
    credentials: { reelayApi: { id: '1', name: 'Reelay' } },
  };
  const workflow = buildWorkflow({ id: workflowId, nodes: [node], connections: {}, staticData: {} });
  const data = additionalData(options, workflowId);
  const type = new ReelayTrigger();
  const hook = (method: 'checkExists' | 'create' | 'delete', activation: WorkflowActivateMode = 'activate') =>
    type.webhookMethods.default[method].call(new HookContext(workflow, node, data, 'trigger', activation));
  return {
    node,
    workflow,
    type,
    additionalData: data,
    staticData: () => workflow.staticData[`node:${node.name}`] as IDataObject | undefined,
    webhookUrl: `${data.webhookBaseUrl}/${node.webhookId}/webhook`,
    checkExists: () => hook('checkExists'),
    create: () => hook('create'),
    delete: () => hook('delete'),
    /** Calls webhook() the way n8n's webhook server does, with the request it parsed. */
    async webhook(req: unknown, res: unknown) {
      const webhookData = {
        httpMethod: 'POST',
        node: node.name,
        path: 'webhook',
        webhookDescription: type.description.webhooks![0],
        workflowId,
      } as unknown as IWebhookData;
      const ctxData = { ...data, httpRequest: req, httpResponse: res } as IWorkflowExecuteAdditionalData;
      return await type.webhook.call(new WebhookContext(workflow, node, ctxData, 'trigger', webhookData, [], null));
    },
  };
}
