/** Review eval cases on real parses: planted bugs land in the function, clean controls keep behaviour. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { seededRandom } from "../base/numbers";
import { bugKinds, extractSites } from "../review/candidateSites";
import { createParserBackend } from "../syntax/createParserBackend";
import { bugCase, caseFunctions, plantBug, reformatFunction, renameParameter } from "./reviewCases";

const parser = createParserBackend();

const python = `class Cache:
    def put(self, key, value, limit):
        if key in self.items and len(self.items) >= limit:
            self.evict(key, limit - 1)
        self.items[key] = value
        self.log(key=key, note="key stored")
        return len(self.items) < limit
`;

const javascript = `export async function save(store, record, attempts) {
  for (let tries = 0; tries < attempts; tries++) {
    const ok = await store.write(record, tries);
    if (!ok) continue;
    await store.flush(record.id);
    return { record, tries };
  }
  return null;
}
`;

test("each kind is planted inside a function, on the line the case reports", async () => {
  const tree = await parser.parse("javascript", javascript);
  const extracted = extractSites(tree);
  const [span] = caseFunctions(extracted);
  const random = seededRandom(3);
  const planted = [];
  for (const kind of bugKinds) {
    const edit = plantBug(kind, javascript, extracted, span!, random);
    if (!edit) continue;
    const reviewCase = bugCase(
      kind,
      kind,
      { path: "save.js", language: "javascript", text: javascript },
      span!,
      edit,
    );
    assert.notEqual(reviewCase.file.text, javascript);
    assert.ok(edit.start >= span!.start && edit.end <= span!.end);
    const changedLine = reviewCase.file.text
      .split("\n")
      .findIndex((line, index) => line !== javascript.split("\n")[index]);
    assert.equal(reviewCase.bugLine, changedLine + 1, kind);
    assert.deepEqual(reviewCase.file.regions, [{ startLine: 1, endLine: 9 }]);
    planted.push(kind);
  }
  assert.deepEqual(planted, [...bugKinds]);
});

test("a renamed parameter changes every variable use and nothing else", async () => {
  const tree = await parser.parse("python", python);
  const [put] = extractSites(tree).functions;
  const renamed = renameParameter(tree, put!, () => 0)!;
  // `key` is also a keyword argument name (key=key) and sits in a string, so it is not chosen; `value` is.
  assert.ok(renamed.includes("def put(self, key, value_value, limit):"));
  assert.ok(renamed.includes("self.items[key] = value_value"));
  assert.equal(renamed.replace(/value_value/g, "value"), python);
});

test("a parameter that also appears in a string or as a property is never renamed", async () => {
  const text = 'function f(name, other) {\n  log("name", this.name, other);\n  return name;\n}\n';
  const tree = await parser.parse("javascript", text);
  const [span] = extractSites(tree).functions;
  const renamed = renameParameter(tree, span!, () => 0)!;
  assert.equal(renamed, text.replace(/other/g, "otherValue"));
});

test("reformatting changes layout only: every site keeps its features", async () => {
  for (const [language, text] of [
    ["python", python],
    ["javascript", javascript],
  ] as const) {
    const tree = await parser.parse(language, text);
    const extracted = extractSites(tree);
    const span = caseFunctions(extracted).at(-1)!;
    const reformatted = reformatFunction(text, extracted, span)!;
    assert.notEqual(reformatted, text);
    assert.equal(reformatted.replace(/\s+/g, ""), text.replace(/\s+/g, ""));
    const again = extractSites(await parser.parse(language, reformatted));
    const signature = (sites: typeof extracted.sites) =>
      sites.map((site) => JSON.stringify([site.kind, site.tokens, site.numbers])).sort();
    assert.deepEqual(signature(again.sites), signature(extracted.sites), language);
  }
});
