// Runs every Hearth test suite in order: unit, integration (LSP over stdio), models, remote engines (a real
// llama-server, built once and cached by test/engines/provision-llama-server.sh), package, end-to-end (code-server).
// Usage: node test/run.mjs [unit|lsp|models|engines|package|e2e|desktop ...]   (no argument: all but desktop)
// HEARTH_E2E=skip skips the end-to-end suite explicitly (it is never skipped silently; CI never sets it).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import * as esbuild from "esbuild";
import { buildExtensionHostTests, serverBundleOptions } from "../esbuild.config.mjs";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);

const suites = {
  unit: {
    sources: [
      ["server/src", ".test.ts"],
      ["client/src", ".test.ts"],
      ["test/tidy", ".test.ts"],
    ],
  },
  lsp: { sources: [["test/lsp", ".test.ts"]] },
  models: { sources: [["test/models", ".test.mjs"]] },
  engines: { sources: [["test/engines", ".test.ts"]], provision: "test/engines/provision-llama-server.sh" },
  package: { sources: [["test/package", ".test.mjs"]] },
  e2e: { command: ["node", "test/e2e/run.mjs"] },
  // Desktop VS Code through @vscode/test-electron: needs a VS Code download or HEARTH_VSCODE_EXECUTABLE, so it
  // runs only when named (`node test/run.mjs desktop`).
  desktop: { command: ["node", "test/desktop/run.mjs"], onlyWhenNamed: true },
};

const requested = process.argv.slice(2);
const selected = requested.length
  ? requested
  : Object.keys(suites).filter((name) => !suites[name].onlyWhenNamed);
for (const name of selected) if (!suites[name]) throw new Error(`unknown suite ${name}`);

mkdirSync("test-output", { recursive: true });
const results = [];
for (const name of selected) {
  const started = Date.now();
  const outcome = suites[name].command ? await runCommandSuite(name) : await runNodeTestSuite(name);
  results.push({ suite: name, ...outcome, seconds: Math.round((Date.now() - started) / 100) / 10 });
}

console.log("\nHearth test summary");
for (const result of results) {
  const counts = result.skipped
    ? `skipped (${result.skipped})`
    : `${result.passed} passed, ${result.failed} failed`;
  console.log(`  ${result.suite.padEnd(7)} ${counts}, ${result.seconds}s`);
}
if (results.some((result) => result.failed > 0 || result.exitCode !== 0)) process.exit(1);

async function runNodeTestSuite(name) {
  if (suites[name].provision) {
    // Idempotent and cached: a warm run prints the binary's path at once.
    const provisioned = spawnSync("bash", [suites[name].provision], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", 2],
    });
    if (provisioned.status !== 0)
      return { passed: 0, failed: 1, exitCode: 1, note: `${suites[name].provision} failed` };
    process.env.HEARTH_LLAMA_SERVER = provisioned.stdout.trim();
  }
  const files = [];
  for (const [directory, suffix] of suites[name].sources) files.push(...findFiles(directory, suffix));
  files.sort();
  if (files.length === 0) return { passed: 0, failed: 1, exitCode: 1, note: "no test files found" };

  const typescript = files.filter((file) => file.endsWith(".ts"));
  const outdir = `out/test/${name}`;
  rmSync(outdir, { recursive: true, force: true });
  if (typescript.length) {
    await esbuild.build(serverBundleOptions(typescript, outdir, { outbase: "." }));
  }
  const runnable = files.map((file) =>
    file.endsWith(".ts") ? `${outdir}/${file.replace(/\.ts$/, ".mjs")}` : file,
  );
  const tap = `test-output/${name}.tap`;
  const child = spawnSync(
    process.execPath,
    [
      "--enable-source-maps",
      "--test",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${tap}`,
      ...runnable,
    ],
    { stdio: "inherit" },
  );
  const report = readFileSync(tap, "utf8");
  const count = (key) => Number(report.match(new RegExp(`^# ${key} (\\d+)$`, "m"))?.[1] ?? 0);
  return { passed: count("pass"), failed: count("fail") + count("cancelled"), exitCode: child.status };
}

async function runCommandSuite(name) {
  if (name === "e2e" && process.env.HEARTH_E2E === "skip") {
    return { passed: 0, failed: 0, exitCode: 0, skipped: "HEARTH_E2E=skip" };
  }
  if (name === "desktop") {
    await buildExtensionHostTests();
    spawnSync(process.execPath, ["esbuild.config.mjs"], { stdio: "inherit" });
  }
  if (name === "e2e") {
    await buildExtensionHostTests();
    // The end-to-end suite installs the packaged VSIX; build it unless this run's package suite just did.
    const given = process.env.HEARTH_E2E_VSIX || process.env.HEARTH_E2E_EXTENSION_DIR;
    if (!given && !selected.includes("package")) {
      const packaging = spawnSync(process.execPath, ["client/packaging/package.mjs"], {
        stdio: ["ignore", 2, 2],
      });
      if (packaging.status !== 0) return { passed: 0, failed: 1, exitCode: packaging.status ?? 1 };
    }
  }
  const [command, ...args] = suites[name].command;
  const child = spawnSync(command, args, { stdio: ["inherit", "inherit", "inherit"], encoding: "utf8" });
  let summary = { passed: 0, failed: child.status === 0 ? 0 : 1 };
  try {
    summary = JSON.parse(readFileSync(`test-output/${name}/summary.json`, "utf8"));
  } catch {}
  return { passed: summary.passed, failed: summary.failed, exitCode: child.status };
}

function findFiles(directory, suffix) {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true })
    .filter((file) => file.endsWith(suffix) && !file.split(path.sep).includes("node_modules"))
    .map((file) => path.join(directory, file));
}
