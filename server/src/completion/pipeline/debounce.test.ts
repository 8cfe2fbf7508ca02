/** Tests for the adaptive debounce formula and its tracker. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { DebounceTracker, debounceDelay, defaultDebounceConfig, keystrokeTiming } from "./debounce";

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
    cutOff: [false],
    outcomes: [true],
  });
  // k = 100, L = 100: 150 − 50 = 100.
  assert.equal(tracker.delay(), 100);
});

test("a model that answers within the user's shorter typing gaps starts at once; the pause still comes at the delay", () => {
  // Gaps 100..200 (25th percentile 120), median latency 60: the answer is usually ready before the next key.
  const samples = { keystrokeIntervalsMs: [100, 120, 150, 180, 200], modelLatenciesMs: [50, 60, 70] };
  assert.deepEqual(keystrokeTiming(samples), { startMs: 0, pauseMs: debounceDelay(samples) });
});

test("a model slower than the user's typing, or not measured yet, waits for the pause as before", () => {
  const slow = { keystrokeIntervalsMs: [100, 120, 150, 180, 200], modelLatenciesMs: [130, 140, 150] };
  assert.equal(keystrokeTiming(slow).startMs, debounceDelay(slow));
  const unmeasured = { keystrokeIntervalsMs: [100, 120, 150], modelLatenciesMs: [50, 60] };
  assert.equal(keystrokeTiming(unmeasured).startMs, debounceDelay(unmeasured));
  const fast = { keystrokeIntervalsMs: [100, 120, 150, 180, 200], modelLatenciesMs: [50, 60, 70] };
  assert.equal(
    keystrokeTiming(fast, { ...defaultDebounceConfig, earlyStart: false }).startMs,
    debounceDelay(fast),
    "early start turned off",
  );
});

test("generations the next keystroke cut off after a short gap's time count as too slow", () => {
  // Short gap (25th percentile): 120 ms. Three finished in 50..70 ms, three cut off after 130..150 ms.
  const gaps = [100, 120, 150, 180, 200];
  const samples = (latencies: number[]) => ({
    keystrokeIntervalsMs: gaps,
    modelLatenciesMs: latencies,
    cutOff: [false, false, false, true, true, true],
  });
  const tooSlow = samples([50, 60, 70, 130, 140, 150]);
  assert.equal(keystrokeTiming(tooSlow).startMs, debounceDelay(tooSlow));
  // Cut off sooner (the debounce left them 10..30 ms): no evidence against the model, which starts early.
  assert.equal(keystrokeTiming(samples([50, 60, 70, 10, 20, 30])).startMs, 0);
});
