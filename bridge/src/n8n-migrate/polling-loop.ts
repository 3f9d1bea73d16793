/**
 * The polling loop most JSON2Video workflows build by hand: render → Wait → GET status → IF (done?)
 * whose "not yet" branch goes back to the Wait. When the loop is exactly that (nothing else enters
 * it, one way out), the Reelay node's Wait for Completion replaces it and the way out follows the
 * render directly. Anything more (a Switch with an error branch, other nodes feeding the Wait) is
 * kept as it is, pointed at Reelay, and reported.
 */
import { classifyHttpNode } from './http-nodes';
import { incoming, outgoing, type N8nConnection, type N8nWorkflow } from './workflow';

const WAIT = 'n8n-nodes-base.wait';
const CHECKS = ['n8n-nodes-base.if', 'n8n-nodes-base.switch', 'n8n-nodes-base.filter'];

export type PollingLoop = {
  kind: 'loop';
  render: string;
  status: string;
  /** Nodes the loop consists of (Wait, status request, check, and a second Wait when the retry has its own). */
  removed: string[];
  /** Where the check's way out led. */
  exit: N8nConnection[];
};

export type LoopSearch = PollingLoop | { kind: 'none' } | { kind: 'kept'; reason: string };

function nodeOf(workflow: N8nWorkflow, name: string) {
  return workflow.nodes.find((n) => n.name === name);
}

export function findPollingLoop(workflow: N8nWorkflow, render: string): LoopSearch {
  const [wait, ...others] = outgoing(workflow, render);
  if (!wait || others.length > 0 || nodeOf(workflow, wait)?.type !== WAIT) return { kind: 'none' };
  const [status] = outgoing(workflow, wait);
  const statusNode = status ? nodeOf(workflow, status) : undefined;
  if (!statusNode || outgoing(workflow, wait).length !== 1 || classifyHttpNode(statusNode) !== 'status') return { kind: 'none' };
  const [check] = outgoing(workflow, status);
  const checkNode = check ? nodeOf(workflow, check) : undefined;
  if (!checkNode || outgoing(workflow, status).length !== 1 || !CHECKS.includes(checkNode.type)) {
    return { kind: 'kept', reason: `"${status}" is not followed by a single IF/Switch checking the status` };
  }

  // Which of the check's outputs retries (leads back to the Wait, directly or through a Wait of its own)?
  const outputs = workflow.connections[check]?.main ?? [];
  const retryWaits = new Set<string>();
  const loopOutputs: number[] = [];
  const exits: number[] = [];
  outputs.forEach((targets, i) => {
    const names = (targets ?? []).map((t) => t.node);
    if (names.length === 0) return;
    const back = names.length === 1 && (names[0] === wait || (nodeOf(workflow, names[0])?.type === WAIT && outgoing(workflow, names[0]).join() === status));
    if (back) {
      loopOutputs.push(i);
      if (names[0] !== wait) retryWaits.add(names[0]);
    } else exits.push(i);
  });
  if (loopOutputs.length !== 1) return { kind: 'kept', reason: `"${check}" has no single branch that goes back to "${wait}"` };
  if (exits.length > 1) return { kind: 'kept', reason: `"${check}" has more than one way out (e.g. an error branch): kept so each stays reachable` };

  // Nothing outside the loop may enter it, or removing it would cut that path.
  const inside = new Set([render, wait, status, check, ...retryWaits]);
  for (const name of [wait, status, check, ...retryWaits]) {
    const strangers = incoming(workflow, name).filter((c) => !inside.has(c.source));
    if (strangers.length > 0) return { kind: 'kept', reason: `"${name}" is also reached from "${strangers[0].source}"` };
  }
  return {
    kind: 'loop',
    render,
    status,
    removed: [wait, status, check, ...retryWaits],
    exit: exits.length ? (outputs[exits[0]] ?? []) : [],
  };
}

export function removeLoop(workflow: N8nWorkflow, loop: PollingLoop): N8nWorkflow {
  const gone = new Set(loop.removed);
  const connections: N8nWorkflow['connections'] = {};
  for (const [source, byType] of Object.entries(workflow.connections)) {
    if (gone.has(source)) continue;
    connections[source] = Object.fromEntries(
      Object.entries(byType).map(([type, outputs]) => [type, outputs.map((targets) => (targets ? targets.filter((t) => !gone.has(t.node)) : targets))]),
    );
  }
  connections[loop.render] = { ...connections[loop.render], main: [loop.exit.map((t) => ({ ...t }))] };
  return { ...workflow, nodes: workflow.nodes.filter((n) => !gone.has(n.name)), connections };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}

/**
 * The status request answered {movie: {...}}; the render that now waits returns the movie itself.
 * References to the status node become references to the render, one level shallower, and the
 * loop's exit targets read `$json.url` where they read `$json.movie.url`.
 */
export function rewriteStatusReferences(workflow: N8nWorkflow, loop: PollingLoop): { workflow: N8nWorkflow; changed: string[] } {
  const s = escape(loop.status);
  const render = loop.render.replace(/'/g, "\\'");
  const byName = new RegExp(`\\$\\(\\s*(['"])${s}\\1\\s*\\)((?:\\.(?:item|first\\(\\)|last\\(\\)|all\\(\\)\\[\\d+\\]))?\\.json)(?:\\.movie\\b|\\[(['"])movie\\3\\])?`, 'g');
  const legacy = new RegExp(`\\$node\\[\\s*(['"])${s}\\1\\s*\\]\\.json(?:\\.movie\\b|\\[(['"])movie\\2\\])?`, 'g');
  const exitTargets = new Set(loop.exit.map((t) => t.node));
  const changed: string[] = [];
  const nodes = workflow.nodes.map((node) => {
    const rewrite = (text: string): string => {
      if (!text.startsWith('=') && !text.includes('{{')) return text;
      let out = text
        .replace(byName, `$('${render}')$2`)
        .replace(legacy, `$('${render}').item.json`)
        .replace(new RegExp(`\\$\\(\\s*(['"])${s}\\1\\s*\\)`, 'g'), `$('${render}')`);
      if (exitTargets.has(node.name)) out = out.replace(/\$json(?:\.movie\b|\[(['"])movie\1\])/g, '$json');
      return out;
    };
    const parameters = mapStrings(node.parameters, rewrite) as Record<string, unknown>;
    if (JSON.stringify(parameters) === JSON.stringify(node.parameters)) return node;
    changed.push(node.name);
    return { ...node, parameters };
  });
  return { workflow: { ...workflow, nodes }, changed };
}
