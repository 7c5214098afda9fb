/**
 * The TTC language service: text documents + settings in, LSP data out. Host-free (the
 * vscode-json-languageservice pattern): file access and model descriptions come in as functions, so
 * the language server, the CLI and the tests drive the same code.
 */
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, Hover, Position, Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedConfig, Problem } from '../core/config/parse';
import { codeActions } from './codeActions';
import { complete, type DirEntry, type ModelInputs } from './completion';
import { toDiagnostic, validateDocument } from './diagnostics';
import { ParseCache } from './document';
import { hover } from './hover';
import { profilingDiagnostics, type MeasurementHost } from './profiling';
import { symbols } from './symbols';

export type { DirEntry, ModelInputs } from './completion';
export type { MeasuredFacts, MeasurementHost } from './profiling';

export interface LanguageServiceHost {
  /** Does a file exist? Without it, file checks are skipped. */
  fileExists?(absPath: string): boolean;
  /** List a folder (path completion). */
  listDir?(absPath: string): DirEntry[];
  /** The inputs and symbolic dims an ONNX model declares (`dims:` / `inputs:` completion). */
  modelInputs?(absPath: string): ModelInputs | undefined;
  /** A small text file's content (model descriptions), undefined when missing or too large. */
  readFile?(absPath: string): string | undefined;
  /** What is wrong with an existing model file (a folder, a FIFO, a corrupt ONNX file…); undefined when nothing is. */
  modelFileProblem?(absPath: string): string | undefined;
  /** Markdown sections about a model file, shown in hovers. */
  describeModel?(absPath: string, bind: Record<string, number>, opts?: { precision?: string }): Promise<string[]>;
  /** What the host knows about models' measurements (data: measured, failed, running); the service renders it. */
  measurements?: MeasurementHost;
}

/** Per-document facts the host knows: where the file is, default dim bindings from settings. */
export interface DocumentOptions {
  /** File-system path of the document (undefined for unsaved documents). */
  fsPath?: string;
  defaultDims?: Record<string, number>;
  /**
   * References for which this returns true resolve outside the workspace: they are reported
   * (`outside-workspace`) and never read, listed or described. Absent: every file may be read.
   */
  isOutside?: (absPath: string) => boolean;
}

export interface LanguageService {
  parse(doc: TextDocument): ParsedConfig;
  /** Syntax, structure and semantic problems, sorted by position. */
  validate(doc: TextDocument, opts?: DocumentOptions): Problem[];
  /** `validate` as LSP diagnostics. */
  diagnostics(doc: TextDocument, opts?: DocumentOptions): Diagnostic[];
  /** A diagnostic on each model entry whose measurement failed (from the host's measurement facts). */
  profilingDiagnostics(doc: TextDocument, opts?: DocumentOptions): Diagnostic[];
  complete(doc: TextDocument, pos: Position, opts?: DocumentOptions): CompletionItem[];
  hover(doc: TextDocument, pos: Position, opts?: DocumentOptions): Promise<Hover | null>;
  symbols(doc: TextDocument): DocumentSymbol[];
  /** Quick-fixes for the problems that touch `range`. */
  codeActions(doc: TextDocument, range: Range, opts?: DocumentOptions): CodeAction[];
  /** Forget a closed document. */
  close(uri: string): void;
}

export function getLanguageService(host: LanguageServiceHost = {}): LanguageService {
  const cache = new ParseCache();
  const fileExists = host.fileExists?.bind(host);
  const listNames = host.listDir ? (dir: string) => host.listDir!(dir).map((e) => e.name) : undefined;
  const readFile = host.readFile?.bind(host);
  // Host functions that refuse outside references (the rules report them instead).
  const guard = <A extends unknown[], R>(fn: ((p: string, ...a: A) => R) | undefined, outside: DocumentOptions['isOutside'], none: R) =>
    fn && outside ? (p: string, ...a: A): R => (outside(p) ? none : fn(p, ...a)) : fn;
  const validate = (doc: TextDocument, opts: DocumentOptions = {}) =>
    validateDocument(cache, doc, {
      fsPath: opts.fsPath,
      fileExists,
      listDir: guard(listNames, opts.isOutside, []),
      readFile: guard(readFile, opts.isOutside, undefined),
      modelFileProblem: host.modelFileProblem?.bind(host),
      ...(opts.isOutside ? { outside: opts.isOutside } : {}),
    });
  return {
    parse: (doc) => cache.get(doc),
    validate,
    diagnostics: (doc, opts) => validate(doc, opts).map((p) => toDiagnostic(doc, p)),
    profilingDiagnostics: (doc, opts = {}) => {
      const m = host.measurements;
      return m && opts.fsPath ? profilingDiagnostics(doc, cache.get(doc), opts.fsPath, (p) => m.modelFacts(p, {}).failure) : [];
    },
    complete: (doc, pos, opts = {}) =>
      complete(doc, cache.get(doc), pos, {
        fsPath: opts.fsPath,
        listDir: guard(host.listDir?.bind(host), opts.isOutside, []),
        modelInputs: guard(host.modelInputs?.bind(host), opts.isOutside, undefined),
      }),
    hover: (doc, pos, opts = {}) =>
      hover(doc, cache.get(doc), pos, { fsPath: opts.fsPath, fileExists, describeModel: host.describeModel?.bind(host), measurements: host.measurements, defaultDims: opts.defaultDims, isOutside: opts.isOutside }),
    symbols: (doc) => symbols(doc, cache.get(doc)),
    codeActions: (doc, range, opts) => codeActions(doc, validate(doc, opts), range),
    close: (uri) => cache.delete(uri),
  };
}
