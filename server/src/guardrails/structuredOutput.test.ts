/** Tests for asking once more when structured output fails its schema, then failing clearly. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { generateValidated, parseJson, type Validation } from "./structuredOutput";

const findings = (output: string): Validation<{ file: string }[]> => {
  const parsed = parseJson(output);
  if (!parsed.ok) return parsed;
  return Array.isArray(parsed.value) && parsed.value.every((item) => typeof item?.file === "string")
    ? { ok: true, value: parsed.value }
    : { ok: false, error: "expected a list of {file}" };
};

test("a valid first answer is taken at once", async () => {
  const result = await generateValidated("findings", async () => '[{"file":"a.py"}]', findings);
  assert.deepEqual(result, { ok: true, value: [{ file: "a.py" }], attempts: 1 });
});

test("an invalid answer is retried once with the problem as a hint", async () => {
  const hints: (string | undefined)[] = [];
  const answers = ["not json", '```json\n[{"file":"b.ts"}]\n```'];
  const result = await generateValidated(
    "findings",
    async (hint) => {
      hints.push(hint);
      return answers.shift()!;
    },
    findings,
  );
  assert.deepEqual(result, { ok: true, value: [{ file: "b.ts" }], attempts: 2 });
  assert.equal(hints[0], undefined);
  assert.match(hints[1]!, /not valid: not JSON/);
});

test("two invalid answers give a clear error, not a stack trace", async () => {
  let calls = 0;
  const result = await generateValidated("review findings", async () => `[{"line": ${++calls}}]`, findings);
  assert.equal(result.ok, false);
  assert.equal(calls, 2);
  if (!result.ok) {
    assert.equal(result.error.name, "StructuredOutputError");
    assert.equal(
      result.error.message,
      "the model's review findings did not match the expected format after 2 tries: expected a list of {file}",
    );
    assert.equal(result.error.lastOutput, '[{"line": 2}]');
  }
});
