#!/usr/bin/env node
// Hearth end-to-end tests in a real VS Code: code-server 4.100.3 (VS Code 1.100.3 web workbench with a
// Node 20 extension host) driven through Debian's chromium by playwright-core.
//
//   bash test/e2e/provision.sh      # once per machine (cached outside the repo; ~1 s when done)
//   npm run package                 # the VSIX under test: dist/hearth-<target>-<version>.vsix
//   node test/run.mjs e2e           # builds out/test/e2e/suite.js (and the VSIX when missing), then this
//
// The extension under test is the packaged VSIX, installed with `code-server --install-extension` into a
// fresh --extensions-dir: every phase runs the installed copy (its bundles, its node_modules, its models),
// never the source folder.
// Phase A (extension-host tests, the test-electron way): opens the workbench with
//   payload=[["extensionDevelopmentPath", INSTALLED], ["extensionTestsPath", <repo>/out/test/e2e/suite.js]]
//   so the suite runs inside the real extension host against the installed extension and writes its
//   results to the file named by HEARTH_E2E_RESULT (set in code-server's environment, inherited by the
//   extension host).
// Phase B (UI smoke): opens the workbench normally with the installed extension, waits for the "Hearth"
//   status-bar item, runs "Hearth: Show Status" from the command palette and checks the notification names
//   Hearth and its version. Screenshots, browser console logs, code-server's output and VS Code's logs go to
//   test-output/e2e/.
// Phase C (test/e2e/completionPhase.mjs): ghost text from the bundled model, typed in a real Python file.
// Phase E (evals, test/e2e/evalsPhase.mjs): "Hearth: Run Evals" on a small git repository made by the test,
//   the report webview's screenshot, and its figures checked against `hearth eval all --json` on the same
//   repository and settings.
// Phase Q (chat, test/e2e/chatPhase.mjs): the chat view in the sidebar, driven in its webview: no-model
//   notice, a streamed answer with a citation link that opens the cited lines, @-mentions, Stop and
//   Regenerate on unconstrained answers, a stored conversation opened from the history (its dangerous command
//   flagged; Copy, thumbs, Apply through the diff editor), and the chat events in the stored feedback and
//   the dashboard. Needs the bundled chat model (or HEARTH_E2E_CHAT_MODEL).
// Phase R (review, test/e2e/reviewPhase.mjs): "Hearth: Review File" and "Hearth: Review Changes" (working tree
//   of a git workspace) on a planted bug, the finding in the Problems panel on its line, the quick fix applied in
//   the editor, and the feedback event in `hearth stats`.
// Phase S (test/e2e/firstRunPhase.mjs): `npm start`'s script with this VSIX: the URL it prints shows the
//   sample workspace, ghost text appears there, and Ctrl-C stops it.
// Phase F (feedback, test/e2e/feedbackPhase.mjs): real keystrokes on real ghost text (Tab, Ctrl+Right,
//   typing over, Escape), survival checkpoints on a test-only clock, the feedback dashboard's screenshot, and
//   the stored events and `hearth stats --json` read with the CLI. Needs a completion model that answers.
//
// Environment:
//   HEARTH_E2E=skip                 not read here: callers (npm test) skip this script when set
//   HEARTH_CACHE                    provisioning cache (default ~/.cache/hearth), as in provision.sh
//   HEARTH_E2E_TIMEOUT_MS           total timeout, everything included (default 1200000)
//   HEARTH_E2E_READY_TIMEOUT_MS     how long suite.ts waits for the extension's `ready` (default 60000)
//   HEARTH_E2E_PHASES               any of "A", "B", "C", "F", "E", "Q", "R", "S", comma-separated (default all)
//   HEARTH_E2E_CHAT_MODEL           the chat model phase Q configures (default: the catalog's bundled one)
//   HEARTH_E2E_VSIX                 the VSIX to install (default dist/hearth-<this machine's target>-<version>.vsix)
//   HEARTH_E2E_EXTENSION_DIR        test this unpacked extension folder instead of a VSIX (debugging only)
//   HEARTH_E2E_OUTPUT               output folder (default <repo>/test-output/e2e)
//   HEARTH_E2E_CHROMIUM             browser binary (default /usr/bin/chromium)
//   HEARTH_E2E_KEEP=1               keep the temp folder (user-data-dir, workspace copy) for debugging
//
// Exit codes:
//   0  all tests passed
//   1  a test failed
//   2  harness/environment error (code-server not provisioned, extension not built, code-server or
//      chromium did not start, ...)
//   124 total timeout (HEARTH_E2E_TIMEOUT_MS)
//   130/143 interrupted (SIGINT/SIGTERM)
// code-server and chromium are always stopped (process groups), also on errors and timeouts.

import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { hostTarget } from "../../client/packaging/targets.mjs";
import { chatPhase } from "./chatPhase.mjs";
import { completionPhase } from "./completionPhase.mjs";
import { evalsPhase } from "./evalsPhase.mjs";
import { feedbackPhase } from "./feedbackPhase.mjs";
import { firstRunPhase } from "./firstRunPhase.mjs";
import { reviewPhase } from "./reviewPhase.mjs";

const CODE_SERVER_VERSION = "4.100.3";
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const env = process.env;
const cacheRoot = env.HEARTH_CACHE || join(env.HOME || tmpdir(), ".cache", "hearth");
const csDir = join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
const csEntry = join(csDir, "node_modules", "code-server", "out", "node", "entry.js");
const repoManifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
const vsixPath = resolve(
  env.HEARTH_E2E_VSIX ||
    join(repoRoot, "dist", `${repoManifest.name}-${hostTarget()}-${repoManifest.version}.vsix`),
);
const suiteFile = join(repoRoot, "out", "test", "e2e", "suite.js");
/** The extension folder under test: the VSIX's installed copy, found in setup(). */
let extDir = env.HEARTH_E2E_EXTENSION_DIR ? resolve(env.HEARTH_E2E_EXTENSION_DIR) : undefined;
const outDir = resolve(env.HEARTH_E2E_OUTPUT || join(repoRoot, "test-output", "e2e"));
const chromiumPath = env.HEARTH_E2E_CHROMIUM || "/usr/bin/chromium";
const totalTimeoutMs = Number(env.HEARTH_E2E_TIMEOUT_MS) || 1_800_000;
const phases = (env.HEARTH_E2E_PHASES || "A,B,C,F,E,Q,R,S")
  .toUpperCase()
  .split(/[,\s]+/)
  .filter(Boolean);
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const t0 = Date.now();
const deadline = t0 + totalTimeoutMs;
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;
const log = (msg) => console.log(`[e2e ${secs(Date.now() - t0).padStart(6)}] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const remaining = () => Math.max(1, deadline - Date.now());

class HarnessError extends Error {}

/** Results printed in the summary: {phase, name, ok, error, ms}. */
const results = [];
const record = (phase, name, ok, error, ms) => {
  if (stopping) return;
  results.push({ phase, name, ok, error, ms });
  log(
    `${ok ? "PASS" : "FAIL"} [${phase}] ${name} (${ms} ms)${ok ? "" : `\n        ${String(error).replaceAll("\n", "\n        ")}`}`,
  );
};

// ------------------------------------------------------------------------------------ cleanup
let codeServer; // ChildProcess, leader of its own process group
let browser;
let tmpRoot;
let cleaning;
let stopping = false; // set by the watchdog or a signal: the main flow then stays quiet

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function cleanup() {
  cleaning ??= (async () => {
    if (browser) {
      await Promise.race([browser.close().catch(() => {}), sleep(5000)]);
    }
    if (codeServer?.pid) {
      const pid = codeServer.pid;
      if (killGroup(pid, "SIGTERM")) {
        for (let i = 0; i < 30 && killGroup(pid, 0); i++) await sleep(100);
        killGroup(pid, "SIGKILL");
      }
    }
    if (tmpRoot) {
      try {
        const logs = join(tmpRoot, "user-data", "logs");
        if (existsSync(logs)) cpSync(logs, join(outDir, "vscode-logs"), { recursive: true });
      } catch (error) {
        log(`could not copy VS Code logs: ${error}`);
      }
      if (env.HEARTH_E2E_KEEP === "1") log(`kept temp folder ${tmpRoot}`);
      else rmSync(tmpRoot, { recursive: true, force: true, maxRetries: 3 });
    }
  })();
  return cleaning;
}

async function exitWith(code) {
  await cleanup();
  process.exit(code);
}

for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    void exitWith(code);
  });
}
process.on("exit", () => {
  // Last resort (e.g. an uncaught exception): synchronous kill of code-server's process group.
  if (codeServer?.pid) killGroup(codeServer.pid, "SIGKILL");
});
const watchdog = setTimeout(() => {
  if (stopping) return;
  stopping = true;
  log(`TOTAL TIMEOUT after ${secs(totalTimeoutMs)} (HEARTH_E2E_TIMEOUT_MS); stopping`);
  printSummary();
  void exitWith(124);
}, totalTimeoutMs);
watchdog.unref();

// ------------------------------------------------------------------------------------ helpers
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitFor(what, timeoutMs, probe, intervalMs = 250) {
  const until = Math.min(Date.now() + timeoutMs, deadline);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new HarnessError(`timed out after ${secs(timeoutMs)} waiting for ${what}`);
    await sleep(intervalMs);
  }
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

function attachBrowserLog(page, file) {
  const lines = [];
  const push = (line) => {
    lines.push(`${new Date().toISOString()} ${line}`);
    writeFileSync(file, `${lines.join("\n")}\n`);
  };
  page.on("console", (msg) => push(`[${msg.type()}] ${msg.text()}`));
  page.on("pageerror", (error) => push(`[pageerror] ${error.stack || error}`));
  page.on("crash", () => push("[crash] page crashed"));
}

// ------------------------------------------------------------------------------------ setup
async function setup() {
  if (!existsSync(join(csDir, ".hearth-provisioned")) || !existsSync(csEntry)) {
    throw new HarnessError(
      `code-server ${CODE_SERVER_VERSION} is not provisioned in ${csDir}.\n` +
        "        Run: bash test/e2e/provision.sh   (installs it once, cached outside the repo)",
    );
  }
  if (!existsSync(chromiumPath)) {
    throw new HarnessError(
      `${chromiumPath} not found. Run: bash test/e2e/provision.sh (apt-installs chromium)`,
    );
  }
  if (!extDir && !existsSync(vsixPath)) {
    throw new HarnessError(`the VSIX under test is missing: ${vsixPath}\n        Run: npm run package`);
  }
  if (!existsSync(suiteFile)) {
    throw new HarnessError(
      `the extension-host test suite is missing: ${suiteFile}\n        Run: node test/run.mjs e2e`,
    );
  }

  let playwright;
  try {
    playwright = await import("playwright-core");
  } catch (error) {
    throw new HarnessError(`cannot load playwright-core (a devDependency; run npm ci): ${error.message}`);
  }

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  tmpRoot = mkdtempSync(join(tmpdir(), "hearth-e2e-"));
  const userData = join(tmpRoot, "user-data");
  const extensions = join(tmpRoot, "extensions");
  const workspace = join(tmpRoot, "workspace");
  const resultFile = join(tmpRoot, "result-phase-a.json");
  mkdirSync(join(userData, "User"), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  cpSync(join(repoRoot, "test", "fixtures", "workspace"), workspace, { recursive: true });
  if (extDir) {
    // Laid out the way VS Code lays out an unpacked extension: <extensions-dir>/<id>-<version>.
    const folderManifest = readJson(join(extDir, "package.json"));
    if (!folderManifest) throw new HarnessError(`no readable package.json in extension folder ${extDir}`);
    const folderName = `${folderManifest.publisher}.${folderManifest.name}-${folderManifest.version}`;
    symlinkSync(extDir, join(extensions, folderName), "dir");
  } else {
    extDir = installVsix(vsixPath, extensions, userData);
  }
  const manifest = readJson(join(extDir, "package.json"));
  const extId = `${manifest.publisher}.${manifest.name}`;
  writeFileSync(
    join(userData, "User", "settings.json"),
    `${JSON.stringify(
      {
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.enableExperiments": false,
        "extensions.ignoreRecommendations": true,
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "security.workspace.trust.enabled": false,
        "chat.disableAIFeatures": true,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
      },
      null,
      2,
    )}\n`,
  );
  const configFile = join(tmpRoot, "code-server.yaml");
  writeFileSync(configFile, "auth: none\ncert: false\n");

  const port = await freePort();
  const childEnv = Object.fromEntries(
    Object.entries(env).filter(([k]) => !/^(VSCODE_|CODE_SERVER_|ELECTRON_RUN_AS_NODE$)/.test(k)),
  );
  childEnv.HEARTH_E2E = "1";
  childEnv.HEARTH_E2E_RESULT = resultFile;
  // suite.ts checks that the extension host runs this copy (the installed VSIX), not the source folder.
  childEnv.HEARTH_E2E_EXPECTED_EXTENSION_PATH = extDir;
  const logFd = openSync(join(outDir, "code-server.log"), "w");
  // biome-ignore format: one flag per line is easier to read
  const args = [
    csEntry,
    "--bind-addr", `127.0.0.1:${port}`,
    "--auth", "none",
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    "--ignore-last-opened",
    "--config", configFile,
    "--user-data-dir", userData,
    "--extensions-dir", extensions,
    workspace,
  ];
  log(
    `starting code-server ${CODE_SERVER_VERSION} on 127.0.0.1:${port} (log: ${join(outDir, "code-server.log")})`,
  );
  codeServer = spawn(process.execPath, args, {
    cwd: tmpRoot,
    env: childEnv,
    detached: true, // own process group, killed as a whole in cleanup()
    stdio: ["ignore", logFd, logFd],
  });
  let exited;
  codeServer.on("exit", (code, signal) => {
    exited = `code ${code}${signal ? `, signal ${signal}` : ""}`;
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor("code-server /healthz", 60_000, async () => {
    if (exited)
      throw new HarnessError(`code-server exited (${exited}); see ${join(outDir, "code-server.log")}`);
    try {
      const response = await fetch(`${base}/healthz`);
      return response.ok;
    } catch {
      return false;
    }
  });
  log("code-server is up");

  try {
    browser = await playwright.chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      timeout: 60_000,
      // Signals are handled here (cleanup() closes the browser); playwright's own handlers would exit early.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    throw new HarnessError(`chromium did not start: ${error.message}`);
  }
  log(`chromium ${browser.version()} started`);
  return { base, port, workspace, resultFile, manifest, extId };
}

/** Installs a VSIX the way a user does (`code-server --install-extension`) and returns its installed folder. */
function installVsix(vsix, extensions, userData) {
  const started = Date.now();
  const child = spawnSync(
    process.execPath,
    [csEntry, "--extensions-dir", extensions, "--user-data-dir", userData, "--install-extension", vsix],
    { encoding: "utf8", timeout: Math.min(180_000, remaining()) },
  );
  writeFileSync(join(outDir, "install-extension.log"), `${child.stdout ?? ""}${child.stderr ?? ""}`);
  if (child.status !== 0) {
    throw new HarnessError(
      `code-server --install-extension ${vsix} failed (${child.error?.message ?? `exit code ${child.status}`}); ` +
        `see ${join(outDir, "install-extension.log")}`,
    );
  }
  const installed = readdirSync(extensions)
    .map((name) => join(extensions, name))
    .find((folder) => readJson(join(folder, "package.json"))?.name === repoManifest.name);
  if (!installed) throw new HarnessError(`${vsix} installed, but no Hearth folder appeared in ${extensions}`);
  log(`installed ${vsix} into ${installed} in ${secs(Date.now() - started)}`);
  return installed;
}

function newContext() {
  return browser.newContext({ viewport: { width: 1400, height: 900 } });
}

// ------------------------------------------------------------------------------------ phase A
async function phaseA({ base, port, workspace, resultFile }) {
  const phaseStart = Date.now();
  const remoteUri = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = [
    ["extensionDevelopmentPath", remoteUri(extDir)],
    ["extensionTestsPath", remoteUri(suiteFile)],
  ];
  const url = `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const fallbackResult = join(workspace, ".hearth-e2e", "result.json");
  const context = await newContext();
  const page = await context.newPage();
  attachBrowserLog(page, join(outDir, "browser-phase-a.log"));
  let exitCode;
  // The web workbench calls window.codeAutomationExit(code) when the extension host exits after the tests.
  await page.exposeFunction("codeAutomationExit", (code) => {
    exitCode = code;
  });
  await page.exposeFunction("codeAutomationLog", () => {});
  log("phase A: opening the workbench with extensionDevelopmentPath + extensionTestsPath");
  await page.goto(url, { timeout: 60_000 });

  let data;
  try {
    data = await waitFor(
      "the extension-host test results (out/test/e2e/suite.js)",
      Math.min(180_000, remaining()),
      () => {
        const d = readJson(resultFile) ?? readJson(fallbackResult);
        if (d?.done) return d;
        if (exitCode !== undefined && !d?.done) {
          throw new HarnessError(`extension host exited with code ${exitCode} before writing results`);
        }
        return undefined;
      },
    );
  } catch (error) {
    const partial = readJson(resultFile) ?? readJson(fallbackResult);
    for (const r of partial?.results ?? []) record("A", r.name, r.ok, r.error, r.ms);
    await page.screenshot({ path: join(outDir, "phase-a-failure.png") }).catch(() => {});
    record("A", "extension-host suite finished", false, error.message, Date.now() - phaseStart);
    await context.close().catch(() => {});
    return;
  }
  log(
    `phase A: VS Code ${data.vscodeVersion}, extension host Node ${data.extensionHost.node}; ` +
      `results via ${existsSync(resultFile) ? "HEARTH_E2E_RESULT" : "workspace fallback file"}`,
  );
  for (const r of data.results) record("A", r.name, r.ok, r.error, r.ms);
  if (data.results.length === 0) record("A", "suite ran at least one test", false, "no results", 0);
  // run() resolving makes the extension host exit with 0 (1 when it rejects).
  const allOk = data.results.length > 0 && data.results.every((r) => r.ok);
  await waitFor("the extension host's exit", 10_000, () => exitCode !== undefined).catch(() => {});
  if (exitCode === undefined) log("phase A: the workbench did not report the extension host's exit code");
  else if ((exitCode === 0) !== allOk) {
    record("A", "extension host exit code matches results", false, `exit code ${exitCode}`, 0);
  } else log(`phase A: extension host exited with code ${exitCode}`);
  await page.screenshot({ path: join(outDir, "phase-a-end.png") }).catch(() => {});
  await context.close().catch(() => {});
}

// ------------------------------------------------------------------------------------ phase B
async function phaseB({ base, workspace, manifest }) {
  const context = await newContext();
  const page = await context.newPage();
  attachBrowserLog(page, join(outDir, "browser-phase-b.log"));
  const step = async (name, fn) => {
    const start = Date.now();
    try {
      await fn();
      record("B", name, true, undefined, Date.now() - start);
      return true;
    } catch (error) {
      record("B", name, false, error.message, Date.now() - start);
      await page.screenshot({ path: join(outDir, "phase-b-failure.png") }).catch(() => {});
      return false;
    }
  };
  const statusItem = page.locator(".part.statusbar .statusbar-item", { hasText: "Hearth" }).first();
  const palette = page.locator(".quick-input-widget");

  log("phase B: opening the workbench with the extension installed");
  const ok =
    (await step("workbench loads", async () => {
      await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
      await page
        .locator(".monaco-workbench .part.statusbar")
        .waitFor({ timeout: Math.min(60_000, remaining()) });
    })) &&
    (await step("status-bar item with 'Hearth' appears", async () => {
      await statusItem.waitFor({ state: "visible", timeout: Math.min(60_000, remaining()) });
      // Give the item a moment to leave a transient "starting" state before the screenshot (not asserted).
      await waitFor("the status-bar item to settle", 30_000, async () => {
        const label = (await statusItem.getAttribute("aria-label").catch(() => "")) ?? "";
        return !/starting|restarting|~spin/i.test(label);
      }).catch(() => log("phase B: status-bar item still shows a transient state after 30 s"));
      const text = (await statusItem.innerText()).trim();
      const label = await statusItem.getAttribute("aria-label");
      log(`phase B: status-bar item text "${text}"${label ? `, aria-label "${label}"` : ""}`);
      await page.screenshot({ path: join(outDir, "01-statusbar.png") });
      await statusItem.screenshot({ path: join(outDir, "01-statusbar-item.png") }).catch(() => {});
    }));
  if (!ok) {
    await context.close().catch(() => {});
    return;
  }

  await step(`"Hearth: Show Status" shows Hearth ${manifest.version}`, async () => {
    const toasts = page.locator(".notifications-toasts .notification-toast");
    let lastText = "";
    // The server may still be starting when the window first shows: retry a few times.
    for (let attempt = 1; attempt <= 4; attempt++) {
      // Hide earlier toasts so the next one is this attempt's.
      if (await toasts.count()) await page.keyboard.press("Escape");
      await toasts
        .first()
        .waitFor({ state: "hidden", timeout: 5000 })
        .catch(() => {});
      await page
        .locator(".monaco-workbench")
        .click({ position: { x: 700, y: 400 } })
        .catch(() => {});
      await page.keyboard.press("F1");
      try {
        await palette.waitFor({ state: "visible", timeout: 5000 });
      } catch {
        await page.keyboard.press("Control+Shift+P");
        await palette.waitFor({ state: "visible", timeout: 10_000 });
      }
      await page.keyboard.type("Hearth: Show Status", { delay: 20 });
      const row = palette.locator(".monaco-list-row", { hasText: "Hearth: Show Status" }).first();
      await row.waitFor({ state: "visible", timeout: 15_000 });
      if (attempt === 1) await page.screenshot({ path: join(outDir, "02-command-palette.png") });
      await page.keyboard.press("Enter");
      await palette.waitFor({ state: "hidden", timeout: 10_000 });
      const toast = await waitFor(
        "a notification from Hearth: Show Status",
        20_000,
        async () => {
          for (let i = (await toasts.count()) - 1; i >= 0; i--) {
            const text = (
              await toasts
                .nth(i)
                .innerText()
                .catch(() => "")
            )
              .replace(/\s+/g, " ")
              .trim();
            if (/Hearth/.test(text)) return { text };
          }
          return undefined;
        },
        250,
      );
      lastText = toast.text;
      log(`phase B: notification (attempt ${attempt}): "${lastText}"`);
      if (lastText.includes(manifest.version) && !/not running|error/i.test(lastText)) {
        await page.screenshot({ path: join(outDir, "03-show-status.png") });
        return;
      }
      await page.screenshot({ path: join(outDir, `03-show-status-attempt-${attempt}.png`) });
      await sleep(5000);
    }
    throw new Error(`notification does not show "Hearth" with version ${manifest.version}: "${lastText}"`);
  });
  await context.close().catch(() => {});
}

// ------------------------------------------------------------------------------------ main
function printSummary() {
  const failed = results.filter((r) => !r.ok);
  console.log("\n==== Hearth e2e summary ====");
  for (const r of results) console.log(`  ${r.ok ? "PASS" : "FAIL"} [${r.phase}] ${r.name} (${r.ms} ms)`);
  console.log(
    `  ${results.length - failed.length}/${results.length} passed in ${secs(Date.now() - t0)}; artifacts in ${outDir}`,
  );
  // test/run.mjs reads the counts from here for the overall summary.
  writeFileSync(
    join(outDir, "summary.json"),
    JSON.stringify({ passed: results.length - failed.length, failed: failed.length, results }, null, 2),
  );
}

async function main() {
  log(
    `extension under test: ${extDir ?? vsixPath}; phases ${phases.join(",")}; timeout ${secs(totalTimeoutMs)}`,
  );
  let code = 0;
  try {
    const ctx = await setup();
    if (phases.includes("A")) await phaseA(ctx);
    if (phases.includes("B")) await phaseB(ctx);
    if (phases.includes("C")) await completionPhase({ ...ctx, browser, outDir, record, log });
    if (phases.includes("F")) await feedbackPhase({ ...ctx, browser, extDir, outDir, record, log });
    if (phases.includes("E")) await evalsPhase({ ...ctx, browser, extDir, outDir, record, log });
    if (phases.includes("Q")) await chatPhase({ ...ctx, browser, extDir, outDir, record, log });
    if (phases.includes("R")) await reviewPhase({ ...ctx, browser, extDir, outDir, record, log });
    if (phases.includes("S") && !env.HEARTH_E2E_EXTENSION_DIR) {
      await firstRunPhase({ browser, vsixPath, outDir, record, log });
    }
    if (results.length === 0) throw new HarnessError(`no tests ran (HEARTH_E2E_PHASES=${phases.join(",")})`);
    code = results.every((r) => r.ok) ? 0 : 1;
  } catch (error) {
    if (stopping) return; // the watchdog or a signal handler reports and exits
    console.error(`\n[e2e] ERROR: ${error instanceof HarnessError ? error.message : error.stack || error}`);
    code = 2;
  }
  if (stopping) return;
  printSummary();
  await exitWith(code);
}

await main();
