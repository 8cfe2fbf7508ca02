/**
 * Prefetching over the real server and the tiny completion model: after `hearth/completion/prefetch` at a
 * cursor position, the first request there needs no fresh model work (the answer is cached, or the model
 * reuses the prompt it already read).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type PrefetchCompletionParams,
  prefetchCompletionNotification,
  statusRequest,
} from "../../server/src/protocol";
import { startStdioServer } from "./stdioServer";

const text = [
  "import math",
  "",
  "",
  "def circle_area(radius):",
  '    """The area of a circle."""',
  "    return math.pi * radius * radius",
  "",
  "",
  "def circle_circumference(radius):",
  "    return ",
].join("\n");
const position = { line: 9, character: 11 };

test("a prefetch at the cursor prepares the first suggestion there", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    const uri = "file:///tmp/hearth-prefetch-example.py";
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "python", version: 1, text },
    });
    const status = () => server.connection.sendRequest(statusRequest.type);
    await server.connection.sendNotification(prefetchCompletionNotification.type, {
      textDocument: { uri },
      position,
    } satisfies PrefetchCompletionParams);

    const deadline = Date.now() + 60_000;
    let prefetched = await status();
    while (!(prefetched.completion && prefetched.completion.promptTokens > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      prefetched = await status();
    }
    assert.equal(prefetched.completion?.prefetches, 1);
    assert.equal(prefetched.completion?.modelCalls, 1);

    await server.connection.sendRequest("textDocument/inlineCompletion", {
      textDocument: { uri },
      position,
      context: { triggerKind: 1 },
    });
    const after = (await status()).completion!;
    const fromCache = after.cacheAnswers + after.inFlightAnswers === 1;
    const promptRead = after.promptTokens - prefetched.completion!.promptTokens;
    const promptReused = after.reusedPromptTokens - prefetched.completion!.reusedPromptTokens;
    assert.ok(
      fromCache || (after.modelCalls === 2 && promptRead - promptReused <= 2),
      `neither cached nor warm: ${JSON.stringify(after)}`,
    );
  } finally {
    await server.stop();
  }
});
