// Phase S of the end-to-end tests: the first run a newcomer gets. It runs `npm start`'s script
// (client/packaging/start.mjs: provision code-server, install the VSIX, serve the sample workspace on 127.0.0.1) in a
// fresh state folder, reads the URL it prints, opens it in the browser, types in the sample's shapes.py until
// Hearth's ghost text appears, then stops the script with Ctrl-C (SIGINT) and checks that the server is gone.
//
// The only difference from a user's `npm start`: HEARTH_START_VSIX names the VSIX this run already built, and
// the sample copy gets workspace settings that leave only inline suggestions (no suggest widget) on screen.
//
// Called by run.mjs: firstRunPhase({ browser, vsixPath, outDir, record, log }).

import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inlineOnlyEditorSettings, openFile, sleep, stepRunner } from "./workbench.mjs";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export async function firstRunPhase({ browser, vsixPath, outDir, record, log }) {
  const state = mkdtempSync(join(tmpdir(), "hearth-first-run-"));
  const sample = join(state, "workspace", "first-run");
  cpSync(join(repoRoot, "client", "packaging", "sample-workspace"), sample, { recursive: true });
  mkdirSync(join(sample, ".vscode"), { recursive: true });
  const settings = { ...inlineOnlyEditorSettings, "editor.autoIndent": "none" };
  writeFileSync(join(sample, ".vscode", "settings.json"), `${JSON.stringify(settings, null, 2)}\n`);

  let output = "";
  const script = spawn(
    process.execPath,
    [join(repoRoot, "client", "packaging", "start.mjs"), "--port", "0"],
    {
      cwd: repoRoot,
      env: { ...process.env, HEARTH_START_STATE: state, HEARTH_START_VSIX: vsixPath },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  script.stdout.on("data", (chunk) => {
    output += chunk;
  });
  script.stderr.on("data", (chunk) => {
    output += chunk;
  });
  let exitCode;
  script.on("exit", (code) => {
    exitCode = code;
  });

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const step = stepRunner({ phase: "S", page, outDir, record, failureShot: "first-run-failure" });
  const ghost = page.locator(".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text").first();
  let url;
  try {
    log("phase S: npm start's script (client/packaging/start.mjs) on the sample workspace");
    await step("the start script prints a 127.0.0.1 URL", async () => {
      const until = Date.now() + 150_000;
      while (!url && Date.now() < until) {
        url = /Hearth is running in VS Code at (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output)?.[1];
        if (exitCode !== undefined)
          throw new Error(`the script exited with ${exitCode}:\n${output.slice(-2000)}`);
        await sleep(250);
      }
      if (!url) throw new Error(`no URL after 150 s:\n${output.slice(-2000)}`);
      log(`phase S: ${url}`);
    });

    await step("the browser shows the sample with Hearth in the status bar", async () => {
      await page.goto(url, { timeout: 60_000 });
      await page
        .locator(".part.statusbar .statusbar-item", { hasText: "Hearth" })
        .first()
        .waitFor({ timeout: 90_000 });
      await page
        .locator(".monaco-workbench")
        .click({ position: { x: 700, y: 400 } })
        .catch(() => {});
      await openFile(page, "shapes.py", "total_area");
      await page.locator(".monaco-editor .view-lines").first().click();
    });

    await step("typing in shapes.py shows Hearth's ghost text", async () => {
      await page.keyboard.press("Control+End");
      await page.keyboard.press("Enter");
      await page.keyboard.press("Enter");
      await page.keyboard.type("def perimeter(shape: Rectangle) -> float:\n", { delay: 40 });
      for (const more of ["    return ", "2", " ", "*", " ", "("]) {
        await page.keyboard.type(more, { delay: 40 });
        await page.keyboard.press("Alt+Backslash");
        const shown = await ghost.waitFor({ state: "visible", timeout: 15_000 }).then(
          () => true,
          () => false,
        );
        if (shown && ((await ghost.textContent()) ?? "").trim()) break;
      }
      const text = ((await ghost.textContent()) ?? "").replace(/\u00a0/g, " ");
      if (!text.trim()) throw new Error("no ghost text appeared");
      log(`phase S: ghost text ${JSON.stringify(text.slice(0, 60))}`);
      await page.screenshot({ path: join(outDir, "first-run-ghost-text.png") });
    });
  } finally {
    await context.close().catch(() => {});
    const stopStart = Date.now();
    if (exitCode === undefined) script.kill("SIGINT");
    while (exitCode === undefined && Date.now() - stopStart < 15_000) await sleep(100);
    writeFileSync(join(outDir, "first-run.log"), output);
    if (exitCode === undefined) {
      script.kill("SIGKILL");
      record(
        "S",
        "Ctrl-C stops the script",
        false,
        "still running 15 s after SIGINT",
        Date.now() - stopStart,
      );
    } else if (url) {
      const base = new URL(url).origin;
      const stillUp = await fetch(`${base}/healthz`).then(
        () => true,
        () => false,
      );
      record(
        "S",
        "Ctrl-C stops the script and its VS Code",
        exitCode === 0 && !stillUp,
        `exit code ${exitCode}${stillUp ? `, ${base} still answers` : ""}`,
        Date.now() - stopStart,
      );
    }
    rmSync(state, { recursive: true, force: true, maxRetries: 3 });
  }
}
