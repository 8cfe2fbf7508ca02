/** Tests for the clean-up rule that drops a line cut off by the token limit. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { dropUnfinishedLine } from "./dropUnfinishedLine";
import { filterContextAt as at } from "./filterContext";

const anywhere = at("$0");

test("dropUnfinishedLine drops the last line of several, never a single line", () => {
  assert.equal(dropUnfinishedLine("a = 1\nb = compu", anywhere), "a = 1");
  assert.equal(dropUnfinishedLine("compu", anywhere), "compu");
});
