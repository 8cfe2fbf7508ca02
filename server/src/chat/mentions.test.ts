/** Tests for parsing @-mentions out of chat questions. */

import assert from "node:assert/strict";
import test from "node:test";
import { parseMentions } from "./mentions";

test("explicit and bare mentions of files and symbols, and the keyword mentions", () => {
  assert.deepEqual(
    parseMentions(
      "What does @file:src/app.py do with @symbol:Cart and @utils/money.ts? See @selection, @diff.",
    ),
    {
      files: ["src/app.py", "utils/money.ts"],
      symbols: ["Cart"],
      selection: true,
      diff: true,
      recent: false,
    },
  );
  assert.deepEqual(parseMentions("compare @parse_header with @recent"), {
    files: [],
    symbols: ["parse_header"],
    selection: false,
    diff: false,
    recent: true,
  });
});

test("an e-mail address or a decorator is not a mention", () => {
  assert.deepEqual(parseMentions("mail me at dev@example.com; why is @dataclass slow?").files, []);
  assert.deepEqual(parseMentions("mail me at dev@example.com").symbols, []);
});
