// The VSIX file-list rules and the target table on made-up file lists: each forbidden kind of file is caught,
// a clean list passes, and a VSIX for another platform is refused before anything is built.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  crossBuildRefusal,
  hostTarget,
  maxVsixBytes,
  targetIncludeLines,
} from "../../client/packaging/targets.mjs";
import { checkVsixEntries, requiredFiles } from "../../client/packaging/vsixRules.mjs";

const clean = requiredFiles("linux-x64").map((path) => ({ path: `extension/${path}`, size: 1 }));
const rulesBroken = (extra, target = "linux-x64", bytes = 1) =>
  checkVsixEntries([...clean, ...extra.map((path) => ({ path, size: 1 }))], target, bytes).map(
    (problem) => problem.rule,
  );

test("a VSIX with just what runs passes", () => {
  assert.deepEqual(rulesBroken(["extension/node_modules/node-llama-cpp/dist/index.d.ts"]), []);
});

test("sources, tests and training code are caught", () => {
  assert.deepEqual(rulesBroken(["extension/server/src/main.ts"]), ["no-sources"]);
  assert.deepEqual(rulesBroken(["extension/out/lib.ts"]), ["no-sources"]);
  assert.deepEqual(rulesBroken(["extension/node_modules/pkg/index.ts"]), ["no-sources"]);
  assert.deepEqual(rulesBroken(["extension/out/test/e2e/suite.js"]), ["no-tests"]);
  assert.deepEqual(rulesBroken(["extension/node_modules/pkg/a.test.js"]), ["no-tests"]);
  assert.deepEqual(rulesBroken(["extension/native-models/train/train.py"]), ["no-training"]);
});

test("other platforms' binaries and CUDA are caught", () => {
  assert.deepEqual(rulesBroken(["extension/node_modules/@node-llama-cpp/mac-arm64-metal/package.json"]), [
    "other-platform",
  ]);
  assert.deepEqual(
    rulesBroken(["extension/node_modules/@node-llama-cpp/linux-x64-cuda/bins/x/libggml-cuda.so"]),
    ["no-cuda"],
  );
  assert.deepEqual(rulesBroken(["extension/node_modules/tree-sitter-go/prebuilds/win32-x64/go.node"]), [
    "other-platform",
  ]);
  assert.deepEqual(rulesBroken(["extension/node_modules/sqlite-vec-darwin-arm64/vec0.dylib"]), [
    "other-platform",
    "other-platform",
  ]);
});

test("a missing runtime file and an oversized VSIX are caught", () => {
  const withoutServer = clean.filter((entry) => entry.path !== "extension/out/cli/hearth.mjs");
  assert.deepEqual(
    checkVsixEntries(withoutServer, "linux-x64", 1).map((problem) => problem.rule),
    ["missing"],
  );
  assert.deepEqual(rulesBroken([], "linux-x64", maxVsixBytes + 1), ["size"]);
});

test("a target is built only on its own platform", () => {
  assert.equal(hostTarget("linux", "x64"), "linux-x64");
  assert.equal(hostTarget("win32", "x64"), "win32-x64");
  assert.equal(hostTarget("linux", "riscv64"), null);
  assert.equal(crossBuildRefusal("linux-x64", "linux-x64"), null);
  assert.match(crossBuildRefusal("darwin-arm64", "linux-x64") ?? "", /on a darwin-arm64 machine/);
  assert.match(crossBuildRefusal("linux-riscv64", "linux-x64") ?? "", /unknown target/);
});

test("a target's include lines name only its own binaries, never CUDA", () => {
  const lines = targetIncludeLines("linux-x64");
  const omitted = "cannonlake|cascadelake|cooperlake|icelake|ivybridge|piledriver";
  assert.deepEqual(lines, [
    "!node_modules/@node-llama-cpp/linux-x64/*",
    "!node_modules/@node-llama-cpp/linux-x64/dist/**",
    `!node_modules/@node-llama-cpp/linux-x64/bins/*/!(*ggml-cpu-@(${omitted}).*)`,
    "!node_modules/@node-llama-cpp/linux-x64-vulkan/*",
    "!node_modules/@node-llama-cpp/linux-x64-vulkan/dist/**",
    `!node_modules/@node-llama-cpp/linux-x64-vulkan/bins/*/!(*ggml-cpu-@(${omitted}).*)`,
    "!node_modules/**/prebuilds/linux-x64/**",
    "!node_modules/sqlite-vec-linux-x64/**",
  ]);
  assert.ok(targetIncludeLines("win32-x64").every((line) => !/cuda/i.test(line)));
});
