/**
 * Remote engines over the vLLM (OpenAI-compatible) and Ollama wire formats, against scripted servers
 * (scriptedServer.ts; neither server can be installed on the test machines): what Hearth sends (FIM tokens
 * rendered by its own templates and no `suffix` for vLLM, `suffix` for Ollama, redacted text, the API key),
 * what it makes of streamed answers (stop strings, hooks that close the request), and how failures read
 * (timeouts, refused redirects, TLS, retries for embeddings only).
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { Logger } from "../../server/src/base/logger";
import { completionCapability } from "../../server/src/completion/capability";
import { createCore } from "../../server/src/core/createCore";
import {
  type GenerationRequest,
  ModelEngine,
  type ModelsSettings,
  RemoteCredentials,
  RemoteEngineError,
  resolveModelsConfig,
} from "../../server/src/models";
import {
  type Exchange,
  type ScriptedServer,
  sendEvents,
  sendLines,
  startScriptedServer,
} from "./scriptedServer";

const logger = new Logger("error");
const qwenModel = "Qwen/Qwen2.5-Coder-1.5B";
/** A credential-shaped value assembled at run time, so no secret literal sits in the repository. */
const secret = ["AKIA", "Q3ZKXW7", "PL2MEN4RT"].join("");

function engineFor(settings: ModelsSettings, credentials = new RemoteCredentials()): ModelEngine {
  return ModelEngine.create(
    resolveModelsConfig({
      ...settings,
      models: { completion: null, chat: null, embedding: null, draft: null, ...settings.models },
    }),
    logger,
    { credentials },
  );
}

function completionChunk(text: string, finish: string | null = null) {
  return {
    id: "cmpl-1",
    object: "text_completion",
    model: qwenModel,
    choices: [{ index: 0, text, finish_reason: finish }],
  };
}

/** vLLM's routes as its OpenAI-compatible server answers them (it rejects `suffix` on completions). */
function vllmRoutes(pieces: string[], gapMs = 0) {
  return {
    "GET /v1/models": (exchange: Exchange) =>
      exchange.json(200, {
        object: "list",
        data: [
          { id: qwenModel, object: "model", max_model_len: 8192 },
          { id: "e", object: "model", max_model_len: 512 },
        ],
      }),
    "POST /v1/completions": async (exchange: Exchange) => {
      const body = exchange.request.body as { suffix?: string };
      if (body.suffix !== undefined) {
        exchange.json(400, {
          error: { message: "suffix is not currently supported", type: "BadRequestError", code: 400 },
        });
        return;
      }
      await sendEvents(
        exchange,
        [
          ...pieces.map((piece) => completionChunk(piece)),
          completionChunk("", "length"),
          {
            id: "cmpl-1",
            object: "text_completion",
            model: qwenModel,
            choices: [],
            usage: { prompt_tokens: 40, completion_tokens: pieces.length, total_tokens: 40 + pieces.length },
          },
        ],
        gapMs,
      );
    },
    "POST /v1/chat/completions": (exchange: Exchange) =>
      sendEvents(exchange, [
        {
          object: "chat.completion.chunk",
          choices: [{ index: 0, delta: { role: "assistant", content: "Hello" }, finish_reason: null }],
        },
        {
          object: "chat.completion.chunk",
          choices: [{ index: 0, delta: { content: " there" }, finish_reason: "stop" }],
        },
      ]),
    "POST /v1/embeddings": (exchange: Exchange) => {
      const input = (exchange.request.body as { input: string[] }).input;
      exchange.json(200, {
        object: "list",
        model: "embed",
        data: input.map((text, index) => ({ object: "embedding", index, embedding: [text.length, 1, 0] })),
      });
    },
  };
}

const servers: ScriptedServer[] = [];
async function serve(...args: Parameters<typeof startScriptedServer>): Promise<ScriptedServer> {
  const server = await startScriptedServer(...args);
  servers.push(server);
  return server;
}
after(async () => {
  for (const server of servers) await server.close();
});

describe("OpenAI-compatible (vLLM wire format)", () => {
  test("inline completion renders Qwen's FIM prompt itself, sends no suffix, and streams the answer", async () => {
    const server = await serve(vllmRoutes(["return a", " + b\n", "\nprint(add(1, 2))"]));
    const core = await createCore({
      roots: [],
      settings: {
        models: {
          completion: server.url,
          chat: "none",
          embedding: "none",
          draft: "none",
          providers: { completion: "openai-compatible" },
          remoteModels: { completion: qwenModel },
        },
        completion: { debounce: false, cache: false, prefetch: false },
        index: { enabled: false },
      },
      logger,
      feedbackDatabase: null,
    });
    try {
      const text = `def add(a, b):\n    \n\nkey = "${secret}"\n`;
      const offset = text.indexOf("    \n") + 4;
      const answer = await core.capability(completionCapability)!.completeOnce({
        uri: "file:///work/add.py",
        path: "add.py",
        repoName: "work",
        language: "python",
        text,
        offset,
        trigger: "invoked",
      });
      assert.equal(answer?.text, "return a + b");
      const sent = server.requests.find((request) => request.path === "/v1/completions")!.body as Record<
        string,
        unknown
      >;
      assert.equal(sent.model, qwenModel);
      assert.equal(sent.suffix, undefined);
      assert.equal(sent.stream, true);
      const prompt = sent.prompt as string;
      assert.match(prompt, /<\|fim_prefix\|>/);
      assert.match(prompt, /<\|fim_suffix\|>/);
      assert.match(prompt, /<\|fim_middle\|>/);
      assert.ok(prompt.includes("def add(a, b):"), prompt);
      assert.ok(!prompt.includes(secret), "the secret in the suffix window left the machine");
      assert.match(prompt, /«redacted: /);
      const models = core.status().models!.find((model) => model.role === "completion")!;
      assert.equal(models.remote?.provider, "openai-compatible");
      assert.equal(models.remote?.reachable, true);
      assert.equal(models.remote?.route, "/v1/completions");
      assert.equal(models.contextSize, 8192);
    } finally {
      await core.dispose();
    }
  });

  test("a stop string ends the answer and closes the request", async () => {
    const server = await serve(vllmRoutes(["one", " two", " STOP three", " four"], 30));
    const engine = engineFor({
      models: { completion: server.url },
      remote: { providers: { completion: "openai-compatible" }, models: { completion: qwenModel } },
    });
    try {
      const result = await engine.generate({
        role: "completion",
        prompt: "count:",
        maxTokens: 20,
        stop: ["STOP"],
      });
      assert.equal(result.text, "one two ");
      assert.equal(result.metrics.stopReason, "stop");
      await waitFor(() => server.requests.at(-1)!.closedEarly);
    } finally {
      await engine.dispose();
    }
  });

  test("an onText hook that says stop closes the request at once", async () => {
    const server = await serve(
      vllmRoutes(
        Array.from({ length: 50 }, (_, index) => `w${index} `),
        20,
      ),
    );
    const engine = engineFor({
      models: { completion: server.url },
      remote: { providers: { completion: "openai-compatible" }, models: { completion: qwenModel } },
    });
    try {
      const request: GenerationRequest = {
        role: "completion",
        prompt: "words:",
        maxTokens: 100,
        onText: (text) => (text.includes("w2 ") ? "stop" : "continue"),
      };
      const result = await engine.generate(request);
      assert.equal(result.text, "w0 w1 w2 ");
      assert.equal(result.metrics.stopReason, "hook");
      await waitFor(() => server.requests.at(-1)!.closedEarly);
    } finally {
      await engine.dispose();
    }
  });

  test("cancelling closes the request and rejects with an AbortError holding the partial text", async () => {
    const server = await serve(
      vllmRoutes(
        Array.from({ length: 50 }, (_, index) => `w${index} `),
        30,
      ),
    );
    const engine = engineFor({
      models: { completion: server.url },
      remote: { providers: { completion: "openai-compatible" }, models: { completion: qwenModel } },
    });
    try {
      const controller = new AbortController();
      const pending = engine.generate(
        {
          role: "completion",
          prompt: "words:",
          maxTokens: 100,
          onText: (text) => {
            if (text.includes("w1 ")) controller.abort();
            return "continue";
          },
        },
        controller.signal,
      );
      await assert.rejects(pending, (error: Error & { partial?: { text: string } }) => {
        assert.equal(error.name, "AbortError");
        assert.ok(error.partial?.text.startsWith("w0 w1 "), error.partial?.text);
        return true;
      });
      await waitFor(() => server.requests.at(-1)!.closedEarly);
    } finally {
      await engine.dispose();
    }
  });

  test("chat streams /v1/chat/completions with the API key as a bearer token, redacted", async () => {
    const server = await serve(vllmRoutes([]));
    const credentials = new RemoteCredentials();
    credentials.set(`${server.url}/v1`, "team-key-1");
    const engine = engineFor(
      {
        models: { chat: `${server.url}/v1` },
        remote: { providers: { chat: "openai-compatible" }, models: { chat: qwenModel } },
      },
      credentials,
    );
    try {
      const result = await engine.generate({
        role: "chat",
        prompt: { messages: [{ role: "user", content: `why does ${secret} fail?` }] },
        maxTokens: 20,
        priority: "user",
      });
      assert.equal(result.text, "Hello there");
      const chat = server.requests.find((request) => request.path === "/v1/chat/completions")!;
      assert.equal(chat.headers.authorization, "Bearer team-key-1");
      assert.ok(!JSON.stringify(chat.body).includes(secret));
      assert.ok(!JSON.stringify(engine.status()).includes("team-key-1"), "the key leaked into status");
    } finally {
      await engine.dispose();
    }
  });

  test("without a key no Authorization header is sent; a 401 says how to set one", async () => {
    const server = await serve({
      "GET /v1/models": (exchange) =>
        exchange.json(401, { error: { message: "invalid api key", type: "auth" } }),
    });
    const engine = engineFor({
      models: { completion: server.url },
      remote: { providers: { completion: "openai-compatible" }, models: { completion: qwenModel } },
    });
    try {
      await assert.rejects(
        engine.generate({ role: "completion", prompt: "x", maxTokens: 4 }),
        (error: Error) => {
          assert.ok(error instanceof RemoteEngineError, String(error));
          assert.match(error.message, /401: invalid api key/);
          assert.match(error.message, /Set API Key for Remote Engine/);
          return true;
        },
      );
      assert.equal(server.requests[0]!.headers.authorization, undefined);
      const status = engine.status().models.find((model) => model.role === "completion")!;
      assert.equal(status.state, "error");
      assert.match(status.error ?? "", /401/);
      assert.equal(status.remote?.reachable, true, "the server answered; it refused");
    } finally {
      await engine.dispose();
    }
  });

  test("embeddings are retried with backoff after a 503; a refused generation is not retried", async () => {
    let embedCalls = 0;
    const routes = vllmRoutes([]);
    const server = await serve({
      ...routes,
      "POST /v1/embeddings": (exchange) => {
        embedCalls++;
        if (embedCalls <= 2) exchange.json(503, { error: { message: "loading" } });
        else routes["POST /v1/embeddings"](exchange);
      },
      "POST /v1/completions": (exchange) => exchange.json(500, { error: { message: "boom" } }),
    });
    const engine = engineFor({
      models: { embedding: server.url, completion: server.url },
      remote: {
        providers: { embedding: "openai-compatible", completion: "openai-compatible" },
        models: { embedding: "e", completion: qwenModel },
      },
    });
    try {
      const vectors = await engine.embed(["abc", "de"]);
      assert.equal(embedCalls, 3);
      assert.equal(vectors.length, 2);
      assert.ok(Math.abs(Math.hypot(...vectors[0]!) - 1) < 1e-6, "vectors are normalised");
      await assert.rejects(engine.generate({ role: "completion", prompt: "x", maxTokens: 4 }), /500: boom/);
      assert.equal(server.requests.filter((request) => request.path === "/v1/completions").length, 1);
    } finally {
      await engine.dispose();
    }
  });

  test("a server that does not answer times out with a clear error", async () => {
    const server = await serve({
      "GET /v1/models": (exchange) => exchange.pause(5_000).then(() => exchange.json(200, {})),
    });
    const engine = engineFor({
      models: { completion: server.url },
      remote: {
        providers: { completion: "openai-compatible" },
        models: { completion: qwenModel },
        timeoutSeconds: 1,
      },
    });
    try {
      const started = performance.now();
      await assert.rejects(engine.load("completion"), /no answer within 1 s/);
      assert.ok(performance.now() - started < 4_000);
    } finally {
      await engine.dispose();
    }
  });

  test("a redirect to another host is refused, not followed", async () => {
    const server = await serve({
      "GET /v1/models": (exchange) => {
        exchange.response.writeHead(302, { location: "http://elsewhere.invalid/v1/models" });
        exchange.response.end();
      },
    });
    const engine = engineFor({
      models: { completion: server.url },
      remote: { providers: { completion: "openai-compatible" }, models: { completion: qwenModel } },
    });
    try {
      await assert.rejects(engine.load("completion"), (error: Error) => {
        assert.ok(error instanceof RemoteEngineError);
        assert.match(error.message, /redirect/i);
        return true;
      });
      assert.equal(server.requests.length, 1);
    } finally {
      await engine.dispose();
    }
  });

  test("https with a team's own certificate authority: refused without caFile, works with it", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "hearth-tls-"));
    const key = path.join(folder, "key.pem");
    const cert = path.join(folder, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    const server = await serve(vllmRoutes(["ok"]), { key: readFileSync(key), cert: readFileSync(cert) });
    const settings = (caFile?: string): ModelsSettings => ({
      models: { completion: server.url },
      remote: {
        providers: { completion: "openai-compatible" },
        models: { completion: qwenModel },
        ...(caFile ? { caFile } : {}),
      },
    });
    const untrusted = engineFor(settings());
    try {
      await assert.rejects(untrusted.load("completion"), /TLS: .*caFile/);
    } finally {
      await untrusted.dispose();
    }
    const trusted = engineFor(settings(cert));
    try {
      const result = await trusted.generate({ role: "completion", prompt: "x", maxTokens: 4 });
      assert.equal(result.text, "ok");
    } finally {
      await trusted.dispose();
    }
  });
});

describe("Ollama wire format", () => {
  const ollamaRoutes = (): Record<string, (exchange: Exchange) => void | Promise<void>> => ({
    "POST /api/show": (exchange) =>
      exchange.json(200, { model_info: { "general.architecture": "qwen2", "qwen2.context_length": 32768 } }),
    "POST /api/generate": (exchange) =>
      sendLines(exchange, [
        { model: "qwen2.5-coder:1.5b", response: "return a", done: false },
        { model: "qwen2.5-coder:1.5b", response: " + b", done: false },
        {
          model: "qwen2.5-coder:1.5b",
          response: "",
          done: true,
          done_reason: "stop",
          prompt_eval_count: 31,
          eval_count: 2,
          eval_duration: 20_000_000,
        },
      ]),
    "POST /api/chat": (exchange) =>
      sendLines(exchange, [
        { message: { role: "assistant", content: "Sure" }, done: false },
        { message: { role: "assistant", content: "." }, done: true, done_reason: "stop", eval_count: 2 },
      ]),
    "POST /api/embed": (exchange) => {
      const input = (exchange.request.body as { input: string[] }).input;
      exchange.json(200, { model: "nomic-embed-text", embeddings: input.map(() => [0, 3, 4]) });
    },
  });

  test("completion sends the prefix and suffix to /api/generate (Ollama applies the FIM template), with num_ctx", async () => {
    const server = await serve(ollamaRoutes());
    const engine = engineFor({
      models: { completion: server.url },
      remote: { providers: { completion: "ollama" }, models: { completion: "qwen2.5-coder:1.5b" } },
    });
    try {
      const result = await engine.generate({
        role: "completion",
        prompt: "<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n<|fim_middle|>",
        infill: { prefix: `def add(a, b):\n    # ${secret}\n    `, suffix: "\n", extra: [] },
        maxTokens: 16,
        stop: ["\n\n"],
      });
      assert.equal(result.text, "return a + b");
      assert.equal(result.metrics.promptTokens, 31);
      assert.equal(result.metrics.generatedTokens, 2);
      assert.equal(result.metrics.stopReason, "eog");
      const sent = server.requests.find((request) => request.path === "/api/generate")!.body as {
        model: string;
        suffix: string;
        prompt: string;
        raw?: boolean;
        options: { num_ctx: number; num_predict: number; stop: string[] };
      };
      assert.equal(sent.model, "qwen2.5-coder:1.5b");
      assert.equal(sent.suffix, "\n");
      assert.ok(sent.prompt.startsWith("def add(a, b):"));
      assert.ok(!sent.prompt.includes(secret));
      assert.equal(sent.raw, undefined);
      assert.equal(sent.options.num_ctx, 4096);
      assert.equal(sent.options.num_predict, 16);
      assert.deepEqual(sent.options.stop, ["\n\n"]);
      assert.equal(await engine.contextSize("completion"), 4096);
    } finally {
      await engine.dispose();
    }
  });

  test("a prompt without infill parts goes raw; chat uses /api/chat; embeddings use /api/embed with truncate", async () => {
    const server = await serve(ollamaRoutes());
    const engine = engineFor({
      models: { completion: server.url, chat: server.url, embedding: server.url },
      remote: {
        providers: { completion: "ollama", chat: "ollama", embedding: "ollama" },
        models: {
          completion: "qwen2.5-coder:1.5b",
          chat: "qwen2.5-coder:1.5b-instruct",
          embedding: "nomic-embed-text",
        },
      },
    });
    try {
      await engine.generate({ role: "completion", prompt: "<fim_prefix>x", maxTokens: 4 });
      const raw = server.requests.find((request) => request.path === "/api/generate")!.body as Record<
        string,
        unknown
      >;
      assert.equal(raw.raw, true);
      assert.equal(raw.prompt, "<fim_prefix>x");
      const chat = await engine.generate({
        role: "chat",
        prompt: { messages: [{ role: "user", content: "hi" }] },
        maxTokens: 8,
      });
      assert.equal(chat.text, "Sure.");
      const [vector] = await engine.embed(["some code"]);
      assert.deepEqual(Array.from(vector!), [0, 0.6000000238418579, 0.800000011920929]);
      const embed = server.requests.find((request) => request.path === "/api/embed")!.body as Record<
        string,
        unknown
      >;
      assert.equal(embed.truncate, true);
      const embedder = await engine.embedder();
      assert.equal(embedder.modelId, "ollama:nomic-embed-text");
      assert.equal(embedder.dimension, 3);
    } finally {
      await engine.dispose();
    }
  });

  test("Ollama without a model name fails with the setting to fix", async () => {
    const server = await serve(ollamaRoutes());
    const engine = engineFor({
      models: { completion: server.url },
      remote: { providers: { completion: "ollama" } },
    });
    try {
      await assert.rejects(engine.load("completion"), /hearth\.models\.remoteModels/);
    } finally {
      await engine.dispose();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
