/** Tests for the restart-after-crash policy. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { CrashPolicy, maxRestarts, restartWindowMs } from "./crashPolicy";

test("restarts up to maxRestarts times in the window, then stops", () => {
  let now = 0;
  const policy = new CrashPolicy(() => now);
  for (let crash = 1; crash <= maxRestarts; crash++) {
    now += 1_000;
    assert.deepEqual(policy.recordCrash(), { restart: true, crashesInWindow: crash });
  }
  assert.deepEqual(policy.recordCrash(), { restart: false, crashesInWindow: maxRestarts + 1 });
});

test("crashes older than the window are forgotten", () => {
  let now = 0;
  const policy = new CrashPolicy(() => now);
  for (let crash = 0; crash < maxRestarts; crash++) policy.recordCrash();
  now += restartWindowMs + 1;
  assert.deepEqual(policy.recordCrash(), { restart: true, crashesInWindow: 1 });
});

test("reset forgets every crash", () => {
  const policy = new CrashPolicy(() => 0);
  for (let crash = 0; crash <= maxRestarts; crash++) policy.recordCrash();
  policy.reset();
  assert.equal(policy.recordCrash().restart, true);
});
