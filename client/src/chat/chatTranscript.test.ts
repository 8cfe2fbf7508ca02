/** Tests for the chat view's conversation state: streaming, final answers, failures, Regenerate, history. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChatResult } from "../../../server/src/protocol/chat";
import { ChatTranscript } from "./chatTranscript";

function result(overrides: Partial<ChatResult> = {}): ChatResult {
  return {
    conversationId: "c1",
    turnId: "t1",
    answer: "It is in pkg/geometry.py:18-20.",
    citations: [
      {
        path: "pkg/geometry.py",
        uri: "file:///ws/pkg/geometry.py",
        startLine: 18,
        endLine: 20,
        start: 9,
        end: 30,
      },
    ],
    removedCitations: 1,
    contextUsed: [{ kind: "retrieved", path: "pkg/geometry.py", startLine: 18, endLine: 20, tokens: 40 }],
    leftOut: [],
    notes: [],
    warnings: [],
    stopReason: "finished",
    model: "hearth-chat-tiny",
    timings: {
      timeToFirstTokenMs: 12,
      totalMs: 80,
      promptTokens: 300,
      reusedPromptTokens: 0,
      generatedTokens: 20,
    },
    ...overrides,
  };
}

test("a turn streams through deltas of its own client id, then takes the validated answer", () => {
  const transcript = new ChatTranscript();
  assert.ok(transcript.ask("where is distance?", "a"));
  assert.equal(transcript.busy, true);
  assert.equal(transcript.ask("another", "b"), undefined, "one answer at a time");
  assert.equal(
    transcript.delta({ conversationId: "c1", turnId: "t1", clientTurnId: "other", text: "x" }),
    undefined,
  );
  assert.equal(transcript.delta({ conversationId: "c1", turnId: "t1", text: "no client id" }), undefined);
  const streamed = transcript.delta({
    conversationId: "c1",
    turnId: "t1",
    clientTurnId: "a",
    text: "It is in pkg",
  });
  assert.equal(streamed?.text, "It is in pkg");
  assert.equal(transcript.conversationId, "c1");
  const done = transcript.finish("a", result());
  assert.equal(done?.state, "done");
  assert.equal(done?.text, "It is in pkg/geometry.py:18-20.");
  assert.equal(done?.answerId, "t1");
  assert.equal(done?.citations.length, 1);
  assert.equal(transcript.busy, false);
  assert.equal(
    transcript.delta({ conversationId: "c1", turnId: "t1", clientTurnId: "a", text: "late" }),
    undefined,
    "a delta after the answer changes nothing",
  );
});

test("a failure keeps the streamed text and frees the view; a late answer is ignored", () => {
  const transcript = new ChatTranscript();
  transcript.ask("q", "a");
  transcript.delta({ conversationId: "c1", turnId: "t1", clientTurnId: "a", text: "partial" });
  const failed = transcript.fail("a", "Hearth's language server is not running.");
  assert.equal(failed?.state, "failed");
  assert.equal(failed?.text, "partial");
  assert.equal(transcript.busy, false);
  assert.equal(transcript.finish("a", result()), undefined);
});

test("Regenerate replaces the last answer in place and names the answer it replaces", () => {
  const transcript = new ChatTranscript();
  transcript.ask("first", "a");
  transcript.finish("a", result());
  transcript.ask("second", "b");
  transcript.finish("b", result({ turnId: "t2" }));
  assert.equal(transcript.regenerate("a", "x"), undefined, "only the last turn");
  assert.deepEqual(transcript.regenerate("b", "c"), { question: "second", replacedAnswerId: "t2" });
  const state = transcript.snapshot();
  assert.deepEqual(
    state.turns.map((turn) => [turn.id, turn.question, turn.state, turn.text]),
    [
      ["a", "first", "done", "It is in pkg/geometry.py:18-20."],
      ["c", "second", "streaming", ""],
    ],
  );
  assert.equal(state.busy, true);
});

test("ratings need a finished answer; history loads stored turns; New chat clears", () => {
  const transcript = new ChatTranscript();
  transcript.ask("q", "a");
  assert.equal(transcript.rate("a", "up"), undefined);
  transcript.finish("a", result());
  assert.equal(transcript.rate("a", "down"), "t1");
  assert.equal(transcript.turn("a")?.rating, "down");

  transcript.load("c9", [
    {
      turnId: "s1",
      at: 1,
      question: "old question",
      answer: "old answer",
      citations: [],
      contextUsed: [],
      warnings: [],
    },
  ]);
  const state = transcript.snapshot();
  assert.equal(state.conversationId, "c9");
  assert.deepEqual(
    state.turns.map((turn) => [turn.id, turn.answerId, turn.state, turn.fromHistory]),
    [["s1", "s1", "done", true]],
  );
  transcript.clear();
  assert.deepEqual(transcript.snapshot(), { turns: [], busy: false });
});
