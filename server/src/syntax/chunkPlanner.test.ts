/** Tests for chunk planning on hand-written outlines (no tree-sitter), plus randomized invariant checks. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Chunk, ChunkOptions, LineRange, PlannedDefinition, PlanOutline } from "./chunkPlanner";
import { chunkEmbeddingText, planChunks, splitLines } from "./chunkPlanner";

const countCharacters = (text: string) => text.length;

function plan(text: string, outline: PlanOutline | null, maxTokens: number, overlapLines?: number): Chunk[] {
  const options: ChunkOptions = { maxTokens, countTokens: countCharacters };
  if (overlapLines !== undefined) options.overlapLines = overlapLines;
  return planChunks({ path: "a.ts", language: "typescript", text, outline }, options);
}

/** The invariants every plan keeps, whatever the input. */
function assertInvariants(
  text: string,
  outline: PlanOutline | null,
  chunks: Chunk[],
  maxTokens: number,
): void {
  const lines = splitLines(text);
  for (const chunk of chunks) {
    assert.ok(
      chunkEmbeddingText(chunk).length <= maxTokens,
      `chunk ${chunk.startLine}-${chunk.endLine} is ${chunkEmbeddingText(chunk).length} > ${maxTokens}`,
    );
    assert.ok(chunk.startLine <= chunk.endLine && chunk.endLine < lines.length);
    assert.notEqual(chunk.text.trim(), "", "empty chunk");
  }
  for (let line = 0; line < lines.length; line++) {
    if (lines[line]!.trim() === "") continue;
    const covering = chunks.filter((chunk) => chunk.startLine <= line && line <= chunk.endLine);
    assert.ok(covering.length > 0, `line ${line} is in no chunk`);
    // A line split by characters must be fully present across its pieces.
    const whole = covering.some((chunk) => chunk.text.split("\n").includes(lines[line]!));
    if (!whole) assert.equal(covering.map((chunk) => chunk.text).join(""), lines[line]);
  }
  for (let index = 1; index < chunks.length; index++) {
    assert.ok(chunks[index]!.startLine >= chunks[index - 1]!.startLine, "chunks out of order");
  }
  const reported = chunks
    .flatMap((chunk) => chunk.symbols.map((symbol) => `${symbol.name}@${symbol.line}`))
    .sort();
  const defined = (outline?.definitions ?? [])
    .map((definition) => `${definition.name}@${definition.nameLine}`)
    .sort();
  assert.deepEqual(reported, defined, "every definition is reported by exactly one chunk");
}

function definition(
  name: string,
  kind: PlannedDefinition["kind"],
  startLine: number,
  endLine: number,
  parent = -1,
): PlannedDefinition {
  return { name, kind, startLine, endLine, nameLine: startLine, parent };
}

const classSource = [
  "import { a } from './a';", // 0
  "import { b } from './b';", // 1
  "", // 2
  "class Foo {", // 3
  "  private x = 1;", // 4
  "  first() {", // 5
  "    return a(this.x);", // 6
  "  }", // 7
  "", // 8
  "  second() {", // 9
  "    return b(this.x);", // 10
  "  }", // 11
  "}", // 12
  "", // 13
  "run(new Foo());", // 14
].join("\n");

const classOutline: PlanOutline = {
  definitions: [
    definition("Foo", "class", 3, 12),
    definition("first", "method", 5, 7, 0),
    definition("second", "method", 9, 11, 0),
  ],
  blocks: [
    { startLine: 3, endLine: 12 },
    { startLine: 5, endLine: 7 },
    { startLine: 9, endLine: 11 },
  ],
};

test("a definition that fits is one chunk carrying every symbol inside it", () => {
  const chunks = plan(classSource, classOutline, 1000);
  assert.deepEqual(
    chunks.map((chunk) => [chunk.startLine, chunk.endLine, chunk.header]),
    [
      [0, 1, "a.ts (typescript)"],
      [3, 12, "a.ts (typescript): class Foo"],
      [14, 14, "a.ts (typescript)"],
    ],
  );
  assert.deepEqual(
    chunks[1]!.symbols.map((symbol) => `${symbol.kind} ${symbol.name}`),
    ["class Foo", "method first", "method second"],
  );
  assert.equal(chunks[1]!.text, classSource.split("\n").slice(3, 13).join("\n"));
  assertInvariants(classSource, classOutline, chunks, 1000);
});

test("a class over budget splits into its header and its methods; its closing brace joins the last method", () => {
  const chunks = plan(classSource, classOutline, 90);
  assert.deepEqual(
    chunks.map((chunk) => [chunk.startLine, chunk.endLine, chunk.header, chunk.symbols.map((s) => s.name)]),
    [
      [0, 1, "a.ts (typescript)", []],
      [3, 4, "a.ts (typescript): class Foo", ["Foo"]],
      [5, 7, "a.ts (typescript): class Foo > method first", ["first"]],
      [9, 12, "a.ts (typescript): class Foo > method second", ["second"]],
      [14, 14, "a.ts (typescript)", []],
    ],
  );
  assertInvariants(classSource, classOutline, chunks, 90);
});

test("a leaf definition over budget becomes overlapping windows; its symbol goes to the first", () => {
  const body = Array.from({ length: 30 }, (_, index) => `  step${index}();`);
  const text = ["function big() {", ...body, "}"].join("\n");
  const outline: PlanOutline = { definitions: [definition("big", "function", 0, 31)], blocks: [] };
  const chunks = plan(text, outline, 120, 2);
  assert.ok(chunks.length > 3);
  for (const chunk of chunks) assert.equal(chunk.header, "a.ts (typescript): function big");
  assert.deepEqual(chunks[0]!.symbols, [{ name: "big", kind: "function", line: 0 }]);
  for (const chunk of chunks.slice(1)) assert.deepEqual(chunk.symbols, []);
  for (let index = 1; index < chunks.length; index++) {
    assert.equal(chunks[index]!.startLine, chunks[index - 1]!.endLine - 1, "two lines of overlap");
  }
  assertInvariants(text, outline, chunks, 120);
});

test("top-level statements are packed up to the budget and never cut inside a multi-line one", () => {
  const text = ["a = 1", "b = [", "  1,", "  2,", "]", "c = 3", "d = 4", "e = 5"].join("\n");
  const outline: PlanOutline = { definitions: [], blocks: [{ startLine: 1, endLine: 4 }] };
  const chunks = plan(text, outline, 45);
  for (const chunk of chunks) {
    assert.ok(
      !(chunk.startLine > 1 && chunk.startLine <= 4),
      `chunk starts inside the list: ${chunk.startLine}`,
    );
  }
  assert.deepEqual(
    chunks.map((chunk) => [chunk.startLine, chunk.endLine]),
    [
      [0, 4],
      [5, 7],
    ],
  );
  assertInvariants(text, outline, chunks, 45);
});

test("a multi-line statement over budget on its own falls back to windows", () => {
  const text = ["x = [", ...Array.from({ length: 20 }, (_, index) => `  ${index},`), "]"].join("\n");
  const outline: PlanOutline = { definitions: [], blocks: [{ startLine: 0, endLine: 21 }] };
  const chunks = plan(text, outline, 50);
  assert.ok(chunks.length > 1);
  assertInvariants(text, outline, chunks, 50);
});

test("a line longer than the budget is split by characters without breaking surrogate pairs", () => {
  const long = "x".repeat(41) + "😀".repeat(30) + "y".repeat(50);
  const text = ["short();", long, "after();"].join("\n");
  const chunks = plan(text, null, 40);
  const pieces = chunks.filter((chunk) => chunk.startLine === 1 && chunk.endLine === 1);
  assert.ok(pieces.length > 3);
  assert.equal(pieces.map((chunk) => chunk.text).join(""), long);
  const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  for (const piece of pieces) assert.ok(!loneSurrogate.test(piece.text), "lone surrogate in a piece");
  assertInvariants(text, null, chunks, 40);
});

test("without an outline the file becomes overlapping windows within the budget", () => {
  const text = Array.from({ length: 50 }, (_, index) => `line ${index}`).join("\n");
  const chunks = plan(text, null, 100, 3);
  for (let index = 1; index < chunks.length; index++) {
    assert.equal(chunks[index]!.startLine, chunks[index - 1]!.endLine - 2);
  }
  assertInvariants(text, null, chunks, 100);
});

test("blank, whitespace-only and empty texts give no chunks", () => {
  for (const text of ["", "\n\n", "   \n\t\n", "\r\n\r\n"]) {
    assert.deepEqual(plan(text, null, 100), []);
    assert.deepEqual(plan(text, { definitions: [], blocks: [] }, 100), []);
  }
});

test("CRLF line endings: lines are the same as with LF and no CR reaches the chunk text", () => {
  const crlf = classSource.replaceAll("\n", "\r\n");
  const chunks = plan(crlf, classOutline, 90);
  assert.deepEqual(chunks, plan(classSource, classOutline, 90));
  for (const chunk of chunks) assert.ok(!chunk.text.includes("\r"));
});

test("a header too long for half the budget is shortened; too small a budget is refused", () => {
  const chunks = planChunks(
    { path: `${"deep/".repeat(40)}file.ts`, language: "typescript", text: "a();\nb();", outline: null },
    { maxTokens: 60, countTokens: countCharacters },
  );
  assert.ok(chunks.length > 0);
  for (const chunk of chunks) {
    assert.ok(chunk.header.length <= 30 && chunk.header.endsWith("…"));
    assert.ok(chunkEmbeddingText(chunk).length <= 60);
  }
  assert.throws(() => plan("a", null, 3), RangeError);
  assert.throws(() => plan("a", null, 100, -1), RangeError);
});

test("definitions sharing a line travel together", () => {
  const text = ["function a() { return 1 } function b() { return 2 }", "rest();"].join("\n");
  const outline: PlanOutline = {
    definitions: [definition("a", "function", 0, 0), definition("b", "function", 0, 0)],
    blocks: [],
  };
  const chunks = plan(text, outline, 200);
  assert.deepEqual(
    chunks[0]!.symbols.map((symbol) => symbol.name),
    ["a", "b"],
  );
  assertInvariants(text, outline, chunks, 200);
});

test("a token counter other than characters is honoured exactly", () => {
  const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;
  const text = Array.from({ length: 40 }, (_, index) => `word${index} another${index} third${index}`).join(
    "\n",
  );
  const chunks = planChunks(
    { path: "w.txt", language: "plaintext", text, outline: null },
    { maxTokens: 20, countTokens: countWords },
  );
  for (const chunk of chunks) assert.ok(countWords(chunkEmbeddingText(chunk)) <= 20);
  assert.ok(chunks.length >= 8);
});

/** Small deterministic PRNG so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

test("randomized outlines keep every invariant (budget, coverage, order, one owner per symbol)", () => {
  for (let seed = 1; seed <= 200; seed++) {
    const next = random(seed);
    const lineCount = 1 + Math.floor(next() * 80);
    const lines = Array.from({ length: lineCount }, (_, index) => {
      const roll = next();
      if (roll < 0.15) return "";
      if (roll < 0.2) return "z".repeat(Math.floor(next() * 200));
      return `${" ".repeat(Math.floor(next() * 6))}stmt${index}(${"a".repeat(Math.floor(next() * 40))});`;
    });
    const definitions: PlannedDefinition[] = [];
    const blocks: LineRange[] = [];
    const addDefinitions = (start: number, end: number, parent: number, depth: number) => {
      let line = start;
      while (line <= end && depth < 4) {
        const begin = line + Math.floor(next() * 5);
        const finish = Math.min(end, begin + Math.floor(next() * 25));
        if (begin > finish) break;
        const index = definitions.length;
        definitions.push({
          name: `d${index}`,
          kind: next() < 0.5 ? "class" : "function",
          startLine: begin,
          endLine: finish,
          nameLine: Math.min(finish, begin + (next() < 0.3 ? 1 : 0)),
          parent,
        });
        if (finish > begin + 2 && next() < 0.5) addDefinitions(begin + 1, finish - 1, index, depth + 1);
        line = finish + (next() < 0.2 ? 0 : 1);
      }
    };
    addDefinitions(0, lineCount - 1, -1, 0);
    // A definition's name is never on a blank line.
    for (const { nameLine } of definitions)
      if (lines[nameLine]!.trim() === "") lines[nameLine] = `name${nameLine}`;
    const text = lines.join(next() < 0.3 ? "\r\n" : "\n");
    for (let count = Math.floor(next() * 6); count > 0; count--) {
      const begin = Math.floor(next() * lineCount);
      blocks.push({ startLine: begin, endLine: Math.min(lineCount - 1, begin + Math.floor(next() * 10)) });
    }
    const outline = next() < 0.15 ? null : { definitions, blocks };
    const maxTokens = 40 + Math.floor(next() * 400);
    const chunks = plan(text, outline, maxTokens, Math.floor(next() * 4));
    assertInvariants(text, outline, chunks, maxTokens);
  }
});
