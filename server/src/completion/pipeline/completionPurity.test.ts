/**
 * The folder's invariant, checked on its source: completion logic is pure, so no source file (tests aside)
 * imports the LSP library, the store, the models layer, or any Node module that does I/O.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const folder = "server/src/completion/pipeline";

const sources = readdirSync(folder, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
  .map((file) => path.join(folder, file));

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)["']([^"']+)["']/g)].map(
    (match) => match[1]!,
  );
}

const forbidden = [
  /^vscode/,
  /^node:/,
  /^(fs|path|os|child_process|net|http|https)$/,
  /\/store(\/|$)/,
  /\/models(\/|$)/,
  /\/lsp(\/|$)/,
];

test("completion sources import nothing that does I/O or speaks LSP", () => {
  assert.ok(sources.length > 10, `found ${sources.length} sources`);
  const offenders = sources.flatMap((file) =>
    importsOf(file)
      .filter((specifier) => forbidden.some((pattern) => pattern.test(specifier)))
      .map((specifier) => `${file} -> ${specifier}`),
  );
  assert.deepEqual(offenders, []);
});

test("outside the folder, completion sources import only the syntax layer's types and lru-cache", () => {
  const offenders = sources.flatMap((file) =>
    importsOf(file)
      .filter((specifier) => !specifier.startsWith("."))
      .filter((specifier) => specifier !== "lru-cache")
      .map((specifier) => `${file} -> ${specifier}`),
  );
  assert.deepEqual(offenders, []);
  const syntaxImports = sources.flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => /from "(\.\.\/)+syntax"/.test(line) && !line.startsWith("import type")),
  );
  assert.deepEqual(syntaxImports, [], "syntax is imported for types only");
});
