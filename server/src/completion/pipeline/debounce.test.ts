/** Tests for the adaptive debounce formula and its tracker. */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DebounceTracker,
  debounceDelay,
  defaultDebounceConfig,
  insideWord,
  keystrokeTiming,
} from "./debounce";

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
  tracker.modelLatency(100, 1500);
  tracker.outcome(true);
  assert.deepEqual(tracker.samples(), {
    keystrokeIntervalsMs: [120, 80, 100],
    modelLatenciesMs: [100],
    outcomes: [true],
  });
  // k = 100, L = 100: 150 − 50 = 100.
  assert.equal(tracker.delay(), 100);
});

const typing = { keystrokeIntervalsMs: [100, 120, 150, 180, 200], modelLatenciesMs: [] };
const now = 100_000;
/** Latencies measured a second ago, for keystrokes after gaps of 100..200 ms (a typical one: 150). */
const shape = (latencies: number[], cutOff = latencies.map(() => false), atMs = now - 1_000) => ({
  typingGapsMs: [100, 120, 150, 180, 200],
  latencies: latencies.map((ms, index) => ({ ms, cutOff: cutOff[index]!, atMs })),
});
const pause = debounceDelay(typing);

test("a model that answers within the user's shorter typing gaps starts at once; the pause still comes at the delay", () => {
  // Median latency 60, typical gap 150: the answer is usually ready before the next key.
  assert.deepEqual(keystrokeTiming(typing, shape([50, 60, 70]), now), { startMs: 0, pauseMs: pause });
});

test("a model slower than the user's typing waits for the pause as before; so does every one with early start off", () => {
  assert.equal(keystrokeTiming(typing, shape([160, 170, 180]), now).startMs, pause);
  const off = { ...defaultDebounceConfig, earlyStart: false };
  assert.equal(keystrokeTiming(typing, shape([50, 60, 70]), now, off).startMs, pause);
  assert.equal(keystrokeTiming(typing, shape([]), now, off).startMs, pause);
});

test("generations the next keystroke cut off after a typical gap's time count as too slow", () => {
  const cutOff = [false, false, false, true, true, true];
  // Three finished in 50..70 ms, three cut off after 160..180 ms.
  assert.equal(keystrokeTiming(typing, shape([50, 60, 70, 160, 170, 180], cutOff), now).startMs, pause);
  // Cut off sooner (the debounce left them 10..30 ms): no evidence against the model, which starts early.
  assert.equal(keystrokeTiming(typing, shape([50, 60, 70, 10, 20, 30], cutOff), now).startMs, 0);
});

test("inside a word the model waits for the pause even where it keeps up; at a word's start it does not", () => {
  const inside = { insideWord: true };
  assert.equal(
    keystrokeTiming(typing, shape([50, 60, 70]), now, defaultDebounceConfig, inside).startMs,
    pause,
  );
  assert.equal(insideWord("total = coun"), true);
  assert.equal(insideWord("x = a"), false, "a word's first letter");
  assert.equal(insideWord("print(value, "), false);
  assert.equal(insideWord("größe"), true, "letters of any script");
  assert.equal(insideWord("return"), true);
  assert.equal(insideWord("return "), false);
});

test("without recent evidence a keystroke starts early to find out; a verdict a minute old is forgotten", () => {
  assert.equal(keystrokeTiming(typing, shape([]), now).startMs, 0, "nothing measured yet");
  assert.equal(keystrokeTiming(typing, shape([160, 170]), now).startMs, 0, "two are too few");
  const old = shape([160, 170, 180], undefined, now - 61_000);
  assert.equal(keystrokeTiming(typing, old, now).startMs, 0);
});

test("the tracker times each shape from its own gaps and latencies", () => {
  const tracker = new DebounceTracker();
  const between = { insideWord: false };
  // Single-line keystrokes 100 ms apart, each answered in 40 ms; a multi-line one after each line end, where
  // the model takes 300 ms but the user pauses 600 ms.
  let at = 0;
  for (let line = 0; line < 4; line++) {
    for (let key = 0; key < 5; key++) {
      at += 100;
      tracker.keystroke(at, false);
      tracker.modelLatency(40, at + 40);
    }
    at += 100;
    tracker.keystroke(at, true);
    tracker.modelLatency(300, at + 300, { multiline: true });
    at += 500;
  }
  at += 100;
  tracker.keystroke(at, false);
  assert.equal(tracker.timing(false, at, between).startMs, 0);
  assert.equal(
    tracker.timing(true, at, between).startMs,
    0,
    "300 ms fits in the pauses that follow a line's end",
  );
  for (let slow = 0; slow < 5; slow++) tracker.modelLatency(900, at, { multiline: true });
  assert.equal(tracker.timing(true, at, between).startMs, tracker.delay(), "slower than those pauses now");
  assert.equal(tracker.timing(false, at, between).startMs, 0, "single-line keystrokes are not affected");
});
