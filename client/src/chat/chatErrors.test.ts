/** Tests for the words the chat view uses when a request fails. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { describeChatError } from "./chatErrors";

test("known JSON-RPC failures get their own advice", () => {
  assert.match(
    describeChatError({ code: -32601, message: "Unhandled method hearth/chat" }),
    /cannot answer chat/,
  );
  assert.match(describeChatError({ code: -32096, message: "Client is not running" }), /not running/);
  assert.equal(describeChatError({ code: -32800, message: "cancelled" }), "Stopped.");
  assert.equal(
    describeChatError({ code: -32602, message: "question must not be empty" }),
    "Hearth could not take this question: question must not be empty",
  );
});

test("other errors show their first line, never a stack trace", () => {
  const error = new Error(
    "the model failed\n    at generate (/x/models.ts:1:2)\n    at run (/x/chat.ts:3:4)",
  );
  assert.equal(describeChatError(error), "Hearth could not answer: the model failed");
  assert.equal(describeChatError("plain"), "Hearth could not answer: plain");
  assert.doesNotMatch(describeChatError(new Error(`x${"y".repeat(1000)}`)), /y{400}/);
});
