/** Tests for the adaptive debounce formula and its tracker. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { DebounceTracker, debounceDelay, defaultDebounceConfig } from "./debounce";

test("with no samples the delay is 1.5 × the default gap", () => {
  assert.equal(debounceDelay({ keystrokeIntervalsMs: [], modelLatenciesMs: [] }), 180);
});

test("typing speed sets the base, half the model latency is credited", () => {
  // k = 150, L = 200: 1.5 × 150 − 0.5 × 200 = 125.
  assert.equal(debounceDelay({ keystrokeIntervalsMs: [140, 150, 160], modelLatenciesMs: [200] }), 125);
  // A fast typist with a fast model: 1.5 × 80 − 0.5 × 100 = 70.
  assert.equal(
    debounceDelay({ keystrokeIntervalsMs: [80, 80, 80, 80], modelLatenciesMs: [90, 100, 110] }),
    70,
  );
  // A slow model starts at once: 1.5 × 150 − 0.5 × 600 < 0.
  assert.equal(debounceDelay({ keystrokeIntervalsMs: [150, 150, 150], modelLatenciesMs: [600] }), 0);
});

test("pauses are not typing speed, and the delay never exceeds the maximum", () => {
  assert.equal(
    debounceDelay({ keystrokeIntervalsMs: [100, 5000, 100, 100, 9000], modelLatenciesMs: [] }),
    150,
  );
  assert.equal(debounceDelay({ keystrokeIntervalsMs: [900, 900, 900], modelLatenciesMs: [] }), 300);
});

test("rejections lengthen the delay and acceptances shorten it", () => {
  const base = { keystrokeIntervalsMs: [100, 100, 100], modelLatenciesMs: [] };
  assert.equal(debounceDelay({ ...base, outcomes: [false, false, false, false] }), 188);
  assert.equal(debounceDelay({ ...base, outcomes: [true, true, true, true] }), 113);
  assert.equal(debounceDelay({ ...base, outcomes: [true, false] }), 150, "too few outcomes count as neutral");
});

test("the configured bounds hold", () => {
  const config = { ...defaultDebounceConfig, minMs: 40, maxMs: 100 };
  assert.equal(debounceDelay({ keystrokeIntervalsMs: [], modelLatenciesMs: [1000] }, config), 40);
  assert.equal(debounceDelay({ keystrokeIntervalsMs: [], modelLatenciesMs: [] }, config), 100);
});

test("the tracker records gaps between keystrokes, latencies and outcomes, keeping a window", () => {
  const tracker = new DebounceTracker({ ...defaultDebounceConfig, window: 3 });
  for (const at of [1000, 1100, 1220, 1300, 1400]) tracker.keystroke(at);
  tracker.modelLatency(100);
  tracker.outcome(true);
  assert.deepEqual(tracker.samples(), {
    keystrokeIntervalsMs: [120, 80, 100],
    modelLatenciesMs: [100],
    outcomes: [true],
  });
  // k = 100, L = 100: 150 − 50 = 100.
  assert.equal(tracker.delay(), 100);
});
