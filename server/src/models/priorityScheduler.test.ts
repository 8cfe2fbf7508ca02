/** The scheduler's ordering rules, with plain async tasks (the engine tests repeat this with real models). */

import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { GenerationAbortedError } from "./modelErrors";
import { PriorityScheduler } from "./priorityScheduler";

test("an interactive request waits only for the running background batch, then runs before the next", async () => {
  const scheduler = new PriorityScheduler();
  const events: string[] = [];
  const batch = (name: string) =>
    scheduler.run("background", undefined, async () => {
      events.push(`${name} start`);
      await sleep(30);
      events.push(`${name} end`);
    });
  const batches = [batch("b1"), batch("b2"), batch("b3")];
  await sleep(5);
  const interactive = scheduler.run("interactive", undefined, async () => {
    events.push("i start");
    await sleep(5);
    events.push("i end");
  });
  await Promise.all([...batches, interactive]);
  assert.deepEqual(events, [
    "b1 start",
    "b1 end",
    "i start",
    "i end",
    "b2 start",
    "b2 end",
    "b3 start",
    "b3 end",
  ]);
  const { queuedMs } = await interactive;
  assert.ok(queuedMs < 30, `waited ${queuedMs} ms, more than one batch`);
});

test("interactive requests do not wait for each other", async () => {
  const scheduler = new PriorityScheduler();
  let running = 0;
  let most = 0;
  const request = () =>
    scheduler.run("interactive", undefined, async () => {
      most = Math.max(most, ++running);
      await sleep(10);
      running--;
    });
  await Promise.all([request(), request(), request()]);
  assert.equal(most, 3);
});

test("a background task that yields between steps lets an interactive request in", async () => {
  const scheduler = new PriorityScheduler();
  const events: string[] = [];
  const background = scheduler.run("background", undefined, async (control) => {
    for (let step = 0; step < 5; step++) {
      events.push(`step ${step}`);
      await sleep(10);
      await control.yieldToInteractive();
    }
  });
  await sleep(15);
  const interactive = scheduler.run("interactive", undefined, async () => {
    events.push("interactive");
  });
  await Promise.all([background, interactive]);
  assert.equal(events.indexOf("interactive"), 2, events.join(", "));
});

test("background work waits while interactive work runs", async () => {
  const scheduler = new PriorityScheduler();
  const events: string[] = [];
  const interactive = scheduler.run("interactive", undefined, async () => {
    await sleep(20);
    events.push("interactive");
  });
  const background = scheduler.run("background", undefined, async () => {
    events.push("background");
  });
  await Promise.all([interactive, background]);
  assert.deepEqual(events, ["interactive", "background"]);
});

test("a cancelled waiter leaves the queue and the rest still run", async () => {
  const scheduler = new PriorityScheduler();
  const controller = new AbortController();
  const first = scheduler.run("background", undefined, () => sleep(20));
  const cancelled = scheduler.run("background", controller.signal, async () => "ran");
  const third = scheduler.run("background", undefined, async () => "third");
  controller.abort();
  await assert.rejects(cancelled, GenerationAbortedError);
  await first;
  assert.equal((await third).value, "third");
  assert.deepEqual(scheduler.state, {
    interactiveRunning: 0,
    interactiveWaiting: 0,
    backgroundRunning: false,
    backgroundWaiting: 0,
  });
});

test("a failing task releases its turn", async () => {
  const scheduler = new PriorityScheduler();
  await assert.rejects(
    scheduler.run("background", undefined, async () => {
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.equal((await scheduler.run("background", undefined, async () => 1)).value, 1);
});
