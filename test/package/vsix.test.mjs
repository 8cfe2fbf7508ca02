// The real VSIX for this machine: `npm run package`'s build (or the file named by HEARTH_VSIX) passes every
// file-list rule and the size limit, and, unpacked into a folder outside the repository, runs on its own: its
// server loads its native modules, parses with the native grammars and embeds with its own llama.cpp backend.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import yauzl from "yauzl";
import { buildVsix, listVsix } from "../../client/packaging/package.mjs";
import { hostTarget, maxVsixBytes } from "../../client/packaging/targets.mjs";
import { checkVsixEntries } from "../../client/packaging/vsixRules.mjs";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let vsix;
let workDir;

before(async () => {
  if (process.env.HEARTH_VSIX) {
    vsix = path.resolve(process.env.HEARTH_VSIX);
  } else {
    const summary = await buildVsix({ log: (line) => console.log(`# ${line}`) });
    console.log(`# ${JSON.stringify({ ...summary, problems: summary.problems.length })}`);
    vsix = summary.vsix;
  }
  workDir = mkdtempSync(path.join(tmpdir(), "hearth-vsix-"));
});

after(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test("the VSIX breaks no file-list rule and stays under the size limit", async () => {
  const entries = await listVsix(vsix);
  const size = statSync(vsix).size;
  assert.deepEqual(checkVsixEntries(entries, hostTarget(), size), []);
  assert.ok(size <= maxVsixBytes, `${size} bytes`);
});

test("unpacked outside the repository, its server loads its native modules", async () => {
  const extension = await unpack(vsix, path.join(workDir, "unpacked"));
  const status = runHearth(extension, ["status", "--json"]);
  const modules = JSON.parse(status.stdout).nativeModules;
  assert.deepEqual(
    modules.map((module) => [module.name, module.ok]),
    [
      ["better-sqlite3", true],
      ["tree-sitter", true],
    ],
  );
});

test("unpacked, it indexes a workspace with native grammars and its own embedding backend", async () => {
  const extension = path.join(workDir, "unpacked", "extension");
  const database = path.join(workDir, "index.sqlite");
  const result = runHearth(extension, [
    "index",
    path.join(repoRoot, "test", "fixtures", "workspace"),
    "--db",
    database,
    "--json",
  ]);
  const report = JSON.parse(result.stdout);
  assert.ok(report.files > 0 && report.chunks > 0, result.stdout);
  assert.equal(report.embeddedChunks, report.chunks, "every chunk has a vector");
  assert.doesNotMatch(result.stderr, /using the wasm backend/);
});

/** Runs the unpacked extension's CLI from outside the repository, with its own cache folder. */
function runHearth(extension, args) {
  const child = spawnSync(process.execPath, [path.join(extension, "out", "cli", "hearth.mjs"), ...args], {
    cwd: workDir,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, HEARTH_CACHE: path.join(workDir, "cache"), NODE_PATH: "" },
  });
  assert.equal(child.status, 0, `hearth ${args.join(" ")} failed:\n${child.stderr}`);
  return child;
}

async function unpack(file, destination) {
  const zip = await yauzl.openPromise(file);
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith("/")) continue;
      const target = path.join(destination, entry.fileName);
      if (!target.startsWith(destination + path.sep)) throw new Error(`unsafe path ${entry.fileName}`);
      mkdirSync(path.dirname(target), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target));
    }
  } finally {
    zip.close();
  }
  // The extracted tree must not reach the repository's node_modules by walking up.
  assert.ok(!destination.startsWith(repoRoot));
  return path.join(destination, "extension");
}
