/**
 * The layering of TTC Lens, checked by `npm run lint` (dependency-cruiser). Rooms, lowest first:
 *   server/src/core      pure domain logic (config, ONNX analysis, the profiler client); no editor, no LSP
 *   server/src/service   the language service: documents in, hovers/diagnostics/edits out; no I/O of its own
 *   server/src/lsp, cli  hosts: the language server over stdio and the command line (one Node host, lsp/host.ts)
 *   server/src/worker    the separate profiler process, the only code that loads onnxruntime-node
 *   client/src           the VS Code extension; shares only server/src/protocol.ts with the server
 * Type-only imports count (tsPreCompilationDeps), so a circle through types is a circle too.
 * test/unit/lint/layering.test.ts proves that each rule fails on a planted violation.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-the-bottom',
      severity: 'error',
      comment: 'core is domain logic that the service, the hosts and the CLI build on; it never imports them, nor the editor.',
      from: { path: '^server/src/core/' },
      to: { path: ['^server/src/(service|lsp|cli|worker)/', '^server/src/(server|cli|protocol)\\.ts$', '^client/', '(^|node_modules/)(@types/)?(vscode|vscode-languageserver[^/]*|vscode-languageclient|vscode-jsonrpc)(/|$)'] },
    },
    {
      name: 'service-does-no-io',
      severity: 'error',
      comment: 'The language service gets files, processes and measurements from its host (lsp or cli); it does no file or process I/O itself.',
      from: { path: '^server/src/service/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|child_process|worker_threads|net|cluster|dgram|http|https|http2)$' },
    },
    {
      name: 'ort-only-in-the-worker',
      severity: 'error',
      comment: 'onnxruntime-node is loaded only by the profiler process (server/src/worker/), so a native crash never takes the server down; tests reach it through server/src/worker/runtime.ts.',
      from: { pathNot: '^server/src/worker/' },
      to: { path: '(^|/)node_modules/onnxruntime-(node|common)/|^onnxruntime-(node|common)$' },
    },
    {
      name: 'client-shares-only-the-protocol',
      severity: 'error',
      comment: 'The extension talks to the server over LSP; of the server code it imports only the shared protocol (server/src/protocol.ts).',
      from: { path: '^client/' },
      to: { path: '^server/', pathNot: '^server/src/protocol\\.ts$' },
    },
    {
      name: 'no-circles-in-core',
      severity: 'error',
      comment: 'Modules in core form a tree: shared types go in a module of their own (e.g. core/onnx/rules.ts) instead of a circle.',
      from: { path: '^server/src/core/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      from: { path: '^(server|client)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|out|\\.cache|test-artifacts|test/fixtures|test/e2e/\\.cache)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    skipAnalysisNotInRules: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'] },
  },
};
