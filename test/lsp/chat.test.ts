/**
 * Chat over the real server (`hearth serve --stdio`, Hearth's tiny chat model, the fixture workspace indexed):
 * answers stream as `hearth/chat/delta` notifications before the request's result; a follow-up turn reuses the
 * previous turn's prompt in the model's KV cache (read from the result's timings); `@file` puts the whole file
 * into the context used, an unknown `@file` or `@symbol` gives a note; Stop (LSP cancellation) ends an answer
 * with `cancelled` well before its token limit; and bad input (an empty question, no chat model, an index still
 * building) gets a clear answer while the server keeps running.
 */

import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { CancellationTokenSource } from "vscode-languageserver-protocol/node";
import {
  type ChatDeltaParams,
  type ChatParams,
  type ChatResult,
  chatDeltaNotification,
  chatRequest,
  type HearthStatus,
  statusRequest,
} from "../../server/src/protocol";
import { type StdioServer, startStdioServer } from "./stdioServer";
import { generatedWorkspace } from "./workspaces";

const fixture = "test/fixtures/workspace";

function copyFixture(): string {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-chat-"));
  cpSync(fixture, root, { recursive: true });
  return root;
}

async function until(
  server: StdioServer,
  what: string,
  done: (status: HearthStatus) => boolean,
  timeoutMs = 60_000,
): Promise<HearthStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await server.connection.sendRequest(statusRequest.type);
    if (done(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function removeWorkspace(root: string): void {
  rmSync(root, { recursive: true, force: true });
  rmSync(`${root}-storage`, { recursive: true, force: true });
}

const indexed = (status: HearthStatus) =>
  status.indexes.length > 0 && status.indexes.every((index) => index.state === "idle" && index.files > 0);

/** A server on `root` with `hearth.*` settings `settings` (no embedding model: lexical retrieval is enough). */
async function startChatServer(root: string, settings: Record<string, unknown> = {}): Promise<StdioServer> {
  // Beside the workspace, so the cleanup of one removes both.
  const storage = `${root}-storage`;
  const server = startStdioServer();
  await server.initialize(root, {
    initializationOptions: {
      storagePath: storage,
      settings: { ...settings, models: { embedding: "none", ...(settings.models as object) } },
    },
  });
  return server;
}

interface Asked {
  result: ChatResult;
  /** Deltas and the result, in the order they arrived. */
  arrivals: ({ kind: "delta"; text: string } | { kind: "result" })[];
}

/** One `hearth/chat` turn, recording the deltas routed to it (by its clientTurnId) and when the result came. */
async function ask(
  server: StdioServer,
  params: Omit<ChatParams, "clientTurnId">,
  options: { onDelta?: (delta: ChatDeltaParams) => void; cancel?: CancellationTokenSource } = {},
): Promise<Asked> {
  const clientTurnId = `turn-${Math.random().toString(36).slice(2)}`;
  const arrivals: Asked["arrivals"] = [];
  const listener = server.connection.onNotification(chatDeltaNotification.type, (delta) => {
    if (delta.clientTurnId !== clientTurnId) return;
    arrivals.push({ kind: "delta", text: delta.text });
    options.onDelta?.(delta);
  });
  try {
    const result = await server.connection.sendRequest(
      chatRequest.type,
      { ...params, clientTurnId },
      options.cancel?.token,
    );
    arrivals.push({ kind: "result" });
    return { result, arrivals };
  } finally {
    listener.dispose();
  }
}

test("chat streams its answer, reuses the previous turn's prompt, and takes @file mentions", async () => {
  const root = copyFixture();
  const server = await startChatServer(root);
  try {
    await until(server, "the index", indexed);

    // Streaming: deltas (each the whole answer so far) arrive before the result.
    const first = await ask(server, { question: "Where is the distance function defined?" });
    const deltas = first.arrivals
      .filter((arrival) => arrival.kind === "delta")
      .map((arrival) => arrival.text);
    assert.equal(first.result.stopReason, "finished", JSON.stringify(first.result));
    assert.ok(deltas.length >= 1, "at least one delta");
    assert.equal(first.arrivals.at(-1)?.kind, "result", "the result comes after every delta");
    for (const [index, text] of deltas.entries()) {
      assert.ok(text.length > 0);
      if (index > 0) assert.ok(text.startsWith(deltas[index - 1]!), "each delta extends the one before");
    }
    assert.ok(first.result.answer.startsWith(deltas.at(-1)!.trim()), "the answer is what was streamed");
    // Hearth's tiny chat model answers by citing a definition it was given.
    assert.ok(first.result.citations.length >= 1, first.result.answer);
    for (const citation of first.result.citations) {
      assert.equal(first.result.answer.slice(citation.start, citation.end).split(":")[0], citation.path);
      assert.ok(citation.uri.startsWith("file://"));
    }
    assert.ok(first.result.contextUsed.some((item) => item.kind === "retrieved"));

    // A follow-up turn: its prompt starts with the whole of the first turn's, which is still in the KV cache.
    const followUp = await ask(server, {
      conversationId: first.result.conversationId,
      question: "And where is centroid defined?",
    });
    const before = first.result.timings;
    const after = followUp.result.timings;
    assert.equal(followUp.result.conversationId, first.result.conversationId);
    assert.ok(after.promptTokens > before.promptTokens, JSON.stringify({ before, after }));
    assert.ok(
      after.reusedPromptTokens >= before.promptTokens - 1,
      `the follow-up reused ${after.reusedPromptTokens} prompt tokens; the first turn's prompt had ${before.promptTokens}`,
    );
    assert.ok(
      after.reusedPromptTokens > before.reusedPromptTokens,
      "the follow-up reuses more than the fixed prefix the first turn reused",
    );
    assert.ok(followUp.result.contextUsed.some((item) => item.kind === "history"));
    process.stdout.write(
      `# prompt tokens (reused): first turn ${before.promptTokens} (${before.reusedPromptTokens}), follow-up ${after.promptTokens} (${after.reusedPromptTokens})\n`,
    );

    // @file: the whole file is in the context used; unknown mentions get notes and the turn still answers.
    const lines = readFileSync(path.join(root, "pkg", "geometry.py"), "utf8").split("\n").length;
    const mentioned = await ask(server, { question: "@file:pkg/geometry.py What does centroid return?" });
    assert.equal(mentioned.result.stopReason, "finished");
    assert.ok(
      mentioned.result.contextUsed.some(
        (item) => item.path === "pkg/geometry.py" && item.startLine === 1 && item.endLine === lines,
      ),
      JSON.stringify(mentioned.result.contextUsed),
    );
    const unknown = await ask(server, {
      question: "@file:pkg/missing.py @symbol:no_such_symbol Where is distance defined?",
    });
    assert.equal(unknown.result.stopReason, "finished");
    assert.ok(
      unknown.result.notes.some((note) => /@file pkg\/missing\.py: no such file/.test(note)),
      JSON.stringify(unknown.result.notes),
    );
    assert.ok(
      unknown.result.notes.some((note) => /@symbol no_such_symbol: no definition/.test(note)),
      JSON.stringify(unknown.result.notes),
    );
    assert.ok(!unknown.result.contextUsed.some((item) => item.path === "pkg/missing.py"));

    // An empty question is refused at the edge, and the server goes on answering.
    for (const question of ["", "   \n "]) {
      await assert.rejects(
        server.connection.sendRequest(chatRequest.method, { question }),
        (error: { code: number; message: string }) => {
          assert.equal(error.code, -32602);
          assert.match(error.message, /question must not be empty/);
          return true;
        },
      );
    }
    const status = await server.connection.sendRequest(statusRequest.type);
    assert.ok(status.version);
  } finally {
    await server.stop();
    removeWorkspace(root);
  }
});

test("Stop (LSP cancellation) ends a long answer with stopReason cancelled, long before its token limit", async () => {
  const root = copyFixture();
  const maxAnswerTokens = 400;
  // Unconstrained, the tiny model writes until the token limit: a long answer to stop.
  const server = await startChatServer(root, { chat: { constrainAnswers: "never", maxAnswerTokens } });
  try {
    await until(server, "the index", indexed);
    // The tiny model sometimes ends an answer a few tokens after the words that trigger Stop, before the
    // cancellation arrives: such a race is asked again (a new conversation each time), up to five times.
    let cancelledAt = 0;
    let textAtCancel = "";
    let result: ChatResult | undefined;
    for (let attempt = 0; attempt < 5 && result?.stopReason !== "cancelled"; attempt++) {
      const cancel = new CancellationTokenSource();
      cancelledAt = 0;
      ({ result } = await ask(
        server,
        { question: "Explain everything the geometry module does, step by step." },
        {
          cancel,
          onDelta: (delta) => {
            if (cancelledAt || delta.text.trim().length < 8) return;
            textAtCancel = delta.text;
            cancelledAt = performance.now();
            cancel.cancel();
          },
        },
      ));
    }
    assert.ok(result);
    const stoppedAfterMs = Math.round(performance.now() - cancelledAt);
    assert.ok(cancelledAt > 0, "the answer streamed before it was cancelled");
    assert.equal(result.stopReason, "cancelled", JSON.stringify(result));
    assert.ok(result.timings.generatedTokens < maxAnswerTokens, JSON.stringify(result.timings));
    // A citation the model wrote that points outside the given context is removed from the answer (and
    // counted), so the kept answer may differ from the streamed text exactly there.
    const keptStart =
      result.removedCitations > 0 ? textAtCancel.trim().slice(0, 3) : textAtCancel.trim().slice(0, 20);
    assert.ok(
      result.answer.length > 0 && result.answer.startsWith(keptStart),
      `the answer keeps what was written: ${JSON.stringify({ textAtCancel, answer: result.answer.slice(0, 200) })}`,
    );
    process.stdout.write(
      `# cancelled after ${textAtCancel.length} chars; result ${stoppedAfterMs} ms later with ${result.timings.generatedTokens} tokens\n`,
    );

    // The conversation goes on after a Stop.
    const next = await ask(server, {
      conversationId: result.conversationId,
      question: "Where is Stack defined?",
    });
    assert.ok(["finished", "maxTokens"].includes(next.result.stopReason), JSON.stringify(next.result));
  } finally {
    await server.stop();
    removeWorkspace(root);
  }
});

test("with hearth.models.chat = none a question gets stopReason noModel and a note on how to pick one", async () => {
  const root = copyFixture();
  const server = await startChatServer(root, { models: { chat: "none" } });
  try {
    const { result } = await ask(server, { question: "Where is the distance function defined?" });
    assert.equal(result.stopReason, "noModel");
    assert.equal(result.model, null);
    assert.equal(result.answer, "");
    assert.equal(result.notes.length, 1);
    assert.match(result.notes[0]!, /hearth\.models\.chat/);
    assert.match(result.notes[0]!, /\.gguf/);
    assert.doesNotMatch(result.notes[0]!, /\n\s+at /, "no stack trace");
    assert.ok((await server.connection.sendRequest(statusRequest.type)).version);
  } finally {
    await server.stop();
    removeWorkspace(root);
  }
});

test("a question while the index is still being built is answered, with a note saying so", async () => {
  // Large enough that the lexical first pass takes seconds even on a fast machine (600 files took 1.75 s).
  const root = generatedWorkspace(4000, 12);
  const server = await startChatServer(root);
  try {
    await until(server, "the first pass under way", (status) =>
      status.indexes.some((index) => index.state === "indexing" && index.files > 0),
    );
    // The note is written before the model is asked: stop the answer at its first words.
    const cancel = new CancellationTokenSource();
    const { result } = await ask(
      server,
      { question: "Where is handler_3_4 defined?" },
      { cancel, onDelta: () => cancel.cancel() },
    );
    assert.ok(["finished", "cancelled"].includes(result.stopReason), JSON.stringify(result));
    assert.ok(
      result.notes.some((note) => /index is still being built/.test(note)),
      JSON.stringify(result.notes),
    );
    const status = await server.connection.sendRequest(statusRequest.type);
    assert.ok(status.indexes.length === 1);
  } finally {
    await server.stop();
    removeWorkspace(root);
  }
});

test("a selection bigger than the context is cut to the lines that fit, with a note, and the answer still comes", async () => {
  const root = copyFixture();
  const server = await startChatServer(root);
  try {
    await until(server, "the index", indexed);
    const lines = Array.from({ length: 6000 }, (_, index) => `value_${index} = compute(${index}) + offset`);
    const uri = `file://${path.join(root, "pkg", "big.py")}`;
    const cancel = new CancellationTokenSource();
    const { result } = await ask(
      server,
      {
        question: "What does @selection compute?",
        selection: {
          uri,
          range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
          text: lines.join("\n"),
        },
      },
      // Only the context matters here: stop the answer at its first words.
      { cancel, onDelta: () => cancel.cancel() },
    );
    assert.ok(["finished", "cancelled", "maxTokens"].includes(result.stopReason), JSON.stringify(result));
    const given = result.contextUsed.find((item) => item.path === "pkg/big.py");
    assert.ok(given, `the selection is in the context: ${JSON.stringify(result.contextUsed)}`);
    assert.ok((given.endLine ?? 0) - (given.startLine ?? 0) + 1 < lines.length, JSON.stringify(given));
    const cut = [...result.leftOut, ...result.contextUsed].find(
      (item) => item.path === "pkg/big.py" && item.note,
    );
    assert.ok(
      cut || result.notes.some((note) => /big\.py|selection|cut|truncat/i.test(note)),
      JSON.stringify(result),
    );
    assert.ok((await server.connection.sendRequest(statusRequest.type)).version, "the server is alive");
  } finally {
    await server.stop();
    removeWorkspace(root);
  }
});
