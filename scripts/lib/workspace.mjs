// @ts-check
/**
 * The scratch workspace `npm start` and the end-to-end tests open: a copy of examples/ (which is never
 * modified: code-server auto-saves every edit) with the workspace settings a first-time user wants.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './codeServer.mjs';

/**
 * Settings of the scratch workspace: no "a git repository was found in the parent folders" prompt
 * (the copy lives inside this checkout's .cache or a temp folder), and no empty secondary side bar.
 */
export const FIRST_OPEN_SETTINGS = Object.freeze({
  'git.openRepositoryInParentFolders': 'never',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
});

/**
 * Make `dest` a fresh copy of examples/ (anything there before is replaced) with
 * `.vscode/settings.json` = FIRST_OPEN_SETTINGS plus `settings`. Returns `dest`.
 * @param {string} dest @param {Record<string, unknown>} [settings]
 */
export function copyExamples(dest, settings = {}) {
  rmSync(dest, { recursive: true, force: true });
  cpSync(join(REPO_ROOT, 'examples'), dest, { recursive: true, filter: (src) => !/[\\/]\.ttc-lens([\\/]|$)/.test(src) });
  mkdirSync(join(dest, '.vscode'), { recursive: true });
  writeFileSync(join(dest, '.vscode', 'settings.json'), JSON.stringify({ ...FIRST_OPEN_SETTINGS, ...settings }, null, 2) + '\n');
  return dest;
}
