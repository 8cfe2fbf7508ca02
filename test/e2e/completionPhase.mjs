// Phase C of the end-to-end tests: inline completion through the real UI of code-server. It opens a real
// Python file, types in the browser with ordinary keystrokes (no explicit trigger), waits for the model's ghost
// text, accepts it with Tab, saves, and checks the file on disk holds what was typed plus the suggestion. Then
// it types over a suggestion and checks that the stale suggestion is not shown and stale requests were dropped:
// the server's counters (read through "Hearth: Show Status") report requests cancelled by newer keystrokes.
//
// Called by run.mjs: completionPhase({ browser, base, workspace, outDir, record, log }).

import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  inlineOnlyEditorSettings,
  openWorkspaceFile,
  readGhostText,
  runPaletteCommand,
  sleep,
  stepRunner,
} from "./workbench.mjs";

const settings = { ...inlineOnlyEditorSettings, "editor.autoIndent": "none" };

export async function completionPhase({ browser, base, workspace, outDir, record, log }) {
  const root = join(dirname(workspace), "completion-workspace");
  cpSync(workspace, root, { recursive: true });
  mkdirSync(join(root, ".vscode"), { recursive: true });
  writeFileSync(join(root, ".vscode", "settings.json"), `${JSON.stringify(settings, null, 2)}\n`);
  const file = join(root, "pkg", "geometry.py");
  const original = readFileSync(file, "utf8");

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const ghost = page.locator(".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text").first();
  const ghostText = () => readGhostText(page);
  const step = stepRunner({ phase: "C", page, outDir, record, failureShot: "completion-failure" });

  log("phase C: inline completion in a real Python file, typed in the browser");
  await step("workbench opens pkg/geometry.py with Hearth running", () =>
    openWorkspaceFile(page, { base, root, fileName: "geometry.py", visibleText: "distance" }),
  );

  let typed = "";
  let suggestion = "";
  await step("typing shows the model's ghost text without an explicit trigger", async () => {
    await page.keyboard.press("Control+End");
    // A new function after the existing ones; typed at a human pace so automatic requests fire.
    const lines = ["", "", "def midpoint(a: Point, b: Point) -> Point:", "    return "];
    for (const [index, line] of lines.entries()) {
      if (index > 0) await page.keyboard.press("Enter");
      await page.keyboard.type(line, { delay: 60 });
      typed += (index > 0 ? "\n" : "") + line;
    }
    const deadline = Date.now() + 60_000;
    for (const more of ["P", "o", "i", "n", "t", "("]) {
      const shown = await ghost
        .waitFor({ state: "visible", timeout: Math.max(1_000, Math.min(15_000, deadline - Date.now())) })
        .then(
          () => true,
          () => false,
        );
      if (shown) {
        await sleep(300);
        suggestion = await ghostText();
        if (suggestion.trim()) break;
      }
      await page.keyboard.type(more, { delay: 60 });
      typed += more;
    }
    if (!suggestion.trim()) throw new Error("no ghost text appeared while typing");
    log(`phase C: ghost text ${JSON.stringify(suggestion.slice(0, 80))}`);
    await page.screenshot({ path: join(outDir, "completion-01-ghost-text.png") });
  });

  await step("Tab accepts it: the saved file holds what was typed plus the suggestion", async () => {
    await page.keyboard.press("Tab");
    await ghost.waitFor({ state: "hidden", timeout: 10_000 }).catch(() => {});
    await page.keyboard.press("Control+S");
    const deadline = Date.now() + 10_000;
    let saved = "";
    while (Date.now() < deadline) {
      // A read during the save can see a partly written file: wait for one that holds more than the original.
      saved = readFileSync(file, "utf8");
      if (saved !== original && saved.startsWith(original.trimEnd())) break;
      await sleep(200);
    }
    const lastLine = saved.trimEnd().split("\n").at(-1) ?? "";
    const expectedStart = typed.split("\n").at(-1);
    // The ghost text may wrap or show only part of a multi-line suggestion; its first line must follow what was typed.
    const firstLine = suggestion.split("\n")[0].trimEnd();
    if (!saved.startsWith(original.trimEnd())) throw new Error("the original content changed");
    if (!lastLine.startsWith(expectedStart) || !saved.includes(`${expectedStart}${firstLine}`)) {
      throw new Error(
        `saved file does not end with the typed text and the suggestion: ${JSON.stringify(saved.slice(-200))}`,
      );
    }
    await page.screenshot({ path: join(outDir, "completion-02-accepted.png") });
  });

  await step(
    "typing over a suggestion cancels it: the stale text is never shown, the stale request is dropped",
    async () => {
      const before = await supersededRequests(page);
      await page.keyboard.press("Enter");
      await page.keyboard.press("Enter");
      await page.keyboard.type("def scaled_distance(a: Point, b: Point, factor: float) -> float:", {
        delay: 60,
      });
      await page.keyboard.press("Enter");
      await page.keyboard.type("    return ", { delay: 60 });
      await ghost.waitFor({ state: "visible", timeout: 30_000 });
      const stale = await ghostText();
      // A character the suggestion does not start with makes it stale.
      const other = stale.trimStart().startsWith("#") ? "@" : "#";
      await page.keyboard.type(other);
      await sleep(50);
      const now = (await ghost.isVisible()) ? await ghostText() : "";
      if (now && now === stale)
        throw new Error(`the stale suggestion ${JSON.stringify(stale)} is still shown`);
      // A fast burst: every request it overtakes is dropped, in the debounce or mid-generation, never queued.
      await page.keyboard.type(" distance(a, b) * factor", { delay: 5 });
      await ghost.waitFor({ state: "visible", timeout: 15_000 }).catch(() => {});
      const after = await supersededRequests(page);
      log(
        `phase C: stale ${JSON.stringify(stale)} replaced by ${JSON.stringify(now)}; superseded requests ${before} -> ${after}`,
      );
      if (!(after > before))
        throw new Error(`no request was cancelled by the typing (${before} -> ${after})`);
      await page.screenshot({ path: join(outDir, "completion-03-after-burst.png") });
    },
  );
  await context.close().catch(() => {});
}

/** The server's count of requests made stale by newer keystrokes, read from "Hearth: Show Status". */
async function supersededRequests(page) {
  await page.keyboard.press("Escape");
  await runPaletteCommand(page, "Hearth: Show Status", "Show Status");
  const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "cancelled" }).last();
  await toast.waitFor({ timeout: 15_000 });
  const text = (await toast.textContent()) ?? "";
  await page.keyboard.press("Escape");
  await page
    .locator(".notifications-toasts .notification-toast")
    .first()
    .waitFor({ state: "hidden", timeout: 5_000 })
    .catch(() => {});
  const match = /(\d+) cancelled/.exec(text);
  if (!match) throw new Error(`no completion counters in the status: ${text}`);
  // Focus back on the editor for further typing.
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+End");
  return Number(match[1]);
}
