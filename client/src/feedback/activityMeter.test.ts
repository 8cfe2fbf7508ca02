/** Tests for measuring typing time and completion answers per language. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { ActivityMeter } from "./activityMeter";

test("typing time is the sum of short gaps; pauses count nothing", () => {
  const meter = new ActivityMeter("session", 5_000);
  meter.edit("python", 1, 0);
  meter.edit("python", 1, 200);
  meter.edit("python", 1, 500);
  meter.edit("python", 1, 60_000); // after a pause
  meter.edit("typescript", 2, 60_300);
  meter.request("python");
  let id = 0;
  const events = meter.flush(61_000, () => `id${++id}`);
  assert.deepEqual(
    events.map((event) => [event.language, event.activeMs, event.edits, event.typedChars, event.requests]),
    [
      ["python", 500, 4, 4, 1],
      ["typescript", 300, 1, 2, 0],
    ],
  );
  assert.ok(
    events.every(
      (event) => event.surface === "editor" && event.type === "activity" && event.subjectId === "session",
    ),
  );
  assert.deepEqual(
    meter.flush(62_000, () => "x"),
    [],
  );
});
