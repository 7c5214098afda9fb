/**
 * Quality data read from text (no I/O): the per-problem JSON Lines format (`quality.problems`, what
 * `ttc-lens eval` writes), Hugging Face search-and-learn outputs (`quality.search_and_learn`, read as
 * they are) and plain JSON Lines checks (eval labels). Every parser reports malformed lines by line
 * number and keeps the good ones, so a diagnostic can say where the file is broken.
 */
import type { Approach } from '../config/types';

/** One problem's sampled results: `correct` of `total` independent samples were right. */
export interface ProblemResult {
  id: string;
  correct: number;
  total: number;
  /** A difficulty label the file gave (search-and-learn `level`, or `difficulty`), if any. */
  difficulty?: number;
}

/** A measured accuracy (from the config's `points`, search-and-learn predictions or an eval). */
export interface MeasuredPoint {
  strategy: Approach;
  n: number;
  accuracy: number;
  problems?: number;
  /** Where it came from, for reports (`quality.points[2]`, `search_and_learn pred_maj@4`). */
  source?: string;
  /** `ttc-lens eval` tta rows: mean share of views that agree with the vote (a measured `workload.agreement`). */
  agreement?: number;
  /** `ttc-lens eval` cascade rows: the share of problems escalated past the first stage. */
  escalated?: number;
}

export interface LineError {
  /** 1-based line number. */
  line: number;
  message: string;
}

export interface ParsedProblems {
  problems: ProblemResult[];
  errors: LineError[];
}

/** More malformed lines than this are counted, not described. */
const MAX_ERRORS = 20;

type Obj = Record<string, unknown>;

/** Each non-blank line as a JSON object, or an error for it. */
function jsonLines(text: string, onObject: (o: Obj) => string | undefined): LineError[] {
  const errors: LineError[] = [];
  let bad = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (!l) continue;
    let v: unknown;
    let err: string | undefined;
    try {
      v = JSON.parse(l);
    } catch {
      err = 'not valid JSON (one JSON object per line)';
    }
    if (!err && (!v || typeof v !== 'object' || Array.isArray(v))) err = 'not a JSON object';
    if (!err) err = onObject(v as Obj);
    if (err && bad++ < MAX_ERRORS) errors.push({ line: i + 1, message: err });
  }
  if (bad > MAX_ERRORS) errors.push({ line: 0, message: `${bad - MAX_ERRORS} more malformed line(s)` });
  return errors;
}

const count = (v: unknown): number | undefined => (Number.isInteger(v) && (v as number) >= 0 ? (v as number) : undefined);

/** `{"id": "p1", "correct": 3, "total": 8, "difficulty": 2}` per line (difficulty optional). */
export function parseProblemsJsonl(text: string): ParsedProblems {
  const problems: ProblemResult[] = [];
  const seen = new Set<string>();
  const errors = jsonLines(text, (o) => {
    const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : undefined;
    const correct = count(o.correct), total = count(o.total);
    if (id === undefined) return 'needs an "id" (text or number)';
    if (correct === undefined || total === undefined) return 'needs "correct" and "total" as whole numbers ≥ 0';
    if (total < 1) return '"total" must be at least 1';
    if (correct > total) return `"correct" (${correct}) is more than "total" (${total})`;
    if (seen.has(id)) return `the id "${id}" appears twice`;
    seen.add(id);
    const d = o.difficulty;
    if (d !== undefined && (typeof d !== 'number' || !Number.isFinite(d))) return '"difficulty" must be a number';
    problems.push({ id, correct, total, ...(typeof d === 'number' ? { difficulty: d } : {}) });
    return undefined;
  });
  return { problems, errors };
}

/**
 * `{"strategy": "dvts", "n": 16, "accuracy": 0.46, "problems": 500}` per line (problems optional; the
 * rates `ttc-lens eval` adds — `agreement` on tta rows, `escalated` on cascade rows — are kept; other
 * columns are ignored).
 */
export function parsePointsJsonl(text: string, approaches: readonly string[]): { points: MeasuredPoint[]; errors: LineError[] } {
  const points: MeasuredPoint[] = [];
  let row = 0;
  const errors = jsonLines(text, (o) => {
    row++;
    if (typeof o.strategy !== 'string' || !approaches.includes(o.strategy)) return `"strategy" must be one of ${approaches.join(', ')}`;
    if (!Number.isInteger(o.n) || (o.n as number) < 1) return '"n" must be a whole number ≥ 1';
    if (typeof o.accuracy !== 'number' || !(o.accuracy >= 0 && o.accuracy <= 1)) return '"accuracy" must be a number between 0 and 1';
    if (o.problems !== undefined && (!Number.isInteger(o.problems) || (o.problems as number) < 1)) return '"problems" must be a whole number ≥ 1';
    for (const k of ['agreement', 'escalated'] as const) if (o[k] !== undefined && (typeof o[k] !== 'number' || !((o[k] as number) >= 0 && (o[k] as number) <= 1))) return `"${k}" must be a number between 0 and 1`;
    points.push({
      strategy: o.strategy as Approach,
      n: o.n as number,
      accuracy: o.accuracy,
      ...(o.problems !== undefined ? { problems: o.problems as number } : {}),
      source: `points file, row ${row}`,
      ...(typeof o.agreement === 'number' ? { agreement: o.agreement } : {}),
      ...(typeof o.escalated === 'number' ? { escalated: o.escalated } : {}),
    });
    return undefined;
  });
  return { points, errors };
}

/** Lines that are JSON objects (the eval's labels: their content is the eval command's business). */
export function checkJsonLines(text: string): { rows: number; errors: LineError[] } {
  let rows = 0;
  const errors = jsonLines(text, () => {
    rows++;
    return undefined;
  });
  return { rows, errors };
}

/** The text inside the last `\boxed{…}` (or `\fbox{…}`), braces balanced; undefined when none. */
export function lastBoxed(s: string): string | undefined {
  const i = Math.max(s.lastIndexOf('\\boxed'), s.lastIndexOf('\\fbox'));
  if (i < 0) return undefined;
  const open = s.indexOf('{', i);
  if (open < 0) return undefined;
  let depth = 0;
  for (let j = open; j < s.length; j++) {
    if (s[j] === '{') depth++;
    else if (s[j] === '}' && --depth === 0) return s.slice(open + 1, j);
  }
  return undefined;
}

/**
 * A math answer in a comparable form: no spaces, `$`, `\left`/`\right`, `\!`, `\text{}` wrappers,
 * degree marks or trailing full stop; `\dfrac`/`\tfrac` → `\frac`; numbers in their shortest form.
 * A string comparison, not symbolic equivalence (search-and-learn grades with a math verifier, so
 * its accuracy can be slightly higher than what this reads).
 */
export function normalizeAnswer(s: string): string {
  let t = s.trim();
  const boxed = lastBoxed(t);
  if (boxed !== undefined) t = boxed;
  t = t
    .replace(/\\text\{([^{}]*)\}/g, '$1')
    .replace(/\\mbox\{([^{}]*)\}/g, '$1')
    .replace(/\\left|\\right|\\!|\\,|\\;|\$/g, '')
    .replace(/\\[dt]frac/g, '\\frac')
    .replace(/\^\{?\\circ\}?/g, '')
    .replace(/\s+/g, '')
    .replace(/\.$/, '');
  const num = t.replace(/,(?=\d{3}\b)/g, '');
  if (/^-?\d+(\.\d+)?$/.test(num)) return String(Number(num));
  return t;
}

export interface ParsedSearchAndLearn extends ParsedProblems {
  /** Accuracy of each `pred_<method>@<n>` column over the rows that have it. */
  points: MeasuredPoint[];
  /** Which `pred_*` columns were read. */
  columns: string[];
}

/**
 * Hugging Face search-and-learn output (one JSON object per problem). Read: `unique_id` (else
 * `problem`) as the id, `answer`, `completions` (the sampled solutions; a completion is correct when
 * its last `\boxed{}` equals the answer after normalizeAnswer), `level` as the difficulty, and the
 * `pred_weighted@n` / `pred_maj@n` / `pred_naive@n` columns. `pred_maj@n` is majority voting
 * (self_consistency at n); `pred_weighted@n` and `pred_naive@n` are verifier-selected answers of the
 * run's own approach (`approach`, default best_of_n: the file does not say which it was).
 */
export function parseSearchAndLearnJsonl(text: string, approach: Approach = 'best_of_n'): ParsedSearchAndLearn {
  const problems: ProblemResult[] = [];
  const tallies = new Map<string, { right: number; rows: number }>();
  let index = 0;
  const errors = jsonLines(text, (o) => {
    index++;
    const answer = typeof o.answer === 'string' || typeof o.answer === 'number' ? String(o.answer) : undefined;
    if (answer === undefined) return 'needs an "answer" (the reference answer)';
    const id = typeof o.unique_id === 'string' ? o.unique_id : typeof o.problem === 'string' ? o.problem.slice(0, 80) : `row ${index}`;
    const want = normalizeAnswer(answer);
    const completions = o.completions;
    if (completions !== undefined) {
      if (!Array.isArray(completions) || completions.some((c) => typeof c !== 'string')) return '"completions" must be a list of texts';
      if (completions.length) {
        const correct = completions.filter((c) => lastBoxed(c as string) !== undefined && normalizeAnswer(c as string) === want).length;
        const level = typeof o.level === 'number' ? o.level : typeof o.level === 'string' && /^\d+$/.test(o.level) ? Number(o.level) : undefined;
        problems.push({ id, correct, total: completions.length, ...(level !== undefined ? { difficulty: level } : {}) });
      }
    }
    for (const [k, v] of Object.entries(o)) {
      if (!/^pred_(weighted|maj|naive)@\d+$/.test(k) || typeof v !== 'string') continue;
      const t = tallies.get(k) ?? { right: 0, rows: 0 };
      t.rows++;
      if (normalizeAnswer(v) === want) t.right++;
      tallies.set(k, t);
    }
    return undefined;
  });
  const points: MeasuredPoint[] = [];
  const columns = [...tallies.keys()].sort();
  for (const k of columns) {
    const [, method, n] = /^pred_(\w+)@(\d+)$/.exec(k)!;
    // naive and weighted are both the run's approach: keep weighted where both exist (the HF study's headline).
    if (method === 'naive' && tallies.has(`pred_weighted@${n}`)) continue;
    const t = tallies.get(k)!;
    points.push({ strategy: method === 'maj' ? 'self_consistency' : approach, n: Number(n), accuracy: t.right / t.rows, problems: t.rows, source: `search_and_learn ${k}` });
  }
  return { problems, errors, points, columns };
}

/** Line errors as one short sentence: `line 3: not valid JSON; line 9: …`. */
export function lineErrorsText(errors: LineError[], max = 3): string {
  const shown = errors.slice(0, max).map((e) => (e.line ? `line ${e.line}: ${e.message}` : e.message));
  const more = errors.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}
