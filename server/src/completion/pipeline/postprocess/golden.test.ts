/**
 * Golden cases for the whole post-processing pipeline, one file each under
 * `test/fixtures/completion/postprocess/` (format in its README.md): a document with a `$0` cursor, what the
 * model generated, and the suggestion `finalize` must return. Each case also streams the completion a
 * character at a time and checks that stopping where the streaming filter stopped changes nothing.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parseCursor } from "../cursorMarker";
import { fimTemplate, isFimFamily } from "../fimTemplates";
import { decideMultilineAt } from "../multiline";
import { createFilterContext, createStreamingFilter, finalize } from "./index";

const directory = "test/fixtures/completion/postprocess";

interface GoldenCase {
  name: string;
  options: Record<string, string>;
  document: string;
  completion: string;
  expected: string | null;
}

function parseCase(name: string, source: string): GoldenCase {
  const options: Record<string, string> = {};
  const sections = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of source.replace(/\n$/, "").split("\n")) {
    const header = /^=== (document|completion|expected)(: null)?$/.exec(line);
    if (header) {
      current = header[2] ? null : [];
      sections.set(header[1]!, current ?? []);
      if (header[2]) sections.set("expectedNull", []);
      continue;
    }
    if (current) current.push(line);
    else if (!sections.size) {
      const option = /^# (\w+): (.*)$/.exec(line);
      if (option) options[option[1]!] = option[2]!;
    }
  }
  const section = (key: string) => {
    const lines = sections.get(key);
    if (!lines) throw new Error(`${name}: no "=== ${key}" section`);
    return lines.join("\n");
  };
  return {
    name,
    options,
    document: section("document"),
    completion: section("completion"),
    expected: sections.has("expectedNull") ? null : section("expected"),
  };
}

const cases = readdirSync(directory)
  .filter((file) => file.endsWith(".txt"))
  .sort()
  .map((file) => parseCase(file, readFileSync(path.join(directory, file), "utf8")));

test("the golden cases are there", () => {
  assert.ok(cases.length >= 15, `found ${cases.length}`);
});

for (const golden of cases) {
  test(`golden: ${golden.name}`, () => {
    const { text, offset } = parseCursor(golden.document);
    const language = golden.options.language ?? "typescript";
    const family = golden.options.family;
    if (family !== undefined && !isFimFamily(family)) throw new Error(`unknown family ${family}`);
    const multiline =
      golden.options.mode === undefined
        ? decideMultilineAt(text, offset, language).multiline
        : golden.options.mode === "multiline";
    const context = createFilterContext({
      text,
      offset,
      multiline,
      language,
      stop: family ? fimTemplate(family).stop : [],
    });
    const truncated = golden.options.truncated === "true";
    assert.equal(finalize(golden.completion, context, { truncated }), golden.expected);

    const filter = createStreamingFilter(context);
    let kept = golden.completion;
    for (let length = 1; length <= golden.completion.length; length++) {
      const decision = filter.push(golden.completion.slice(0, length));
      if (decision.stop) {
        kept = decision.text;
        break;
      }
    }
    const stoppedEarly = kept !== golden.completion;
    assert.equal(
      finalize(kept, context, { truncated: truncated && !stoppedEarly }),
      golden.expected,
      "streamed",
    );
  });
}
