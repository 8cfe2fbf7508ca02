/** Tests for deciding what the user did with inline suggestions, and for survival and user-text capture. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { FeedbackEvent } from "../../../server/src/protocol";
import {
  defaultTrackerConfig,
  linesFrom,
  type ShownSuggestion,
  SuggestionTracker,
} from "./suggestionTracker";
import type { OffsetEdit } from "./trackedRegion";

const uri = "file:///work/app.py";

/** A document, a tracker, and a clock, driven the way the VS Code glue drives them. */
class Session {
  text: string;
  now = 1_000_000;
  readonly events: FeedbackEvent[] = [];
  readonly tracker: SuggestionTracker;
  private ids = 0;

  constructor(text: string, config = defaultTrackerConfig) {
    this.text = text;
    this.tracker = new SuggestionTracker(
      config,
      (event) => this.events.push(event),
      () => `event-${++this.ids}`,
    );
  }

  show(id: string, suggestion: string, cursor = this.text.indexOf("|")): string {
    if (this.text.includes("|")) this.text = this.text.replace("|", "");
    const lineStart = this.text.lastIndexOf("\n", cursor - 1) + 1;
    const shown: ShownSuggestion = {
      id,
      documentKey: uri,
      language: "python",
      trigger: "automatic",
      anchor: cursor,
      text: suggestion,
      lineStart,
      lineLead: this.text.slice(lineStart, cursor),
      latencyMs: 123.4,
      facts: { model: "tiny", contextSources: ["retrieval"] },
    };
    return this.tracker.shown(shown, this.now);
  }

  edit(...edits: OffsetEdit[]): void {
    for (const edit of edits)
      this.text = this.text.slice(0, edit.offset) + edit.text + this.text.slice(edit.offset + edit.length);
    this.tracker.documentChanged(uri, edits, this.now);
  }

  insert(offset: number, text: string): void {
    this.edit({ offset, length: 0, text });
  }

  cursor(offset: number): void {
    this.tracker.selectionChanged(uri, [{ start: offset, end: offset }], this.now);
  }

  advance(ms: number): void {
    this.now += ms;
    this.tracker.tick(this.now, (key) => (key === uri ? this.text : undefined));
  }

  types(): string[] {
    return this.events.map((event) =>
      event.type === "rejected" || event.type === "ignored" ? `${event.type}:${event.reason}` : event.type,
    );
  }

  last<T extends FeedbackEvent["type"]>(type: T): Extract<FeedbackEvent, { type: T }> {
    const found = this.events.filter((event) => event.type === type).at(-1);
    assert.ok(found, `no ${type} event in ${this.types().join(", ")}`);
    return found as Extract<FeedbackEvent, { type: T }>;
  }
}

const source = "def total(items):\n    |\n\nprint(total([]))\n";

test("shown then Tab: accepted, then survival at every checkpoint despite edits above", () => {
  const session = new Session(source);
  const subject = session.show("s1", "return sum(items)");
  const anchor = session.text.indexOf("\n    ") + 5;
  session.insert(anchor, "return sum(items)"); // Tab inserts the whole suggestion in one edit
  session.cursor(anchor + "return sum(items)".length);
  assert.deepEqual(session.types(), ["shown", "accepted"]);
  assert.equal(session.last("accepted").subjectId, subject);
  assert.equal(session.last("accepted").acceptedChars, 17);
  const shown = session.last("shown");
  assert.equal(shown.language, "python");
  assert.equal(shown.latencyMs, 123);
  assert.deepEqual(shown.facts.contextSources, ["retrieval"]);

  session.insert(0, "import math\nimport os\n"); // lines above
  session.advance(30_000);
  assert.equal(session.last("survival").checkpoint, "30s");
  assert.equal(session.last("survival").similarity, 1);
  assert.equal(session.last("survival").text, "return sum(items)");

  // The user edits inside the accepted text: later checkpoints see it.
  const inside = session.text.indexOf("sum(items)") + 4;
  session.edit({ offset: inside, length: 5, text: "i.price for i in items" });
  session.insert(0, "# a comment above\n");
  session.advance(90_000);
  const at2m = session.last("survival");
  assert.equal(at2m.checkpoint, "2m");
  assert.equal(at2m.text, "return sum(i.price for i in items)");
  assert.ok(at2m.similarity < 0.7, `similarity ${at2m.similarity}`);
  session.advance(480_000);
  assert.deepEqual(
    session.events
      .filter((event) => event.type === "survival")
      .map((event) => (event as { checkpoint: string }).checkpoint),
    ["30s", "2m", "5m", "10m"],
  );
  assert.equal(session.tracker.snapshot().survivalWatches, 0);
});

test("partial accepts by word and line, then Tab: one partiallyAccepted per step and one accepted", () => {
  const session = new Session(source);
  session.show("s2", "result = compute(items)\n    return result");
  const anchor = session.text.indexOf("\n    ") + 5;
  session.tracker.partialAcceptIntent("word", session.now);
  session.insert(anchor, "result ");
  session.tracker.partialAcceptIntent("line", session.now);
  session.insert(anchor + 7, "= compute(items)\n");
  session.insert(anchor + 24, "    return result");
  assert.deepEqual(session.types(), ["shown", "partiallyAccepted", "partiallyAccepted", "accepted"]);
  const [word, line] = session.events.filter((event) => event.type === "partiallyAccepted") as Extract<
    FeedbackEvent,
    { type: "partiallyAccepted" }
  >[];
  assert.equal(word?.unit, "word");
  assert.equal(word?.chars, 7);
  assert.equal(line?.unit, "line");
  assert.equal(line?.acceptedChars, 24);
  assert.equal(session.last("accepted").partialAccepts, 2);
  session.advance(30_000);
  assert.equal(session.last("survival").similarity, 1);
  assert.equal(session.last("survival").text, "result = compute(items)\n    return result");
});

test("partial accept then typing something else: rejected with the accepted part, survival and user text", () => {
  const session = new Session(source);
  session.show("s3", "return sum(items)");
  const anchor = session.text.indexOf("\n    ") + 5;
  session.tracker.partialAcceptIntent("word", session.now);
  session.insert(anchor, "return ");
  session.insert(anchor + 7, "l"); // not what the suggestion has next
  assert.deepEqual(session.types(), ["shown", "partiallyAccepted", "rejected:typedOver"]);
  assert.equal(session.last("rejected").acceptedChars, 7);
  session.insert(anchor + 8, "en(items)");
  session.advance(120_000);
  assert.equal(session.last("survival").text, "return ");
  assert.equal(session.last("userText").text, "return len(items)");
  assert.ok(session.last("userText").similarity > 0.7);
});

test("typing the suggestion's next characters keeps it; a different one rejects it (typed over)", () => {
  const session = new Session(source);
  session.show("s4", "return sum(items)");
  const anchor = session.text.indexOf("\n    ") + 5;
  session.insert(anchor, "r");
  session.cursor(anchor + 1);
  session.insert(anchor + 1, "e");
  session.cursor(anchor + 2);
  assert.deepEqual(session.types(), ["shown"]);
  session.insert(anchor + 2, "s");
  assert.deepEqual(session.types(), ["shown", "rejected:typedOver"]);
  assert.equal(session.last("rejected").typedChars, 2);
});

test("a typed-ahead answer that continues the visible suggestion is not a new one", () => {
  const session = new Session(source);
  const first = session.show("s5", "return sum(items)");
  const anchor = session.text.indexOf("\n    ") + 5;
  session.insert(anchor, "r");
  const again = session.tracker.shown(
    {
      id: "s5-cache",
      documentKey: uri,
      language: "python",
      trigger: "automatic",
      anchor: anchor + 1,
      text: "eturn sum(items)",
      lineStart: anchor - 4,
      lineLead: "    r",
      latencyMs: 2,
      facts: { source: "cache" },
    },
    session.now,
  );
  assert.equal(again, first);
  session.tracker.acceptCommand("s5-cache", session.now, uri); // Tab, seen only through the command
  assert.deepEqual(session.types(), ["shown", "accepted"]);
  assert.equal(session.last("accepted").subjectId, "s5");
});

test("Escape, cursor moves and newer suggestions reject; other editors, closing and time ignore", () => {
  const escaped = new Session(source);
  escaped.show("e", "return 1");
  escaped.tracker.escape(uri, escaped.now);
  assert.deepEqual(escaped.types(), ["shown", "rejected:escape"]);

  const moved = new Session(source);
  moved.show("m", "return 1");
  moved.cursor(3);
  assert.deepEqual(moved.types(), ["shown", "rejected:cursorMoved"]);

  const replaced = new Session(source);
  replaced.show("r1", "return 1");
  replaced.show("r2", "pass", replaced.text.indexOf("\n    ") + 5);
  assert.deepEqual(replaced.types(), ["shown", "rejected:replaced", "shown"]);

  const elsewhere = new Session(source);
  elsewhere.show("x", "return 1");
  elsewhere.tracker.activeDocumentChanged("file:///work/other.py", elsewhere.now);
  assert.deepEqual(elsewhere.types(), ["shown", "ignored:editorChanged"]);

  const idle = new Session(source);
  idle.show("t", "return 1");
  idle.advance(defaultTrackerConfig.pendingTimeoutMs);
  assert.deepEqual(idle.types(), ["shown", "ignored:timeout"]);

  const typedThrough = new Session(source);
  typedThrough.show("tt", "ab");
  const anchor = typedThrough.text.indexOf("\n    ") + 5;
  typedThrough.insert(anchor, "a");
  typedThrough.insert(anchor + 1, "b");
  assert.deepEqual(typedThrough.types(), ["shown", "ignored:typedThrough"]);
});

test("an edit elsewhere in the document moves the visible suggestion without rejecting it", () => {
  const session = new Session(source);
  session.show("s6", "return 1");
  const anchor = session.text.indexOf("\n    ") + 5;
  session.insert(0, "import os\n");
  session.cursor(anchor + 10);
  session.insert(anchor + 10, "return 1");
  assert.deepEqual(session.types(), ["shown", "accepted"]);
});

test("an accept command after a misread rejection wins", () => {
  const session = new Session(source);
  session.show("s7", "x");
  const anchor = session.text.indexOf("\n    ") + 5;
  session.insert(anchor, "y");
  session.tracker.acceptCommand("s7", session.now, uri);
  assert.deepEqual(session.types(), ["shown", "rejected:typedOver", "accepted"]);
});

test("user text is not captured when the context before the suggestion changed", () => {
  const session = new Session(source);
  session.show("s8", "return sum(items)");
  session.tracker.escape(uri, session.now);
  const lineStart = session.text.indexOf("\n    ") + 1;
  session.edit({ offset: lineStart, length: 4, text: "  " }); // re-indented: a different context
  session.advance(120_000);
  assert.deepEqual(session.types(), ["shown", "rejected:escape"]);
});

test("without kept context no text leaves the tracker", () => {
  const session = new Session(source, { ...defaultTrackerConfig, keepContext: false });
  session.show("s9", "return 1");
  const anchor = session.text.indexOf("\n    ") + 5;
  session.insert(anchor, "return 1");
  session.advance(600_000);
  assert.ok(session.events.every((event) => !("text" in event)));
  assert.equal(session.events.filter((event) => event.type === "survival").length, 4);
});

test("closing the document stops its survival checkpoints", () => {
  const session = new Session(source);
  session.show("s10", "return 1");
  const anchor = session.text.indexOf("\n    ") + 5;
  session.insert(anchor, "return 1");
  session.advance(30_000);
  session.tracker.documentClosed(uri, session.now);
  session.advance(600_000);
  assert.equal(session.events.filter((event) => event.type === "survival").length, 1);
});

test("shortened checkpoints (the test clock) scale every wait", () => {
  const fast = {
    ...defaultTrackerConfig,
    checkpoints: defaultTrackerConfig.checkpoints.map((checkpoint) => ({
      ...checkpoint,
      afterMs: checkpoint.afterMs / 100,
    })),
  };
  const session = new Session(source, fast);
  session.show("s11", "return 1");
  const anchor = session.text.indexOf("\n    ") + 5;
  session.insert(anchor, "return 1");
  session.advance(300);
  assert.equal(session.last("survival").checkpoint, "30s");
});

test("linesFrom takes the rest of the line and as many more lines as asked", () => {
  assert.equal(linesFrom("ab\ncd\nef", 1, 1), "b");
  assert.equal(linesFrom("ab\ncd\nef", 1, 2), "b\ncd");
  assert.equal(linesFrom("ab\ncd\nef", 1, 5), "b\ncd\nef");
});
