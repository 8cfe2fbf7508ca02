/** Batching of file events: quiet-time batches, a bound on the wait during a stream, one update at a time. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { type Timers, UpdateBatcher } from "./updateBatcher";

/** A clock the test moves by hand; timers fire in time order as it moves. */
function manualTimers() {
  let now = 0;
  let timers: { at: number; callback: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: Timers = {
    now: () => now,
    setTimeout: (callback, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, callback, id });
      return id;
    },
    clearTimeout: (handle) => {
      timers = timers.filter((timer) => timer.id !== handle);
    },
  };
  const advance = async (ms: number) => {
    const until = now + ms;
    for (;;) {
      timers.sort((left, right) => left.at - right.at);
      const due = timers[0];
      if (!due || due.at > until) break;
      timers.shift();
      now = due.at;
      due.callback();
      await new Promise((resolve) => setImmediate(resolve));
    }
    now = until;
  };
  return { clock, advance };
}

test("events close together form one batch, sent once they stop for the quiet time", async () => {
  const { clock, advance } = manualTimers();
  const batches: string[][] = [];
  const batcher = new UpdateBatcher(
    { quietMs: 200, maxWaitMs: 1000 },
    async (paths) => void batches.push(paths),
    clock,
  );
  batcher.add(["a.py"]);
  await advance(100);
  batcher.add(["b.py", "a.py"]);
  assert.equal(batcher.waitingFiles, 2);
  await advance(199);
  assert.deepEqual(batches, []);
  await advance(1);
  assert.deepEqual(batches, [["a.py", "b.py"]]);
  assert.equal(batcher.waitingFiles, 0);
});

test("a steady stream of saves is flushed at least every maxWaitMs, not when it stops", async () => {
  const { clock, advance } = manualTimers();
  const flushedAt: number[] = [];
  const batcher = new UpdateBatcher(
    { quietMs: 200, maxWaitMs: 1000 },
    async () => void flushedAt.push(clock.now()),
    clock,
  );
  for (let save = 0; save < 50; save++) {
    batcher.add(["storm.py"]);
    await advance(100);
  }
  assert.deepEqual(flushedAt.slice(0, 4), [1000, 2000, 3000, 4000]);
});

test("one update at a time: events during an update wait for it, and it reports what it holds", async () => {
  const { clock, advance } = manualTimers();
  let finish: () => void = () => {};
  const batches: string[][] = [];
  const batcher = new UpdateBatcher(
    { quietMs: 200, maxWaitMs: 1000 },
    (paths) => {
      batches.push(paths);
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    },
    clock,
  );
  batcher.add(["a.py", "b.py"]);
  await advance(200);
  assert.equal(batcher.updatingFiles, 2);
  batcher.add(["c.py"]);
  await advance(5000);
  assert.deepEqual(batches, [["a.py", "b.py"]], "no second update while the first runs");
  assert.equal(batcher.waitingFiles, 1);
  finish();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(batcher.updatingFiles, 0);
  await advance(0);
  assert.deepEqual(batches, [["a.py", "b.py"], ["c.py"]], "waited past its bound already: sent at once");
});
