// @ts-check
/**
 * UI flows in the real workbench, as a user sees them. Every wait is on a condition (a selector, a
 * text, a colour); each step saves a screenshot under test-artifacts/e2e/.
 */
import { join } from 'node:path';

const STEP_TIMEOUT = 45_000;

/**
 * @typedef {import('playwright-core').Page} Page
 * @typedef {{ name: string, ok: boolean, error?: string, details?: unknown }} StepResult
 */

/**
 * Run every flow against a workbench that is loading the planted workspace. `activationOnly` stops
 * after the checks that prove an installed extension activates and answers (used with --vsix).
 * @param {Page} page @param {{ artifacts: string, log: (m: string) => void, activationOnly?: boolean }} env
 * @returns {Promise<StepResult[]>}
 */
export async function uiFlows(page, { artifacts, log, activationOnly }) {
  page.setDefaultTimeout(STEP_TIMEOUT);
  /** @type {StepResult[]} */
  const results = [];
  let n = 0;
  /** @param {string} name @param {() => Promise<unknown>} fn */
  const step = async (name, fn) => {
    const shot = join(artifacts, `ui-${String(++n).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    try {
      await dismissDialogs(page);
      const details = await fn();
      results.push({ name, ok: true, details });
    } catch (err) {
      results.push({ name, ok: false, error: err instanceof Error ? err.message.split('\n').slice(0, 6).join('\n') : String(err) });
    }
    await page.screenshot({ path: shot }).catch(() => undefined);
    log(`ui step ${n}: ${name} ${results[results.length - 1].ok ? 'ok' : 'FAILED'}`);
  };

  await step('workbench loads', async () => {
    await page.waitForSelector('.monaco-workbench');
    await page.evaluate(() => /** @type {any} */ (window).driver.whenWorkbenchRestored());
    // First open of the scratch workspace: no empty secondary side bar (its settings hide it).
    if (await page.locator('.part.auxiliarybar').isVisible()) throw new Error('the secondary side bar is open');
  });

  await step('open a config: language mode and status item', async () => {
    await quickOpen(page, 'planted.ttc.yaml');
    await page.locator('#status\\.editor\\.mode').getByText('TTC Config').waitFor();
    const item = page.locator('.statusbar-item').filter({ hasText: 'TTC Lens' }).first();
    await item.waitFor();
    // The server reports ready: the item shows the check icon.
    await item.locator('.codicon-check').waitFor();
    return await item.getAttribute('aria-label');
  });

  await step('syntax highlighting', async () => {
    const colours = await tokenColours(page, ['approach', 'temprature', 'dvts', 'models/decoder-tiny.onnx', 'generator', '10', '2s', '8GiB', '$0.40']);
    const must = (/** @type {boolean} */ c, /** @type {string} */ m) => {
      if (!c) throw new Error(`${m}: ${JSON.stringify(colours)}`);
    };
    must(!!colours.approach && !!colours.temprature && colours.approach.color !== colours.temprature.color, 'a TTC key and an unknown key look the same');
    must(!!colours.dvts && colours.dvts.color !== colours.temprature.color, 'the strategy name is not highlighted');
    must(!!colours['models/decoder-tiny.onnx']?.underline, 'the model path is not underlined');
    // Quantities with units (2s, 8GiB, $0.40) are one number-coloured token, like CSS's 10px.
    for (const q of ['2s', '8GiB', '$0.40']) must(colours[q]?.color === colours['10']?.color && colours[q]?.color !== colours.generator?.color, `${q} is not highlighted as a quantity`);
    return colours;
  });

  await step('error squiggle and Problems entry', async () => {
    await page.locator('.monaco-editor .squiggly-error').first().waitFor();
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row').filter({ hasText: /temprature|temperature/ }).first();
    await row.waitFor();
    const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
    return rows;
  });

  if (activationOnly) {
    await step('hover a model path', async () => hover(page, 'models/decoder-tiny.onnx', /decoder-tiny[\s\S]*(input|parameter|FLOP)/i));
    return results;
  }

  await step('hover a key', async () => {
    return await hover(page, 'beam_width', /Expansions per kept beam/);
  });

  await step('hover a model path', async () => {
    return await hover(page, 'models/decoder-tiny.onnx', /decoder-tiny[\s\S]*(input|parameter|FLOP)/i);
  });

  await step('complete a key', async () => {
    await page.keyboard.press('Escape');
    await goToLine(page, 18); // the indented blank line inside `strategy:`
    await page.keyboard.press('End');
    await page.keyboard.type('looka');
    await page.keyboard.press('Control+Space');
    const row = page.locator('.suggest-widget .monaco-list-row').filter({ hasText: 'lookahead' }).first();
    await row.waitFor();
    const labels = await page.locator('.suggest-widget .monaco-list-row').allInnerTexts();
    await page.keyboard.press('Escape');
    // Undo the typing: the scratch file stays as planted for later steps.
    await page.keyboard.press('Control+Z');
    await page.locator('.view-line').filter({ hasText: 'looka' }).waitFor({ state: 'detached' });
    return labels;
  });

  await step('quick-fix a misspelt key', async () => {
    await page.keyboard.press('Escape');
    await clickToken(page, 'temprature');
    await openCodeActions(page, 'temprature');
    const fix = page.locator('.action-widget .monaco-list-row').filter({ hasText: "Rename to 'temperature'" }).first();
    await fix.waitFor();
    const offered = await page.locator('.action-widget .monaco-list-row').allInnerTexts();
    await fix.click();
    // Monaco renders spaces as U+00A0, hence \s rather than ' '.
    await page.locator('.view-line').filter({ hasText: /^\s*temperature:\s0\.8/ }).waitFor();
    await page.locator('.monaco-editor .squiggly-error').first().waitFor();
    // Undo: the scratch file stays as planted for later steps.
    await page.keyboard.press('Control+Z');
    await page.locator('.view-line').filter({ hasText: /^\s*temprature:\s0\.8/ }).waitFor();
    return offered;
  });

  await step('palette: Show Output', async () => {
    await palette(page, 'TTC Lens: Show Output');
    await page.locator('.panel .monaco-select-box, .panel select').filter({ hasText: 'TTC Lens' }).first().or(page.locator('.panel [title="TTC Lens"]').first()).waitFor();
  });

  await step('palette: Show Model Summary', async () => {
    await clickToken(page, 'models/decoder-tiny.onnx');
    await palette(page, 'TTC Lens: Show Model Summary');
    const tab = page.locator('.tabs-container .tab').filter({ hasText: /decoder-tiny/ }).filter({ hasText: /Preview|summary/ }).first();
    await tab.waitFor();
    // The preview is a webview (an iframe holding the content frame): wait for the rendered text.
    const body = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('body');
    await body.getByText('decoder-tiny.onnx').first().waitFor();
    const text = await body.innerText();
    if (!/Parameters|FLOPs|Inputs/i.test(text)) throw new Error(`the summary preview shows no model facts: ${text.slice(0, 300)}`);
    // Give the keyboard back to the workbench (keys pressed inside a webview can be lost).
    await page.locator('.tabs-container .tab').filter({ hasText: 'planted.ttc.yaml' }).first().click();
    return { tab: await tab.innerText(), text: text.slice(0, 400) };
  });

  await step('palette: Show Model Summary, picking a model', async () => {
    await quickOpen(page, 'planted.ttc.yaml');
    await goToLine(page, 1); // a comment: no model path under the cursor, so the picker opens
    // The picker's title (the palette has none); its rows are virtualised, so the last one ("Browse…")
    // is not in the DOM when the workspace names many models.
    await palette(page, 'TTC Lens: Show Model Summary', { opensPicker: 'TTC Lens: Show Model Summary' });
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'prm-tiny.onnx' }).first().waitFor();
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    await input.fill('prm');
    await page.locator('.quick-input-list .monaco-list-row').first().filter({ hasText: 'prm-tiny.onnx' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab').filter({ hasText: /prm-tiny/ }).first().waitFor();
    const body = page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('#active-frame').locator('body');
    await body.getByText('prm-tiny.onnx').first().waitFor();
    await page.locator('.tabs-container .tab').filter({ hasText: 'planted.ttc.yaml' }).first().click();
    return rows;
  });

  await step('palette: Profile Models', async () => {
    await quickOpen(page, 'planted.ttc.yaml');
    await palette(page, 'TTC Lens: Profile Models');
    // In smoke-driver mode toasts are suppressed: read the result in the notification centre.
    const item = page.locator('.notifications-center .notification-list-item').filter({ hasText: /profiled \d+ of \d+ model/ }).first();
    for (let i = 0; ; i++) {
      await palette(page, 'Notifications: Show Notifications');
      try {
        await item.waitFor({ timeout: 10_000 });
        break;
      } catch (err) {
        if (i >= 5) throw err;
        await page.keyboard.press('Escape');
      }
    }
    const text = await item.innerText();
    if (!/of planted\.ttc\.yaml/.test(text)) throw new Error(`the toast does not name the active config: ${text}`);
    // The toast opens the report: tables in the Markdown preview.
    await item.getByRole('button', { name: 'Open Report' }).click();
    await page.locator('.tabs-container .tab').filter({ hasText: /Profile report planted/ }).first().waitFor();
    const body = page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('#active-frame').locator('body');
    await body.locator('table').first().waitFor();
    const report = await body.innerText();
    if (!/p50/.test(report) || !/generator/.test(report)) throw new Error(`the report shows no numbers: ${report.slice(0, 300)}`);
    await page.locator('.tabs-container .tab').filter({ hasText: 'planted.ttc.yaml' }).first().click();
    return { toast: text, report: report.slice(0, 400) };
  });

  await step('palette: Restart Server', async () => {
    await quickOpen(page, 'planted.ttc.yaml');
    await palette(page, 'TTC Lens: Restart Server');
    const item = page.locator('.statusbar-item').filter({ hasText: 'TTC Lens' }).first();
    await item.locator('.codicon-check').waitFor();
    await page.locator('.monaco-editor .squiggly-error').first().waitFor();
  });

  await step('inline estimates and a fit-the-budget quick-fix', async () => {
    await page.keyboard.press('Escape');
    await quickOpen(page, 'over-budget.ttc.yaml');
    // The code lens and the inlay hints carry the estimate; the budget breach is an error on n.
    await page.locator('.contentWidgets .codelens-decoration, .codelens-decoration').filter({ hasText: /Estimate: .* p95/ }).first().waitFor();
    await page.locator('.editor-instance .view-line').filter({ hasText: /≈.*p95/ }).first().waitFor();
    await page.locator('.monaco-editor .squiggly-error').first().waitFor();
    await page.mouse.move(900, 450);
    await page.screenshot({ path: join(artifacts, 'readme-estimates.png') });
    await clickToken(page, '16');
    await openCodeActions(page, '16');
    const fix = page.locator('.action-widget .monaco-list-row').filter({ hasText: /Set n to \d+ — p95 ≈ .*fits/ }).first();
    await fix.waitFor();
    const offered = await page.locator('.action-widget .monaco-list-row').allInnerTexts();
    await fix.click();
    await page.locator('.view-line').filter({ hasText: /^\s*n:\s(\d|1[0-5])$/ }).waitFor();
    // Applying the fix makes the breach go away (the server re-estimates the edited text).
    await page.locator('.editor-instance .monaco-editor .squiggly-error').first().waitFor({ state: 'detached' });
    await page.keyboard.press('Control+Z');
    await page.locator('.view-line').filter({ hasText: /^\s*n:\s16$/ }).waitFor();
    // Back to the planted config for the next step (by its tab: quick open may list a preview first).
    await page.locator('.tabs-container .tab').filter({ hasText: 'planted.ttc.yaml' }).filter({ hasNotText: 'Preview' }).first().click();
    await page.locator('.tabs-container .tab.active').filter({ hasText: 'planted.ttc.yaml' }).filter({ hasNotText: 'Preview' }).waitFor();
    return offered;
  });

  await step('screenshot for the README', async () => {
    await page.keyboard.press('Control+Shift+M');
    await quickOpen(page, 'planted.ttc.yaml');
    await hover(page, 'models/decoder-tiny.onnx', /Parameters/);
    await page.screenshot({ path: join(artifacts, 'readme.png') });
  });

  // The benchmark panel as a user reaches it, on the planted over-budget config (a decoder: every
  // chart has data, the decode step chart included). Its document is found by its title.
  const TITLE = 'Benchmark: over-budget.ttc.yaml';
  const panelTab = page.locator('.tabs-container .tab').filter({ hasText: TITLE }).first();
  /** @type {string | undefined} */
  let lastRun;

  await step('benchmark panel: open from the palette', async () => {
    await page.keyboard.press('Escape');
    await quickOpen(page, 'over-budget.ttc.yaml');
    await palette(page, 'TTC Lens: Open Benchmark Panel');
    await panelTab.waitFor();
    const doc = await panelFrame(page, TITLE);
    await doc.locator('h1').filter({ hasText: TITLE }).waitFor();
    // The per-model section comes from the server's caches before any run (ttcLens/benchmarkModels).
    await doc.locator('#models h2').filter({ hasText: 'Top operators' }).waitFor();
    return await doc.locator('#status').innerText();
  });

  await step('benchmark panel: the code lens opens it and runs the benchmark', async () => {
    // Close the panel first (a middle click on its tab), so that the lens is what opens it.
    await panelTab.click({ button: 'middle' });
    await panelTab.waitFor({ state: 'detached' });
    // The lens sits on line 1: an earlier step can leave the editor scrolled past it.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.locator('.codelens-decoration a').filter({ hasText: 'Run Benchmark' }).first().click();
    await panelTab.waitFor();
    const doc = await panelFrame(page, TITLE);
    await doc.locator('#status').filter({ hasText: /^Last run / }).waitFor({ timeout: 240_000 });
    for (const id of ['chart-queries', 'chart-cdf', 'chart-kinds', 'chart-steps-0', 'chart-ops-0']) {
      const painted = await doc.locator(`#${id} canvas`).first().evaluate((/** @type {HTMLCanvasElement} */ c) => {
        const px = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
        for (let i = 3; i < px.length; i += 4) if (px[i]) return c.width > 0;
        return false;
      });
      if (!painted) throw new Error(`${id} drew nothing`);
    }
    lastRun = await doc.locator('#status').innerText();
    await page.mouse.move(5, 5);
    await doc.locator('.charts').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, 'panel-dark.png') });
    await doc.locator('#models').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, 'panel-dark-models.png') });
    return { status: lastRun, models: (await doc.locator('#models').innerText()).slice(0, 400) };
  });

  await step('benchmark panel: a light theme', async () => {
    const input = await openQuickInput(page, 'F1');
    await input.fill('>Preferences: Color Theme');
    // The first match is "Browse Color Themes in Marketplace": pick the command itself.
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Preferences: Color Theme' }).filter({ hasNotText: 'Browse' }).first().click();
    // The theme picker replaces the palette (its rows name themes; the palette's did not).
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Dark Modern' }).first().waitFor();
    await input.fill('Light Modern');
    await page.locator('.quick-input-list .monaco-list-row').first().filter({ hasText: 'Light Modern' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await page.locator('.monaco-workbench.vs').waitFor();
    // The webview follows: VS Code sets its body class and CSS variables, the panel redraws its canvases.
    const doc = await panelFrame(page, TITLE);
    await doc.locator('body.vscode-light').waitFor();
    await doc.locator('.charts').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, 'panel-light.png') });
    await doc.locator('#models').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, 'panel-light-models.png') });
    return await doc.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
  });

  await step('benchmark panel: a reload restores the last result', async () => {
    if (!lastRun) throw new Error('no run to restore');
    await page.reload();
    await page.waitForSelector('.monaco-workbench');
    await page.evaluate(() => /** @type {any} */ (window).driver.whenWorkbenchRestored());
    await panelTab.waitFor();
    await panelTab.click();
    const doc = await panelFrame(page, TITLE, 90_000);
    await doc.locator('#status').filter({ hasText: lastRun }).waitFor();
    await doc.locator('#results table').first().waitFor();
    await doc.locator('#chart-steps-0 canvas').first().waitFor();
    return await doc.locator('#status').innerText();
  });

  await step('quantize from a code action: the config and its estimate change, Revert restores them', async () => {
    await page.keyboard.press('Escape');
    // Close the panel (a middle click on its tab) so the editor has its width back.
    if (await panelTab.count()) await panelTab.click({ button: 'middle' });
    await page.locator('.tabs-container .tab').filter({ hasText: 'over-budget.ttc.yaml' }).filter({ hasNotText: 'Benchmark' }).first().click();
    // The code lens carries the estimate (the inlay hints too, but they may be past the editor's width).
    const lens = page.locator('.codelens-decoration').filter({ hasText: /Estimate: .* p95/ }).first();
    await lens.waitFor({ timeout: 60_000 });
    const before = (await lens.innerText()).replace(/\s*\|.*$/s, '');
    // The cursor on the model entry's key (its first `gen`): the rewrite actions are offered there.
    await clickToken(page, 'gen');
    await openCodeActions(page, 'gen');
    const action = page.locator('.action-widget .monaco-list-row').filter({ hasText: /Quantize gen to int8/ }).first();
    await action.waitFor();
    await action.click();
    // Rewrite, verify at the plan's batches, edit the config, profile the new model: the config points
    // at the new file, the estimate changes, and a notification says what was measured.
    await page.locator('.view-line').filter({ hasText: 'models/decoder-tiny.int8.onnx' }).first().waitFor({ timeout: 240_000 });
    await page.locator('.codelens-decoration').filter({ hasText: /Estimate: .* p95/ }).filter({ hasNotText: before }).first().waitFor({ timeout: 120_000 });
    const after = (await lens.innerText()).replace(/\s*\|.*$/s, '');
    await page.screenshot({ path: join(artifacts, 'quantize-fix.png') });
    // In smoke-driver mode toasts are suppressed: the notification (with Revert) is in the notification centre.
    const item = page.locator('.notifications-center .notification-list-item').filter({ hasText: /gen: int8: .*×.*SQNR/ }).first();
    for (let i = 0; ; i++) {
      await palette(page, 'Notifications: Show Notifications');
      try {
        await item.waitFor({ timeout: 15_000 });
        break;
      } catch (err) {
        if (i >= 11) throw err;
        await page.keyboard.press('Escape');
      }
    }
    const message = await item.innerText();
    await item.getByRole('button', { name: 'Revert' }).click();
    await page.locator('.view-line').filter({ hasText: 'models/decoder-tiny.onnx' }).filter({ hasNotText: 'int8' }).first().waitFor();
    return { message: message.slice(0, 300), before, after };
  });
  return results;
}

/**
 * The document of the webview whose title (or heading #title) is `title`, once it exists. A webview
 * is two nested frames inside the workbench; the panel's title tells them apart.
 * @param {Page} page @param {string} title @param {number} [timeout]
 * @returns {Promise<import('playwright-core').Frame>}
 */
async function panelFrame(page, title, timeout = STEP_TIMEOUT) {
  const end = Date.now() + timeout;
  const titled = (/** @type {string} */ t) => document.title === t || document.getElementById('title')?.textContent === t;
  let wake = () => {};
  const attached = () => wake();
  page.on('frameattached', attached);
  try {
    for (;;) {
      // The condition is read inside each nested webview document (no page-level locator reaches it).
      // Each frame is asked directly, every 250 ms or as soon as a frame attaches: a wait registered
      // in a frame does not reliably outlive the webview replacing its document (a panel reopened by
      // the code lens was drawn on screen while such a wait never resolved), a fresh question does.
      // A frame that is detached, between documents or slow to answer (1 s) answers no.
      for (const f of page.frames()) {
        if (f.isDetached()) continue;
        const no = new Promise((r) => setTimeout(() => r(false), 1000));
        if (await Promise.race([f.evaluate(titled, title).catch(() => false), no])) return f;
      }
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no webview titled ${title} (frames: ${page.frames().length})`);
      await new Promise((r) => {
        wake = () => r(undefined);
        setTimeout(wake, Math.min(250, left));
      });
    }
  } finally {
    page.off('frameattached', attached);
  }
}

/**
 * Close a modal dialog left by an earlier step (in smoke-driver mode command errors are dialogs).
 * @param {Page} page
 */
async function dismissDialogs(page) {
  const dialog = page.locator('.monaco-dialog-box');
  if (await dialog.count()) {
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  }
}

/**
 * Press `key` until the quick input shows. Keys pressed while a webview (e.g. the Markdown preview)
 * holds the focus can be lost, so the retry first gives the focus back to the active editor tab.
 * @param {Page} page @param {string} key
 */
async function openQuickInput(page, key) {
  const input = page.locator('.quick-input-widget input');
  for (let i = 0; ; i++) {
    await page.keyboard.press(key);
    try {
      await input.waitFor({ timeout: 5000 });
      return input;
    } catch (err) {
      if (i >= 3) throw err;
      await page.keyboard.press('Escape');
      const tab = page.locator('.tabs-container .tab.active').first();
      if (await tab.count()) await tab.click();
    }
  }
}

/**
 * Ctrl+. until the code action widget shows: a key pressed while the editor is still computing its
 * code actions (or before the click gave it the focus) can be dropped, so the retry clicks the token again.
 * @param {Page} page @param {string} text the token the cursor is on
 */
async function openCodeActions(page, text) {
  const widget = page.locator('.action-widget');
  for (let i = 0; ; i++) {
    await page.keyboard.press('Control+.');
    try {
      await widget.first().waitFor({ timeout: 8000 });
      return;
    } catch (err) {
      if (i >= 3) throw err;
      await page.keyboard.press('Escape');
      await clickToken(page, text);
    }
  }
}

/** @param {Page} page @param {string} file */
async function quickOpen(page, file) {
  const input = await openQuickInput(page, 'Control+P');
  await input.fill(file);
  // The first row (the one Enter picks) must be the file: the list shown before the filter applies
  // (recently opened, most recent first) can hold it further down, and Enter would open another.
  await page.locator('.quick-input-list .monaco-list-row').first().filter({ hasText: file }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active').filter({ hasText: file }).waitFor();
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/**
 * Run a command from the palette. With `opensPicker` the command shows its own quick pick, so the
 * palette's input is waited on to change to that picker (by its title) rather than to close.
 * @param {Page} page @param {string} command e.g. "TTC Lens: Show Output" @param {{ opensPicker?: string }} [opts]
 */
async function palette(page, command, opts = {}) {
  const input = await openQuickInput(page, 'F1');
  await input.fill(`>${command}`);
  await page.locator('.quick-input-list .monaco-list-row').first().filter({ hasText: command }).waitFor();
  await page.keyboard.press('Enter');
  if (opts.opensPicker) await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: opts.opensPicker }).waitFor();
  else await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** @param {Page} page @param {number} line */
async function goToLine(page, line) {
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  const input = await openQuickInput(page, 'Control+G');
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The rendered span whose whole text is `text` in the active editor. @param {Page} page @param {string} text */
function token(page, text) {
  return page.locator('.editor-instance .monaco-editor .view-line span span').filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first();
}

/** @param {Page} page @param {string} text */
async function clickToken(page, text) {
  const t = token(page, text);
  await t.waitFor();
  await t.click();
}

/**
 * Colour and underline of the tokens with these exact texts (first occurrence of each).
 * @param {Page} page @param {string[]} texts
 * @returns {Promise<Record<string, { color: string, underline: boolean, cls: string } | undefined>>}
 */
async function tokenColours(page, texts) {
  await token(page, texts[0]).waitFor();
  return page.evaluate((wanted) => {
    /** @type {Record<string, { color: string, underline: boolean, cls: string } | undefined>} */
    const out = {};
    const spans = Array.from(document.querySelectorAll('.editor-instance .monaco-editor .view-line span span'));
    for (const w of wanted) {
      const el = spans.find((s) => s.textContent === w);
      if (!el) continue;
      const cs = getComputedStyle(el);
      out[w] = { color: cs.color, underline: cs.textDecorationLine.includes('underline'), cls: el.className };
    }
    return out;
  }, texts);
}

/**
 * Hover the token and return the hover's text once it matches `expect`.
 * @param {Page} page @param {string} text @param {RegExp} expect
 */
async function hover(page, text, expect) {
  const t = token(page, text);
  await t.waitFor();
  const box = await t.boundingBox();
  if (!box) throw new Error(`token ${text} is not visible`);
  // Make sure an earlier hover is gone, so the text read back belongs to this token.
  await page.keyboard.press('Escape');
  await page.mouse.move(5, 5);
  await page.locator('.monaco-hover:not(.hidden)').first().waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
  const hoverBox = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: expect }).first();
  // Hovers appear after a delay and only on real mouse movement; move until it shows.
  for (let i = 0; ; i++) {
    await page.mouse.move(box.x + box.width / 2 - 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    try {
      await hoverBox.waitFor({ timeout: 5000 });
      break;
    } catch (err) {
      if (i >= 5) throw new Error(`no hover matching ${expect} on ${text}; saw: ${await page.locator('.monaco-hover').allInnerTexts().catch(() => [])}`);
    }
  }
  return await hoverBox.innerText();
}
