/**
 * How the status bar item looks for a given server state. Pure (no `vscode` import) so it can be
 * unit-tested; ctx.ts applies the result to the real StatusBarItem.
 */
import type { ServerState } from '../../server/src/protocol';

/** The client's view of the server process, combined with the last StatusNotification. */
export type ProcessState = 'starting' | 'running' | 'stopped';

export interface StatusPresentation {
  /** Text with a codicon, e.g. `$(check) TTC Lens`. */
  text: string;
  tooltip: string;
  /** Background theme colour id, or undefined for the default. */
  background?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
}

const ICONS: Record<ServerState, string> = {
  starting: '$(loading~spin)',
  ok: '$(check)',
  busy: '$(sync~spin)',
  warning: '$(warning)',
  error: '$(error)',
};

/** Combine the process state and the server's last reported state into what the item shows. */
export function statusPresentation(proc: ProcessState, server: ServerState | undefined, message: string | undefined): StatusPresentation {
  if (proc === 'stopped') {
    return {
      text: '$(circle-slash) TTC Lens',
      tooltip: `TTC Lens server stopped${message ? `: ${message}` : ''}. Click to show the output; run "TTC Lens: Restart Server" to start it.`,
      background: 'statusBarItem.errorBackground',
    };
  }
  const state: ServerState = proc === 'starting' ? 'starting' : server ?? 'starting';
  const tooltip = `TTC Lens: ${message ?? (state === 'starting' ? 'starting the language server…' : state)}. Click to show the output.`;
  return {
    text: `${ICONS[state]} TTC Lens`,
    tooltip,
    background: state === 'error' ? 'statusBarItem.errorBackground' : state === 'warning' ? 'statusBarItem.warningBackground' : undefined,
  };
}

const SERVER_STATES: readonly ServerState[] = ['starting', 'ok', 'busy', 'warning', 'error'];

/** Validate a StatusNotification payload from the wire (never trust its shape). */
export function parseStatus(raw: unknown): { state: ServerState; message: string } | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as { state?: unknown; message?: unknown };
  if (typeof r.state !== 'string' || !SERVER_STATES.includes(r.state as ServerState)) return undefined;
  return { state: r.state as ServerState, message: typeof r.message === 'string' ? r.message : '' };
}
