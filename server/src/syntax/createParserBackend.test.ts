/**
 * Tests for the two parser backends: they give identical definitions, imports and chunks on a fixture file per
 * language (whole and truncated mid-file), load lazily with clear errors, and `auto` falls back to wasm.
 *
 * These run from the bundle test/run.mjs writes under out/, so the wasm backend's createRequire lookups of the
 * grammar packages and of web-tree-sitter are exercised the way out/cli/hearth.mjs uses them.
 */

import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { chunkFile } from "./chunkFile";
import { AutoParserBackend, createParserBackend } from "./createParserBackend";
import { importedNames } from "./importedNames";
import type { LanguageId } from "./languages";
import { languageForPath, languageIds } from "./languages";
import type { ParserBackend } from "./parserBackend";
import { GrammarLoadError } from "./parserBackend";
import { findGrammarsDirectory } from "./querySources";
import { definitions } from "./syntaxOutline";

const fixtureDirectory = "test/fixtures/syntax";

const fixtures = readdirSync(fixtureDirectory)
  .sort()
  .map((file) => {
    const text = readFileSync(path.join(fixtureDirectory, file), "utf8");
    return { file, text, language: languageForPath(file, text.slice(0, text.indexOf("\n")))! };
  });

const native = createParserBackend({ backend: "native" });
const wasm = createParserBackend({ backend: "wasm" });

test("the fixture set has one realistic file of 40-150 lines per language", () => {
  assert.deepEqual(fixtures.map((fixture) => fixture.language).sort(), [...languageIds].sort());
  for (const { file, text } of fixtures) {
    const lines = text.split("\n").length;
    assert.ok(lines >= 40 && lines <= 151, `${file} has ${lines} lines`);
  }
});

/** Everything the index and completion take from a tree, for one backend. */
async function extract(backend: ParserBackend, language: LanguageId, path: string, text: string) {
  const tree = await backend.parse(language, text);
  try {
    const countTokens = (chunkText: string) => chunkText.length;
    return {
      hasError: tree.rootNode.hasError,
      definitions: definitions(tree),
      imports: importedNames(tree),
      chunks: [150, 400, 1200, 8000].map((maxTokens) =>
        chunkFile({ path, language, text, tree }, { maxTokens, countTokens, overlapLines: 2 }),
      ),
    };
  } finally {
    tree.dispose();
  }
}

test("native and wasm backends give identical definitions, imports and chunks for every language", async () => {
  for (const { file, text, language } of fixtures) {
    const fromNative = await extract(native, language, file, text);
    const fromWasm = await extract(wasm, language, file, text);
    assert.equal(fromNative.hasError, false, `${file} should parse cleanly`);
    assert.ok(
      fromNative.definitions.length >= 5,
      `${file}: only ${fromNative.definitions.length} definitions`,
    );
    assert.ok(fromNative.imports.length >= 2, `${file}: only ${fromNative.imports.length} imports`);
    assert.deepEqual(fromWasm, fromNative, file);
  }
});

test("native and wasm agree on broken code too (each fixture cut off in the middle)", async () => {
  for (const { file, text, language } of fixtures) {
    const broken = text.slice(0, Math.floor(text.length * 0.6));
    const fromNative = await extract(native, language, file, broken);
    assert.equal(fromNative.hasError, true, `${file} cut short should hold errors`);
    assert.deepEqual(await extract(wasm, language, file, broken), fromNative, file);
  }
});

test("auto picks native when it loads and says so per language", async () => {
  const backend = createParserBackend();
  assert.equal(backend.kind, "auto");
  assert.equal(await backend.load("python"), "native");
  const tree = await backend.parse("python", "def f():\n    return 1\n");
  assert.equal(tree.backend, "native");
});

test("auto falls back to wasm for a language whose native grammar fails, and logs why", async () => {
  const warnings: string[] = [];
  const failingNative: ParserBackend = {
    kind: "native",
    load: (language) =>
      Promise.reject(new GrammarLoadError(language, "tree-sitter-go", "native", "ABI mismatch")),
    parse: (language) =>
      Promise.reject(new GrammarLoadError(language, "tree-sitter-go", "native", "ABI mismatch")),
  };
  const backend = new AutoParserBackend(failingNative, () => wasm, {
    warn: (message) => warnings.push(message),
  });
  assert.equal(await backend.load("go"), "wasm");
  const tree = await backend.parse("go", "package main\n\nfunc main() {}\n");
  try {
    assert.equal(tree.backend, "wasm");
    assert.deepEqual(
      definitions(tree).map((definition) => definition.name),
      ["main"],
    );
  } finally {
    tree.dispose();
  }
  assert.equal(warnings.length, 1, "the choice is made once per language");
  assert.match(
    warnings[0]!,
    /go grammar from tree-sitter-go with the native backend: ABI mismatch; using the wasm/,
  );
});

test("a grammar whose query does not compile fails with GrammarLoadError naming language and package", async () => {
  const directory = mkdtempSync(path.join(tmpdir(), "hearth-grammars-"));
  try {
    cpSync(findGrammarsDirectory(), directory, { recursive: true });
    writeFileSync(path.join(directory, "python", "definitions.scm"), "(no_such_node) @definition.function\n");
    rmSync(path.join(directory, "ruby", "imports.scm"));
    for (const kind of ["native", "wasm"] as const) {
      const backend = createParserBackend({ backend: kind, grammarsDirectory: directory });
      for (const [language, packageName] of [
        ["python", "tree-sitter-python"],
        ["ruby", "tree-sitter-ruby"],
      ] as const) {
        const failure = await backend.parse(language, "x = 1\n").then(
          () => assert.fail(`${kind} ${language} should fail`),
          (error: unknown) => error,
        );
        assert.ok(failure instanceof GrammarLoadError, String(failure));
        assert.equal(failure.name, "GrammarLoadError");
        assert.equal(failure.language, language);
        assert.equal(failure.packageName, packageName);
        assert.equal(failure.backend, kind);
        assert.match(
          failure.message,
          new RegExp(`${language} grammar from ${packageName} with the ${kind} backend`),
        );
        // Failures are cached: the second call gives the same error without reloading.
        await assert.rejects(backend.load(language), (error) => error === failure);
      }
      // Other languages in the same folder still load.
      assert.equal(await backend.load("go"), kind);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
