/**
 * The learned pass with the shipped detector and real grammars: only sites in the reviewed regions are
 * scored; a flagged site becomes a finding whose evidence, fix and range are consistent with the file; a
 * planted swap of arguments whose parameter names give it away is found.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { createParserBackend } from "../syntax/createParserBackend";
import { bugKinds } from "./candidateSites";
import type { ReviewFile } from "./finding";
import { reviewWithDetector } from "./learnedPass";
import { LineIndex } from "./lineIndex";
import { loadBugDetector } from "./loadBugDetector";
import { applyFix } from "./verifyFindings";

const parser = createParserBackend();
const detector = loadBugDetector();
const everything = Object.fromEntries(bugKinds.map((kind) => [kind, 0]));
const nothing = Object.fromEntries(bugKinds.map((kind) => [kind, 1.01]));
const anyMargin = Object.fromEntries(bugKinds.map((kind) => [kind, -1]));

const text = `import shutil


def copy_tree(source_dir, target_dir, overwrite):
    if not overwrite and exists(target_dir):
        return 0
    count = 0
    for name in list_names(source_dir):
        count = count + 1
        copy_file(source_dir, target_dir, name)
    return count


def main(source_dir, target_dir):
    return copy_tree(target_dir, source_dir, False)
`;

const file: ReviewFile = { path: "tools/tree.py", language: "python", text };

test("every site of the reviewed regions, and only those, can become a finding", async () => {
  const whole = await reviewWithDetector([file], detector, parser, {
    thresholds: everything,
    margins: anyMargin,
  });
  assert.equal(
    whole.findings.length,
    whole.sitesScored,
    "every site has a repair, so every site is reported",
  );
  assert.ok(whole.sitesScored >= 6, `${whole.sitesScored} sites`);
  const lines = new LineIndex(text);
  for (const finding of whole.findings) {
    assert.equal(finding.source, "learned");
    assert.deepEqual(finding.evidence, lines.lines(finding.startLine, finding.endLine));
    assert.ok(finding.confidence >= 0 && finding.confidence <= 1);
    const fixed = applyFix(text, lines, finding.fix!);
    assert.notEqual(fixed, text, `${finding.category} at ${finding.startLine} changes the code`);
    assert.equal(fixed.split("\n").length, text.split("\n").length);
  }
  const region = await reviewWithDetector(
    [{ ...file, regions: [{ startLine: 14, endLine: 15 }] }],
    detector,
    parser,
    {
      thresholds: everything,
      margins: anyMargin,
    },
  );
  assert.ok(region.findings.length > 0);
  assert.ok(region.findings.every((finding) => finding.startLine >= 14));
  assert.ok(region.sitesScored < whole.sitesScored);
  const none = await reviewWithDetector([file], detector, parser, { thresholds: nothing });
  assert.deepEqual(none.findings, []);
});

test("a planted argument swap is flagged with the swap back as its fix", async () => {
  const result = await reviewWithDetector([file], detector, parser);
  const swap = result.findings.find((finding) => finding.category === "swapped-arguments");
  assert.ok(swap, JSON.stringify(result.findings, null, 2));
  assert.equal(swap.startLine, 15);
  assert.equal(swap.fix?.replacement, "    return copy_tree(source_dir, target_dir, False)");
});

test("files in languages the detector cannot read are reported, not reviewed", async () => {
  const result = await reviewWithDetector(
    [{ path: "main.go", language: "go", text: "package main\nfunc main() { copy(b, a) }\n" }],
    detector,
    parser,
  );
  assert.deepEqual(result.unsupported, ["main.go"]);
  assert.deepEqual(result.findings, []);
});
