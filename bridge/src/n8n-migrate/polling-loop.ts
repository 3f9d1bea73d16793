/**
 * The polling loop most JSON2Video workflows build by hand: render → Wait → GET status → IF (done?)
 * whose "not yet" branch goes back to the Wait. When the loop is exactly that (nothing else enters
 * it, one way out), the Reelay node's Wait for Completion replaces it and the way out follows the
 * render directly. Anything more (a Switch with an error branch, other nodes feeding the Wait) is
 * kept as it is, pointed at Reelay, and reported.
 *
 * Many templates do not loop at all: render → Wait (a fixed minute) → GET status, and hope the video
 * is done by then. There the render waits for completion instead and the fixed Wait goes; the status
 * request stays (pointed at Reelay), so everything after it reads the same {movie} shape as before.
 */
import { classifyHttpNode } from './http-nodes';
import { incoming, outgoing, type N8nConnection, type N8nWorkflow } from './workflow';

const WAIT = 'n8n-nodes-base.wait';
const CHECKS = ['n8n-nodes-base.if', 'n8n-nodes-base.switch', 'n8n-nodes-base.filter'];

export type PollingLoop = {
  kind: 'loop';
  render: string;
  status: string;
  /** Nodes the loop consists of (Wait, status request, checks, and a second Wait when the retry has its own). */
  removed: string[];
  /** Where the checks' way out led. */
  exit: N8nConnection[];
};

/** render → Wait → status with nothing looping back: the Wait is only a guess at the render time. */
export type FixedWait = { kind: 'fixed-wait'; render: string; wait: string; status: string };

export type LoopSearch = PollingLoop | FixedWait | { kind: 'none' } | { kind: 'kept'; reason: string };

function nodeOf(workflow: N8nWorkflow, name: string) {
  return workflow.nodes.find((n) => n.name === name);
}

/** Whether any node's parameters name `name` in an expression ($('name') or $node["name"]). */
function referencedByName(workflow: N8nWorkflow, name: string): boolean {
  // In stringified parameters $('Wait') keeps its quotes and $node["Wait"] becomes $node[\"Wait\"].
  const quoted = [`'${name}'`, `\\"${name}\\"`];
  return workflow.nodes.some((n) => n.name !== name && quoted.some((q) => JSON.stringify(n.parameters ?? {}).includes(q)));
}

function fixedWait(workflow: N8nWorkflow, render: string, wait: string, status: string): LoopSearch {
  const strangers = [...incoming(workflow, wait).filter((c) => c.source !== render), ...incoming(workflow, status).filter((c) => c.source !== wait)];
  if (strangers.length > 0) return { kind: 'kept', reason: `"${wait}" → "${status}" is also reached from "${strangers[0].source}"` };
  if (referencedByName(workflow, wait)) return { kind: 'kept', reason: `expressions read "${wait}" by name, so it stays` };
  return { kind: 'fixed-wait', render, wait, status };
}

export function findPollingLoop(workflow: N8nWorkflow, render: string): LoopSearch {
  const [wait, ...others] = outgoing(workflow, render);
  if (!wait || others.length > 0 || nodeOf(workflow, wait)?.type !== WAIT) return { kind: 'none' };
  const [status] = outgoing(workflow, wait);
  const statusNode = status ? nodeOf(workflow, status) : undefined;
  if (!statusNode || outgoing(workflow, wait).length !== 1 || classifyHttpNode(statusNode) !== 'status') return { kind: 'none' };
  const [check] = outgoing(workflow, status);
  const checkNode = check ? nodeOf(workflow, check) : undefined;
  const loopsBack = incoming(workflow, wait).some((c) => c.source !== render);
  if (!checkNode || outgoing(workflow, status).length !== 1 || !CHECKS.includes(checkNode.type)) {
    if (!loopsBack) return fixedWait(workflow, render, wait, status);
    return { kind: 'kept', reason: `"${status}" is not followed by a single IF/Switch checking the status` };
  }

  // Which outputs of the check retry (lead back to the Wait, directly or through a Wait of its own)?
  // A check may hand on to a second one ("Is Error?" → "Is Done?"): its outputs count as well.
  const checks = [check];
  const retryWaits = new Set<string>();
  const loops: string[] = [];
  const exits: N8nConnection[][] = [];
  for (let c = 0; c < checks.length; c++) {
    (workflow.connections[checks[c]]?.main ?? []).forEach((targets) => {
      const names = (targets ?? []).map((t) => t.node);
      if (names.length === 0) return;
      const next = names.length === 1 ? nodeOf(workflow, names[0]) : undefined;
      if (names[0] === wait && names.length === 1) loops.push(checks[c]);
      else if (next?.type === WAIT && outgoing(workflow, next.name).join() === status) {
        loops.push(checks[c]);
        retryWaits.add(next.name);
      } else if (next && CHECKS.includes(next.type) && !checks.includes(next.name) && checks.length < 4) checks.push(next.name);
      else exits.push(targets ?? []);
    });
  }
  const last = checks[checks.length - 1];
  if (loops.length !== 1) return { kind: 'kept', reason: `"${last}" has no single branch that goes back to "${wait}"` };
  if (exits.length > 1) {
    const names = checks.map((c) => `"${c}"`).join(' and ');
    return { kind: 'kept', reason: `${names} ${checks.length > 1 ? 'have' : 'has'} more than one way out (e.g. an error branch): kept so each stays reachable` };
  }

  // Nothing outside the loop may enter it, or removing it would cut that path.
  const inside = new Set([render, wait, status, ...checks, ...retryWaits]);
  for (const name of [wait, status, ...checks, ...retryWaits]) {
    const strangers = incoming(workflow, name).filter((c) => !inside.has(c.source));
    if (strangers.length > 0) return { kind: 'kept', reason: `"${name}" is also reached from "${strangers[0].source}"` };
  }
  return { kind: 'loop', render, status, removed: [wait, status, ...checks, ...retryWaits], exit: exits[0] ?? [] };
}

/** render → status directly: the fixed Wait is gone, items flow on unchanged (a Wait passes them through). */
export function removeFixedWait(workflow: N8nWorkflow, fixed: FixedWait): N8nWorkflow {
  const connections = { ...workflow.connections };
  delete connections[fixed.wait];
  connections[fixed.render] = { ...connections[fixed.render], main: [[{ node: fixed.status, type: 'main', index: 0 }]] };
  return { ...workflow, nodes: workflow.nodes.filter((n) => n.name !== fixed.wait), connections };
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
