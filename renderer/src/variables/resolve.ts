/**
 * Resolves `{{expression}}` in every string of a movie from the nearest scope (element → scene →
 * movie) and applies `condition`s (dropping elements and scenes whose condition is false).
 * A string that is exactly one `{{…}}` takes the expression's value with its type (so
 * `"duration": "{{len}}"` becomes a number); otherwise the results are interpolated as text.
 * Works on raw JSON before schema validation, so every problem carries its JSON path.
 */
import { formatPath, type MovieIssue } from '../errors';
import { limitIssue, MOVIE_LIMITS } from '../schema/limits';
import { decidedBeforeAssets, type DeferredField, STAND_IN, statedTime, timeVariables } from './element-times';
import { evaluateExpression, ExpressionError, ExpressionLimitError, type Lookup } from './expression';

type Json = unknown;
type Scope = Record<string, unknown>[];

/**
 * What resolving may produce in all, so `iterate` copies of a large scene or a variable repeated by
 * interpolation can not grow a 5 MB request into gigabytes: values made, characters interpolated.
 */
const MAX_RESOLVED_VALUES = 1_000_000;
const MAX_RESOLVED_CHARS = 20_000_000;

/** Thrown when a budget above runs out: resolution stops at once and reports one limit problem. */
class OverBudget extends Error {
  constructor(readonly path: (string | number)[], message: string) {
    super(message);
  }
}

type Piece = { text: string } | { expr: string };

/**
 * `"Hi {{name}}!"` → text and expression pieces, in one pass: each `{{` looks for the first `}}` after
 * it (as the lazy `\{\{(.+?)\}\}` did), and once no `}}` is left the rest is text. A regex scan
 * restarted at every `{{` of a string with no `}}` took minutes for a 1 MB string.
 */
function pieces(s: string): Piece[] {
  const out: Piece[] = [];
  let at = 0;
  for (;;) {
    const open = s.indexOf('{{', at);
    if (open < 0) break;
    const close = s.indexOf('}}', open + 3);
    if (close < 0) break;
    if (open > at) out.push({ text: s.slice(at, open) });
    out.push({ expr: s.slice(open + 2, close) });
    at = close + 2;
  }
  if (at < s.length) out.push({ text: s.slice(at) });
  return out;
}

/** A string's value once its expressions are evaluated: typed when it is exactly one expression. */
function interpolate(parts: Piece[], lookup: Lookup): unknown {
  const exprs = parts.filter((p): p is { expr: string } => 'expr' in p);
  if (exprs.length === 1 && parts.every((p) => 'expr' in p || p.text.trim() === '')) return evaluateExpression(exprs[0].expr, lookup);
  let out = '';
  for (const p of parts) {
    if ('text' in p) out += p.text;
    else {
      const r = evaluateExpression(p.expr, lookup);
      out += r === null || r === undefined ? '' : typeof r === 'object' ? JSON.stringify(r) : String(r);
    }
    if (out.length > MOVIE_LIMITS.maxStringLength) throw new ExpressionLimitError(`the text grows past ${MOVIE_LIMITS.maxStringLength} characters`);
  }
  return out;
}

function lookupIn(scopes: Scope): Lookup {
  return (name) => {
    for (const scope of scopes) {
      if (Object.prototype.hasOwnProperty.call(scope, name)) return { found: true, value: scope[name] };
    }
    return { found: false };
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

class Resolver {
  issues: MovieIssue[] = [];
  /** Fields the renderer works out again once the assets' lengths are known (element-times.ts). */
  deferred: DeferredField[] = [];
  private values = MAX_RESOLVED_VALUES;
  private chars = MAX_RESOLVED_CHARS;
  private sceneCopies = 0;
  /** Element variables of the container being resolved that are stand-ins until the assets are probed. */
  private pending = new Set<string>();
  /** The element whose fields are being resolved, and its container's element variables. */
  private current: { scene: number | undefined; element: number; type: unknown; path: (string | number)[]; times: Record<string, number> } | undefined;
  private inCondition = false;

  private defer(parts: Piece[], scopes: Scope, path: (string | number)[]): void {
    const at = this.current;
    if (this.inCondition || !at) {
      this.issues.push({ path: formatPath(path), message: 'uses the time of an element whose length only its asset tells: that is known too late to decide a condition' });
      return;
    }
    if (decidedBeforeAssets(at.type, path.slice(at.path.length))) {
      this.issues.push({ path: formatPath(path), message: "uses the time of an element whose length only its asset tells: it decides what is downloaded or spoken, so it can not wait for that" });
      return;
    }
    this.deferred.push({
      scene: at.scene,
      element: at.element,
      field: path.slice(at.path.length),
      path: formatPath(path),
      evaluate: (known) => interpolate(parts, lookupIn(scopes.map((scope) => (scope === at.times ? known : scope)))),
    });
  }

  value(v: Json, scopes: Scope, path: (string | number)[]): Json {
    if (--this.values < 0) throw new OverBudget([], `the movie grows past ${MAX_RESOLVED_VALUES} values once its variables and iterate are applied`);
    if (typeof v === 'string') return this.string(v, scopes, path);
    if (Array.isArray(v)) return v.map((x, i) => this.value(x, scopes, [...path, i]));
    if (isObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.value(x, scopes, [...path, k]);
      return out;
    }
    return v;
  }

  string(s: string, scopes: Scope, path: (string | number)[]): Json {
    if (!s.includes('{{')) return s;
    const parts = pieces(s);
    const exprs = parts.filter((p): p is { expr: string } => 'expr' in p);
    if (exprs.length === 0) return s;
    const long = exprs.find((p) => p.expr.length > MOVIE_LIMITS.maxExpressionLength);
    if (long) {
      this.issues.push(limitIssue(path, `an expression of ${long.expr.length} characters; at most ${MOVIE_LIMITS.maxExpressionLength} between {{ and }}`));
      return s;
    }
    // Notes whether an element variable known only once the assets are (a stand-in now) was used.
    const base = lookupIn(scopes);
    let usedPending = false;
    const lookup: Lookup = (name) => {
      const found = base(name);
      if (found.found && this.pending.has(name)) usedPending = true;
      return found;
    };
    try {
      const result = interpolate(parts, lookup);
      if (typeof result === 'string' && (this.chars -= result.length) < 0) throw new OverBudget(path, `the movie's texts grow past ${MAX_RESOLVED_CHARS} characters once its variables are applied`);
      if (usedPending) this.defer(parts, scopes, path);
      return result;
    } catch (err) {
      if (err instanceof OverBudget) throw err;
      if (err instanceof ExpressionLimitError) this.issues.push(limitIssue(path, err.message));
      else this.issues.push({ path: formatPath(path), message: err instanceof ExpressionError ? err.message : 'invalid expression' });
      return s;
    }
  }

  /** Own variables of a scope; their values are literal (they are not expanded themselves). */
  scopeOf(v: Record<string, unknown>, path: (string | number)[]): Record<string, unknown> {
    if (v.variables === undefined) return {};
    if (!isObject(v.variables)) {
      this.issues.push({ path: formatPath([...path, 'variables']), message: 'must be an object' });
      return {};
    }
    return v.variables;
  }

  keep(v: Record<string, unknown>, scopes: Scope, path: (string | number)[]): boolean {
    if (v.condition === undefined) return true;
    let c: unknown = v.condition;
    if (typeof c === 'string') {
      // A bare expression (`"count > 2"`) is accepted as well as a braced one.
      this.inCondition = true;
      try {
        c = c.includes('{{') ? this.string(c, scopes, [...path, 'condition']) : this.string(`{{${c}}}`, scopes, [...path, 'condition']);
      } finally {
        this.inCondition = false;
      }
    }
    return truthy(c);
  }

  /**
   * JSON2Video's `iterate`: the scene once per item of an array variable (a name or dotted path),
   * each copy seeing the item as `item` (or the `iterate-as` name) and, when the item is an object,
   * its fields as variables of their own (`{{title}}`). Without `iterate`: one pass, no item scope.
   */
  iterations(scene: Record<string, unknown>, scopes: Scope, path: (string | number)[]): (Record<string, unknown> | undefined)[] {
    if (scene.iterate === undefined) return [undefined];
    const at = formatPath([...path, 'iterate']);
    if (typeof scene.iterate !== 'string' || !/^\s*[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*\s*$/.test(scene.iterate)) {
      this.issues.push({ path: at, message: 'must name an array variable (e.g. "products" or "product.images")' });
      return [];
    }
    const as = scene['iterate-as'] ?? 'item';
    if (typeof as !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(as)) {
      this.issues.push({ path: formatPath([...path, 'iterate-as']), message: 'must be a variable name' });
      return [];
    }
    let items: unknown;
    try {
      items = evaluateExpression(scene.iterate, lookupIn(scopes));
    } catch (err) {
      this.issues.push({ path: at, message: err instanceof ExpressionError ? err.message : 'invalid variable' });
      return [];
    }
    if (!Array.isArray(items)) {
      this.issues.push({ path: at, message: `'${scene.iterate.trim()}' is not an array` });
      return [];
    }
    if (items.length > MOVIE_LIMITS.maxIterationsPerScene) {
      this.issues.push(limitIssue([...path, 'iterate'], `'${scene.iterate.trim()}' has ${items.length} items; at most ${MOVIE_LIMITS.maxIterationsPerScene} scenes come from one`));
      return [];
    }
    if ((this.sceneCopies += items.length) > MOVIE_LIMITS.maxScenes) {
      this.issues.push(limitIssue([...path, 'iterate'], `the movie's scenes come to more than ${MOVIE_LIMITS.maxScenes} with this one's ${items.length} copies`));
      return [];
    }
    return items.map((item) => ({ ...(isObject(item) ? item : {}), [as]: item }));
  }

  element(el: Json, parent: Scope, path: (string | number)[]): Json | undefined {
    if (!isObject(el)) return el;
    const scopes = [this.scopeOf(el, path), ...parent];
    if (!this.keep(el, scopes, path)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(el)) {
      if (k === 'variables' || k === 'condition') continue;
      out[k] = this.value(x, scopes, [...path, k]);
    }
    return out;
  }

  /** A container's elements, in order: each sees the element variables of those before it (element-times.ts). */
  elements(list: Json, scopes: Scope, path: (string | number)[], origin: number[], scene: number | undefined): Json {
    if (!Array.isArray(list)) return list;
    const out: Json[] = [];
    const times: Record<string, number> = {};
    const outer = this.pending;
    this.pending = new Set();
    list.forEach((el, i) => {
      const at = (this.current = { scene, element: out.length, type: isObject(el) ? el.type : undefined, path: [...path, i], times });
      const kept = this.element(el, [...scopes, times], at.path);
      if (kept === undefined) return;
      out.push(kept);
      origin.push(i);
      if (!isObject(kept) || typeof kept.id !== 'string' || kept.id === '') return;
      const ownTimeDeferred = this.deferred.some((d) => d.scene === scene && d.element === at.element && ['start', 'duration', 'extra-time'].includes(String(d.field[0])));
      const stated = ownTimeDeferred ? undefined : statedTime(kept);
      const variables = timeVariables(kept.id, stated ?? STAND_IN);
      Object.assign(times, variables);
      for (const name of Object.keys(variables)) {
        if (stated) this.pending.delete(name);
        else this.pending.add(name);
      }
    });
    this.current = undefined;
    this.pending = outer;
    return out;
  }
}

export function truthy(c: unknown): boolean {
  if (typeof c === 'string') {
    const t = c.trim().toLowerCase();
    return t !== '' && t !== 'false' && t !== '0' && t !== 'null' && t !== 'undefined';
  }
  return Boolean(c);
}

/**
 * Returns the movie with variables resolved and conditions applied, plus every problem found.
 * Paths in issues refer to the original (unresolved) movie.
 */
/** Where each kept scene/element sat in the original movie, to report paths the user recognises. */
export interface Origin {
  scenes: number[];
  sceneElements: number[][];
  elements: number[];
}

export function resolveVariables(movie: Json): { movie: Json; issues: MovieIssue[]; origin: Origin; deferred: DeferredField[] } {
  const r = new Resolver();
  const origin: Origin = { scenes: [], sceneElements: [], elements: [] };
  if (!isObject(movie)) return { movie, issues: [], origin, deferred: [] };
  const out: Record<string, unknown> = {};
  try {
    resolveInto(r, movie, out, origin);
  } catch (err) {
    if (!(err instanceof OverBudget)) throw err;
    return { movie: out, issues: [limitIssue(err.path, err.message)], origin, deferred: [] };
  }
  return { movie: out, issues: r.issues, origin, deferred: r.deferred };
}

function resolveInto(r: Resolver, movie: Record<string, unknown>, out: Record<string, unknown>, origin: Origin): void {
  const movieScope = [r.scopeOf(movie, [])];
  for (const [k, v] of Object.entries(movie)) {
    if (k === 'variables') continue;
    if (k === 'scenes' && Array.isArray(v)) {
      const scenes: Json[] = [];
      v.forEach((scene, s) => {
        if (!isObject(scene)) {
          scenes.push(scene);
          origin.scenes.push(s);
          origin.sceneElements.push([]);
          return;
        }
        const sceneScopes = [r.scopeOf(scene, ['scenes', s]), ...movieScope];
        for (const item of r.iterations(scene, sceneScopes, ['scenes', s])) {
          const scopes = item ? [item, ...sceneScopes] : sceneScopes;
          if (!r.keep(scene, scopes, ['scenes', s])) continue;
          const elementOrigin: number[] = [];
          const sc: Record<string, unknown> = {};
          for (const [sk, sv] of Object.entries(scene)) {
            if (sk === 'variables' || sk === 'condition' || sk === 'iterate' || sk === 'iterate-as') continue;
            sc[sk] = sk === 'elements' ? r.elements(sv, scopes, ['scenes', s, 'elements'], elementOrigin, scenes.length) : r.value(sv, scopes, ['scenes', s, sk]);
          }
          scenes.push(sc);
          origin.scenes.push(s);
          origin.sceneElements.push(elementOrigin);
        }
      });
      out.scenes = scenes;
    } else if (k === 'elements') {
      out.elements = r.elements(v, movieScope, ['elements'], origin.elements, undefined);
    } else {
      out[k] = r.value(v, movieScope, [k]);
    }
  }
}
