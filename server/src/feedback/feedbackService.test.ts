/**
 * Tests for the feedback service with a real SQLite file: storing events, the per-suggestion summary and
 * its precedence, statistics, retention, deleting everything, and the in-memory policy the completer reads.
 */

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { Logger } from "../base/logger";
import type { FeedbackEvent } from "../protocol";
import { FeedbackStore } from "../store/feedbackStore";
import { defaultFeedbackConfig, type FeedbackConfig } from "./feedbackConfig";
import { FeedbackService } from "./feedbackService";

const day = 86_400_000;
let sequence = 0;

function fresh(config: Partial<FeedbackConfig> = {}, now = () => Date.now()) {
  const folder = mkdtempSync(path.join(tmpdir(), "hearth-feedback-"));
  const databasePath = path.join(folder, "feedback.sqlite");
  const logged: string[] = [];
  const logger = new Logger("debug");
  logger.addSink((level, message) => logged.push(`${level}: ${message}`));
  const service = FeedbackService.open({
    databasePath,
    config: { ...defaultFeedbackConfig, ...config },
    logger,
    now,
    flushDelayMs: 60_000,
  });
  return { service, databasePath, folder, logged };
}

function base(subjectId: string, at = Date.now()) {
  return { eventId: `e${++sequence}`, at, subjectId };
}

function shown(subjectId: string, overrides: Record<string, unknown> = {}): FeedbackEvent {
  return {
    ...base(subjectId, (overrides.at as number | undefined) ?? Date.now()),
    surface: "inline",
    type: "shown",
    language: "python",
    trigger: "automatic",
    latencyMs: 250,
    chars: 12,
    lines: 1,
    facts: { model: "tiny-fim", template: "qwen", contextSources: ["retrieval"], source: "model" },
    text: "return a + b",
    ...overrides,
  } as FeedbackEvent;
}

const accepted = (subjectId: string, acceptedChars = 12): FeedbackEvent => ({
  ...base(subjectId),
  surface: "inline",
  type: "accepted",
  acceptedChars,
  partialAccepts: 0,
  elapsedMs: 400,
});

const rejected = (
  subjectId: string,
  reason: "typedOver" | "escape" | "cursorMoved" | "replaced",
  extra = {},
) =>
  ({
    ...base(subjectId),
    surface: "inline",
    type: "rejected",
    reason,
    acceptedChars: 0,
    typedChars: 0,
    elapsedMs: 300,
    ...extra,
  }) as FeedbackEvent;

const survival = (
  subjectId: string,
  checkpoint: "30s" | "2m" | "5m" | "10m",
  similarity: number,
  text?: string,
) =>
  ({
    ...base(subjectId),
    surface: "inline",
    type: "survival",
    checkpoint,
    similarity,
    acceptedChars: 12,
    currentChars: text?.length ?? 12,
    ...(text === undefined ? {} : { text }),
  }) as FeedbackEvent;

const activity = (language: string, requests: number, activeMs: number): FeedbackEvent => ({
  ...base("session-1"),
  surface: "editor",
  type: "activity",
  language,
  activeMs,
  edits: 10,
  typedChars: 40,
  requests,
});

test("events are stored once each, and the statistics follow them", () => {
  const { service, databasePath } = fresh();
  const context = {
    uri: "file:///m.py",
    path: "m.py",
    language: "python",
    prefix: "def add(a, b):\n    ",
    suffix: "\n",
  };
  service.answered("a", context, "return a + b");
  const batch = [
    shown("a"),
    accepted("a"),
    survival("a", "30s", 1, "return a + b"),
    survival("a", "2m", 0.8, "return a + b + 0"),
    shown("b", { language: "typescript", facts: { model: "tiny-fim", contextSources: [] } }),
    rejected("b", "escape"),
    shown("c"),
    {
      ...base("c"),
      surface: "inline",
      type: "partiallyAccepted",
      unit: "word",
      chars: 7,
      acceptedChars: 7,
      remainingChars: 5,
      elapsedMs: 100,
    },
    rejected("c", "typedOver", { acceptedChars: 7 }),
    shown("d", { latencyMs: 2500 }),
    activity("python", 8, 1_800_000),
    activity("typescript", 2, 1_800_000),
  ] as FeedbackEvent[];
  service.record(batch);
  service.record(batch); // resent: nothing new
  const stats = service.stats();
  assert.equal(stats.storedEvents, batch.length);
  assert.equal(stats.shown, 4);
  assert.equal(stats.accepted, 1);
  assert.equal(stats.partiallyAccepted, 1);
  assert.equal(stats.rejected, 1);
  assert.equal(stats.pending, 1);
  assert.equal(stats.acceptanceRate, 0.25);
  assert.equal(stats.anyAcceptanceRate, 0.5);
  assert.equal(stats.requests, 10);
  assert.equal(stats.shownRate, 0.4);
  assert.equal(stats.typingHours, 1);
  assert.equal(stats.acceptedCharsPerHour, 19);
  assert.equal(stats.partialAcceptEvents, 1);
  assert.equal(stats.rejectedBy.escape, 1);
  assert.deepEqual(Object.keys(stats.survival), ["30s", "2m", "5m", "10m"]);
  assert.equal(stats.survival["30s"].tracked, 1);
  assert.equal(stats.survival["2m"].meanSimilarity, 0.8);
  assert.equal(stats.survival["5m"].tracked, 0);
  assert.equal(stats.byLanguage.python?.shown, 3);
  assert.equal(stats.byLanguage.python?.requests, 8);
  assert.equal(stats.byLanguage.typescript?.acceptanceRate, 0);
  assert.equal(stats.byModel["tiny-fim"]?.shown, 4);
  assert.equal(stats.byContextSource.retrieval?.shown, 3);
  assert.equal(stats.byContextSource.none?.shown, 1);
  assert.equal(stats.latency.buckets.at(-2)?.shown, 1); // 2500 ms falls in 2000-3000
  assert.equal(stats.databasePath, databasePath);
  service.dispose();

  // The summary row keeps the final text and the prompt context for export.
  const store = FeedbackStore.open(databasePath, { readonly: true });
  const rows = [...store.exportRows()];
  const a = rows.find((row) => row.id === "a")!;
  assert.equal(a.finalText, "return a + b + 0");
  assert.equal(a.finalCheckpoint, "2m");
  assert.deepEqual(a.prompt, { path: "m.py", prefix: context.prefix, suffix: "\n" });
  assert.equal(rows.find((row) => row.id === "c")?.outcome, "partiallyAccepted");
  store.close();
});

test("a stronger outcome is never overwritten by a weaker one arriving later", () => {
  const { service, databasePath } = fresh();
  service.record([shown("x"), accepted("x"), rejected("x", "typedOver")]);
  service.record([shown("y"), rejected("y", "typedOver"), accepted("y")]);
  service.dispose();
  const store = FeedbackStore.open(databasePath, { readonly: true });
  const outcomes = Object.fromEntries([...store.suggestions()].map((row) => [row.id, row.outcome]));
  assert.deepEqual(outcomes, { x: "accepted", y: "accepted" });
  store.close();
});

test("malformed events are dropped and logged; chat and review events are kept in the log", () => {
  const { service, logged } = fresh();
  service.record([
    { eventId: "bad", surface: "inline", type: "shown" },
    { ...base("q"), surface: "inline", type: "launched" },
    { ...base("answer-1"), surface: "chat", type: "rated", rating: "up" },
    { ...base("finding-1"), surface: "review", type: "findingDismissed", reason: "false positive" },
  ]);
  assert.equal(service.stats().storedEvents, 2);
  assert.ok(logged.some((line) => line.includes("dropped 2 malformed")));
  service.dispose();
});

test("chat figures: answers by how they ended, code used, regenerations and each answer's latest rating", () => {
  const { service } = fresh();
  const answered = (subjectId: string, stopReason: string, timeToFirstTokenMs: number, totalMs: number) => ({
    ...base(subjectId),
    surface: "chat",
    type: "answered",
    stopReason,
    chars: 120,
    citations: 1,
    timeToFirstTokenMs,
    totalMs,
  });
  const action = (subjectId: string, type: string, chars?: number) => ({
    ...base(subjectId),
    surface: "chat",
    type,
    ...(chars === undefined ? {} : { chars }),
  });
  const rated = (subjectId: string, rating: string) => ({
    ...base(subjectId),
    surface: "chat",
    type: "rated",
    rating,
  });
  service.record([
    answered("t1", "finished", 100, 900),
    answered("t2", "finished", 300, 1500),
    answered("t3", "cancelled", 200, 400),
    answered("t4", "noModel", 0, 5),
    action("t1", "copied", 40),
    action("t1", "applied", 40),
    action("t2", "inserted", 12),
    action("t3", "regenerated"),
    rated("t1", "up"),
    rated("t2", "up"),
    rated("t2", "down"),
    { ...answered("t5", "finished", 1, 1), stopReason: "exploded" },
    action("t1", "copied", -1),
  ] as FeedbackEvent[]);
  const { chat } = service.stats();
  assert.deepEqual(chat, {
    answers: 4,
    byStopReason: { finished: 2, cancelled: 1, noModel: 1 },
    copies: 1,
    inserts: 1,
    applies: 1,
    regenerations: 1,
    usedAnswers: 2,
    usedRate: 0.5,
    thumbsUp: 1,
    thumbsDown: 1,
    medianTimeToFirstTokenMs: 100,
    medianAnswerMs: 900,
  });
  service.dispose();
});

test("retention deletes what is older than the configured days and beyond the event cap", () => {
  let now = Date.now();
  const { service, databasePath } = fresh({ retentionDays: 30, maxEvents: 1000 }, () => now);
  service.record([shown("old", { at: now - 40 * day }), shown("new", { at: now - 1 * day })]);
  service.dispose();
  now += 1;
  const reopened = FeedbackService.open({
    databasePath,
    config: { ...defaultFeedbackConfig, retentionDays: 30, maxEvents: 1000 },
    logger: new Logger("error"),
    now: () => now,
  });
  const stats = reopened.stats();
  assert.equal(stats.shown, 1);
  assert.equal(stats.storedEvents, 1);
  reopened.dispose();

  const store = FeedbackStore.open(databasePath, { readonly: false });
  store.append(Array.from({ length: 50 }, (_, index) => shown(`bulk-${index}`)));
  assert.equal(store.prune(0, 10), 41);
  assert.equal(store.eventCount(), 10);
  store.close();
});

test("delete all leaves no trace of the data in the file, its WAL or damaged copies", () => {
  const { service, databasePath, folder } = fresh();
  const marker = "SENTINEL_f00d_TEXT_THAT_MUST_GO";
  service.answered("z", { uri: "u", language: "python", prefix: marker, suffix: "" }, "x");
  service.record([shown("z", { text: marker }), survival("z", "30s", 1, marker)]);
  service.flush();
  writeFileSync(path.join(folder, "feedback.sqlite.damaged-1"), marker);
  const result = service.deleteAll();
  assert.equal(result.deletedEvents, 2);
  assert.equal(service.stats().storedEvents, 0);
  service.dispose();
  for (const entry of readdirSync(folder)) {
    const bytes = readFileSync(path.join(folder, entry));
    assert.ok(!bytes.includes(marker), `${entry} still holds the deleted text`);
  }
  assert.ok(existsSync(databasePath));
});

test("collection off: nothing is opened or stored", () => {
  const { service, databasePath } = fresh({ enabled: false });
  service.record([shown("n")]);
  assert.equal(service.stats().shown, 0);
  assert.equal(service.stats().enabled, false);
  service.dispose();
  assert.equal(existsSync(databasePath), false);
});

test("without kept context no code is stored", () => {
  const { service, databasePath } = fresh({ keepContext: false });
  service.answered("k", { uri: "u", language: "python", prefix: "secret code", suffix: "" }, "x");
  service.record([shown("k"), accepted("k"), survival("k", "30s", 1, "return a + b")]);
  service.dispose();
  const store = FeedbackStore.open(databasePath, { readonly: true });
  const [row] = [...store.exportRows()];
  assert.equal(row?.text, null);
  assert.equal(row?.finalText, null);
  assert.equal(row?.prompt, null);
  assert.ok(store.recentEvents(10).every((stored) => !("text" in stored.event)));
  store.close();
});

test("the gate: a rejected suggestion is not allowed again in its context; streaks pause automatic requests", () => {
  const { service } = fresh();
  const outcomes: boolean[] = [];
  service.onOutcome((acceptedOutcome) => outcomes.push(acceptedOutcome));
  const context = { uri: "file:///m.py", language: "python", prefix: "x = ", suffix: "\n" };
  service.answered("r1", context, "compute()");
  assert.equal(service.allowSuggestion(context, "compute()", Date.now()), true);
  service.record([shown("r1"), rejected("r1", "escape")]);
  assert.equal(service.allowSuggestion(context, "compute()", Date.now()), false);
  assert.equal(service.allowSuggestion(context, "other()", Date.now()), true);

  // Typed two characters of it, then rejected: the memory holds the context after them.
  service.answered("r2", context, "value + 1");
  service.record([shown("r2"), rejected("r2", "typedOver", { typedChars: 2, elapsedMs: 1_200 })]);
  assert.equal(service.allowSuggestion({ ...context, prefix: "x = va" }, "lue + 1", Date.now()), false);

  service.answered("r3", context, "z");
  service.record([shown("r3"), rejected("r3", "cursorMoved")]);
  assert.equal(service.allowRequest("automatic", Date.now()), false);
  assert.equal(service.allowRequest("invoked", Date.now()), true);
  service.record([shown("r4"), accepted("r4")]);
  assert.equal(service.allowRequest("automatic", Date.now()), true);
  assert.deepEqual(outcomes, [false, false, false, true]);
  service.dispose();
});

test("suggestions typed over within half a second of appearing were not read: they never pause requests", () => {
  const { service } = fresh();
  const outcomes: boolean[] = [];
  service.onOutcome((acceptedOutcome) => outcomes.push(acceptedOutcome));
  for (const id of ["g1", "g2", "g3", "g4", "g5"])
    service.record([shown(id), rejected(id, "typedOver", { elapsedMs: 120 })]);
  assert.equal(service.allowRequest("automatic", Date.now()), true);
  assert.deepEqual(outcomes, []);
  // Read, then typed over: three of those pause automatic requests.
  for (const id of ["r1", "r2", "r3"])
    service.record([shown(id), rejected(id, "typedOver", { elapsedMs: 900 })]);
  assert.equal(service.allowRequest("automatic", Date.now()), false);
  assert.deepEqual(outcomes, [false, false, false]);
  service.dispose();
});

test("a damaged database is kept aside and a new one started", () => {
  const folder = mkdtempSync(path.join(tmpdir(), "hearth-feedback-"));
  const databasePath = path.join(folder, "feedback.sqlite");
  writeFileSync(databasePath, "this is not a database ".repeat(100));
  const messages: string[] = [];
  const logger = new Logger("debug");
  logger.addSink((_level, message) => messages.push(message));
  const service = FeedbackService.open({ databasePath, config: defaultFeedbackConfig, logger });
  service.record([shown("after")]);
  assert.equal(service.stats().shown, 1);
  service.dispose();
  assert.ok(readdirSync(folder).some((entry) => entry.startsWith("feedback.sqlite.damaged-")));
  assert.ok(messages.some((message) => message.includes("damaged")));
});
