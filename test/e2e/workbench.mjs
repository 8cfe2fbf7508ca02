// Shared steps for the end-to-end phases that drive code-server's UI: a step runner that records results
// and stops a phase at its first failure, opening a workspace file through Quick Open, running a command
// from the command palette, and reading a phase's feedback database with the built CLI.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** Workspace settings that leave only Hearth's inline suggestions: no suggest widget, hints or auto-closing. */
export const inlineOnlyEditorSettings = {
  "editor.quickSuggestions": { other: "off", comments: "off", strings: "off" },
  "editor.suggestOnTriggerCharacters": false,
  "editor.wordBasedSuggestions": "off",
  "editor.parameterHints.enabled": false,
  "editor.autoClosingBrackets": "never",
  "editor.autoClosingQuotes": "never",
  "editor.inlineSuggest.enabled": true,
  "files.autoSave": "off",
  "hearth.index.enabled": false,
};

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `intervalMs` until it returns something truthy (returned), or throws after `timeoutMs`. */
export async function waitFor(what, timeoutMs, probe, intervalMs = 200) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** The ghost text on screen: drawn as several decorated spans, the suggestion is all of them in order. */
export async function readGhostText(page) {
  const spans = await page
    .locator(".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text")
    .allTextContents();
  return spans.join("").replace(/\u00a0/g, " ");
}

/**
 * Runs named steps of one phase in order; after a failure the rest are recorded as skipped, and a
 * screenshot of the failure is saved as `<failureShot>.png` in `outDir`.
 */
export function stepRunner({ phase, page, outDir, record, failureShot }) {
  let failed = false;
  return async (name, fn) => {
    if (failed) {
      record(phase, name, false, "skipped after an earlier failure", 0);
      return undefined;
    }
    const start = Date.now();
    try {
      const value = await fn();
      record(phase, name, true, undefined, Date.now() - start);
      return value;
    } catch (error) {
      failed = true;
      record(phase, name, false, error.message, Date.now() - start);
      await page.screenshot({ path: join(outDir, `${failureShot}.png`) }).catch(() => {});
      return undefined;
    }
  };
}

/** Opens the workbench on `root`, waits for Hearth's status-bar item, and opens `fileName` in an editor. */
export async function openWorkspaceFile(page, { base, root, fileName, visibleText }) {
  await page.goto(`${base}/?folder=${encodeURIComponent(root)}`, { timeout: 60_000 });
  await page
    .locator(".part.statusbar .statusbar-item", { hasText: "Hearth" })
    .first()
    .waitFor({ timeout: 60_000 });
  await page
    .locator(".monaco-workbench")
    .click({ position: { x: 700, y: 400 } })
    .catch(() => {});
  await pickFromQuickInput(page, "Control+P", fileName, fileName);
  await page
    .locator(".monaco-editor .view-lines", { hasText: visibleText })
    .first()
    .waitFor({ timeout: 15_000 });
  await page.locator(".monaco-editor .view-lines").first().click();
}

/** Opens a workspace file through Quick Open (Ctrl+P) and waits for its text. */
export async function openFile(page, fileName, visibleText) {
  await pickFromQuickInput(page, "Control+P", fileName, fileName);
  await page
    .locator(".monaco-editor .view-lines", { hasText: visibleText })
    .first()
    .waitFor({ timeout: 15_000 });
}

/** Runs a command by its palette title (F1, type, Enter). */
export async function runPaletteCommand(page, title, rowText = title) {
  await pickFromQuickInput(page, "F1", title, rowText);
}

/** Opens a quick-input box with `opener`, types `query`, waits for a row showing `rowText`, and picks it. */
async function pickFromQuickInput(page, opener, query, rowText) {
  // A key press can land in a webview (the first-run README opens as a preview) or while focus is still
  // moving on a busy machine: try again a few times, with Escape and a click on the side bar in between.
  const widget = page.locator(".quick-input-widget");
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(opener);
    const opened = await widget.waitFor({ state: "visible", timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    if (opened) break;
    if (attempt === 3) throw new Error(`${opener} opened no quick input in 3 tries`);
    await page.keyboard.press("Escape");
    await page
      .locator(".part.sidebar")
      .click({ position: { x: 150, y: 400 } })
      .catch(() => {});
  }
  await page.keyboard.type(query, { delay: 15 });
  await page
    .locator(".quick-input-widget .monaco-list-row", { hasText: rowText })
    .first()
    .waitFor({ timeout: 15_000 });
  await page.keyboard.press("Enter");
}

/**
 * The feedback database of the workspace folder `root`: code-server names workspace storage folders by a hash
 * and writes the folder's URI into `workspace.json` there. Without a match, the most recently written one.
 */
export function findFeedbackDatabase(userData, root) {
  const storage = join(userData, "User", "workspaceStorage");
  const written = (file) =>
    Math.max(
      ...[file, `${file}-wal`]
        .filter((candidate) => existsSync(candidate))
        .map((candidate) => statSync(candidate).mtimeMs),
    );
  const folderOf = (entry) => {
    try {
      return JSON.parse(readFileSync(join(storage, entry, "workspace.json"), "utf8")).folder;
    } catch {
      return undefined;
    }
  };
  const entries = existsSync(storage) ? readdirSync(storage) : [];
  const wanted = pathToFileURL(root).href;
  const found = entries
    .map((entry) => ({ entry, file: join(storage, entry, "hearth.hearth", "feedback.sqlite") }))
    .filter(({ file }) => existsSync(file))
    .sort((left, right) => written(right.file) - written(left.file));
  const own = found.find(({ entry }) => folderOf(entry)?.replace(/\/$/, "") === wanted);
  if (own) return own.file;
  if (found.length === 0) throw new Error(`no feedback.sqlite under ${storage}`);
  return found[0].file;
}

/** Runs the built CLI with this Node (the one Hearth's native modules were built for) and parses its JSON. */
export function hearthCli(extDir, args) {
  const stdout = execFileSync(process.execPath, [join(extDir, "out", "cli", "hearth.mjs"), ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}
