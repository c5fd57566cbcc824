// A small stand-in for the core's conditions parser (crates/core/src/conditions)
// for the fake backend: same error shape `{column, message}` (1-based
// character column) and the same wording for the common mistakes, plus an
// evaluator good enough to preview agreements.

export interface CondError {
  column: number;
  message: string;
}

type Tok = { kind: 'word' | 'str' | 'num' | 'op' | 'lp' | 'rp' | 'comma'; text: string; column: number };
type Value = string | number | boolean | null;
export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; inner: Expr }
  | { kind: 'cmp'; field: string; op: string; value: Value | Value[] };

class Fail extends Error {
  constructor(readonly info: CondError) {
    super(info.message);
  }
}

const OPERATORS = '(=, !=, <, <=, >, >=, contains, like, in)';

function lex(text: string): Tok[] {
  const chars = Array.from(text);
  const out: Tok[] = [];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i] ?? '';
    const column = i + 1;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < chars.length && chars[j] !== c) j += 1;
      if (j >= chars.length) {
        throw new Fail({ column, message: `unterminated string starting at column ${column}: add the closing ${c}` });
      }
      out.push({ kind: 'str', text: chars.slice(i + 1, j).join(''), column });
      i = j + 1;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ kind: c === '(' ? 'lp' : c === ')' ? 'rp' : 'comma', text: c, column });
      i += 1;
    } else if ('=<>!'.includes(c)) {
      const two = c + (chars[i + 1] ?? '');
      if (['!=', '<=', '>='].includes(two)) {
        out.push({ kind: 'op', text: two, column });
        i += 2;
      } else if (c === '!') {
        throw new Fail({ column, message: `unexpected character "!" at column ${column} (did you mean "!="?)` });
      } else {
        out.push({ kind: 'op', text: c, column });
        i += 1;
      }
    } else if (/[0-9-]/.test(c)) {
      let j = i + 1;
      while (j < chars.length && /[0-9.]/.test(chars[j] ?? '')) j += 1;
      out.push({ kind: 'num', text: chars.slice(i, j).join(''), column });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < chars.length && /[A-Za-z0-9_/.]/.test(chars[j] ?? '')) j += 1;
      out.push({ kind: 'word', text: chars.slice(i, j).join(''), column });
      i = j;
    } else {
      throw new Fail({ column, message: `unexpected character ${JSON.stringify(c)} at column ${column}` });
    }
  }
  return out;
}

function describe(t: Tok | undefined): string {
  return t === undefined ? 'the end of the condition' : JSON.stringify(t.text);
}

/** Parses a condition; throws {@link Fail} with the core's wording. */
function parseTokens(tokens: Tok[], endColumn: number): Expr {
  let p = 0;
  const peek = (): Tok | undefined => tokens[p];
  const where = (t: Tok | undefined): number => t?.column ?? endColumn;
  const isWord = (t: Tok | undefined, w: string): boolean => t?.kind === 'word' && t.text.toLowerCase() === w;

  const value = (): Value => {
    const t = peek();
    if (t === undefined || !['str', 'num', 'word'].includes(t.kind)) {
      throw new Fail({ column: where(t), message: `expected a value at column ${where(t)}, found ${describe(t)}` });
    }
    p += 1;
    if (t.kind === 'str') return t.text;
    if (t.kind === 'num') return Number(t.text);
    const w = t.text.toLowerCase();
    if (w === 'true' || w === 'false') return w === 'true';
    if (w === 'null') return null;
    throw new Fail({ column: t.column, message: `expected a value at column ${t.column}, found ${describe(t)} (put text in quotes)` });
  };

  const comparison = (): Expr => {
    const f = peek();
    if (f?.kind !== 'word') {
      throw new Fail({ column: where(f), message: `expected a field name at column ${where(f)}, found ${describe(f)}` });
    }
    p += 1;
    const o = peek();
    const op = o?.kind === 'op' ? o.text : o?.kind === 'word' && ['contains', 'like', 'in'].includes(o.text.toLowerCase()) ? o.text.toLowerCase() : null;
    if (op === null) {
      throw new Fail({ column: where(o), message: `expected an operator ${OPERATORS} at column ${where(o)}, found ${describe(o)}` });
    }
    p += 1;
    if (op === 'in') {
      const lp = peek();
      if (lp?.kind !== 'lp') throw new Fail({ column: where(lp), message: `expected ( after in at column ${where(lp)}, found ${describe(lp)}` });
      p += 1;
      const list: Value[] = [value()];
      while (peek()?.kind === 'comma') {
        p += 1;
        list.push(value());
      }
      const rp = peek();
      if (rp?.kind !== 'rp') throw new Fail({ column: where(rp), message: `expected , or ) at column ${where(rp)}, found ${describe(rp)}` });
      p += 1;
      return { kind: 'cmp', field: f.text, op, value: list };
    }
    return { kind: 'cmp', field: f.text, op, value: value() };
  };

  const unary = (): Expr => {
    const t = peek();
    if (isWord(t, 'not')) {
      p += 1;
      return { kind: 'not', inner: unary() };
    }
    if (t?.kind === 'lp') {
      p += 1;
      const inner = or();
      const rp = peek();
      if (rp?.kind !== 'rp') throw new Fail({ column: where(rp), message: `missing ) for the ( at column ${t.column}` });
      p += 1;
      return inner;
    }
    return comparison();
  };
  const and = (): Expr => {
    let left = unary();
    while (isWord(peek(), 'and')) {
      p += 1;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const or = (): Expr => {
    let left = and();
    while (isWord(peek(), 'or')) {
      p += 1;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const expr = or();
  const rest = peek();
  if (rest !== undefined) {
    throw new Fail({ column: rest.column, message: `expected and, or or the end at column ${rest.column}, found ${describe(rest)}` });
  }
  return expr;
}

/** `null` when valid, else the error. Empty text is "the condition is empty". */
export function validate(text: string): CondError | null {
  const r = parse(text);
  return 'error' in r ? r.error : null;
}

export function parse(text: string): { expr: Expr } | { error: CondError } {
  if (text.trim() === '') return { error: { column: 1, message: 'the condition is empty' } };
  try {
    return { expr: parseTokens(lex(text), Array.from(text).length + 1) };
  } catch (e) {
    if (e instanceof Fail) return { error: e.info };
    throw e;
  }
}

function lookup(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('/')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    const key = Object.keys(cur).find((k) => k.toLowerCase() === part.toLowerCase());
    cur = key === undefined ? undefined : (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function like(value: string, pattern: string): boolean {
  const re = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*');
  return new RegExp(`^${re}$`, 'i').test(value);
}

/** Evaluates `expr` against one JSON object (field names case-insensitive). */
export function matches(expr: Expr, obj: Record<string, unknown>): boolean {
  switch (expr.kind) {
    case 'and':
      return matches(expr.left, obj) && matches(expr.right, obj);
    case 'or':
      return matches(expr.left, obj) || matches(expr.right, obj);
    case 'not':
      return !matches(expr.inner, obj);
    case 'cmp': {
      const v = lookup(obj, expr.field);
      const s = String(v ?? '').toLowerCase();
      const want = expr.value;
      if (Array.isArray(want)) return want.some((w) => String(w).toLowerCase() === s);
      const w = String(want ?? '').toLowerCase();
      switch (expr.op) {
        case '=':
          return want === null ? v === null || v === undefined : s === w;
        case '!=':
          return s !== w;
        case 'like':
          return like(String(v ?? ''), String(want ?? ''));
        case 'contains':
          return s.includes(w);
        default:
          return typeof v === 'number' && typeof want === 'number'
            ? { '<': v < want, '<=': v <= want, '>': v > want, '>=': v >= want }[expr.op] === true
            : false;
      }
    }
  }
}
