/**
 * Extension-host tests for Hearth, run inside a real VS Code (code-server) by test/e2e/run.mjs through
 * `extensionTestsPath` (bundled to out/test/e2e/suite.js, CommonJS, `vscode` external).
 *
 * Only `vscode` and Node built-ins may be imported here. Results go to a JSON file:
 *   - `HEARTH_E2E_RESULT` (set in code-server's environment; the extension host inherits it), else
 *   - `<first workspace folder>/.hearth-e2e/result.json`.
 * The file is rewritten after every test (`done: false`) and once more at the end (`done: true`), so a
 * hung test still leaves the earlier results behind. `run()` rejects when any test failed, which makes
 * VS Code's extension test runner exit with code 1.
 */

import { mkdirSync, realpathSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as vscode from "vscode";

const EXTENSION_ID = "hearth.hearth";
const READY_TIMEOUT_MS = Number(process.env.HEARTH_E2E_READY_TIMEOUT_MS) || 60_000;

interface TestResult {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

interface ResultFile {
  done: boolean;
  startedAt: string;
  vscodeVersion: string;
  extensionHost: { node: string; pid: number };
  results: TestResult[];
}

/** The API Hearth's activate() returns (duplicated from client/src/extension.ts to keep this self-contained). */
interface HearthApiLike {
  ready: Promise<void>;
  status(): Promise<{ version: string; server: Record<string, unknown> } & Record<string, unknown>>;
}

function resultPath(): string {
  const fromEnv = process.env.HEARTH_E2E_RESULT;
  if (fromEnv) return fromEnv;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error("HEARTH_E2E_RESULT is not set and no workspace folder is open");
  return join(folder.uri.fsPath, ".hearth-e2e", "result.json");
}

function writeResults(path: string, data: ResultFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(tmp, path);
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function getExtension(): vscode.Extension<HearthApiLike> {
  const ext = vscode.extensions.getExtension<HearthApiLike>(EXTENSION_ID);
  assert(ext, `extension ${EXTENSION_ID} is not installed/loaded`);
  return ext;
}

const tests: Array<[name: string, fn: () => Promise<void>]> = [
  [
    "extension hearth.hearth is present and activates",
    async () => {
      const ext = getExtension();
      await withTimeout(Promise.resolve(ext.activate()), 30_000, "ext.activate()");
      assert(ext.isActive, "extension is not active after activate()");
    },
  ],
  [
    "the extension runs from the folder under test (the installed VSIX in code-server)",
    async () => {
      const expected = process.env.HEARTH_E2E_EXPECTED_EXTENSION_PATH;
      if (!expected) return; // desktop runs (test/desktop/run.mjs) test the development folder itself
      const actual = getExtension().extensionPath;
      assert(
        realpathSync(actual) === realpathSync(expected),
        `extension runs from ${actual}, expected ${expected}`,
      );
    },
  ],
  [
    "exported API: ready resolves and status() reports version and server",
    async () => {
      const ext = getExtension();
      const api = ext.isActive ? ext.exports : await ext.activate();
      assert(api && typeof api === "object", `activate() returned ${String(api)}, expected the Hearth API`);
      assert(api.ready && typeof api.ready.then === "function", "exports.ready is not a Promise");
      assert(typeof api.status === "function", "exports.status is not a function");
      await withTimeout(api.ready, READY_TIMEOUT_MS, "exports.ready");
      const status = await withTimeout(api.status(), 15_000, "exports.status()");
      const expected = (ext.packageJSON as { version: string }).version;
      assert(status && typeof status === "object", `status() returned ${String(status)}`);
      assert(typeof status.version === "string", `status().version is ${typeof status.version}`);
      assert(status.version === expected, `status().version ${status.version} != package.json ${expected}`);
      assert(status.server && typeof status.server === "object", "status().server is missing");
    },
  ],
  [
    "commands hearth.showStatus (runs), hearth.gpu.installCuda and hearth.engines.setApiKey are registered",
    async () => {
      const commands = await vscode.commands.getCommands(true);
      assert(commands.includes("hearth.showStatus"), "command hearth.showStatus is not registered");
      assert(commands.includes("hearth.gpu.installCuda"), "command hearth.gpu.installCuda is not registered");
      assert(
        commands.includes("hearth.engines.setApiKey"),
        "command hearth.engines.setApiKey is not registered",
      );
      await withTimeout(
        Promise.resolve(vscode.commands.executeCommand("hearth.showStatus")),
        15_000,
        "executeCommand('hearth.showStatus')",
      );
    },
  ],
];

export async function run(): Promise<void> {
  const path = resultPath();
  const data: ResultFile = {
    done: false,
    startedAt: new Date().toISOString(),
    vscodeVersion: vscode.version,
    extensionHost: { node: process.version, pid: process.pid },
    results: [],
  };
  writeResults(path, data);
  for (const [name, fn] of tests) {
    const start = Date.now();
    try {
      await fn();
      data.results.push({ name, ok: true, ms: Date.now() - start });
      console.log(`[hearth-e2e] ok   ${name}`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      data.results.push({ name, ok: false, error: message, ms: Date.now() - start });
      console.error(`[hearth-e2e] FAIL ${name}: ${message}`);
    }
    writeResults(path, data);
  }
  data.done = true;
  writeResults(path, data);
  const failed = data.results.filter((result) => !result.ok).length;
  if (failed) throw new Error(`${failed} of ${data.results.length} Hearth e2e tests failed`);
}
