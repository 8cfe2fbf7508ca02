/** Tests for building SFT and preference datasets: selection, deduplication and secret scrubbing. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ExportRow } from "../store/feedbackStore";
import {
  buildDataset,
  defaultDatasetOptions,
  type PreferenceExample,
  type SftExample,
  toJsonl,
} from "./buildDataset";

let clock = 1_700_000_000_000;

function row(overrides: Partial<ExportRow>): ExportRow {
  clock += 1000;
  return {
    id: `s${clock}`,
    shownAt: clock,
    language: "python",
    trigger: "automatic",
    model: "tiny",
    template: "qwen",
    source: "model",
    contextSources: [],
    latencyMs: 100,
    chars: 10,
    outcome: "accepted",
    outcomeReason: null,
    acceptedChars: 10,
    partialAccepts: 0,
    survival: { "30s": 1, "2m": 1 },
    text: "return a + b",
    finalText: "return a + b",
    finalCheckpoint: "2m",
    userText: null,
    userTextSimilarity: null,
    prompt: { path: "math.py", prefix: "def add(a, b):\n    ", suffix: "\n" },
    ...overrides,
  };
}

const sft = { ...defaultDatasetOptions, format: "sft" as const };
const preference = { ...defaultDatasetOptions, format: "preference" as const };

test("sft keeps accepted suggestions that survived, with the user's final text", () => {
  const rows = [
    row({}),
    row({
      survival: { "30s": 1, "2m": 0.95 },
      finalText: "return a + b  # sum",
      prompt: { path: "b.py", prefix: "x", suffix: "" },
    }),
    row({ survival: { "30s": 0.4 }, finalText: "pass", prompt: { path: "c.py", prefix: "y", suffix: "" } }),
    row({ outcome: "rejected", outcomeReason: "escape" }),
    row({ survival: {} }),
  ];
  const { examples, summary } = buildDataset(rows, sft);
  assert.deepEqual(
    examples.map((example) => (example as SftExample).completion),
    ["return a + b", "return a + b  # sum"],
  );
  assert.equal(summary.written, 2);
  assert.equal(examples[0]!.prefix, "def add(a, b):\n    ");
});

test("duplicates are written once (the newest), whitespace differences included", () => {
  const rows = [
    row({ id: "old" }),
    row({
      id: "same-but-spaces",
      finalText: "return  a +  b",
      prompt: { path: "math.py", prefix: "def add(a, b):\n  ", suffix: "\n" },
    }),
    row({ id: "other", prompt: { path: "math.py", prefix: "def plus(a, b):\n    ", suffix: "\n" } }),
  ];
  const { examples, summary } = buildDataset(rows, sft);
  assert.deepEqual(examples.map((example) => example.id).sort(), ["other", "same-but-spaces"]);
  assert.equal(summary.duplicates, 1);
});

test("secrets in the prompt are masked; an example whose completion holds one is dropped", () => {
  const rows = [
    row({
      prompt: { path: "cfg.py", prefix: 'TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJ012345"\n', suffix: "" },
    }),
    row({
      finalText: 'password = "hunter2hunter2"',
      text: 'password = "hunter2hunter2"',
      prompt: { path: "cfg.py", prefix: "# config\n", suffix: "" },
    }),
  ];
  const { examples, summary } = buildDataset(rows, sft);
  assert.equal(examples.length, 1);
  assert.ok(!toJsonl(examples).includes("ghp_0123456789"), "the token must not reach the file");
  assert.ok(examples[0]!.prefix.includes("«redacted: github-token»"));
  assert.equal(summary.maskedSecrets, 1);
  assert.equal(summary.droppedForSecrets, 1);
});

test("a Bearer token in an ordinary source file reaches neither the sft nor the preference export", () => {
  // Issue 16 item 7: the old scrubber knew provider formats only, so an opaque token in a header went through.
  const bearer = "q8Zr2LmT5vXw9KpB3nYc7HdJ4sFg6QaE";
  const prompt = {
    path: "src/client.ts",
    prefix: `export async function fetchItems() {\n  const response = await fetch(url, {\n    headers: {\n      "Authorization": "Bearer ${bearer}",\n    },\n  });\n  `,
    suffix: "\n}\n",
  };
  const rows = [
    row({ text: "return response.json();", finalText: "return response.json();", prompt }),
    row({
      outcome: "rejected",
      outcomeReason: "typedOver",
      text: "return response.text();",
      userText: "return await response.json();",
      prompt,
    }),
  ];
  for (const options of [sft, preference]) {
    const { examples, summary } = buildDataset(rows, options);
    assert.equal(examples.length, 1, options.format);
    const file = toJsonl(examples);
    assert.ok(!file.includes(bearer), `${options.format} export holds the token`);
    assert.ok(file.includes("«redacted: authorization-header»"), file);
    assert.equal(summary.maskedSecrets, 1);
  }
});

test("preference pairs: edited after accept, and rejected then written differently", () => {
  const rows = [
    row({ id: "edited", survival: { "30s": 1, "2m": 0.6 }, finalText: "return sum([a, b])" }),
    row({
      id: "rejected",
      outcome: "rejected",
      outcomeReason: "typedOver",
      text: "return a - b",
      userText: "return b + a",
      prompt: { path: "r.py", prefix: "def f(a, b):\n    ", suffix: "" },
    }),
    row({ id: "unchanged" }),
    row({ id: "rejected-same", outcome: "rejected", outcomeReason: "escape", userText: "return a + b" }),
    row({ id: "ignored", outcome: "ignored", outcomeReason: "timeout", userText: "zzz" }),
  ];
  const { examples } = buildDataset(rows, preference);
  const pairs = examples as PreferenceExample[];
  assert.deepEqual(
    pairs.map((pair) => [pair.id, pair.kind, pair.chosen, pair.rejected]),
    [
      ["edited", "edited", "return sum([a, b])", "return a + b"],
      ["rejected", "replaced", "return b + a", "return a - b"],
    ],
  );
});

test("suggestions without stored context are counted, not exported", () => {
  const { examples, summary } = buildDataset([row({ prompt: null })], sft);
  assert.equal(examples.length, 0);
  assert.equal(summary.withoutContext, 1);
});

test("JSON Lines: one object per line", () => {
  const { examples } = buildDataset(
    [row({}), row({ prompt: { path: "z.py", prefix: "q", suffix: "" } })],
    sft,
  );
  const lines = toJsonl(examples).trimEnd().split("\n");
  assert.equal(lines.length, 2);
  for (const line of lines) assert.equal(typeof JSON.parse(line).completion, "string");
});
