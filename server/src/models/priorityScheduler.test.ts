/**
 * The scheduler's ordering rules, with plain async tasks whose steps the test opens by hand (no timers, so
 * the order cannot depend on the machine's load). The engine test repeats the chat-versus-keystroke case
 * with real models.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { GenerationAbortedError } from "./modelErrors";
import { PriorityScheduler, type TaskControl } from "./priorityScheduler";

/** A promise the test resolves when it wants a task's step to end. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A task of `steps` steps, each ending when its gate opens, giving way between steps. */
function steppedTask(name: string, events: string[], gates: ReturnType<typeof gate>[]) {
  return async (control: TaskControl) => {
    for (const [index, step] of gates.entries()) {
      events.push(`${name} step ${index}`);
      await step.opened;
      await control.yieldToHigherPriority();
    }
    events.push(`${name} done`);
  };
}

test("a keystroke waits only for the running step of background work, then runs before the next step", async () => {
  const scheduler = new PriorityScheduler();
  const events: string[] = [];
  const steps = [gate(), gate(), gate()];
  const background = scheduler.run("background", undefined, steppedTask("background", events, steps));
  await settle();
  const keystroke = scheduler.run("interactive", undefined, async () => {
    events.push("keystroke");
  });
  await settle();
  assert.deepEqual(events, ["background step 0"], "the keystroke waits for the step in progress");
  steps[0]!.open();
  await keystroke;
  steps[1]!.open();
  steps[2]!.open();
  await background;
  assert.deepEqual(events, [
    "background step 0",
    "keystroke",
    "background step 1",
    "background step 2",
    "background done",
  ]);
});

test("a chat answer (user work) gives way to a keystroke at its next token and resumes after it", async () => {
  const scheduler = new PriorityScheduler();
  const events: string[] = [];
  const tokens = [gate(), gate(), gate()];
  const chat = scheduler.run("user", undefined, steppedTask("chat", events, tokens));
  await settle();
  const keystrokeStep = gate();
  const keystroke = scheduler.run("interactive", undefined, async () => {
    events.push("keystroke start");
    await keystrokeStep.opened;
    events.push("keystroke end");
  });
  tokens[0]!.open();
  await settle();
  assert.deepEqual(events, ["chat step 0", "keystroke start"], "the chat stopped after one token");
  tokens[1]!.open();
  await settle();
  assert.equal(events.includes("chat step 1"), false, "the chat waits while the keystroke runs");
  keystrokeStep.open();
  await keystroke;
  tokens[2]!.open();
  await chat;
  assert.deepEqual(events, [
    "chat step 0",
    "keystroke start",
    "keystroke end",
    "chat step 1",
    "chat step 2",
    "chat done",
  ]);
});

test("background work waits for user work, and user tasks run side by side", async () => {
  const scheduler = new PriorityScheduler();
  const events: string[] = [];
  const chatStep = gate();
  const reviewStep = gate();
  const chat = scheduler.run("user", undefined, async () => {
    events.push("chat");
    await chatStep.opened;
  });
  const review = scheduler.run("user", undefined, async () => {
    events.push("review");
    await reviewStep.opened;
  });
  const background = scheduler.run("background", undefined, async () => {
    events.push("background");
  });
  await settle();
  assert.deepEqual(events, ["chat", "review"]);
  chatStep.open();
  reviewStep.open();
  await Promise.all([chat, review, background]);
  assert.deepEqual(events, ["chat", "review", "background"]);
});

test("interactive requests do not wait for each other", async () => {
  const scheduler = new PriorityScheduler();
  const release = gate();
  let running = 0;
  let most = 0;
  const request = () =>
    scheduler.run("interactive", undefined, async () => {
      most = Math.max(most, ++running);
      await release.opened;
      running--;
    });
  const requests = [request(), request(), request()];
  await settle();
  release.open();
  await Promise.all(requests);
  assert.equal(most, 3);
});

test("a cancelled waiter leaves the queue and the rest still run", async () => {
  const scheduler = new PriorityScheduler();
  const controller = new AbortController();
  const firstStep = gate();
  const first = scheduler.run("background", undefined, () => firstStep.opened);
  const cancelled = scheduler.run("background", controller.signal, async () => "ran");
  const third = scheduler.run("background", undefined, async () => "third");
  controller.abort();
  await assert.rejects(cancelled, GenerationAbortedError);
  firstStep.open();
  await first;
  assert.equal((await third).value, "third");
  assert.deepEqual(scheduler.state, {
    running: { interactive: 0, user: 0, background: 0 },
    waiting: { interactive: 0, user: 0, background: 0 },
  });
});

test("a failing task releases its turn", async () => {
  const scheduler = new PriorityScheduler();
  await assert.rejects(
    scheduler.run("user", undefined, async () => {
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.equal((await scheduler.run("background", undefined, async () => 1)).value, 1);
});
