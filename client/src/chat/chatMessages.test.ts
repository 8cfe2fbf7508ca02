/** Tests for the check on what the chat webview posts to the extension. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { parseViewMessage } from "./chatMessages";

test("well-formed messages pass", () => {
  const messages = [
    { type: "ready" },
    { type: "ask", question: "where is distance?" },
    { type: "codeAction", action: "apply", turn: "a", block: 0, code: "x = 1\n", info: "python" },
    { type: "rate", turn: "a", rating: "up" },
    { type: "deleteConversation" },
    { type: "deleteConversation", conversationId: "c1" },
    { type: "mentionQuery", requestId: 3, kind: "file", query: "geo" },
    { type: "openCitation", turn: "a", citation: 0 },
  ];
  for (const message of messages) assert.deepEqual(parseViewMessage(message), message);
});

test("malformed or unknown messages are dropped", () => {
  const messages: unknown[] = [
    null,
    "ask",
    { type: "run", command: "rm -rf /" },
    { type: "ask" },
    { type: "codeAction", action: "run", turn: "a", block: 0, code: "x", info: "" },
    { type: "codeAction", action: "copy", turn: "a", block: -1, code: "x", info: "" },
    { type: "rate", turn: "a", rating: "meh" },
    { type: "openCitation", turn: "", citation: 0 },
    { type: "mentionQuery", requestId: 1, kind: "diff", query: "" },
    { type: "ask", question: "x".repeat(200_001) },
  ];
  for (const message of messages)
    assert.equal(parseViewMessage(message), undefined, JSON.stringify(message)?.slice(0, 80));
});
