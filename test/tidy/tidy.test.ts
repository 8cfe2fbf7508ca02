/**
 * Tidy checks: the invariants ARCHITECTURE.md states as absences, checked on the source tree, plus the
 * code map staying true to the folders that exist.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const architecture = readFileSync("ARCHITECTURE.md", "utf8");

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .filter(
      (file) => /\.(ts|mts)$/.test(file) && !file.includes("node_modules") && !file.startsWith("fixtures"),
    )
    .map((file) => path.join(directory, file));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)["']([^"']+)["']/g)].map(
    (match) => match[1]!,
  );
}

test("every server/src folder has a section in ARCHITECTURE.md's code map, and every section a folder", () => {
  const folders = readdirSync("server/src").filter((entry) =>
    statSync(path.join("server/src", entry)).isDirectory(),
  );
  const mapped = [...architecture.matchAll(/^### `server\/src\/([^/`]+)\/`/gm)].map((match) => match[1]!);
  assert.deepEqual([...folders].sort(), [...mapped].sort());
});

test("the server never imports vscode", () => {
  const offenders = sourceFiles("server/src").filter((file) => importsOf(file).includes("vscode"));
  assert.deepEqual(offenders, []);
});

test("the client imports nothing from server/ except protocol/ and the pure base/ helpers", () => {
  const offenders = sourceFiles("client/src").flatMap((file) =>
    importsOf(file)
      .filter(
        (specifier) =>
          specifier.includes("server/") &&
          !/server\/src\/(protocol(\/|$)|base\/(numbers|editSimilarity)$)/.test(specifier),
      )
      .map((specifier) => `${file} -> ${specifier}`),
  );
  assert.deepEqual(offenders, []);
});

/** Files that speak LSP as a client, not as the server (the completion benchmark drives a real server). */
const lspClients = [path.join("server/src/bench/completionBench.ts")];

test("only server/src/lsp/ and the composition root import vscode-languageserver", () => {
  const offenders = sourceFiles("server/src").filter(
    (file) =>
      !file.startsWith(path.join("server/src/lsp")) &&
      file !== path.join("server/src/main.ts") &&
      !lspClients.includes(file) &&
      importsOf(file).some((specifier) => specifier.startsWith("vscode-languageserver")),
  );
  assert.deepEqual(offenders, []);
});

test("protocol/ is plain data: it imports nothing", () => {
  const offenders = sourceFiles("server/src/protocol").filter((file) => importsOf(file).length > 0);
  assert.deepEqual(offenders, []);
});

test("every source file starts with a comment saying what it is for", () => {
  const files = [...sourceFiles("server/src"), ...sourceFiles("client/src"), ...sourceFiles("test")];
  const offenders = files.filter((file) => !/^(\/\*\*|\/\/)/.test(readFileSync(file, "utf8")));
  assert.deepEqual(offenders, []);
});
