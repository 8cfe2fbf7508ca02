/** Tests for the clean-up rule that cuts repetition loops. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { filterContextAt as at } from "./filterContext";
import { removeRepetitionLoops } from "./removeRepetitionLoops";

const anywhere = at("$0");

test("removeRepetitionLoops keeps the first occurrence of a line or block repeated three times", () => {
  assert.equal(removeRepetitionLoops("a\nb\nb\nb\nb", anywhere), "a\nb");
  assert.equal(
    removeRepetitionLoops("x = 1\ny = 2\nx = 1\ny = 2\nx = 1\ny = 2\nx = 1", anywhere),
    "x = 1\ny = 2",
  );
  assert.equal(
    removeRepetitionLoops("f()\ng()\nf()\ng()", anywhere),
    "f()\ng()\nf()\ng()",
    "twice is no loop",
  );
  assert.equal(removeRepetitionLoops("a\n\n\n\nb", anywhere), "a\n\n\n\nb", "blank lines are no loop");
  assert.equal(removeRepetitionLoops("      }\n    }\n  }\n}", anywhere), "      }\n    }\n  }\n}");
  assert.equal(removeRepetitionLoops("log(1)\nlog(1)\nlog(1)\nafter()", anywhere), "log(1)");
});
