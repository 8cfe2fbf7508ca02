/** Tests for language detection and for the grammar manifest matching what is installed and on disk. */

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { test } from "node:test";
import { grammarSpec, languageForPath, languageForShebang, languageIds } from "./languages";
import { findGrammarsDirectory } from "./querySources";

const require = createRequire(import.meta.url);

test("extensions and file names map to languages", () => {
  const expected: Record<string, string | null> = {
    "src/a.ts": "typescript",
    "src/a.d.ts": "typescript",
    "src/a.mts": "typescript",
    "src/App.tsx": "tsx",
    "src/a.js": "javascript",
    "src/App.jsx": "javascript",
    "src/a.mjs": "javascript",
    "src/a.cjs": "javascript",
    "tool.py": "python",
    "TOOL.PY": "python",
    "main.go": "go",
    "lib.rs": "rust",
    "A.java": "java",
    "a.c": "c",
    "a.h": "c",
    "a.cpp": "cpp",
    "a.hpp": "cpp",
    "a.cc": "cpp",
    "A.cs": "csharp",
    "a.rb": "ruby",
    Rakefile: "ruby",
    "project/Gemfile": "ruby",
    "index.php": "php",
    "run.sh": "bash",
    "C:\\work\\run.bash": "bash",
    "README.md": null,
    Makefile: null,
    ".gitignore": null,
  };
  for (const [file, language] of Object.entries(expected))
    assert.equal(languageForPath(file), language, file);
});

test("extensionless scripts are recognised by their shebang; an extension wins over it", () => {
  const expected: Record<string, string | null> = {
    "#!/usr/bin/env python3": "python",
    "#!/usr/bin/python3.11 -u": "python",
    "#!/bin/bash -e": "bash",
    "#!/bin/sh": "bash",
    "#! /usr/bin/env bash": "bash",
    "#!/usr/bin/env -S node --no-warnings": "javascript",
    "#!/usr/bin/env ruby": "ruby",
    "#!/usr/bin/perl": null,
    "import os": null,
    "": null,
  };
  for (const [line, language] of Object.entries(expected)) {
    assert.equal(languageForShebang(line), language, line);
    assert.equal(languageForPath("bin/tool", line), language, line);
  }
  assert.equal(languageForPath("bin/tool.rb", "#!/usr/bin/env python3"), "ruby");
});

test("the manifest names an installed package, a .wasm file and both query files for every language", () => {
  const grammars = findGrammarsDirectory();
  const extensions = new Map<string, string>();
  for (const language of languageIds) {
    const spec = grammarSpec(language);
    const root = path.dirname(packageJsonOf(spec.package));
    assert.ok(existsSync(path.join(root, spec.wasm)), `${language}: ${spec.wasm} missing in ${spec.package}`);
    for (const kind of ["definitions", "imports"]) {
      assert.ok(
        existsSync(path.join(grammars, spec.queries, `${kind}.scm`)),
        `${language}: ${kind}.scm missing`,
      );
    }
    for (const extension of spec.extensions) {
      assert.equal(extensions.get(extension), undefined, `${extension} claimed twice`);
      extensions.set(extension, language);
    }
  }
});

test("grammars/LICENSES.md lists every grammar package with the licence its package.json declares", () => {
  const licences = readFileSync(path.join(findGrammarsDirectory(), "LICENSES.md"), "utf8");
  const packages = new Set(languageIds.map((language) => grammarSpec(language).package));
  packages.add("tree-sitter");
  packages.add("web-tree-sitter");
  for (const name of packages) {
    const manifest = JSON.parse(readFileSync(packageJsonOf(name), "utf8"));
    const row = licences.split("\n").find((line) => line.includes(`| ${name} |`));
    assert.ok(row, `${name} missing from LICENSES.md`);
    assert.ok(row.includes(manifest.version) && row.includes(manifest.license), `${name}: ${row}`);
  }
});

/** Some packages (web-tree-sitter) do not export their package.json: walk up from the entry point instead. */
function packageJsonOf(name: string): string {
  for (let directory = path.dirname(require.resolve(name)); ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, "package.json");
    if (existsSync(candidate) && JSON.parse(readFileSync(candidate, "utf8")).name === name) return candidate;
    if (path.dirname(directory) === directory) throw new Error(`no package.json for ${name}`);
  }
}
