/**
 * Tests for chunking real files through a parser: the structure-following result on fixtures, and inputs that
 * must not crash (broken, empty, comment-only, CRLF, binary-looking, invalid UTF-8, huge).
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { chunkFile, parseAndChunk } from "./chunkFile";
import type { Chunk, ChunkOptions } from "./chunkPlanner";
import { chunkEmbeddingText, splitLines } from "./chunkPlanner";
import { createParserBackend } from "./createParserBackend";
import { languageForPath } from "./languages";
import type { ParserBackend } from "./parserBackend";
import { definitions } from "./syntaxOutline";

const backend = createParserBackend();
const wasm = createParserBackend({ backend: "wasm" });
const countTokens = (text: string) => text.length;
const options = (maxTokens: number): ChunkOptions => ({ maxTokens, countTokens });

function assertWellFormed(text: string, chunks: Chunk[], maxTokens: number): void {
  const lines = splitLines(text);
  for (const chunk of chunks) {
    assert.ok(
      chunkEmbeddingText(chunk).length <= maxTokens,
      `${chunk.startLine}-${chunk.endLine} over budget`,
    );
    assert.notEqual(chunk.text.trim(), "");
  }
  for (let line = 0; line < lines.length; line++) {
    if (lines[line]!.trim() === "") continue;
    assert.ok(
      chunks.some((chunk) => chunk.startLine <= line && line <= chunk.endLine),
      `line ${line} (${lines[line]!.slice(0, 40)}) is in no chunk`,
    );
  }
}

const fixtureDirectory = "test/fixtures/syntax";

test("every fixture: chunks cover every non-blank line, fit the budget, and report each definition once", async () => {
  for (const file of readdirSync(fixtureDirectory)) {
    const text = readFileSync(path.join(fixtureDirectory, file), "utf8");
    const language = languageForPath(file, text.slice(0, text.indexOf("\n")))!;
    const tree = await backend.parse(language, text);
    for (const maxTokens of [120, 300, 700, 2000, 100_000]) {
      const chunks = chunkFile({ path: file, language, text, tree }, options(maxTokens));
      assertWellFormed(text, chunks, maxTokens);
      const reported = chunks.flatMap((chunk) =>
        chunk.symbols.map((symbol) => `${symbol.name}@${symbol.line}`),
      );
      const defined = definitions(tree).map((definition) => `${definition.name}@${definition.nameLine}`);
      assert.deepEqual(reported.sort(), defined.sort(), `${file} at ${maxTokens}`);
    }
    tree.dispose();
  }
});

test("a big class splits into methods headed by the class; small files stay one chunk per definition", async () => {
  const file = "inventory.py";
  const text = readFileSync(path.join(fixtureDirectory, file), "utf8");
  const chunks = await parseAndChunk(backend, { path: `src/${file}`, text }, options(500));
  const method = chunks.find((chunk) => chunk.symbols.some((symbol) => symbol.name === "reserve"))!;
  assert.equal(method.header, "src/inventory.py (python): class Inventory > method reserve");
  assert.match(method.text, /^ {4}def reserve\(self, sku: str, amount: int\) -> None:/);
  const classHeader = chunks.find((chunk) => chunk.symbols.some((symbol) => symbol.name === "Inventory"))!;
  assert.match(classHeader.text, /^class Inventory:\n {4}"""Holds items by SKU/);
  const item = chunks.find((chunk) => chunk.symbols.some((symbol) => symbol.name === "Item"))!;
  assert.match(item.text, /^@dataclass\nclass Item:/, "decorators belong to their definition");
  assert.deepEqual(
    item.symbols.map((symbol) => `${symbol.kind} ${symbol.name}`),
    ["class Item", "method available"],
  );
  const imports = chunks[0]!;
  assert.equal(imports.header, "src/inventory.py (python)");
  assert.match(imports.text, /^#!\/usr\/bin\/env python3\n"""Inventory bookkeeping/);
  assert.match(imports.text, /DEFAULT_WAREHOUSE = "main"$/);
});

test("a huge function becomes line windows inside the function, headed by it", async () => {
  const body = Array.from({ length: 400 }, (_, index) => `    total += compute(${index}, total)`);
  const text = [
    "import math",
    "",
    "def huge(total):",
    ...body,
    "    return total",
    "",
    "print(huge(0))",
  ].join("\n");
  const chunks = await parseAndChunk(backend, { path: "huge.py", text }, options(600));
  const windows = chunks.filter((chunk) => chunk.header === "huge.py (python): function huge");
  assert.ok(windows.length > 10);
  assert.equal(windows[0]!.startLine, 2);
  assert.equal(windows.at(-1)!.endLine, 403);
  assertWellFormed(text, chunks, 600);
});

test("broken code is chunked from the recovered tree", async () => {
  const text = [
    "class Broken {",
    "  ok() { return 1; }",
    "  bad( { if (",
    "  fine() { return 2; }",
    "",
    "function after() {",
    "  return [1, 2,",
  ].join("\n");
  for (const parser of [backend, wasm]) {
    const tree = await parser.parse("typescript", text);
    assert.ok(tree.rootNode.hasError);
    const chunks = chunkFile({ path: "b.ts", language: "typescript", text, tree }, options(200));
    assertWellFormed(text, chunks, 200);
    tree.dispose();
  }
});

test("empty, blank and comment-only files", async () => {
  assert.deepEqual(await parseAndChunk(backend, { path: "e.ts", text: "" }, options(200)), []);
  assert.deepEqual(await parseAndChunk(backend, { path: "e.py", text: "\n\n   \n" }, options(200)), []);
  const comments = "// first\n// second\n\n/* block\n   comment */\n";
  const chunks = await parseAndChunk(backend, { path: "c.ts", text: comments }, options(200));
  assert.deepEqual(
    chunks.map((chunk) => [chunk.startLine, chunk.endLine, chunk.symbols.length]),
    [[0, 4, 0]],
  );
  assert.deepEqual(await parseAndChunk(backend, { path: "c.py", text: "# only\n# comments" }, options(200)), [
    {
      path: "c.py",
      language: "python",
      startLine: 0,
      endLine: 1,
      text: "# only\n# comments",
      header: "c.py (python)",
      symbols: [],
    },
  ]);
});

test("CRLF files chunk exactly like their LF twins", async () => {
  for (const file of ["rateLimiter.ts", "LibraryCatalog.java", "shopping_cart.rb"]) {
    const lf = readFileSync(path.join(fixtureDirectory, file), "utf8");
    const crlf = lf.replaceAll("\n", "\r\n");
    for (const maxTokens of [200, 800]) {
      const expected = await parseAndChunk(backend, { path: file, text: lf }, options(maxTokens));
      assert.deepEqual(
        await parseAndChunk(backend, { path: file, text: crlf }, options(maxTokens)),
        expected,
        file,
      );
      assert.deepEqual(
        await parseAndChunk(wasm, { path: file, text: crlf }, options(maxTokens)),
        expected,
        file,
      );
    }
  }
});

test("binary-looking text, invalid UTF-8 and lone surrogates do not crash either backend", async () => {
  let seed = 7;
  const bytes = Buffer.alloc(8_000);
  for (let index = 0; index < bytes.length; index++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    bytes[index] = seed & 0xff;
  }
  const inputs = [
    bytes.toString("latin1"),
    bytes.toString("utf8"),
    `int main(void) { return 0; }\n${Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x00, 0x0a]).toString("utf8")}\n`,
    "const s = '\ud800';\nfunction f() { return '\udc00\ud83d'; }\n",
    "\u0000\u0000\u0000\n\u0000def f():\n  pass\n",
  ];
  for (const text of inputs) {
    for (const parser of [backend, wasm]) {
      for (const file of ["x.c", "x.ts", "x.py"]) {
        const chunks = await parseAndChunk(parser, { path: file, text }, options(300));
        assertWellFormed(text, chunks, 300);
      }
    }
  }
});

test("huge files: above maxParseChars they get windows without parsing; a long minified line is split", async () => {
  const line = "export function f%(a) { return a * % + g(a, [1, 2, 3]); }";
  const huge = Array.from({ length: 40_000 }, (_, index) => line.replaceAll("%", String(index))).join("\n");
  assert.ok(huge.length > 2_000_000);
  let parsed = false;
  const spy: ParserBackend = {
    kind: "auto",
    load: (language) => backend.load(language),
    parse: (language, text) => {
      parsed = true;
      return backend.parse(language, text);
    },
  };
  const chunks = await parseAndChunk(
    spy,
    { path: "big.js", text: huge },
    { ...options(2000), maxParseChars: 1_000_000 },
  );
  assert.equal(parsed, false);
  assert.ok(chunks.every((chunk) => chunk.header === "big.js (javascript)" && chunk.symbols.length === 0));
  assertWellFormed(huge, chunks, 2000);

  const minified = huge.slice(0, 200_000).replaceAll("\n", " ");
  const pieces = await parseAndChunk(backend, { path: "min.js", text: minified }, options(1000));
  assert.ok(pieces.length >= 200 && pieces.every((chunk) => chunk.startLine === 0 && chunk.endLine === 0));
  assert.equal(pieces.map((chunk) => chunk.text).join(""), minified);
  assertWellFormed(minified, pieces, 1000);
});

test("files without a grammar get windows; extensionless scripts are parsed by shebang", async () => {
  const markdown = Array.from({ length: 60 }, (_, index) => `Paragraph ${index} of the readme.`).join("\n");
  const chunks = await parseAndChunk(
    backend,
    { path: "README.md", text: markdown },
    { ...options(300), overlapLines: 1 },
  );
  assert.ok(chunks.length > 3 && chunks.every((chunk) => chunk.language === "plaintext"));
  assert.equal(chunks[1]!.startLine, chunks[0]!.endLine);
  const labelled = await parseAndChunk(
    backend,
    { path: "README.md", text: markdown, language: "markdown" },
    options(300),
  );
  assert.equal(labelled[0]!.header, "README.md (markdown)");

  const script = "#!/usr/bin/env python3\nimport sys\n\ndef main():\n    print(sys.argv)\n";
  const scripted = await parseAndChunk(backend, { path: "bin/tool", text: script }, options(300));
  assert.equal(scripted[0]!.language, "python");
  assert.deepEqual(
    scripted.flatMap((chunk) => chunk.symbols.map((symbol) => symbol.name)),
    ["main"],
  );
});

test("chunkFile refuses a tree parsed from other text", async () => {
  const tree = await backend.parse("go", "package a\n");
  assert.throws(
    () => chunkFile({ path: "a.go", language: "go", text: "package b\n", tree }, options(100)),
    RangeError,
  );
});
