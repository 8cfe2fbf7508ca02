/** The server's lifecycle over stdio: initialize, capabilities, hearth/status, malformed input, shutdown. */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { statusRequest } from "../../server/src/protocol";
import { startStdioServer } from "./stdioServer";

const packageVersion = JSON.parse(readFileSync("package.json", "utf8")).version;

test("initialize advertises inline completion and names the server", async () => {
  const server = startStdioServer();
  try {
    const result = await server.initialize();
    assert.ok(result.capabilities.inlineCompletionProvider, "inlineCompletionProvider missing");
    assert.deepEqual(result.serverInfo, { name: "hearth", version: packageVersion });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test("hearth/status reports version, runtime and loaded native modules", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    const status = await server.connection.sendRequest(statusRequest.type);
    assert.equal(status.version, packageVersion);
    assert.equal(status.server.node, process.version);
    assert.equal(status.server.nodeAbi, process.versions.modules);
    assert.notEqual(status.server.pid, process.pid);
    const modules = Object.fromEntries(status.nativeModules.map((module) => [module.name, module.ok]));
    assert.deepEqual(modules, { "better-sqlite3": true, "tree-sitter": true });
  } finally {
    await server.stop();
  }
});

test("inline completion answers with a suggestion from the bundled model", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    const uri = "file:///tmp/hearth-example.py";
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "python", version: 1, text: "def add(a, b):\n    return " },
    });
    const items = (await server.connection.sendRequest("textDocument/inlineCompletion", {
      textDocument: { uri },
      position: { line: 1, character: 11 },
      context: { triggerKind: 1 },
    })) as { insertText: string; command?: { arguments?: { id?: string; promptVersion?: string }[] } }[];
    assert.equal(items.length, 1, "one suggestion");
    assert.ok(items[0]!.insertText.trim().length > 0, `an empty suggestion: ${JSON.stringify(items)}`);
    const ref = items[0]!.command?.arguments?.[0];
    assert.ok(ref?.id, "the suggestion carries its id for feedback");
    assert.match(ref?.promptVersion ?? "", /^hearth\/\d+$/, "and the prompt layout that produced it");
  } finally {
    await server.stop();
  }
});

test("an unknown request gets a MethodNotFound error and the server keeps serving", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    await assert.rejects(
      server.connection.sendRequest("hearth/doesNotExist", {}),
      (error: { code: number }) => {
        assert.equal(error.code, -32601);
        return true;
      },
    );
    const status = await server.connection.sendRequest(statusRequest.type);
    assert.equal(status.version, packageVersion);
  } finally {
    await server.stop();
  }
});

test("garbage on stdin is reported on stderr, answered with a JSON-RPC parse error, and the server survives", async () => {
  const server = startStdioServer();
  try {
    await server.initialize();
    const body = "{ this is not json";
    server.process.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const status = await server.connection.sendRequest(statusRequest.type);
    assert.equal(status.version, packageVersion);
    assert.match(server.stderr(), /parse error: a message body is not JSON/);
    assert.match(server.stdout(), /"id":null,"error":\{"code":-32700/);
  } finally {
    await server.stop();
  }
});

test("logs go to stderr and the LSP log, never to stdout", async () => {
  const server = startStdioServer();
  const logMessages: string[] = [];
  server.connection.onNotification("window/logMessage", (params: { message: string }) => {
    logMessages.push(params.message);
  });
  try {
    await server.initialize();
    await server.connection.sendRequest(statusRequest.type);
  } finally {
    await server.stop();
  }
  assert.match(server.stderr(), /initialize from hearth-tests/);
  assert.ok(logMessages.some((message) => message.includes("initialize from hearth-tests")));
});
