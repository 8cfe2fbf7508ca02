/** Tests for the bounded pause of automatic suggestions after a run of rejections, and the rejection memory. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { AdaptiveTrigger, defaultAdaptiveTriggerOptions } from "./adaptiveTrigger";
import { RejectionMemory } from "./rejectionMemory";

test("three rejections in a row pause automatic requests for a second; invoked ones always pass", () => {
  const trigger = new AdaptiveTrigger();
  trigger.record("rejected", 0);
  trigger.record("rejected", 100);
  assert.equal(trigger.allows("automatic", 200), true);
  trigger.record("rejected", 200);
  assert.equal(trigger.allows("automatic", 300), false);
  assert.equal(trigger.allows("invoked", 300), true);
  assert.equal(trigger.allows("automatic", 1_200), true);
});

test("the pause doubles per further rejection and never exceeds the maximum", () => {
  const trigger = new AdaptiveTrigger();
  for (let index = 0; index < 20; index++) trigger.record("rejected", index);
  assert.equal(trigger.pauseRemainingMs(19), defaultAdaptiveTriggerOptions.maxPauseMs);
  assert.equal(trigger.allows("automatic", 19 + defaultAdaptiveTriggerOptions.maxPauseMs), true);
});

test("an accept ends the streak; neutral answers do not count; old streaks are forgotten", () => {
  const trigger = new AdaptiveTrigger();
  for (let index = 0; index < 5; index++) trigger.record("rejected", index);
  trigger.record("accepted", 10);
  assert.equal(trigger.allows("automatic", 11), true);
  trigger.record("neutral", 12);
  assert.equal(trigger.rejectionStreak, 0);
  trigger.record("rejected", 0);
  trigger.record("rejected", 1);
  trigger.record("rejected", 1 + defaultAdaptiveTriggerOptions.forgetAfterMs + 1);
  assert.equal(trigger.rejectionStreak, 1);
});

test("a rejected suggestion is remembered for its context only", () => {
  const memory = new RejectionMemory();
  const context = { uri: "file:///a.py", prefix: "def f():\n    ", suffix: "\n" };
  memory.reject(context, "return 1", 0);
  assert.equal(memory.isRejected(context, "return 1", 1), true);
  assert.equal(memory.isRejected(context, "return 2", 1), false);
  assert.equal(memory.isRejected({ ...context, prefix: "def g():\n    " }, "return 1", 1), false);
  assert.equal(memory.isRejected({ ...context, uri: "file:///b.py" }, "return 1", 1), false);
  // Only the tail of the prefix matters: an edit far above does not make it a new context.
  assert.equal(
    memory.isRejected({ ...context, prefix: `${"x".repeat(2000)}${context.prefix}` }, "return 1", 1),
    false,
  );
  const longPrefix = `${"y".repeat(2000)}def f():\n    `;
  memory.reject({ ...context, prefix: longPrefix }, "pass", 0);
  assert.equal(memory.isRejected({ ...context, prefix: `z${longPrefix}` }, "pass", 1), true);
});

test("the memory is bounded in size and time", () => {
  const memory = new RejectionMemory({ capacity: 3, ttlMs: 1000, prefixChars: 100, suffixChars: 100 });
  for (let index = 0; index < 5; index++)
    memory.reject({ uri: "u", prefix: `p${index}`, suffix: "" }, "t", 0);
  assert.equal(memory.size, 3);
  assert.equal(memory.isRejected({ uri: "u", prefix: "p0", suffix: "" }, "t", 1), false);
  assert.equal(memory.isRejected({ uri: "u", prefix: "p4", suffix: "" }, "t", 1), true);
  assert.equal(memory.isRejected({ uri: "u", prefix: "p4", suffix: "" }, "t", 2000), false);
});
