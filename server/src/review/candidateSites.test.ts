/**
 * Site extraction on real tree-sitter grammars (native and wasm): which sites each language yields, their fixed
 * feature shapes, backend agreement, and that a seeded bug re-parses into a site of its kind (the property the
 * training dump relies on), with repairs whose derived features equal the re-extracted ones.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createParserBackend } from "../syntax/createParserBackend";
import type { LanguageId } from "../syntax/languages";
import { applyEdit, extentAfter, removeAwaitEdit, repairsOf, seedEdit } from "./bugEdits";
import { type CandidateSite, extractSites, layoutOf, layoutShape } from "./candidateSites";

const python = `import os

def copy_range(source, target, start, count):
    if not os.path.exists(source) or count <= 0:
        raise ValueError("nothing to copy")
    end = start + count
    while start < end:
        target.write(source.read(start, end - start))
        start += 1
    return end if end > 0 else None
`;

const javascript = `async function load(path, retries) {
  const data = await readFile(path, "utf8");
  if (!data || retries > 3) throw new Error("empty");
  writeLog(data, retries);
  await getClient().send(data);
  await flush();
  fetchAll(path).then(done);
  return save(data);
}
function plain() { notify(a, b); }
`;

const typescript = `export async function sync(store: Store, items: Item[]): Promise<number> {
  let written = 0;
  for (let index = 0; index < items.length; index++) {
    if (items[index] !== undefined) written = written + 1;
  }
  await store.commit(items, written);
  store.close();
  return written;
}
`;

const fixtures: [LanguageId, string][] = [
  ["python", python],
  ["javascript", javascript],
  ["typescript", typescript],
  ["tsx", typescript],
];

const parser = createParserBackend();

async function sitesOf(language: LanguageId, text: string, backend = parser) {
  const tree = await backend.parse(language, text);
  try {
    return extractSites(tree);
  } finally {
    tree.dispose();
  }
}

function describeSite(site: CandidateSite, text: string): string {
  return `${site.kind} ${JSON.stringify(text.slice(site.start, site.end))}`;
}

describe("candidate sites", () => {
  test("Python: calls, operations and conditions, no await sites", async () => {
    const { sites, awaitedCalls, functions } = await sitesOf("python", python);
    const described = sites.map((site) => describeSite(site, python));
    assert.ok(described.includes('swapped-arguments "source.read(start, end - start)"'));
    assert.ok(described.includes('off-by-one "count <= 0"'));
    assert.ok(described.includes('wrong-operator "start + count"'));
    assert.ok(described.includes('wrong-operand "start < end"'));
    assert.ok(described.includes('inverted-condition "not os.path.exists(source) or count <= 0"'));
    assert.ok(described.includes('inverted-condition "end > 0"'), "conditional expression");
    assert.equal(sites.filter((site) => site.kind === "missing-await").length, 0);
    assert.equal(awaitedCalls.length, 0);
    assert.deepEqual(
      functions.map((span) => [span.name, span.parameters]),
      [["copy_range", ["source", "target", "start", "count"]]],
    );
    const read = sites.find((site) => site.kind === "swapped-arguments" && site.tokens[0] === "read")!;
    assert.deepEqual(read.tokens.slice(0, 6), [
      "read",
      "source",
      "start",
      "expr:binary",
      "kind:name",
      "kind:binary",
    ]);
  });

  test("JS: missing-await candidates are un-awaited calls in async functions, not returned, then-ed or on an awaited chain", async () => {
    const { sites, awaitedCalls } = await sitesOf("javascript", javascript);
    const awaitSites = sites.filter((site) => site.kind === "missing-await").map((site) => site.tokens[0]);
    assert.deepEqual(awaitSites, ["writeLog"]);
    assert.deepEqual(
      awaitedCalls.map((call) => call.callee),
      ["readFile", "send", "flush"],
    );
    const condition = sites.find((site) => site.kind === "inverted-condition")!;
    assert.deepEqual(condition.tokens.slice(0, 6), [
      "stmt:if",
      "cond:||",
      "data",
      "expr:binary",
      "then:raise",
      "Error",
    ]);
  });

  test("every site has its layout's number of slots and numbers", async () => {
    for (const [language, text] of fixtures) {
      for (const site of (await sitesOf(language, text)).sites) {
        const shape = layoutShape[layoutOf[site.kind]];
        assert.equal(site.tokens.length, shape.slots, `${language} ${describeSite(site, text)}`);
        assert.equal(site.numbers.length, shape.numbers, `${language} ${describeSite(site, text)}`);
        assert.ok(site.numbers.every(Number.isFinite));
      }
    }
  });

  test("the native and wasm backends give identical sites", async () => {
    const wasm = createParserBackend({ backend: "wasm" });
    for (const [language, text] of fixtures) {
      assert.deepEqual(await sitesOf(language, text, wasm), await sitesOf(language, text), language);
    }
  });

  test("a seeded bug re-parses into a site of its kind where the seeding said it would be", async () => {
    const random = () => 0.3;
    let checked = 0;
    for (const [language, text] of fixtures) {
      const extracted = await sitesOf(language, text);
      for (const site of extracted.sites) {
        const edit = seedEdit(site, text, random);
        if (!edit) continue;
        const seeded = await sitesOf(language, applyEdit(text, edit));
        const at = extentAfter(site, edit);
        const found = seeded.sites.find(
          (other) => other.kind === site.kind && other.start === at.start && other.end === at.end,
        );
        assert.ok(
          found,
          `${language} ${describeSite(site, text)} -> ${applyEdit(text, edit).slice(at.start, at.end)}`,
        );
        checked++;
      }
      for (const call of extracted.awaitedCalls) {
        const edit = removeAwaitEdit(call);
        const at = extentAfter({ start: call.awaitStart, end: call.callEnd }, edit);
        const seeded = await sitesOf(language, applyEdit(text, edit));
        assert.ok(seeded.sites.some((other) => other.kind === "missing-await" && other.start === at.start));
        checked++;
      }
    }
    assert.ok(checked > 40, `${checked} seedings checked`);
  });

  test("a repair's derived features are the features of the repaired code", async () => {
    let checked = 0;
    for (const [language, text] of fixtures) {
      for (const site of (await sitesOf(language, text)).sites) {
        if (site.kind === "missing-await" || site.kind === "wrong-operand") continue;
        for (const repair of repairsOf(site, text)) {
          const repaired = await sitesOf(language, applyEdit(text, repair.edit));
          const at = extentAfter(site, repair.edit);
          const found = repaired.sites.find(
            (other) => other.kind === site.kind && other.start === at.start && other.end === at.end,
          );
          if (!found) continue; // an operator change that regroups the expression
          assert.deepEqual(
            { tokens: found.tokens, numbers: found.numbers },
            repair.features,
            `${language} ${describeSite(site, text)} -> ${repair.replacement}`,
          );
          checked++;
        }
      }
    }
    assert.ok(checked > 30, `${checked} repairs checked`);
  });

  test("languages without a detector give no sites", async () => {
    const tree = await parser.parse("go", "package main\nfunc main() { f(a, b) }\n");
    assert.deepEqual(extractSites(tree).sites, []);
  });
});
