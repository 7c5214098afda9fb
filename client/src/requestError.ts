/** Turning a failed custom request into one sentence for the user. Pure (no `vscode` import). */

/** JSON-RPC / LSP error codes we explain (vscode-jsonrpc ErrorCodes / LSPErrorCodes). */
const METHOD_NOT_FOUND = -32601;
const REQUEST_CANCELLED = -32800;
const SERVER_CANCELLED = -32802;
const CONNECTION_CLOSED = ['Connection is closed', 'Connection is disposed', 'Client is not running'];

/** The message to show, or undefined when the user cancelled (nothing to show). */
export function requestErrorMessage(err: unknown): string | undefined {
  const e = (err && typeof err === 'object' ? err : {}) as { code?: unknown; message?: unknown; name?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (e.code === REQUEST_CANCELLED || e.name === 'Canceled' || e.name === 'CancellationError') return undefined;
  if (e.code === METHOD_NOT_FOUND) return `this version of the TTC Lens server does not support it (${message})`;
  if (e.code === SERVER_CANCELLED) return 'the server cancelled the request (the document changed or the server is restarting); try again';
  if (CONNECTION_CLOSED.some((c) => message.includes(c))) return 'the language server is not running; run "TTC Lens: Restart Server"';
  return message;
}
