/**
 * `reelay n8n migrate`: an n8n workflow that uses JSON2Video in → the same workflow on Reelay out,
 * plus a report naming the rule applied to each node. Pure: no I/O, the input is never mutated, and
 * every node it does not recognise passes through byte for byte with its connections.
 */
import { classifyHttpNode, renderNodeFromHttp, retargetHttpNode } from './http-nodes';
import { isJson2VideoNode, migrateJson2VideoNode } from './json2video-node';
import { findPollingLoop, removeFixedWait, removeLoop, rewriteStatusReferences, type FixedWait, type PollingLoop } from './polling-loop';
import type { MigrationEntry, MigrationOptions, MigrationResult, N8nNode, N8nWorkflow } from './workflow';

export type { MigrationEntry, MigrationOptions, MigrationResult, N8nWorkflow } from './workflow';

const STICKY_NOTE = 'n8n-nodes-base.stickyNote';

export class WorkflowShapeError extends Error {
  readonly code = 'N8N_WORKFLOW_INVALID';
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
  }
}

/** n8n exports are one workflow object, or (n8n export:workflow --all) an array of them. */
export function checkWorkflowShape(value: unknown, path = '$'): N8nWorkflow {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new WorkflowShapeError(path, 'expected an n8n workflow object');
  const workflow = value as Record<string, unknown>;
  if (!Array.isArray(workflow.nodes)) throw new WorkflowShapeError(`${path}.nodes`, 'expected an array of nodes');
  workflow.nodes.forEach((node, i) => {
    const n = node as Record<string, unknown>;
    if (typeof n?.name !== 'string' || typeof n.type !== 'string') throw new WorkflowShapeError(`${path}.nodes[${i}]`, 'expected a node with a name and a type');
  });
  if (workflow.connections !== undefined && (typeof workflow.connections !== 'object' || workflow.connections === null)) {
    throw new WorkflowShapeError(`${path}.connections`, 'expected an object');
  }
  return { ...(workflow as N8nWorkflow), connections: (workflow.connections as N8nWorkflow['connections']) ?? {} };
}

export function migrateWorkflow(input: N8nWorkflow, options: MigrationOptions): MigrationResult {
  let workflow: N8nWorkflow = structuredClone(input);
  const report: MigrationEntry[] = [];

  // Polling loops first: they decide whether a render waits for its video.
  const loops: PollingLoop[] = [];
  const fixedWaits: FixedWait[] = [];
  for (const node of workflow.nodes) {
    if (classifyHttpNode(node) !== 'render') continue;
    const loop = findPollingLoop(workflow, node.name);
    if (loop.kind === 'loop') loops.push(loop);
    else if (loop.kind === 'fixed-wait') fixedWaits.push(loop);
    else if (loop.kind === 'kept') report.push({ node: node.name, rule: 'polling-loop-kept', detail: loop.reason });
  }
  const waits = (render: string) => loops.some((l) => l.render === render) || fixedWaits.some((f) => f.render === render);

  const replaced = new Map<string, N8nNode>();
  for (const node of workflow.nodes) {
    const call = classifyHttpNode(node);
    let result: { node: N8nNode; entry: MigrationEntry } | null = null;
    if (call === 'render') {
      result = renderNodeFromHttp(node, options, waits(node.name));
      if (!result) result = retargetHttpNode(node, options, 'http-other-keep-http');
    } else if (call === 'status') {
      if (loops.some((l) => l.status === node.name)) continue;
      result = retargetHttpNode(node, options, 'http-status-keep-http');
    } else if (call === 'other') {
      result = retargetHttpNode(node, options, 'http-other-keep-http');
    } else if (isJson2VideoNode(node)) {
      result = migrateJson2VideoNode(node, options);
    }
    if (!result) continue;
    replaced.set(node.name, result.node);
    report.push(result.entry);
  }
  workflow.nodes = workflow.nodes.map((node) => replaced.get(node.name) ?? node);

  for (const loop of loops) {
    // A render kept as HTTP (a body n8n cannot hand over) keeps its loop too.
    if (replaced.get(loop.render)?.type !== 'n8n-nodes-reelay.reelay') {
      report.push({ node: loop.render, rule: 'polling-loop-kept', detail: 'the render stays an HTTP Request, so its polling loop stays as well' });
      continue;
    }
    workflow = removeLoop(workflow, loop);
    report.push({
      node: loop.render,
      rule: 'polling-loop-to-wait',
      detail: `polling loop (${loop.removed.join(', ')}) replaced by Wait for Completion; its exit now follows "${loop.render}"`,
    });
    const rewrite = rewriteStatusReferences(workflow, loop);
    workflow = rewrite.workflow;
    for (const name of rewrite.changed) {
      report.push({ node: name, rule: 'expression-rewritten', detail: `expressions reading "${loop.status}" (its {movie} shape) now read "${loop.render}" (the movie itself)` });
    }
  }
  for (const fixed of fixedWaits) {
    if (replaced.get(fixed.render)?.type !== 'n8n-nodes-reelay.reelay') {
      report.push({ node: fixed.render, rule: 'polling-loop-kept', detail: `the render stays an HTTP Request, so "${fixed.wait}" stays as well` });
      continue;
    }
    workflow = removeFixedWait(workflow, fixed);
    report.push({
      node: fixed.render,
      rule: 'fixed-wait-removed',
      detail: `fixed Wait "${fixed.wait}" removed: the render waits for completion, so "${fixed.status}" always finds the movie done (it answers the same {movie} shape as before)`,
    });
  }
  // Whatever still talks about JSON2Video (a Code node calling its API, a Set node holding its key…).
  for (const node of workflow.nodes) {
    if (node.type === STICKY_NOTE || report.some((e) => e.node === node.name)) continue;
    // Other hosts' URLs that merely contain the word (a bucket folder named json2video) do not count.
    const text = JSON.stringify(node.parameters ?? {})
      .toLowerCase()
      .replace(/https?:\/\/[^\s"'\\]+/g, (url) => (/^https?:\/\/([a-z0-9-]+\.)*json2video\.com/.test(url) ? url : ''));
    if (!text.includes('json2video')) continue;
    // JSON2Video's asset library is plain HTTPS to Reelay; say so rather than sound an alarm.
    const onlyAssets = !text.replace(/https?:\/\/assets\.json2video\.com/g, '').includes('json2video');
    report.push({
      node: node.name,
      rule: 'unmapped',
      detail: onlyAssets
        ? 'left untouched: uses files from assets.json2video.com, which Reelay fetches like any URL (host copies if they must outlive JSON2Video)'
        : 'mentions JSON2Video but matches no rule; left untouched',
    });
  }
  return { workflow, report };
}

/** The report as printed by the CLI: one line per node, rule first. */
export function formatReport(result: MigrationResult): string {
  if (result.report.length === 0) return 'no JSON2Video calls found; the workflow is unchanged';
  return result.report.map((e) => `${e.rule.padEnd(22)} ${JSON.stringify(e.node)}: ${e.detail}`).join('\n');
}
