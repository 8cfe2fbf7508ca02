// The CUDA package table: pinned to the node-llama-cpp actually installed, one main and one fallback package per
// platform that has them, and the registry and integrity strings the installer relies on.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { cudaPackagesFor, nodeLlamaCppVersion, parseIntegrity, registryUrl } from "./cudaPackages";

test("the pinned version is the node-llama-cpp release installed (it ignores packages of another version)", () => {
  const installed = JSON.parse(readFileSync("node_modules/node-llama-cpp/package.json", "utf8"));
  assert.equal(nodeLlamaCppVersion, installed.version);
  for (const name of cudaPackagesFor("linux", "x64")!) {
    assert.equal(installed.optionalDependencies[name], nodeLlamaCppVersion, name);
  }
});

test("CUDA packages exist for Linux and Windows on x64 only", () => {
  assert.deepEqual(cudaPackagesFor("linux", "x64"), [
    "@node-llama-cpp/linux-x64-cuda",
    "@node-llama-cpp/linux-x64-cuda-ext",
  ]);
  assert.deepEqual(cudaPackagesFor("win32", "x64"), [
    "@node-llama-cpp/win-x64-cuda",
    "@node-llama-cpp/win-x64-cuda-ext",
  ]);
  assert.equal(cudaPackagesFor("darwin", "arm64"), null);
  assert.equal(cudaPackagesFor("linux", "arm64"), null);
});

test("the registry is Hearth's override, then npm's, then npmjs.org, always ending in a slash", () => {
  assert.equal(registryUrl({}), "https://registry.npmjs.org/");
  assert.equal(
    registryUrl({ npm_config_registry: "https://mirror.example/npm" }),
    "https://mirror.example/npm/",
  );
  assert.equal(
    registryUrl({ HEARTH_NPM_REGISTRY: "http://127.0.0.1:4873/", npm_config_registry: "https://x/" }),
    "http://127.0.0.1:4873/",
  );
});

test("integrity strings: sha512 only", () => {
  assert.deepEqual(parseIntegrity("sha512-abc+/9=="), { algorithm: "sha512", digest: "abc+/9==" });
  assert.equal(parseIntegrity("sha1-abc"), null);
  assert.equal(parseIntegrity("nonsense"), null);
});
