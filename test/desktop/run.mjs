#!/usr/bin/env node
// Hearth's in-editor test suite (test/e2e/suite.ts, the same one the code-server run uses) in desktop VS Code
// (Electron), through @vscode/test-electron. It needs a VS Code: HEARTH_VSCODE_EXECUTABLE pointing at one, or
// a machine that can download one from update.code.visualstudio.com (cached under <cache>/vscode-test).
//
//   node test/run.mjs desktop                 # builds, then runs this; not part of `npm test`
//   HEARTH_VSCODE_EXECUTABLE=/usr/share/code/code node test/run.mjs desktop
//
// On Linux without a display, run it under `xvfb-run -a`. Environment: HEARTH_VSCODE_VERSION (the version
// to download, default "stable"), HEARTH_CACHE. Results: test-output/desktop/summary.json.
// Exit codes: 0 passed, 1 a test failed, 2 no VS Code to run (the message says how to get one).

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { downloadAndUnzipVSCode, runTests } from "@vscode/test-electron";

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const outDir = join(repoRoot, "test-output", "desktop");
const cacheRoot = process.env.HEARTH_CACHE || join(homedir(), ".cache", "hearth");
const say = (line) => console.log(`[desktop] ${line}`);

async function vscodeExecutable() {
  const configured = process.env.HEARTH_VSCODE_EXECUTABLE;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`HEARTH_VSCODE_EXECUTABLE=${configured} does not exist`);
    return configured;
  }
  const version = process.env.HEARTH_VSCODE_VERSION || "stable";
  say(`downloading VS Code ${version} (cached in ${join(cacheRoot, "vscode-test")})`);
  try {
    return await downloadAndUnzipVSCode({
      version,
      cachePath: join(cacheRoot, "vscode-test"),
      timeout: 20_000,
    });
  } catch (error) {
    throw new Error(
      `cannot download VS Code ${version} (${error.message}). This runner needs the network once, or a ` +
        "local VS Code: set HEARTH_VSCODE_EXECUTABLE to its executable (for example /usr/share/code/code).",
    );
  }
}

function summarize(resultFile) {
  let data;
  try {
    data = JSON.parse(readFileSync(resultFile, "utf8"));
  } catch {
    return { passed: 0, failed: 1, results: [{ name: "suite wrote results", ok: false }] };
  }
  for (const result of data.results)
    say(`${result.ok ? "PASS" : "FAIL"} ${result.name}${result.ok ? "" : `: ${result.error}`}`);
  const failed = data.results.filter((result) => !result.ok).length;
  return {
    passed: data.results.length - failed,
    failed,
    vscodeVersion: data.vscodeVersion,
    results: data.results,
  };
}

async function main() {
  for (const file of ["out/client/extension.js", "out/test/e2e/suite.js"]) {
    if (!existsSync(join(repoRoot, file)))
      throw new Error(`${file} is missing; run: node test/run.mjs desktop`);
  }
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    throw new Error("no display: run it under a virtual one, e.g. `xvfb-run -a node test/run.mjs desktop`");
  }
  const executable = await vscodeExecutable();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const temp = mkdtempSync(join(tmpdir(), "hearth-desktop-"));
  const workspace = join(temp, "workspace");
  cpSync(join(repoRoot, "test", "fixtures", "workspace"), workspace, { recursive: true });
  const resultFile = join(temp, "result.json");
  let exitCode = 0;
  try {
    exitCode = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, "out", "test", "e2e", "suite.js"),
      extensionTestsEnv: { HEARTH_E2E: "1", HEARTH_E2E_RESULT: resultFile },
      launchArgs: [
        workspace,
        "--disable-extensions",
        "--disable-workspace-trust",
        "--skip-welcome",
        "--skip-release-notes",
        `--user-data-dir=${join(temp, "user-data")}`,
      ],
    }).catch(() => 1);
  } finally {
    const summary = summarize(resultFile);
    writeFileSync(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    say(`${summary.passed} passed, ${summary.failed} failed in VS Code ${summary.vscodeVersion ?? "?"}`);
    rmSync(temp, { recursive: true, force: true });
    if (summary.failed) exitCode = 1;
  }
  return exitCode === 0 ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`[desktop] ${error.message}`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, "summary.json"),
    `${JSON.stringify({ passed: 0, failed: 1, error: error.message })}\n`,
  );
  process.exitCode = 2;
}
