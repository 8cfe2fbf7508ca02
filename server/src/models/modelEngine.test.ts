/**
 * The inference engine on Hearth's real tiny GGUF models through the real node-llama-cpp (CPU): loading each
 * role, cancellation within one token, priority between background embedding and interactive generation, KV
 * prefix reuse and saved prefix states, speculative decoding giving the same greedy output, and clear errors for
 * missing or corrupt files.
 */

import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { Logger } from "../base/logger";
import { infillPrompt } from "./generationTypes";
import { findNativeModelsDirectory } from "./modelCatalog";
import { ModelEngine } from "./modelEngine";
import { GenerationAbortedError, ModelLoadError, ModelUnavailableError } from "./modelErrors";
import { type ModelsSettings, resolveModelsConfig } from "./modelsConfig";

const logger = new Logger("error");
const tiny = (name: string) => path.join(findNativeModelsDirectory(), `hearth-tiny-${name}.gguf`);
const code = `import os


def read_config(path):
    """Read a key=value file into a dict."""
    values = {}
    with open(path) as handle:
        for line in handle:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def write_config(path, values):
`;

let directory: string;
let engine: ModelEngine;

function createEngine(settings: ModelsSettings = {}): ModelEngine {
  return ModelEngine.create(
    resolveModelsConfig({
      threads: 1,
      stateDirectory: path.join(directory, "kv"),
      models: { completion: "hearth-tiny-code", chat: "hearth-tiny-code" },
      ...settings,
    }),
    logger,
  );
}

before(() => {
  directory = mkdtempSync(path.join(tmpdir(), "hearth-engine-"));
  engine = createEngine();
});

after(async () => {
  await engine.dispose();
  rmSync(directory, { recursive: true, force: true });
});

test("create() loads nothing; each role then loads from Hearth's tiny models and answers", async () => {
  const started = performance.now();
  const fresh = createEngine();
  assert.ok(performance.now() - started < 200, "create() must not wait for models");
  assert.equal(fresh.backendStatus(), null);
  assert.deepEqual(
    fresh.modelStatuses().map((status) => [status.role, status.state, status.configured]),
    [
      ["completion", "absent", true],
      ["draft", "absent", true],
      ["chat", "absent", true],
      ["embedding", "absent", true],
    ],
  );
  await fresh.dispose();

  await Promise.all(["completion", "draft", "chat", "embedding"].map((role) => engine.load(role as never)));
  const { backend, models } = engine.status();
  assert.equal(backend?.state, "ready");
  assert.equal(backend?.gpu, false);
  assert.equal(backend?.threads, 1);
  for (const model of models) {
    assert.equal(model.state, "ready", `${model.role}: ${model.error}`);
    assert.equal(model.gpuLayers, 0);
    assert.ok(model.sizeBytes! > 0);
  }
  assert.equal(models.find((model) => model.role === "completion")?.id, "hearth-tiny-code");

  const infill = await engine.infillTokens();
  assert.ok(infill, "the tiny code model has FIM tokens");
  assert.equal(infill.prefix, "<fim_prefix>");
  assert.equal(infill.order, "spm", "no middle token: suffix first, then prefix");
  assert.equal(infill.fileSeparator, "<file_sep>");
  const fim = await engine.generate({
    role: "completion",
    prompt: infillPrompt(infill, code, "\n"),
    maxTokens: 16,
    stopTokens: [infill.ids.fileSeparator!],
  });
  assert.ok(fim.tokens.length > 0);
  assert.equal(fim.metrics.generatedTokens, fim.tokens.length);

  const chat = await engine.generate({
    role: "chat",
    prompt: {
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "def add(a, b):" },
      ],
    },
    maxTokens: 8,
  });
  assert.equal(chat.metrics.role, "chat");

  const [first, second, empty] = await engine.embed(["def add(a, b): return a + b", "class Stack:", ""]);
  const info = await engine.embeddingInfo();
  assert.equal(first!.length, info.dimensions);
  assert.ok(Math.abs(first!.reduce((sum, value) => sum + value * value, 0) - 1) < 1e-4, "unit length");
  assert.notDeepEqual(first, second);
  assert.ok(empty!.every((value) => value === 0));
  const long = await engine.embed(["x = 1\n".repeat(2000)]);
  assert.equal(long[0]!.length, info.dimensions, "an input longer than the context is truncated");
  assert.equal(await engine.countTokens("completion", "abc"), 3);
  const embedder = await engine.embedder();
  assert.match(embedder.modelId, /^hearth-tiny-embed@\d+-\d+$/);
  assert.equal(embedder.dimension, info.dimensions);
  assert.equal(embedder.countTokens("abc"), 3);
  assert.equal((await embedder.embedQueries(["where is the config read"]))[0]!.length, info.dimensions);
});

test("a role without a model is unavailable with a message that says how to choose one", async () => {
  const noChat = createEngine({ models: { chat: null } });
  await assert.rejects(noChat.generate({ role: "chat", prompt: "hi", maxTokens: 1 }), (error: Error) => {
    assert.ok(error instanceof ModelUnavailableError);
    assert.match(error.message, /no chat model: none configured.*\.gguf/);
    return true;
  });
  assert.equal(noChat.modelStatuses().find((status) => status.role === "chat")?.configured, false);
  await noChat.dispose();
});

test("cancellation stops generation within one token, in every speculation mode", async () => {
  for (const speculation of ["none", "draft", "inputLookup"] as const) {
    const controller = new AbortController();
    let seen = 0;
    let atAbort = 0;
    const request = engine.generate(
      {
        role: "completion",
        prompt: code,
        maxTokens: 200,
        speculation,
        sequenceKey: `cancel-${speculation}`,
        onText: () => {
          seen++;
          if (seen === 5) {
            atAbort = seen;
            controller.abort();
          }
          return "continue";
        },
      },
      controller.signal,
    );
    await assert.rejects(request, (error: Error) => {
      assert.ok(error instanceof GenerationAbortedError, String(error));
      assert.equal(error.name, "AbortError");
      assert.ok(error.partial, "the partial result travels with the error");
      assert.equal(error.partial.metrics.stopReason, "aborted");
      assert.ok(
        error.partial.metrics.generatedTokens <= atAbort + 1,
        `${speculation}: ran on after the abort`,
      );
      return true;
    });
    assert.ok(seen <= atAbort + 1, `${speculation}: ${seen} tokens seen, aborted at ${atAbort}`);
  }
  // Cancelled before it starts, and cancelled while a long prompt is being evaluated.
  const early = new AbortController();
  early.abort();
  await assert.rejects(
    engine.generate({ role: "completion", prompt: code, maxTokens: 4 }, early.signal),
    GenerationAbortedError,
  );
  const during = new AbortController();
  const longPrompt = engine.generate(
    { role: "completion", prompt: code.repeat(3), maxTokens: 50, sequenceKey: "cancel-prefill" },
    during.signal,
  );
  setImmediate(() => during.abort());
  await assert.rejects(longPrompt, (error: Error) => {
    assert.ok(error instanceof GenerationAbortedError);
    assert.ok((error.partial?.metrics.generatedTokens ?? 0) <= 1);
    return true;
  });
});

test("background embedding delays an interactive request by at most one batch", async () => {
  const texts = Array.from({ length: 24 }, (_, index) => `${code}\n# variant ${index}\n`);
  const embedding = (async () => {
    const started = performance.now();
    const vectors = await engine.embed(texts, undefined, "background");
    return { vectors, ms: performance.now() - started };
  })();
  await new Promise((resolve) => setTimeout(resolve, 30));
  const interactive = await engine.generate({
    role: "completion",
    prompt: code,
    maxTokens: 4,
    sequenceKey: "prio",
  });
  const interactiveDone = performance.now();
  const { vectors, ms } = await embedding;
  const embedDone = performance.now();
  assert.equal(vectors.length, texts.length);
  assert.ok(interactiveDone < embedDone, "the interactive request finished before the background work");
  // One batch is about embeddingBatchTokens (512) tokens, roughly 2 of these texts; the whole job is 12 batches.
  const oneBatchMs = ms / Math.ceil(texts.length / 2);
  assert.ok(
    interactive.metrics.queuedMs < oneBatchMs * 3,
    `waited ${interactive.metrics.queuedMs} ms; one batch takes about ${oneBatchMs.toFixed(1)} ms`,
  );
});

test("a chat answer in progress delays a keystroke's completion by at most one decode step", async () => {
  // Both roles loaded first: loading a context is not what this measures.
  await Promise.all([engine.load("chat"), engine.load("completion")]);
  let chatTokens = 0;
  let keystrokeDoneAtToken = -1;
  let chatStarted!: () => void;
  const chatRunning = new Promise<void>((resolve) => {
    chatStarted = resolve;
  });
  const chat = engine.generate({
    role: "chat",
    prompt: code,
    maxTokens: 160,
    priority: "user",
    sequenceKey: "chat-prio",
    onText: () => {
      if (++chatTokens === 8) chatStarted();
      return "continue";
    },
  });
  await chatRunning;
  const chatTokensBefore = chatTokens;
  const keystroke = await engine.generate({
    role: "completion",
    prompt: code,
    maxTokens: 4,
    sequenceKey: "keystroke-prio",
  });
  keystrokeDoneAtToken = chatTokens;
  const answer = await chat;
  const stepMs = answer.metrics.totalMs / Math.max(1, answer.metrics.generatedTokens);
  assert.ok(answer.metrics.generatedTokens > keystrokeDoneAtToken, "the chat went on after the keystroke");
  assert.ok(
    keystrokeDoneAtToken - chatTokensBefore <= 1,
    `the chat decoded ${keystrokeDoneAtToken - chatTokensBefore} tokens while the keystroke ran; it should pause`,
  );
  // One decode step of the chat, with room for the machine's noise; a keystroke that waited for the whole
  // answer would have waited about 150 steps.
  assert.ok(
    keystroke.metrics.queuedMs < stepMs * 4 + 15,
    `the keystroke waited ${keystroke.metrics.queuedMs.toFixed(1)} ms; one chat token takes ${stepMs.toFixed(1)} ms`,
  );
});

test("consecutive requests on a sequence reuse the longest common prompt prefix", async () => {
  await engine.clearSequence("completion", "reuse");
  const first = await engine.generate({
    role: "completion",
    prompt: code,
    maxTokens: 4,
    sequenceKey: "reuse",
  });
  assert.equal(first.metrics.reusedPromptTokens, 0);
  const longer = `${code}    with open(path, "w") as handle:\n`;
  const second = await engine.generate({
    role: "completion",
    prompt: longer,
    maxTokens: 4,
    sequenceKey: "reuse",
  });
  assert.ok(second.metrics.reusedPromptTokens >= first.metrics.promptTokens, JSON.stringify(second.metrics));
  assert.ok(second.metrics.reusedPromptTokens < second.metrics.promptTokens);
  const same = await engine.generate({
    role: "completion",
    prompt: longer,
    maxTokens: 4,
    sequenceKey: "reuse",
  });
  assert.equal(
    same.metrics.reusedPromptTokens,
    same.metrics.promptTokens - 1,
    "all but the last token reused",
  );
  assert.equal(same.text, second.text);
  const edited = `import sys\n${code.slice("import os\n".length)}`;
  const changed = await engine.generate({
    role: "completion",
    prompt: edited,
    maxTokens: 4,
    sequenceKey: "reuse",
  });
  assert.equal(
    changed.metrics.reusedPromptTokens,
    "import ".length,
    "reuse stops at the first changed token",
  );
  // Another key takes the other sequence and leaves this one's cache alone.
  await engine.generate({ role: "completion", prompt: "class Other:\n", maxTokens: 4, sequenceKey: "other" });
  const back = await engine.generate({
    role: "completion",
    prompt: edited,
    maxTokens: 4,
    sequenceKey: "reuse",
  });
  assert.equal(back.metrics.reusedPromptTokens, back.metrics.promptTokens - 1);
});

test("speculative decoding (draft model, input lookup) gives the same greedy output as none", async () => {
  assert.ok(await engine.hasDraft("completion"));
  const prompts = [
    code,
    `${code}    with open(path, "w") as handle:\n`,
    "def fibonacci(n):\n    if n < 2:\n",
  ];
  let drafted = 0;
  for (const prompt of prompts) {
    const outputs = new Map<string, string>();
    for (const speculation of ["none", "draft", "inputLookup"] as const) {
      const result = await engine.generate({
        role: "completion",
        prompt,
        maxTokens: 48,
        speculation,
        sequenceKey: "spec",
      });
      assert.equal(result.metrics.speculation, speculation);
      outputs.set(speculation, result.text);
      if (speculation === "draft") drafted += result.metrics.draftedTokens;
      if (speculation === "none") assert.equal(result.metrics.draftedTokens, 0);
    }
    assert.equal(
      outputs.get("draft"),
      outputs.get("none"),
      `draft differs for ${JSON.stringify(prompt.slice(0, 30))}`,
    );
    assert.equal(outputs.get("inputLookup"), outputs.get("none"));
  }
  assert.ok(drafted > 0, "the draft model proposed tokens");
});

test("token probabilities on request: one per generated token, the same in every speculation mode", async () => {
  const plain = await engine.generate({
    role: "completion",
    prompt: code,
    maxTokens: 24,
    speculation: "none",
  });
  assert.equal(plain.tokenProbabilities, undefined, "not computed unless asked for");
  const bySpeculation = new Map<string, number[]>();
  for (const speculation of ["none", "draft", "inputLookup"] as const) {
    const result = await engine.generate({
      role: "completion",
      prompt: code,
      maxTokens: 24,
      speculation,
      sequenceKey: `probabilities-${speculation}`,
      tokenProbabilities: true,
    });
    assert.equal(result.text, plain.text);
    const probabilities = result.tokenProbabilities ?? [];
    assert.equal(probabilities.length, result.tokens.length);
    assert.ok(probabilities.every((probability) => probability > 0 && probability <= 1));
    bySpeculation.set(speculation, probabilities);
  }
  // Greedy decoding under temperature 0 still reports the model's own distribution, not a certain 1.
  const none = bySpeculation.get("none")!;
  assert.ok(
    none.some((probability) => probability < 0.999),
    JSON.stringify(none),
  );
  for (const speculation of ["draft", "inputLookup"]) {
    const other = bySpeculation.get(speculation)!;
    for (const [index, probability] of none.entries()) {
      assert.ok(Math.abs(probability - other[index]!) < 1e-3);
    }
  }
});

test("input lookup switches to verifying proposals while the output copies its prompt, with the same output", async () => {
  // A fresh engine: what earlier tests taught the shared engine's tuners would decide when this one switches.
  const fresh = createEngine({ models: { completion: "hearth-tiny-code", draft: null, chat: null } });
  try {
    // The tiny model copies nothing on its own, so the prompt repeats the model's own continuation of a head:
    // after a file separator it starts over and reproduces it, as an edit reproduces the file it rewrites.
    const head = "export function groupBy(items, keyOf) {\n  const groups = new Map();\n";
    const generate = async (prompt: string, maxTokens: number, speculation: "none" | "inputLookup") =>
      fresh.generate({ role: "completion", prompt, maxTokens, speculation, sequenceKey: speculation });
    const body = (await generate(head, 56, "none")).text;
    const separator = (await fresh.infillTokens())?.fileSeparator ?? "\n\n";
    const prompt = `${head}${body}${separator}${head}`;
    const plain = await generate(prompt, 40, "none");
    const lookup = await generate(prompt, 40, "inputLookup");
    assert.equal(lookup.text, plain.text);
    assert.ok(lookup.metrics.acceptedTokens > 0, "proposals were verified and accepted");
    assert.ok(
      lookup.metrics.targetEvaluations < lookup.metrics.generatedTokens,
      `${lookup.metrics.targetEvaluations} evaluations for ${lookup.metrics.generatedTokens} tokens`,
    );
  } finally {
    await fresh.dispose();
  }
});

test("a fixed prefix saved as a state file reloads into a cleared sequence and is reused", async () => {
  const prefix = code.repeat(2);
  const tail = "def main():\n";
  const key = "state";
  await engine.clearSequence("completion", key);
  const saved = await engine.preparePrefix({ role: "completion", prefix, sequenceKey: key });
  assert.equal(saved.source, "evaluated");
  assert.ok(readFileSync(saved.stateFile).length > 0);
  assert.equal(
    (await engine.preparePrefix({ role: "completion", prefix, sequenceKey: key })).source,
    "resident",
  );
  const reference = await engine.generate({
    role: "completion",
    prompt: prefix + tail,
    maxTokens: 12,
    sequenceKey: key,
  });

  await engine.clearSequence("completion", key);
  const reloaded = await engine.preparePrefix({ role: "completion", prefix, sequenceKey: key });
  assert.equal(reloaded.source, "stateFile");
  const after = await engine.generate({
    role: "completion",
    prompt: prefix + tail,
    maxTokens: 12,
    sequenceKey: key,
  });
  assert.ok(after.metrics.reusedPromptTokens >= saved.tokens, JSON.stringify(after.metrics));
  assert.equal(after.text, reference.text);
});

test("a missing or corrupt model file is a ModelLoadError naming the file; other roles keep working", async () => {
  const missing = path.join(directory, "no-such-model.gguf");
  const truncated = path.join(directory, "truncated.gguf");
  writeFileSync(truncated, readFileSync(tiny("code")).subarray(0, 50_000));
  const junk = path.join(directory, "junk.gguf");
  writeFileSync(junk, "this is not a model at all");
  // A well-formed GGUF that llama.cpp itself rejects: its architecture renamed to one llama.cpp does not know.
  const alien = path.join(directory, "alien.gguf");
  const bytes = readFileSync(tiny("embed"));
  const key = bytes.indexOf("general.architecture");
  bytes.write("llamx", key + "general.architecture".length + 4 + 8);
  writeFileSync(alien, bytes);
  const broken = createEngine({
    models: { completion: missing, chat: truncated, draft: junk, embedding: alien },
  });
  const working = createEngine({ models: { completion: missing, chat: null } });
  try {
    await assert.rejects(broken.load("completion"), (error: Error) => {
      assert.ok(error instanceof ModelLoadError, String(error));
      assert.equal(error.file, missing);
      assert.match(error.message, /completion model .*no-such-model\.gguf: file not found; check the path/);
      return true;
    });
    await assert.rejects(broken.load("chat"), (error: Error) => {
      assert.ok(error instanceof ModelLoadError, String(error));
      assert.match(
        error.message,
        /truncated\.gguf: the file is incomplete: its tensors need at least \d+ bytes but it has 50000/,
      );
      return true;
    });
    await assert.rejects(broken.load("draft"), /junk\.gguf: not a valid GGUF model file/);
    await assert.rejects(broken.load("embedding"), (error: Error) => {
      assert.ok(error instanceof ModelLoadError, String(error));
      assert.match(error.message, /alien\.gguf: llama\.cpp could not load it \(.*llamx.*\)/);
      return true;
    });
    const states = Object.fromEntries(broken.modelStatuses().map((status) => [status.role, status]));
    assert.deepEqual(
      Object.values(states).map((status) => status.state),
      ["error", "error", "error", "error"],
    );
    assert.match(states.completion?.error ?? "", /no-such-model\.gguf/);

    // Another engine whose completion model is missing still embeds, and recovers once the file appears.
    assert.equal((await working.embed(["still works"])).length, 1);
    await assert.rejects(working.generate({ role: "completion", prompt: "x", maxTokens: 1 }), ModelLoadError);
    assert.equal(working.modelStatuses().find((status) => status.role === "embedding")?.state, "ready");
    copyFileSync(tiny("code"), missing);
    const recovered = await working.generate({ role: "completion", prompt: "x = ", maxTokens: 2 });
    assert.equal(recovered.metrics.role, "completion");
  } finally {
    await broken.dispose();
    await working.dispose();
  }
});
