/**
 * Symbolic dimensions: a dim is a number, a symbolic expression over named dims (`batch`,
 * `past_sequence + sequence`, `floor((H - 1) / 2) + 1`), or null when nothing is known. Expressions
 * constant-fold and simplify the trivial cases so shapes stay readable; `evalDim` binds names.
 */

export type Expr = number | { sym: string } | { op: '+' | '-' | '*' | '//' | 'ceil/' | 'max' | 'min'; a: Expr; b: Expr };
export type SymDim = Expr | null;

export const sym = (name: string): Expr => ({ sym: name });

export function isNum(e: SymDim): e is number {
  return typeof e === 'number';
}

function prec(e: Expr): number {
  if (typeof e === 'number' || 'sym' in e) return 3;
  return e.op === '+' || e.op === '-' ? 1 : e.op === '*' || e.op === '//' || e.op === 'ceil/' ? 2 : 3;
}

export function show(e: SymDim): string {
  if (e === null) return '?';
  if (typeof e === 'number') return String(e);
  if ('sym' in e) return e.sym;
  const p = prec(e);
  const wrap = (x: Expr, right = false): string => {
    const s = show(x);
    return prec(x) < p || (right && prec(x) === p && e.op !== '+' && e.op !== '*') ? `(${s})` : s;
  };
  switch (e.op) {
    case '+': return `${wrap(e.a)} + ${wrap(e.b, true)}`;
    case '-': return `${wrap(e.a)} - ${wrap(e.b, true)}`;
    case '*': return `${wrap(e.a)}*${wrap(e.b, true)}`;
    case '//': return `${wrap(e.a)}//${wrap(e.b, true)}`;
    case 'ceil/': return `ceil(${show(e.a)}/${show(e.b)})`;
    case 'max': return `max(${show(e.a)}, ${show(e.b)})`;
    case 'min': return `min(${show(e.a)}, ${show(e.b)})`;
  }
}

/** Structural equality (by rendering; expressions are small). */
export function same(a: SymDim, b: SymDim): boolean {
  if (a === null || b === null) return false;
  return show(a) === show(b);
}

// Expressions deeper than this collapse to null (unknown) rather than growing without bound.
const MAX_SIZE = 64;
function size(e: Expr): number {
  return typeof e === 'number' || 'sym' in e ? 1 : 1 + size(e.a) + size(e.b);
}
function mk(op: '+' | '-' | '*' | '//' | 'ceil/' | 'max' | 'min', a: Expr, b: Expr): SymDim {
  const e = { op, a, b };
  return size(e) > MAX_SIZE ? null : e;
}

/** An expression as (base, constant): `x + 3` → [x, 3]; a number → [null, n]. */
function splitConst(e: Expr): [Expr | null, number] {
  if (typeof e === 'number') return [null, e];
  if ('op' in e && (e.op === '+' || e.op === '-') && typeof e.b === 'number') return [e.a, e.op === '+' ? e.b : -e.b];
  return [e, 0];
}

function withConst(base: Expr | null, c: number): SymDim {
  if (base === null) return c;
  if (c === 0) return base;
  return c > 0 ? mk('+', base, c) : mk('-', base, -c);
}

export function add(a: SymDim, b: SymDim): SymDim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  // Fold constants so chains of conv/pool windows stay short: ((x - 1)//2 + 1) + 2 - 3 + 1 → (x - 1)//2 + 1.
  const [ba, ca] = splitConst(a), [bb, cb] = splitConst(b);
  if (ba === null || bb === null) return withConst(ba ?? bb, ca + cb);
  const sum = mk('+', ba, bb);
  return sum === null ? null : withConst(sum, ca + cb);
}

export function sub(a: SymDim, b: SymDim): SymDim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof b === 'number') return add(a, -b);
  if (same(a, b)) return 0;
  // (x + y) - y → x
  if (typeof a === 'object' && 'op' in a && a.op === '+' && same(a.b, b)) return a.a;
  if (typeof a === 'object' && 'op' in a && a.op === '+' && same(a.a, b)) return a.b;
  return mk('-', a, b);
}

export function mul(a: SymDim, b: SymDim): SymDim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (a === 0 || b === 0) return 0;
  if (a === 1) return b;
  if (b === 1) return a;
  // Keep numbers first (2*x) and distribute them over constants: 2*(x - 1) → 2*x - 2.
  if (typeof b === 'number') return mul(b, a);
  if (typeof a === 'number') {
    const [base, c] = splitConst(b);
    if (base !== null && c !== 0) return add(mul(a, base), a * c);
  }
  return mk('*', a, b);
}

export function floorDiv(a: SymDim, b: SymDim): SymDim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return b === 0 ? null : Math.floor(a / b);
  if (b === 1) return a;
  // (x // m) // n → x // (m*n) (exact for integers)
  if (typeof b === 'number' && b > 0 && typeof a === 'object' && 'op' in a && a.op === '//' && typeof a.b === 'number' && a.b > 0) return floorDiv(a.a, a.b * b);
  // (k*x) // m → (k/m)*x when m divides k
  if (typeof b === 'number' && typeof a === 'object' && 'op' in a && a.op === '*' && typeof a.a === 'number' && b !== 0 && a.a % b === 0) return mul(a.a / b, a.b);
  // (k*x) // k → x
  if (typeof a === 'object' && 'op' in a && a.op === '*' && same(a.a, b)) return a.b;
  if (typeof a === 'object' && 'op' in a && a.op === '*' && same(a.b, b)) return a.a;
  return mk('//', a, b);
}

export function ceilDiv(a: SymDim, b: SymDim): SymDim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return b === 0 ? null : Math.ceil(a / b);
  if (b === 1) return a;
  return mk('ceil/', a, b);
}

export function max(a: SymDim, b: SymDim): SymDim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return Math.max(a, b);
  if (same(a, b)) return a;
  return mk('max', a, b);
}

export function min(a: SymDim, b: SymDim): SymDim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return Math.min(a, b);
  if (same(a, b)) return a;
  return mk('min', a, b);
}

export function product(dims: SymDim[]): SymDim {
  let p: SymDim = 1;
  for (const d of dims) p = mul(p, d);
  return p;
}

/**
 * Evaluate with bindings. A symbol that is not bound by name may itself be an expression written by
 * an exporter (`past_sequence_length + 1`); those are parsed and evaluated too.
 */
export function evalDim(e: SymDim | undefined, bind: Record<string, number>): number | undefined {
  if (e === null || e === undefined) return undefined;
  if (typeof e === 'number') return e;
  if ('sym' in e) return e.sym in bind ? bind[e.sym] : evalText(e.sym, bind);
  const a = evalDim(e.a, bind), b = evalDim(e.b, bind);
  if (a === undefined || b === undefined) return undefined;
  switch (e.op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '//': return b === 0 ? undefined : Math.floor(a / b);
    case 'ceil/': return b === 0 ? undefined : Math.ceil(a / b);
    case 'max': return Math.max(a, b);
    case 'min': return Math.min(a, b);
  }
}

/** Symbol names used in an expression. */
export function symbols(e: SymDim, out = new Set<string>()): Set<string> {
  if (e === null || typeof e === 'number') return out;
  if ('sym' in e) out.add(e.sym);
  else {
    symbols(e.a, out);
    symbols(e.b, out);
  }
  return out;
}

/** Evaluate a dim_param that is written as arithmetic (`a + 1`, `2*seq`); undefined if it isn't. */
function evalText(text: string, bind: Record<string, number>): number | undefined {
  const tokens = text.match(/\s*([A-Za-z_][\w.]*|\d+|[-+*/()])/g);
  if (!tokens || tokens.join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) return undefined;
  const ts = tokens.map((t) => t.trim());
  if (ts.length < 2) return undefined;
  let i = 0;
  const atom = (): number | undefined => {
    const t = ts[i++];
    if (t === undefined) return undefined;
    if (t === '(') {
      const v = sum();
      if (ts[i++] !== ')') return undefined;
      return v;
    }
    if (/^\d+$/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t)) return t in bind ? bind[t] : undefined;
    return undefined;
  };
  const term = (): number | undefined => {
    let v = atom();
    while (v !== undefined && (ts[i] === '*' || ts[i] === '/')) {
      const op = ts[i++];
      const r = atom();
      if (r === undefined) return undefined;
      v = op === '*' ? v * r : r === 0 ? undefined : Math.floor(v / r);
    }
    return v;
  };
  const sum = (): number | undefined => {
    let v = term();
    while (v !== undefined && (ts[i] === '+' || ts[i] === '-')) {
      const op = ts[i++];
      const r = term();
      if (r === undefined) return undefined;
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const v = sum();
  return i === ts.length ? v : undefined;
}
