/**
 * Remote engines against a real llama.cpp `llama-server` (built from node-llama-cpp's llama.cpp source,
 * serving Hearth's tiny models): completion through `/completion` and `/infill` with repository context,
 * KV-cache reuse, chat, embeddings that match the in-process model's, cancellation that frees the server's
 * slot, a server killed mid-answer (a clear error, then recovery after a restart), an API key, and the doctor.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { Logger } from "../../server/src/base/logger";
import { chatCapability } from "../../server/src/chat/capability";
import { doctorReport } from "../../server/src/cli/commands/models";
import { completionCapability } from "../../server/src/completion/capability";
import { createCore } from "../../server/src/core/createCore";
import {
  type ChatMessage,
  ModelEngine,
  type ModelsSettings,
  RemoteCredentials,
  RemoteEngineError,
  resolveModelsConfig,
} from "../../server/src/models";
import { type LlamaServer, nativeModels, startLlamaServer } from "./llamaServer";

const logger = new Logger("error");
const none = { completion: null, chat: null, embedding: null, draft: null };
/** Hearth's tiny code model's SPM form: `<fim_suffix>S<fim_prefix>P`, the middle follows the prefix. */
const fimPrompt =
  "<fim_suffix>\n    return total\n<fim_prefix>def total_of(items):\n    total = 0\n    for item in items:\n";

function remoteEngine(
  role: "completion" | "chat" | "embedding",
  url: string,
  credentials = new RemoteCredentials(),
): ModelEngine {
  const settings: ModelsSettings = {
    models: { ...none, [role]: url },
    remote: { providers: { [role]: "llama-server" } },
  };
  return ModelEngine.create(resolveModelsConfig(settings), logger, { credentials });
}

function localEngine(role: "completion" | "embedding"): ModelEngine {
  const model = role === "completion" ? "hearth-tiny-code" : "hearth-tiny-embed";
  return ModelEngine.create(resolveModelsConfig({ models: { ...none, [role]: model } }), logger);
}

const started: LlamaServer[] = [];
async function serve(...args: Parameters<typeof startLlamaServer>): Promise<LlamaServer> {
  const server = await startLlamaServer(...args);
  started.push(server);
  return server;
}
after(async () => {
  for (const server of started) await server.kill();
});

describe("llama-server serving hearth-tiny-code", () => {
  let server: LlamaServer;
  before(async () => {
    server = await serve({ model: "hearth-tiny-code.gguf", args: ["--parallel", "2", "--ctx-size", "2048"] });
  });

  test("a FIM prompt answers as the in-process model does, and the second time from the server's KV cache", async () => {
    const local = localEngine("completion");
    const remote = remoteEngine("completion", server.url);
    try {
      const request = {
        role: "completion" as const,
        prompt: fimPrompt,
        maxTokens: 24,
        stop: ["</s>", "<file_sep>"],
      };
      const expected = await local.generate(request);
      const first = await remote.generate(request);
      assert.equal(first.text, expected.text, server.log());
      assert.ok(first.metrics.promptTokens > 20, JSON.stringify(first.metrics));
      const second = await remote.generate(request);
      assert.equal(second.text, first.text);
      assert.ok(
        second.metrics.reusedPromptTokens >= first.metrics.promptTokens - 1,
        JSON.stringify(second.metrics),
      );
      const status = remote.status().models.find((model) => model.role === "completion")!;
      assert.equal(status.state, "ready");
      assert.equal(status.contextSize, 1024);
      assert.equal(status.remote?.route, "/completion");
      assert.equal(status.remote?.reachable, true);
      assert.ok((status.remote?.latencyMs ?? -1) >= 0);
    } finally {
      await local.dispose();
      await remote.dispose();
    }
  });

  test("prompt budgets count tokens as the server's tokenizer does (this model: one a character)", async () => {
    const remote = remoteEngine("completion", server.url);
    try {
      const count = await remote.tokenCounter("completion");
      assert.equal(count("def total_of(items):\n"), 21);
    } finally {
      await remote.dispose();
    }
  });

  test("the FIM vocabulary is read from the server, and a model without a middle token falls back from /infill", async () => {
    const remote = remoteEngine("completion", server.url);
    try {
      const tokens = await remote.infillTokens();
      assert.equal(tokens?.prefix, "<fim_prefix>");
      assert.equal(tokens?.suffix, "<fim_suffix>");
      assert.equal(tokens?.middle, null);
      assert.equal(tokens?.order, "spm");
      assert.equal(tokens?.fileSeparator, "<file_sep>");
      assert.equal(tokens?.endOfText, "</s>");
      const result = await remote.generate({
        role: "completion",
        prompt: fimPrompt,
        infill: {
          prefix: "def total_of(items):\n    total = 0\n",
          suffix: "\n    return total\n",
          extra: [],
        },
        maxTokens: 8,
      });
      assert.equal(result.metrics.role, "completion");
      assert.equal(
        remote.status().models.find((model) => model.role === "completion")!.remote?.route,
        "/completion",
      );
    } finally {
      await remote.dispose();
    }
  });

  test("the real completer gives the same suggestion through the server as in-process", async () => {
    const text = "def total_of(items):\n    total = 0\n    for item in items:\n        \n    return total\n";
    const request = {
      uri: "file:///work/total.py",
      path: "total.py",
      repoName: "work",
      language: "python",
      text,
      offset: text.indexOf("        \n") + 8,
      trigger: "invoked" as const,
    };
    const answers: (string | null)[] = [];
    for (const completion of ["hearth-tiny-code", server.url]) {
      const core = await createCore({
        roots: [],
        settings: {
          models: {
            completion,
            chat: "none",
            embedding: "none",
            draft: "none",
            providers: { completion: "llama-server" },
          },
          completion: { debounce: false, cache: false, prefetch: false, crossFileContext: false },
          index: { enabled: false },
        },
        logger,
        feedbackDatabase: null,
      });
      try {
        answers.push((await core.capability(completionCapability)!.completeOnce(request))?.text ?? null);
      } finally {
        await core.dispose();
      }
    }
    assert.ok(answers[0], "the in-process model made a suggestion");
    assert.equal(answers[1], answers[0]);
  });

  test("the chat role streams /v1/chat/completions, and a text prompt on it goes to /completion", async () => {
    const remote = remoteEngine("chat", server.url);
    try {
      const chat = await remote.generate({
        role: "chat",
        prompt: { messages: [{ role: "user", content: "def add(a, b):" }] },
        maxTokens: 12,
        priority: "user",
      });
      assert.ok(chat.metrics.generatedTokens > 0, JSON.stringify(chat.metrics));
      assert.equal(
        remote.status().models.find((model) => model.role === "chat")!.remote?.route,
        "/v1/chat/completions",
      );
      const text = await remote.generate({ role: "chat", prompt: fimPrompt, maxTokens: 8, priority: "user" });
      assert.ok(text.metrics.generatedTokens > 0);
      assert.equal(
        remote.status().models.find((model) => model.role === "chat")!.remote?.route,
        "/completion",
      );
    } finally {
      await remote.dispose();
    }
  });

  test("cancelling closes the request: the server's slot is idle again at once", async () => {
    const remote = remoteEngine("completion", server.url);
    try {
      const controller = new AbortController();
      let pieces = 0;
      const pending = remote.generate(
        {
          role: "completion",
          prompt: "def f(x):\n",
          maxTokens: 600,
          onText: () => {
            if (++pieces === 3) controller.abort();
            return "continue";
          },
        },
        controller.signal,
      );
      await assert.rejects(pending, { name: "AbortError" });
      const deadline = Date.now() + 2_000;
      for (;;) {
        const slots = (await (await fetch(`${server.url}/slots`)).json()) as { is_processing: boolean }[];
        if (slots.every((slot) => !slot.is_processing)) break;
        assert.ok(
          Date.now() < deadline,
          `a slot still works on the cancelled request: ${JSON.stringify(slots)}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await remote.dispose();
    }
  });

  test("hearth models doctor reports the endpoint: reachable, model, context size, latency", async () => {
    const report = await doctorReport(
      resolveModelsConfig({
        models: { ...none, completion: server.url },
        remote: { providers: { completion: "llama-server" } },
      }),
      false,
    );
    const completion = report.models.find((model) => model.role === "completion")!;
    assert.equal(completion.state, "ready");
    assert.equal(completion.remote?.reachable, true);
    assert.equal(completion.remote?.model, "hearth-tiny-code.gguf");
    assert.equal(completion.contextSize, 1024);
    assert.ok((completion.remote?.latencyMs ?? -1) >= 0);
  });
});

describe("llama-server with a FIM middle token and an API key", () => {
  test("/infill takes retrieved snippets as input_extra; without the key a 401 says what to do", async () => {
    // The tiny model has no middle token (it is SPM); llama-server's --override-kv gives it one, so /infill runs.
    const server = await serve({
      model: "hearth-tiny-code.gguf",
      // /infill keeps repository context to what fits beside one batch: a batch smaller than the context.
      args: [
        "--override-kv",
        "tokenizer.ggml.fim_mid_token_id=int:5",
        "--spm-infill",
        "--batch-size",
        "256",
        "--api-key",
        "team-secret-1",
      ],
    });
    const credentials = new RemoteCredentials();
    const remote = remoteEngine("completion", server.url, credentials);
    try {
      await assert.rejects(remote.load("completion"), (error: Error) => {
        assert.ok(error instanceof RemoteEngineError, String(error));
        assert.match(error.message, /401/);
        assert.match(error.message, /Set API Key for Remote Engine/);
        assert.ok(!error.message.includes("team-secret-1"));
        return true;
      });
      credentials.set(server.url, "team-secret-1");
      await new Promise((resolve) => setTimeout(resolve, 2_100)); // a failed check is not repeated for 2 s
      const infill = { prefix: "def total_of(items):\n    total = 0\n    ", suffix: "\n    return total\n" };
      const bare = await remote.generate({
        role: "completion",
        prompt: fimPrompt,
        infill: { ...infill, extra: [] },
        maxTokens: 4,
      });
      assert.equal(
        remote.status().models.find((model) => model.role === "completion")!.remote?.route,
        "/infill",
      );
      const snippet = "def mean(values):\n    return sum(values) / len(values)\n";
      const withContext = await remote.generate({
        role: "completion",
        prompt: fimPrompt,
        infill: { ...infill, extra: [{ filename: "stats.py", text: snippet }] },
        maxTokens: 4,
      });
      // Hearth's tiny tokenizer is one character a token: the snippet (plus its separator) reached the prompt.
      assert.ok(
        withContext.metrics.promptTokens >= bare.metrics.promptTokens + snippet.length,
        `${withContext.metrics.promptTokens} vs ${bare.metrics.promptTokens}`,
      );
    } finally {
      await remote.dispose();
    }
  });
});

describe("llama-server serving hearth-tiny-chat", () => {
  // The chat model's golden conversation and answer grammar (native-models/manifest.json, checked in-process
  // by test/models/chatModel.test.mjs).
  const golden = (
    JSON.parse(readFileSync(path.join(nativeModels, "manifest.json"), "utf8")) as {
      goldenChat: { messages: ChatMessage[]; grammar: string; answer: string; maxTokens: number };
    }
  ).goldenChat;
  let server: LlamaServer;
  before(async () => {
    // Character-level tokens: the golden conversation needs more than the helper's default context.
    server = await serve({ model: "hearth-tiny-chat.gguf", args: ["--ctx-size", "4096"] });
  });

  function chatEngine(provider: "llama-server" | "openai-compatible", messages: string[]): ModelEngine {
    const settings: ModelsSettings = {
      models: { ...none, chat: server.url },
      remote: { providers: { chat: provider } },
    };
    const said = new Logger("info");
    said.addSink((_level, message) => messages.push(message));
    return ModelEngine.create(resolveModelsConfig(settings), said);
  }

  test("llama-server honours the answer grammar: the golden answer, as in-process", async () => {
    const remote = chatEngine("llama-server", []);
    try {
      const answer = await remote.generate({
        role: "chat",
        prompt: { messages: golden.messages },
        maxTokens: golden.maxTokens,
        grammar: golden.grammar,
        priority: "user",
      });
      assert.equal(answer.text, golden.answer);
    } finally {
      await remote.dispose();
    }
  });

  test("an OpenAI-compatible server gets no grammar: the answer comes unconstrained, and the log says so once", async () => {
    const messages: string[] = [];
    const remote = chatEngine("openai-compatible", messages);
    try {
      for (let turn = 0; turn < 2; turn++) {
        const answer = await remote.generate({
          role: "chat",
          prompt: { messages: golden.messages },
          maxTokens: 24,
          grammar: golden.grammar,
          priority: "user",
        });
        assert.ok(answer.metrics.generatedTokens > 0);
        // The tiny model's free answer is not one the grammar allows, so the grammar was not sent.
        assert.notEqual(answer.text, golden.answer);
      }
      const dropped = messages.filter((message) => message.includes("no GBNF grammars"));
      assert.deepEqual(dropped, [
        "inference: openai-compatible has no GBNF grammars; chat answers are unconstrained",
      ]);
    } finally {
      await remote.dispose();
    }
  });

  test("the chat capability answers through the server (constrained), without local prefix states", async () => {
    const messages: string[] = [];
    const said = new Logger("warn");
    said.addSink((level, message) => messages.push(`${level}: ${message}`));
    const core = await createCore({
      roots: [],
      settings: {
        models: {
          completion: "none",
          chat: server.url,
          embedding: "none",
          draft: "none",
          providers: { chat: "llama-server" },
        },
        chat: { constrainAnswers: "always" },
        index: { enabled: false },
      },
      logger: said,
      feedbackDatabase: null,
    });
    try {
      const turn = await core.capability(chatCapability)!.ask({ question: "Where is the stack defined?" });
      assert.equal(turn.stopReason, "finished", JSON.stringify(turn.notes));
      assert.ok(turn.answer.length > 0);
      assert.equal(turn.model, server.url);
      assert.deepEqual(messages, []);
    } finally {
      await core.dispose();
    }
  });
});

describe("llama-server serving hearth-tiny-embed", () => {
  test("embeddings match the in-process model's", async () => {
    const server = await serve({
      model: "hearth-tiny-embed.gguf",
      args: ["--embeddings", "--ubatch-size", "1024", "--batch-size", "1024"],
    });
    const local = localEngine("embedding");
    const remote = remoteEngine("embedding", server.url);
    try {
      const texts = [
        "def add(a, b):\n    return a + b\n",
        "class Stack:\n    def push(self, item):\n        self.items.append(item)\n",
      ];
      const expected = await local.embed(texts);
      const actual = await remote.embed(texts);
      assert.equal(actual.length, 2);
      for (const [index, vector] of actual.entries()) {
        assert.equal(vector.length, expected[index]!.length);
        const cosine = vector.reduce((sum, value, at) => sum + value * expected[index]![at]!, 0);
        assert.ok(cosine > 0.99, `cosine ${cosine}`);
      }
      const embedder = await remote.embedder();
      assert.equal(embedder.modelId, "llama-server:hearth-tiny-embed.gguf");
      assert.equal(embedder.dimension, expected[0]!.length);
    } finally {
      await local.dispose();
      await remote.dispose();
    }
  });
});

describe("a llama-server that dies mid-answer", () => {
  test("the request fails with a clear error, status says unreachable, and after a restart requests work again", async () => {
    const server = await serve({ model: "hearth-tiny-code.gguf" });
    const remote = remoteEngine("completion", server.url);
    try {
      let pieces = 0;
      const pending = remote.generate({
        role: "completion",
        prompt: "def f(x):\n",
        maxTokens: 600,
        onText: () => {
          if (++pieces === 3) void server.kill();
          return "continue";
        },
      });
      await assert.rejects(pending, (error: Error) => {
        assert.ok(error instanceof RemoteEngineError, String(error));
        assert.equal(error.kind, "interrupted");
        assert.match(error.message, /closed the connection|stopped before the server finished|reset/);
        return true;
      });
      const status = remote.status().models.find((model) => model.role === "completion")!;
      assert.equal(status.remote?.reachable, false);
      await assert.rejects(
        remote.generate({ role: "completion", prompt: "x", maxTokens: 2 }),
        RemoteEngineError,
      );

      await serve({ model: "hearth-tiny-code.gguf", port: server.port });
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const again = await remote.generate({ role: "completion", prompt: fimPrompt, maxTokens: 4 });
      assert.ok(again.metrics.promptTokens > 0);
      assert.equal(
        remote.status().models.find((model) => model.role === "completion")!.remote?.reachable,
        true,
      );
    } finally {
      await remote.dispose();
    }
  });
});
