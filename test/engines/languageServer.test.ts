/**
 * A remote engine through the real language server (`hearth serve --stdio`), configured the way the README's
 * team set-up says: settings name the endpoint and provider, the API key arrives in the initialization
 * options (as VS Code sends it from secret storage) and later with `hearth/engines/setApiKey`; the key is
 * used, never logged, and status shows where completion runs. The engine is a scripted OpenAI-compatible
 * server that insists on the key.
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { type HearthStatus, setApiKeyNotification, statusRequest } from "../../server/src/protocol";
import { startStdioServer } from "../lsp/stdioServer";
import { type Exchange, type ScriptedServer, sendEvents, startScriptedServer } from "./scriptedServer";

const model = "Qwen/Qwen2.5-Coder-1.5B";
let acceptedKey = "first-team-key";
let engine: ScriptedServer;

after(async () => {
  await engine?.close();
});

function authorised(exchange: Exchange): boolean {
  if (exchange.request.headers.authorization === `Bearer ${acceptedKey}`) return true;
  exchange.json(401, { error: { message: "invalid api key", type: "authentication_error" } });
  return false;
}

test("inline completion runs on the remote engine with the key from the editor, and a new key takes over", async () => {
  engine = await startScriptedServer({
    "GET /v1/models": (exchange) => {
      if (authorised(exchange))
        exchange.json(200, { object: "list", data: [{ id: model, max_model_len: 4096 }] });
    },
    "POST /v1/completions": async (exchange) => {
      if (!authorised(exchange)) return;
      await sendEvents(exchange, [
        { object: "text_completion", choices: [{ index: 0, text: "a + b", finish_reason: null }] },
        { object: "text_completion", choices: [{ index: 0, text: "", finish_reason: "stop" }] },
      ]);
    },
  });
  const server = startStdioServer();
  try {
    await server.initialize(undefined, {
      initializationOptions: {
        settings: {
          models: {
            completion: engine.url,
            providers: { completion: "openai-compatible" },
            remoteModels: { completion: model },
            embedding: "none",
            draft: "none",
          },
          completion: { debounce: false, prefetch: false },
          index: { enabled: false },
        },
        remoteApiKeys: { [engine.url]: "first-team-key" },
      },
    });
    const uri = "file:///tmp/hearth-remote.py";
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "python", version: 1, text: "def add(a, b):\n    return " },
    });
    const complete = async (character: number) =>
      (await server.connection.sendRequest("textDocument/inlineCompletion", {
        textDocument: { uri },
        position: { line: 1, character },
        context: { triggerKind: 1 },
      })) as { insertText: string }[];
    assert.equal((await complete(11))[0]?.insertText, "a + b");

    acceptedKey = "second-team-key";
    await server.connection.sendNotification(setApiKeyNotification.type, {
      endpoint: `${engine.url}/`,
      key: "second-team-key",
    });
    // Another cursor, so the answer cannot come from the completer's cache.
    await server.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: "def add(a, b):\n    return  \n" }],
    });
    assert.equal((await complete(12))[0]?.insertText, "a + b");
    const sent = engine.requests.filter((request) => request.path === "/v1/completions");
    assert.deepEqual(
      sent.map((request) => request.headers.authorization),
      ["Bearer first-team-key", "Bearer second-team-key"],
    );

    const status = (await server.connection.sendRequest(statusRequest.type)) as HearthStatus;
    const completion = status.models?.find((entry) => entry.role === "completion");
    assert.equal(completion?.remote?.endpoint, engine.url);
    assert.equal(completion?.remote?.provider, "openai-compatible");
    assert.equal(completion?.remote?.reachable, true);
    assert.equal(completion?.remote?.route, "/v1/completions");
    assert.ok(!JSON.stringify(status).includes("team-key"), "a key in status");
  } finally {
    await server.stop();
  }
  assert.match(server.stderr(), /API key set/);
  assert.ok(!server.stderr().includes("team-key"), "a key in the server's log");
});
