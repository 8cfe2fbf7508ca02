#!/usr/bin/env node
// `npm start`: Hearth's first run. Provisions a local VS Code (code-server, the same route and cache as the
// end-to-end tests), builds this machine's VSIX and installs it, and serves VS Code in the browser on a sample
// workspace (or the folder given), bound to 127.0.0.1 only. Prints the URL and runs until Ctrl-C.
//
//   npm start                      # a copy of client/packaging/sample-workspace (your edits never touch the repository)
//   npm start -- <folder>          # your own folder, opened in place
//   npm start -- --port 8642       # default 8642, or a free port when that one is taken
//
// Environment: HEARTH_CACHE (cache root, as in test/e2e/provision.sh); HEARTH_START_STATE (code-server's
// user data, extensions and the sample copy; default <cache>/start); HEARTH_START_VSIX (install this VSIX
// instead of building one; the end-to-end test sets it to the VSIX it already built).
// Exit codes: 0 stopped with Ctrl-C, 2 could not start (the message says why).

import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { hostTarget } from "./targets.mjs";

const CODE_SERVER_VERSION = "4.100.3";
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const cacheRoot = process.env.HEARTH_CACHE || path.join(homedir(), ".cache", "hearth");
const stateRoot = path.resolve(process.env.HEARTH_START_STATE || path.join(cacheRoot, "start"));
const codeServerEntry = path.join(
  cacheRoot,
  `code-server-${CODE_SERVER_VERSION}`,
  "node_modules",
  "code-server",
  "out",
  "node",
  "entry.js",
);
const say = (line) => process.stderr.write(`[hearth start] ${line}\n`);

class StartError extends Error {}

/** code-server, the leader of its own process group (Hearth's server and index host run inside it). */
let codeServer;
let stopping = false;

function stopCodeServer(signal) {
  if (!codeServer?.pid) return;
  try {
    process.kill(-codeServer.pid, signal);
  } catch {}
}

function parseArguments(argv) {
  const options = { port: 8642, folder: undefined };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === "--port") {
      const port = Number(argv[++index]);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new StartError("--port needs a port number");
      options.port = port;
    } else if (argument.startsWith("--")) {
      throw new StartError(`unknown option ${argument}; usage: npm start -- [folder] [--port N]`);
    } else if (options.folder === undefined) {
      options.folder = path.resolve(argument);
    } else {
      throw new StartError("give at most one folder");
    }
  }
  if (options.folder && !(existsSync(options.folder) && statSync(options.folder).isDirectory())) {
    throw new StartError(`${options.folder} is not a folder`);
  }
  return options;
}

function runStep(description, command, args, extraEnv = {}) {
  say(description);
  const child = spawnSync(command, args, {
    cwd: repoRoot,
    stdio: ["ignore", 2, 2],
    env: { ...process.env, ...extraEnv },
  });
  if (child.status !== 0) {
    throw new StartError(`${description} failed (${child.error?.message ?? `exit code ${child.status}`})`);
  }
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function choosePort(wanted) {
  if (wanted !== 0 && (await portIsFree(wanted))) return wanted;
  if (wanted !== 0) say(`port ${wanted} is taken; using a free one`);
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The sample is copied once, so what the user types in it stays theirs and the repository stays clean. */
function sampleWorkspace() {
  const copy = path.join(stateRoot, "workspace", "first-run");
  if (!existsSync(copy))
    cpSync(path.join(repoRoot, "client", "packaging", "sample-workspace"), copy, { recursive: true });
  return copy;
}

function installVsix(vsix, extensions, userData) {
  runStep(`installing ${path.relative(repoRoot, vsix)} into code-server`, process.execPath, [
    codeServerEntry,
    "--extensions-dir",
    extensions,
    "--user-data-dir",
    userData,
    "--force",
    "--install-extension",
    vsix,
  ]);
}

function writeUserSettings(userData) {
  const file = path.join(userData, "User", "settings.json");
  if (existsSync(file)) return; // the user's own choices from earlier runs win
  mkdirSync(path.dirname(file), { recursive: true });
  const settings = {
    "workbench.startupEditor": "readme",
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "workbench.enableExperiments": false,
    "chat.disableAIFeatures": true,
    "security.workspace.trust.enabled": false,
  };
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

async function waitForHealth(base, child, logFile) {
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new StartError(`code-server exited (code ${child.exitCode}); see ${logFile}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new StartError(`code-server did not answer on ${base} within 90 s; see ${logFile}`);
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const started = Date.now();
  runStep("provisioning code-server (cached after the first run)", "bash", ["test/e2e/provision.sh"], {
    HEARTH_PROVISION_BROWSER: "0",
    npm_config_yes: "true",
  });

  let vsix = process.env.HEARTH_START_VSIX ? path.resolve(process.env.HEARTH_START_VSIX) : undefined;
  if (!vsix) {
    runStep("building the VSIX (npm run package)", process.execPath, ["client/packaging/package.mjs"]);
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8"));
    vsix = path.join(repoRoot, "dist", `${manifest.name}-${hostTarget()}-${manifest.version}.vsix`);
  }
  if (!existsSync(vsix)) throw new StartError(`no VSIX at ${vsix}`);

  const userData = path.join(stateRoot, "user-data");
  const extensions = path.join(stateRoot, "extensions");
  mkdirSync(extensions, { recursive: true });
  writeUserSettings(userData);
  installVsix(vsix, extensions, userData);
  const installed = readdirSync(extensions).filter((name) => name.startsWith("hearth.hearth-"));
  if (installed.length === 0)
    throw new StartError(`the VSIX installed, but no Hearth folder is in ${extensions}`);

  const folder = options.folder ?? sampleWorkspace();
  const port = await choosePort(options.port);
  const base = `http://127.0.0.1:${port}`;
  const logFile = path.join(stateRoot, "code-server.log");
  const log = openSync(logFile, "w");
  const environment = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VSCODE_|CODE_SERVER_|ELECTRON_RUN_AS_NODE$)/.test(key)),
  );
  // biome-ignore format: one flag per line is easier to read
  codeServer = spawn(process.execPath, [
    codeServerEntry,
    "--bind-addr", `127.0.0.1:${port}`,
    "--auth", "none",
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    "--user-data-dir", userData,
    "--extensions-dir", extensions,
    folder,
  ], { cwd: stateRoot, env: environment, detached: true, stdio: ["ignore", log, log] });

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      say("stopping");
      stopCodeServer("SIGTERM");
      setTimeout(() => {
        stopCodeServer("SIGKILL");
        process.exit(0);
      }, 3_000).unref();
    });
  }
  codeServer.on("exit", (code) => {
    stopCodeServer("SIGKILL"); // anything it left behind in its group
    if (stopping) process.exit(0);
    say(`code-server exited (code ${code}); see ${logFile}`);
    process.exit(2);
  });

  await waitForHealth(base, codeServer, logFile);
  const url = `${base}/?folder=${encodeURIComponent(folder)}`;
  process.stdout.write(
    [
      "",
      `Hearth is running in VS Code at ${url}`,
      `  workspace  ${folder}`,
      `  extension  ${path.join(extensions, installed[0])}`,
      "  Open the URL in a browser on this machine (it listens on 127.0.0.1 only, without a password).",
      "  Type in shapes.py to see ghost text; `npx hearth status` lists the indexes. Ctrl-C stops it.",
      `  Ready in ${Math.round((Date.now() - started) / 1000)} s; code-server's log: ${logFile}`,
      "",
    ].join("\n"),
  );
}

try {
  await main();
} catch (error) {
  stopCodeServer("SIGKILL");
  say(error instanceof StartError ? error.message : error.stack);
  process.exit(2);
}
