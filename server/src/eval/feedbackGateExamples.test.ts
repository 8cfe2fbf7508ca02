/**
 * The learned gate learns from the user's own feedback: shown events carrying the gate's features pass the
 * feedback checks, are stored, and become examples labelled with the characters the user took, on a real
 * feedback database. Suggestions without features or without an answer yet are left out.
 */

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { gateFeatureNames } from "../completion/pipeline";
import { parseFeedbackEvents } from "../feedback";
import { FeedbackStore } from "../store/feedbackStore";
import { feedbackGateExamples } from "./feedbackGateExamples";

const features = gateFeatureNames.map((_, index) => index / 10);

function shown(id: string, withFeatures: boolean) {
  return {
    eventId: `${id}-shown`,
    at: 1_000,
    surface: "inline",
    subjectId: id,
    type: "shown",
    language: "python",
    trigger: "automatic",
    latencyMs: 120,
    chars: 10,
    lines: 1,
    facts: { model: "hearth-tiny-code", ...(withFeatures ? { gateFeatures: features } : {}) },
  };
}

test("shown suggestions with gate features become examples labelled with the characters the user took", () => {
  const folder = mkdtempSync(path.join(tmpdir(), "hearth-gate-feedback-"));
  try {
    const parsed = parseFeedbackEvents([
      shown("taken", true),
      {
        eventId: "taken-accepted",
        at: 2_000,
        surface: "inline",
        subjectId: "taken",
        type: "accepted",
        acceptedChars: 10,
        partialAccepts: 0,
        elapsedMs: 300,
      },
      shown("refused", true),
      {
        eventId: "refused-rejected",
        at: 2_000,
        surface: "inline",
        subjectId: "refused",
        type: "rejected",
        reason: "escape",
        acceptedChars: 0,
        typedChars: 0,
        elapsedMs: 300,
      },
      shown("pending", true),
      shown("plain", false),
      {
        eventId: "plain-accepted",
        at: 2_000,
        surface: "inline",
        subjectId: "plain",
        type: "accepted",
        acceptedChars: 10,
        partialAccepts: 0,
        elapsedMs: 300,
      },
      { ...shown("bad", true), eventId: "bad-shown", facts: { gateFeatures: ["x"] } },
    ]);
    assert.equal(parsed.invalid, 1, "features that are not numbers are refused");
    const file = path.join(folder, "feedback.sqlite");
    const store = FeedbackStore.open(file, { readonly: false });
    store.append(parsed.events as never);
    store.close();
    const examples = feedbackGateExamples(file).sort(
      (left, right) => right.acceptedChars - left.acceptedChars,
    );
    assert.deepEqual(examples, [
      { features, acceptedChars: 10 },
      { features, acceptedChars: 0 },
    ]);
    assert.deepEqual(feedbackGateExamples(path.join(folder, "missing.sqlite")), []);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
