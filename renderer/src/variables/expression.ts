/**
 * A tiny, safe expression language for `{{…}}`: numbers, strings, booleans, names (with dots for
 * object fields), arithmetic, comparison, logic, ternary and a few pure functions. It is parsed into a
 * tree and interpreted here — never `eval`/`Function` — so a movie cannot reach anything but its own
 * variables. Object field access only reads own properties (no prototype walk).
 */
import { MOVIE_LIMITS } from '../schema/limits';

export class ExpressionError extends Error {}
/** An expression over a cap of schema/limits.ts (length, nesting, size of a string it builds). */
export class ExpressionLimitError extends ExpressionError {}

type Node =
  | { k: 'lit'; v: unknown }
  | { k: 'name'; parts: string[] }
  | { k: 'un'; op: string; a: Node }
  | { k: 'bin'; op: string; a: Node; b: Node }
  | { k: 'cond'; c: Node; a: Node; b: Node }
  | { k: 'call'; fn: string; args: Node[] };

type Token = { t: 'num'; v: number } | { t: 'str'; v: string } | { t: 'id'; v: string } | { t: 'op'; v: string };

const OPS = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '!', '?', ':', '(', ')', ','];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(src.slice(i));
      if (!m) throw new ExpressionError(`bad number at ${i}`);
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j++];
      }
      if (j >= src.length) throw new ExpressionError('unterminated string');
      out.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*/.exec(src.slice(i));
    if (id) {
      // Names may contain dashes (JSON2Video's `{{client-name}}`), but `a-b` with spaces is subtraction.
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected '${c}'`);
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  return out;
}

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '==': 3, '!=': 3, '===': 3, '!==': 3, '<': 4, '<=': 4, '>': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6,
};

function parse(tokens: Token[]): Node {
  let pos = 0;
  // The parser is recursive: nesting is capped so no expression can exhaust the call stack.
  let depth = 0;
  const nested = <T>(f: () => T): T => {
    if (++depth > MOVIE_LIMITS.maxExpressionDepth) throw new ExpressionLimitError(`nested deeper than ${MOVIE_LIMITS.maxExpressionDepth} levels`);
    try {
      return f();
    } finally {
      depth--;
    }
  };
  const peek = () => tokens[pos];
  const isOp = (v: string) => peek()?.t === 'op' && peek()!.v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new ExpressionError(`expected '${v}'`);
    pos++;
  };
  const primary = (): Node => {
    const tok = tokens[pos++];
    if (!tok) throw new ExpressionError('unexpected end of expression');
    if (tok.t === 'num' || tok.t === 'str') return { k: 'lit', v: tok.v };
    if (tok.t === 'id') {
      if (tok.v === 'true' || tok.v === 'false') return { k: 'lit', v: tok.v === 'true' };
      if (tok.v === 'null') return { k: 'lit', v: null };
      if (isOp('(')) {
        pos++;
        const args: Node[] = [];
        if (!isOp(')')) {
          do args.push(nested(ternary)); while (isOp(',') && ++pos);
        }
        expect(')');
        return { k: 'call', fn: tok.v, args };
      }
      return { k: 'name', parts: tok.v.split('.') };
    }
    if (tok.v === '(') {
      const e = nested(ternary);
      expect(')');
      return e;
    }
    if (tok.v === '-' || tok.v === '!' || tok.v === '+') return { k: 'un', op: tok.v, a: nested(unary) };
    throw new ExpressionError(`unexpected '${tok.v}'`);
  };
  const unary = (): Node => primary();
  const binary = (minPrec: number): Node => {
    let left = unary();
    for (;;) {
      const tok = peek();
      if (tok?.t !== 'op' || BINARY[tok.v] === undefined || BINARY[tok.v] < minPrec) return left;
      pos++;
      const right = nested(() => binary(BINARY[tok.v] + 1));
      left = { k: 'bin', op: tok.v, a: left, b: right };
    }
  };
  const ternary = (): Node => {
    const c = binary(1);
    if (!isOp('?')) return c;
    pos++;
    const a = nested(ternary);
    expect(':');
    const b = nested(ternary);
    return { k: 'cond', c, a, b };
  };
  const tree = ternary();
  if (pos < tokens.length) throw new ExpressionError(`unexpected '${(tokens[pos] as { v: unknown }).v}'`);
  return tree;
}

const FUNCTIONS: Record<string, (...a: unknown[]) => unknown> = {
  min: (...a) => Math.min(...a.map(Number)),
  max: (...a) => Math.max(...a.map(Number)),
  round: (x, d) => { const f = 10 ** Number(d ?? 0); return Math.round(Number(x) * f) / f; },
  floor: (x) => Math.floor(Number(x)),
  ceil: (x) => Math.ceil(Number(x)),
  abs: (x) => Math.abs(Number(x)),
  upper: (s) => String(s).toUpperCase(),
  lower: (s) => String(s).toLowerCase(),
  length: (s) => (Array.isArray(s) ? s.length : String(s).length),
};

/** `a + a + a…` over a long variable must not build a string of gigabytes. */
function concat(a: string, b: string): string {
  if (a.length + b.length > MOVIE_LIMITS.maxStringLength) throw new ExpressionLimitError(`the text grows past ${MOVIE_LIMITS.maxStringLength} characters`);
  return a + b;
}

export type Lookup = (name: string) => { found: true; value: unknown } | { found: false };

function evaluate(node: Node, lookup: Lookup): unknown {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'name': {
      const head = lookup(node.parts[0]);
      if (!head.found) {
        // `a-b` was read as one dashed name; when no such variable exists it meant subtraction.
        if (node.parts.length === 1 && node.parts[0].includes('-')) return evaluate(parse(tokenize(node.parts[0].replace(/-/g, ' - '))), lookup);
        throw new ExpressionError(`variable '${node.parts[0]}' is not defined`);
      }
      let value = head.value;
      for (const part of node.parts.slice(1)) {
        if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part)) {
          throw new ExpressionError(`variable '${node.parts.join('.')}' is not defined`);
        }
        value = (value as Record<string, unknown>)[part];
      }
      return value;
    }
    case 'un': {
      const a = evaluate(node.a, lookup);
      return node.op === '-' ? -Number(a) : node.op === '+' ? Number(a) : !a;
    }
    case 'cond':
      return evaluate(node.c, lookup) ? evaluate(node.a, lookup) : evaluate(node.b, lookup);
    case 'call': {
      if (!Object.prototype.hasOwnProperty.call(FUNCTIONS, node.fn)) throw new ExpressionError(`unknown function '${node.fn}'`);
      return FUNCTIONS[node.fn](...node.args.map((a) => evaluate(a, lookup)));
    }
    case 'bin': {
      if (node.op === '&&') return evaluate(node.a, lookup) && evaluate(node.b, lookup);
      if (node.op === '||') return evaluate(node.a, lookup) || evaluate(node.b, lookup);
      const a = evaluate(node.a, lookup) as never;
      const b = evaluate(node.b, lookup) as never;
      switch (node.op) {
        case '+': return typeof a === 'string' || typeof b === 'string' ? concat(String(a), String(b)) : Number(a) + Number(b);
        case '-': return a - b;
        case '*': return a * b;
        case '/': return a / b;
        case '%': return a % b;
        // Loose equality matches how template users compare "5" with 5.
        case '==': case '===': return a == b;
        case '!=': case '!==': return a != b;
        case '<': return a < b;
        case '<=': return a <= b;
        case '>': return a > b;
        case '>=': return a >= b;
      }
    }
  }
  throw new ExpressionError('bad expression');
}

export function evaluateExpression(src: string, lookup: Lookup): unknown {
  if (src.length > MOVIE_LIMITS.maxExpressionLength) throw new ExpressionLimitError(`${src.length} characters; at most ${MOVIE_LIMITS.maxExpressionLength} in one expression`);
  return evaluate(parse(tokenize(src)), lookup);
}
