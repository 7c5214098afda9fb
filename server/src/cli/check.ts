/**
 * `ttc-lens check <files or folders…> [--format text|json|sarif]`: the language service's diagnostics
 * for each config. Folders are searched recursively for *.ttc.yaml / *.ttc.yml (skipping node_modules
 * and .git). Exit 1 when any error was found, 0 otherwise, 2 on usage errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Problem } from '../core/config/parse';
import { PROBLEM_CODES } from '../core/config/codes';
import { findConfigFiles } from '../core/config/discover';
import { getLanguageService } from '../service/languageService';
import { budgetDiagnostics } from '../service/estimates';
import { runPipeline } from '../core/estimate/pipeline';
import { PointStore } from '../core/estimate/measure';
import { defaultCacheDir } from '../core/profile/cache';
import { fileTypeProblem } from '../core/model/files';
import { nodeHost } from '../lsp/host';
import { readModel } from '../core/onnx/reader';
import { countMainGraphNodes } from '../core/onnx/count';
import { readRegularText, UnsafeFileError } from '../core/safeFs';

const USAGE = `Usage: ttc-lens check <files or folders…> [--format text|json|sarif] [--no-budget] [--cache-dir DIR]

Validates TTC configs. Folders are searched recursively for *.ttc.yaml and *.ttc.yml.
A config without errors is also estimated (from cached measurements, analytic elsewhere; nothing
runs): a breached latency, memory or cost budget, or qps above capacity, is an error (budget-*),
as in the editor. --no-budget skips that; --cache-dir names the measurement cache
(default $XDG_CACHE_HOME/ttc-lens, where 'ttc-lens estimate' keeps it).
Output: text (file:line:col severity message [code]), json (an array) or sarif (SARIF 2.1.0).
Exit status: 1 if any error was found, 0 otherwise, 2 on usage errors.`;

type Format = 'text' | 'json' | 'sarif';

export interface Finding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Problem['severity'];
  code: string;
  message: string;
}

/** A config file bigger than this is refused before reading (the parser's own limit is 256 K characters). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Models with more nodes are only checked for framing (a tag walk), not read through. */
const CHECK_MAX_NODES = 100_000;

/**
 * What is wrong with an existing model file: its type (folder, FIFO, device: no read), else whether
 * its ONNX structure reads (a truncated or corrupt file; weights are never read).
 */
export function checkModelFile(abs: string): string | undefined {
  const kind = fileTypeProblem(abs);
  if (kind) return kind;
  try {
    // A quick walk of the field tags finds a truncated or mis-framed file; a big model that frames
    // well is not read through (that is `profile --static`'s job).
    const nodes = countMainGraphNodes(abs, CHECK_MAX_NODES);
    if (nodes !== undefined && nodes > CHECK_MAX_NODES) return undefined;
    readModel(abs, { maxNodes: CHECK_MAX_NODES });
    return undefined;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/^more than \d+ nodes/.test(msg)) return undefined;
    return `not a readable ONNX model: ${msg}`;
  }
}

/**
 * Budget checks from the estimator (cached measurements, analytic elsewhere; nothing runs): the same
 * `budget-*` problems the editor shows, so CI fails a config that no longer fits. Skipped when the
 * config has errors of its own.
 */
export async function budgetFindings(file: string, store: PointStore): Promise<Finding[]> {
  let text: string;
  try {
    text = readRegularText(file, MAX_CONFIG_BYTES, 'TTC config');
  } catch {
    return [];
  }
  const abs = path.resolve(file);
  const doc = TextDocument.create(pathToFileURL(abs).href, 'ttc', 1, text);
  const parsed = getLanguageService({}).parse(doc);
  if (!parsed.config.strategy || parsed.problems.some((p) => p.severity === 'error')) return [];
  try {
    const r = await runPipeline({ config: parsed.config, configPath: abs, store, profile: false });
    // Budget breaches only: the editor's hints about providers and stale profiles are not CI findings.
    return budgetDiagnostics(doc, parsed, r.estimate).filter((d) => String(d.code).startsWith('budget-')).map((d) => ({
      file,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      severity: d.severity === 1 ? 'error' : 'warning',
      code: String(d.code),
      message: typeof d.message === 'string' ? d.message : d.message.value,
    }));
  } catch {
    return []; // a model the estimator cannot read is reported by the checks above
  }
}

/** Check one file; unreadable files come back as a finding, never an exception. */
export function checkFile(file: string): Finding[] {
  let text: string;
  try {
    // A regular file of bounded size only: a FIFO would block forever, a 3 GB file exhaust memory.
    text = readRegularText(file, MAX_CONFIG_BYTES, 'TTC config');
  } catch (e) {
    const tooBig = e instanceof UnsafeFileError && e.code === 'ETOOBIG';
    const message = tooBig ? `Cannot read file: ${file} is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB, too large to be a TTC config` : `Cannot read file: ${(e as Error).message}`;
    return [{ file, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: tooBig ? 'too-large' : 'unreadable', message }];
  }
  const abs = path.resolve(file);
  const doc = TextDocument.create(pathToFileURL(abs).href, 'ttc', 1, text);
  // The server's Node host without the analyser: a model file is read here (checkModelFile), not stat'ed only.
  const service = getLanguageService(nodeHost({ modelFileProblem: checkModelFile }));
  return service.validate(doc, { fsPath: abs }).map((p) => {
    const s = doc.positionAt(p.range.start);
    const e = doc.positionAt(p.range.end);
    return { file, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, severity: p.severity, code: p.code, message: p.message };
  });
}

function sarif(findings: Finding[]): unknown {
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  const level = { error: 'error', warning: 'warning', info: 'note' } as const;
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ttc-lens',
            version: '0.1.0',
            // No informationUri/helpUri: the project has no public home to point at yet, and a made-up
            // address would send code-scanning users to a 404. The rule texts say what each code means.
            rules: codes.map((id) => ({ id, shortDescription: { text: PROBLEM_CODES[id] ?? id } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: codes.indexOf(f.code),
          level: level[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file.split(path.sep).join('/') },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
}

export async function run(args: string[]): Promise<number> {
  let format: Format = 'text';
  let budgets = true;
  let cacheDir: string | undefined;
  const inputs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (a === '--format' || a.startsWith('--format=')) {
      const v = a === '--format' ? args[++i] : a.slice('--format='.length);
      if (v !== 'text' && v !== 'json' && v !== 'sarif') {
        process.stderr.write(`ttc-lens check: --format must be text, json or sarif${v ? ` (got '${v}')` : ''}\n\n${USAGE}\n`);
        return 2;
      }
      format = v;
    } else if (a === '--no-budget') {
      budgets = false;
    } else if (a === '--cache-dir' || a.startsWith('--cache-dir=')) {
      cacheDir = a === '--cache-dir' ? args[++i] : a.slice('--cache-dir='.length);
    } else if (a.startsWith('-') && a !== '-') {
      process.stderr.write(`ttc-lens check: unknown option '${a}'\n\n${USAGE}\n`);
      return 2;
    } else {
      inputs.push(a);
    }
  }
  if (inputs.length === 0) {
    process.stderr.write(`ttc-lens check: no files or folders given\n\n${USAGE}\n`);
    return 2;
  }
  const files: string[] = [];
  for (const input of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch {
      process.stderr.write(`ttc-lens check: no such file or folder: ${input}\n`);
      return 2;
    }
    if (st.isDirectory()) files.push(...findConfigFiles(input));
    else files.push(input);
  }
  if (files.length === 0) {
    process.stderr.write(`ttc-lens check: no *.ttc.yaml or *.ttc.yml files found in ${inputs.join(', ')}\n`);
    return 2;
  }
  const unique = [...new Set(files)];
  const findings = unique.flatMap(checkFile);
  if (budgets) {
    const store = new PointStore(cacheDir ?? defaultCacheDir());
    for (const f of unique) if (!findings.some((x) => x.file === f && x.severity === 'error')) findings.push(...(await budgetFindings(f, store)));
  }
  if (format === 'json') process.stdout.write(JSON.stringify(findings, null, 2) + '\n');
  else if (format === 'sarif') process.stdout.write(JSON.stringify(sarif(findings), null, 2) + '\n');
  else {
    for (const f of findings) process.stdout.write(`${f.file}:${f.line}:${f.column} ${f.severity} ${f.message} [${f.code}]\n`);
    const n = (s: Problem['severity']) => findings.filter((f) => f.severity === s).length;
    process.stderr.write(`${files.length} config${files.length === 1 ? '' : 's'} checked: ${n('error')} error(s), ${n('warning')} warning(s), ${n('info')} info\n`);
  }
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}
