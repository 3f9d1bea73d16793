/**
 * The shape check every JSON value gets right after parsing, wherever it enters (the bridge's request
 * bodies and CSV rows: bridge/src/http/json-body.ts; `reelay render --local FILE`: cli/render-local.ts):
 * at most MAX_JSON_DEPTH levels of objects/arrays, and no `__proto__`, `constructor` or `prototype`
 * key anywhere. Iterative (an explicit stack), so a value nested 10,000 deep is refused without
 * recursing, before any resolver, zod schema, merge or structuredClone sees it. Those keys are refused,
 * not stripped: object parsing (zod, assignments into plain objects) turns `__proto__` into the
 * prototype, which hid a `{"__proto__": {"host": …}}` destination override from the override rule and
 * showed a scene's `__proto__.duration` to the pricing.
 */

/** Levels of nesting a JSON value may have (the value itself is level 1). */
export const MAX_JSON_DEPTH = 64;
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface JsonProblem {
  code: 'too_deeply_nested' | 'forbidden_key';
  /** Path segments from the root to the offending value or key. */
  at: Array<string | number>;
  message: string;
}

interface Seg {
  parent: Seg | null;
  key: string | number;
}

function segments(at: Seg | null): Array<string | number> {
  const out: Array<string | number> = [];
  for (let s = at; s; s = s.parent) out.push(s.key);
  return out.reverse();
}

/** The first problem of `value` (depth or key), or null; never recurses. */
export function jsonValueProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | null {
  if (value === null || typeof value !== 'object') return null;
  const stack: Array<{ v: object; depth: number; at: Seg | null }> = [{ v: value, depth: 1, at: null }];
  while (stack.length > 0) {
    const { v, depth, at } = stack.pop()!;
    if (depth > maxDepth) return { code: 'too_deeply_nested', at: segments(at), message: `nested more than ${maxDepth} levels deep` };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (x !== null && typeof x === 'object') stack.push({ v: x, depth: depth + 1, at: { parent: at, key: i } });
      }
      continue;
    }
    for (const k of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(k)) return { code: 'forbidden_key', at: segments({ parent: at, key: k }), message: `the key '${k}' is not allowed` };
      const x: unknown = (v as Record<string, unknown>)[k];
      if (x !== null && typeof x === 'object') stack.push({ v: x, depth: depth + 1, at: { parent: at, key: k } });
    }
  }
  return null;
}

/** `{...a, ...b}` for untrusted records: own enumerable data only, forbidden keys dropped, no prototype read. */
export function safeAssign(...sources: Array<Record<string, unknown> | undefined | null>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const src of sources) {
    if (!src || typeof src !== 'object') continue;
    for (const k of Object.keys(src)) {
      if (FORBIDDEN_KEYS.has(k)) continue;
      Object.defineProperty(out, k, { value: src[k], enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}
