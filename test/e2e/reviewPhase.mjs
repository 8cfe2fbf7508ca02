// Phase R of the end-to-end tests: code review through the real UI of code-server. On a workspace with a
// planted bug (swapped arguments on line 6 of tree.py) it:
// - runs "Hearth: Review File" from the command palette and waits for the summary notification;
// - runs "Hearth: Review Changes", picks "Working tree" (the workspace is a git repository whose last commit
//   has the correct line) and gets the same finding from the diff;
// - finds the finding in the Problems panel, from "Hearth review", on line 6;
// - opens the quick fix menu on line 6 and applies "Apply Hearth's fix": the editor then holds the fixed line;
// - reads the stored feedback with the CLI (`hearth stats --json`): the applied finding is counted.
// Screenshots go to test-output/e2e/review-*.png.
//
// Called by run.mjs: reviewPhase({ browser, base, workspace, extDir, outDir, record, log }).

import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  findFeedbackDatabase,
  hearthCli,
  inlineOnlyEditorSettings,
  openWorkspaceFile,
  runPaletteCommand,
  sleep,
  stepRunner,
  waitFor,
} from "./workbench.mjs";

const buggy = "    return copy_tree(target_dir, source_dir, False)";
const fixed = "    return copy_tree(source_dir, target_dir, False)";
const planted = `def copy_tree(source_dir, target_dir, overwrite):
    return overwrite


def main(source_dir, target_dir):
${buggy}
`;

export async function reviewPhase({ browser, base, workspace, extDir, outDir, record, log }) {
  const root = join(dirname(workspace), "review-workspace");
  const userData = join(dirname(workspace), "user-data");
  mkdirSync(join(root, ".vscode"), { recursive: true });
  // The last commit has the correct line; the working tree plants the bug.
  writeFileSync(join(root, "tree.py"), planted.replace(buggy, fixed));
  const git = (...args) => execFileSync("git", args, { cwd: root, stdio: "ignore" });
  git("init", "-q");
  git("add", "tree.py");
  git("-c", "user.name=e2e", "-c", "user.email=e2e@example.com", "commit", "-q", "-m", "correct");
  writeFileSync(join(root, "tree.py"), planted);
  writeFileSync(
    join(root, ".vscode", "settings.json"),
    `${JSON.stringify({ ...inlineOnlyEditorSettings, "hearth.completion.enabled": false }, null, 2)}\n`,
  );

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const step = stepRunner({ phase: "R", page, outDir, record, failureShot: "review-failure" });
  const shot = (name) => page.screenshot({ path: join(outDir, `review-${name}.png`) });
  const toastText = async () =>
    (await page.locator(".notifications-toasts .notification-toast").allInnerTexts())
      .join(" | ")
      .replace(/\s+/g, " ");

  log("phase R: review a planted bug through the real UI");
  await step("workbench opens tree.py with Hearth running", () =>
    openWorkspaceFile(page, { base, root, fileName: "tree.py", visibleText: "copy_tree" }),
  );

  await step('"Hearth: Review File" reports one finding', async () => {
    // The server may still be starting right after the window opens: ask again if it was not running.
    for (let attempt = 1; ; attempt++) {
      await runPaletteCommand(page, "Hearth: Review File", "Review File");
      const text = await waitFor("the review's summary", 60_000, async () => {
        const shown = await toastText();
        return /Hearth review(?!ing)|not running/.test(shown) ? shown : undefined;
      });
      log(`phase R: notification: "${text}"`);
      if (/Hearth review: 1 finding in 1 file/.test(text)) break;
      if (attempt === 3) throw new Error(`the review said: ${text}`);
      await page.keyboard.press("Escape");
      await sleep(5_000);
    }
    await shot("01-summary");
  });

  await step('"Hearth: Review Changes" (working tree) finds it in the diff', async () => {
    await runPaletteCommand(page, "Notifications: Clear All Notifications", "Clear All Notifications");
    await runPaletteCommand(page, "Hearth: Review Changes", "Review Changes");
    const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: "Working tree" }).first();
    await row.waitFor({ timeout: 10_000 });
    await shot("02-changes-pick");
    // "Working tree" is the first choice, focused when the pick opens.
    await page.keyboard.press("Enter");
    const text = await waitFor("the changes review's summary", 60_000, async () => {
      const shown = await toastText();
      return /Hearth review(?!ing)/.test(shown) ? shown : undefined;
    });
    log(`phase R: notification: "${text}"`);
    if (!/Hearth review: 1 finding in 1 file/.test(text)) throw new Error(`the review said: ${text}`);
  });

  await step("the Problems panel lists the finding from Hearth review on line 6", async () => {
    await runPaletteCommand(page, "View: Focus on Problems View", "Focus on Problems View");
    const row = await waitFor("the finding in the Problems panel", 20_000, async () => {
      const rows = await page.locator(".markers-panel .monaco-list-row").allInnerTexts();
      return rows.map((text) => text.replace(/\s+/g, " ")).find((text) => /swapped/i.test(text));
    });
    log(`phase R: problem row: "${row}"`);
    if (!/Hearth review/.test(row) || !/swapped-arguments/.test(row) || !/Ln 6\b/.test(row)) {
      throw new Error(`the problem row reads ${JSON.stringify(row)}`);
    }
    await shot("03-problems");
  });

  await step("the quick fix on line 6 applies the suggested change", async () => {
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+G");
    await page.keyboard.type("6", { delay: 20 });
    await page.keyboard.press("Enter");
    await page.keyboard.press("Control+.");
    const action = page.locator(".action-widget .monaco-list-row", { hasText: "Apply Hearth's fix" }).first();
    await action.waitFor({ timeout: 15_000 });
    await shot("04-quick-fix");
    // The preferred action (the fix) is focused; the menu's pointer block swallows clicks in code-server.
    await page.keyboard.press("Enter");
    await page
      .locator(".monaco-editor .view-lines", { hasText: "copy_tree(source_dir, target_dir, False)" })
      .first()
      .waitFor({ timeout: 15_000 });
    const text = (await page.locator(".monaco-editor .view-lines").first().innerText()).replace(
      /\u00a0/g,
      " ",
    );
    if (text.includes(buggy.trim())) throw new Error("the buggy line is still in the editor");
    if (!text.includes(fixed.trim())) throw new Error(`the editor reads ${JSON.stringify(text)}`);
    await shot("05-fixed");
  });

  await step("the applied finding is a stored feedback event; hearth stats --json counts it", async () => {
    const stats = await waitFor("the review event in the stats", 20_000, async () => {
      await sleep(1_000); // feedback goes out every 2 s
      const figures = hearthCli(extDir, ["stats", "--json", "--db", findFeedbackDatabase(userData, root)]);
      return figures.review?.accepted >= 1 ? figures : undefined;
    });
    writeFileSync(join(outDir, "review-feedback-stats.json"), `${JSON.stringify(stats.review, null, 2)}\n`);
    if (!(stats.review.byCategory?.["swapped-arguments"]?.accepted >= 1)) {
      throw new Error(`unexpected review stats: ${JSON.stringify(stats.review)}`);
    }
    log(`phase R: review stats ${JSON.stringify(stats.review)}`);
  });

  await context.close().catch(() => {});
}
