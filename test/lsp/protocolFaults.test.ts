/**
 * Malformed input at the protocol edge, over the real stdio transport: wrong framing, bodies that are not
 * JSON-RPC, params that do not fit a method's schema, superseded and cancelled inline requests, and a
 * shutdown in the middle of a generation. The server must answer clearly or resynchronise, never hang and
 * never die.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { CancellationTokenSource } from "vscode-languageserver-protocol/node";
import { searchRequest, statusRequest } from "../../server/src/protocol";
import { startStdioServer } from "./stdioServer";

const frame = (body: string, announced = Buffer.byteLength(body)) =>
  `Content-Length: ${announced}\r\n\r\n${body}`;

test("a header that announces more bytes than follow is logged and the stream resynchronises", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    // A notification whose header claims 4 KiB more than its body, then ordinary traffic.
    const body = JSON.stringify({ jsonrpc: "2.0", method: "$/setTrace", params: { value: "off" } });
    server.process.stdin.write(frame(body, Buffer.byteLength(body) + 4096));
    const status = await server.connection.sendRequest(statusRequest.type);
    assert.ok(status.version);
    assert.match(server.stderr(), /framing error: Content-Length \d+ announced, but a new message began/);
  } finally {
    assert.equal(await server.stop(), 0, "shutdown is still answered");
  }
});

test("a header that announces more bytes than follow, with longer messages behind it in the same read, loses nothing after it", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    // The lying header's count is reached inside the next message (an 8 KiB didOpen), so the reader cannot
    // wait for a new header to notice: it must find it inside what the header claimed.
    const lie = JSON.stringify({ jsonrpc: "2.0", method: "$/setTrace", params: { value: "off" } });
    const text = `${"x = 1\n".repeat(1400)}`;
    const didOpen = JSON.stringify({
      jsonrpc: "2.0",
      method: "textDocument/didOpen",
      params: { textDocument: { uri: "file:///tmp/big.py", languageId: "python", version: 1, text } },
    });
    const status = JSON.stringify({ jsonrpc: "2.0", id: "after-the-lie", method: statusRequest.method });
    server.process.stdin.write(frame(lie, Buffer.byteLength(lie) + 1024) + frame(didOpen) + frame(status));
    const deadline = Date.now() + 15_000;
    while (!server.stdout().includes('"id":"after-the-lie","result"') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(server.stdout(), /"id":"after-the-lie","result"/, "the request behind the lie is answered");
    assert.match(server.stderr(), /framing error: Content-Length \d+ announced, but a new message began/);
    assert.doesNotMatch(server.stderr(), /not JSON|without a usable Content-Length/, "no message was cut");
  } finally {
    assert.equal(await server.stop(), 0, "shutdown is still answered");
  }
});

test("a header that announces fewer bytes than follow costs only its own message: the next request is answered", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    const short = JSON.stringify({ jsonrpc: "2.0", method: "$/setTrace", params: { value: "off" } });
    const status = JSON.stringify({
      jsonrpc: "2.0",
      id: "after-the-short-one",
      method: statusRequest.method,
    });
    server.process.stdin.write(frame(short, Buffer.byteLength(short) - 10) + frame(status));
    const deadline = Date.now() + 15_000;
    while (!server.stdout().includes('"id":"after-the-short-one","result"') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(server.stdout(), /"id":"after-the-short-one","result"/);
    assert.match(server.stderr(), /10 bytes before a header were not a message; skipped/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test("an incomplete message followed by silence is dropped after a pause, and the next request is answered", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    server.process.stdin.write(`Content-Length: 500\r\n\r\n{"jsonrpc":"2.0","id":99,"method":"hearth/st`);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const status = await server.connection.sendRequest(statusRequest.type);
    assert.ok(status.version);
    assert.match(server.stderr(), /framing error: \d+ bytes of an incomplete message waited/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test("a request without a method gets -32600 Invalid Request", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    server.process.stdin.write(frame(JSON.stringify({ jsonrpc: "2.0", id: 7, params: {} })));
    await server.connection.sendRequest(statusRequest.type);
    assert.match(server.stdout(), /"id":7,"error":\{"code":-32600,"message":"Invalid Request/);
  } finally {
    await server.stop();
  }
});

test("hearth/search params are checked: a missing or empty query, k and mode of the wrong kind get -32602", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    const cases: [unknown, RegExp][] = [
      [{}, /query/],
      [{ query: 42 }, /query/],
      [{ query: "  " }, /non-empty/],
      [{ query: "parse", k: "abc" }, /\bk\b/],
      [{ query: "parse", k: 0 }, /\bk\b/],
      [{ query: "parse", mode: "bogus" }, /mode/],
    ];
    for (const [params, message] of cases) {
      await assert.rejects(
        server.connection.sendRequest(searchRequest.method, params),
        (error: { code: number; message: string }) => {
          assert.equal(error.code, -32602, JSON.stringify(params));
          assert.match(error.message, message);
          return true;
        },
      );
    }
    const ok = await server.connection.sendRequest(searchRequest.type, {
      query: "parse",
      k: 3,
      mode: "lexical",
    });
    assert.ok(Array.isArray(ok.hits));
  } finally {
    await server.stop();
  }
});

test("an inline request with an impossible position gets -32602, never a suggestion echoing it", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    const uri = "file:///tmp/hearth-bad-position.py";
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "python", version: 1, text: "x = 1\n" },
    });
    for (const position of [{ line: -1, character: 0 }, { line: "a", character: 0 }, { line: 0 }]) {
      await assert.rejects(
        server.connection.sendRequest("textDocument/inlineCompletion", {
          textDocument: { uri },
          position,
          context: { triggerKind: 1 },
        }),
        (error: { code: number }) => error.code === -32602,
      );
    }
  } finally {
    await server.stop();
  }
});

test("an inline request cancelled before it was answered gets RequestCancelled (-32800), not an empty list", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    const uri = "file:///tmp/hearth-cancelled.py";
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "python", version: 1, text: "def area(width, height):\n    return " },
    });
    const source = new CancellationTokenSource();
    // Automatic requests wait a debounce first: the cancellation arrives during it.
    const answer = server.connection.sendRequest(
      "textDocument/inlineCompletion",
      { textDocument: { uri }, position: { line: 1, character: 11 }, context: { triggerKind: 2 } },
      source.token,
    );
    source.cancel();
    await assert.rejects(answer, (error: { code: number }) => error.code === -32800);
    const status = await server.connection.sendRequest(statusRequest.type);
    assert.ok((status.completion?.supersededRequests ?? 0) >= 1);
  } finally {
    await server.stop();
  }
});

test("shutdown during a generation cancels it first: no error is logged", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    const uri = "file:///tmp/hearth-shutdown.py";
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: {
        uri,
        languageId: "python",
        version: 1,
        text: "class Shape:\n    def area(self):\n        ",
      },
    });
    // Warm the model so the next request is generating (not loading) when shutdown arrives.
    await server.connection.sendRequest("textDocument/inlineCompletion", {
      textDocument: { uri },
      position: { line: 2, character: 8 },
      context: { triggerKind: 1 },
    });
    const inFlight = server.connection
      .sendRequest("textDocument/inlineCompletion", {
        textDocument: { uri },
        position: { line: 1, character: 4 },
        context: { triggerKind: 1 },
      })
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await server.stop(), 0);
    await inFlight;
    assert.doesNotMatch(server.stderr(), / error\] |Object is disposed/);
  } finally {
    if (server.process.exitCode === null) server.process.kill();
  }
});
