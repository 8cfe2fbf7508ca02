/**
 * The stateful completer, driven through one `check(scenario, expected)` helper in the manner of
 * rust-analyzer's fixtures: a scenario types into documents (`$0` marks the cursor), the scripted model
 * answers when the scenario says so, a manual clock stands in for time, and the expected transcript lists
 * what happened in order (model calls with their priority and the end of their prompt, answers, aborts).
 *
 * The model is scripted on purpose (the house rule allows it for timing and cancellation cases a real model
 * cannot produce on demand): joins, supersedes and debounces depend on exactly when a generation finishes.
 * The LSP and e2e suites exercise the same completer with the real bundled model.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { Logger } from "../base/logger";
import type { GenerationRequest, GenerationResult, InfillTokens } from "../models";
import {
  type CompleterClock,
  type CompleterConfig,
  type CompletionModel,
  type CompletionRequest,
  InlineCompleter,
} from "./inlineCompleter";
import { defaultDebounceConfig, type SnippetCandidate } from "./pipeline";

interface PendingCall {
  number: number;
  request: GenerationRequest;
  signal: AbortSignal | undefined;
  reply(text: string): void;
}

/** A completion model whose every answer the scenario gives by hand; it streams through `onText` like the engine. */
class ScriptedModel implements CompletionModel {
  readonly calls: PendingCall[] = [];

  constructor(private readonly log: string[]) {}

  generate(request: GenerationRequest, signal?: AbortSignal): Promise<GenerationResult> {
    const number = this.calls.length + 1;
    const prompt = typeof request.prompt === "string" ? request.prompt : "";
    this.log.push(
      `model call ${number} (${request.priority}) prompt ends ${JSON.stringify(prompt.slice(-12))}`,
    );
    return new Promise((resolve, reject) => {
      const aborted = () => {
        this.log.push(`model call ${number} aborted`);
        reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
      };
      if (signal?.aborted) return aborted();
      signal?.addEventListener("abort", aborted, { once: true });
      this.calls.push({
        number,
        request,
        signal,
        reply: (text) => {
          signal?.removeEventListener("abort", aborted);
          let streamed = "";
          let stopReason: GenerationResult["metrics"]["stopReason"] = "eog";
          for (const character of text) {
            streamed += character;
            if (request.onText?.(streamed) === "stop") {
              stopReason = "hook";
              break;
            }
          }
          resolve({ text: streamed, tokens: [], metrics: metrics(streamed.length, stopReason) });
        },
      });
    });
  }

  last(): PendingCall {
    const call = this.calls.at(-1);
    assert.ok(call, "no model call to answer");
    return call;
  }

  async infillTokens(): Promise<InfillTokens> {
    return {
      order: "spm",
      prefix: "<fim_prefix>",
      suffix: "<fim_suffix>",
      middle: null,
      endOfText: "</s>",
      fileSeparator: null,
      ids: { prefix: 1, suffix: 2, middle: null, endOfText: 3, fileSeparator: null },
    };
  }

  async tokenCounter(): Promise<(text: string) => number> {
    return (text) => Math.ceil(text.length / 4);
  }

  async contextSize(): Promise<number> {
    return 1024;
  }

  async clearSequence(): Promise<void> {}

  modelId(): string {
    return "scripted";
  }

  catalogFimTemplate(): string {
    return "hearth";
  }
}

function metrics(generatedTokens: number, stopReason: GenerationResult["metrics"]["stopReason"]) {
  return {
    role: "completion" as const,
    speculation: "none" as const,
    promptTokens: 10,
    reusedPromptTokens: 0,
    generatedTokens,
    queuedMs: 0,
    timeToFirstTokenMs: 1,
    decodeTokensPerSecond: 100,
    draftedTokens: 0,
    acceptedTokens: 0,
    proposalMs: 0,
    targetEvaluations: generatedTokens,
    totalMs: 5,
    stopReason,
  };
}

/** Time that moves only when the scenario says so. */
class ManualClock implements CompleterClock {
  private time = 0;
  private sleepers: { until: number; wake(): void }[] = [];

  now(): number {
    return this.time;
  }

  sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
    if (milliseconds <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = { until: this.time + milliseconds, wake: resolve };
      this.sleepers.push(sleeper);
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
  }

  advance(milliseconds: number): void {
    this.time += milliseconds;
    const due = this.sleepers.filter((sleeper) => sleeper.until <= this.time);
    this.sleepers = this.sleepers.filter((sleeper) => sleeper.until > this.time);
    for (const sleeper of due) sleeper.wake();
  }
}

const baseConfig: CompleterConfig = {
  enabled: true,
  crossFileContext: true,
  cache: true,
  inFlightReuse: true,
  kvReuse: true,
  prefetch: false,
  speculation: undefined,
  debounce: null,
  maxTokens: { singleLine: 48, multiline: 128 },
};

class Harness {
  readonly log: string[] = [];
  readonly model = new ScriptedModel(this.log);
  readonly clock = new ManualClock();
  /** What retrieval offers for the next fresh choice of snippets. */
  retrieved: SnippetCandidate[] = [];
  readonly completer: InlineCompleter;

  constructor(config: Partial<CompleterConfig>) {
    this.completer = new InlineCompleter(
      this.model,
      {
        retrieved: () => this.retrieved,
        recentDocuments: () => [],
        cursorMoved: async () => {},
      },
      { ...baseConfig, ...config },
      new Logger("error"),
      { clock: this.clock },
    );
  }

  /** Asks for a completion at `$0`; the transcript gets its outcome when it settles. */
  request(name: string, document: string, trigger: CompletionRequest["trigger"] = "invoked") {
    const controller = new AbortController();
    const offset = document.indexOf("$0");
    const settled = this.completer
      .complete(
        {
          uri: "file:///workspace/shapes.py",
          path: "shapes.py",
          repoName: "workspace",
          language: "python",
          text: document.replace("$0", ""),
          offset,
          trigger,
        },
        controller.signal,
      )
      .then(
        (answer) =>
          this.log.push(
            answer ? `${name}: ${JSON.stringify(answer.text)} from ${answer.source}` : `${name}: none`,
          ),
        (error: Error) => this.log.push(`${name}: ${error.name}`),
      );
    return { settled, cancel: () => controller.abort() };
  }

  /** Lets pending promise callbacks run. */
  async settle(): Promise<void> {
    for (let round = 0; round < 20; round++) await new Promise((resolve) => setImmediate(resolve));
  }
}

async function check(
  config: Partial<CompleterConfig>,
  scenario: (harness: Harness) => Promise<void>,
  expected: string[],
): Promise<void> {
  const harness = new Harness(config);
  await scenario(harness);
  await harness.settle();
  assert.deepEqual(harness.log, expected);
}

test("typing into a shown suggestion is answered from the typed-ahead cache, without the model", () =>
  check(
    {},
    async (h) => {
      const first = h.request("request 1", "area = width * $0\n");
      await h.settle();
      h.model.last().reply("height");
      await first.settled;
      await h.request("request 2", "area = width * hei$0\n").settled;
    },
    [
      'model call 1 (interactive) prompt ends "a = width * "',
      'request 1: "height" from model',
      'request 2: "ght" from cache',
    ],
  ));

test("a request the running generation leads to joins it: one model call answers both", () =>
  check(
    {},
    async (h) => {
      const first = h.request("request 1", "area = width * $0\n");
      await h.settle();
      const second = h.request("request 2", "area = width * he$0\n");
      await h.settle();
      h.model.last().reply("height");
      await Promise.all([first.settled, second.settled]);
    },
    [
      'model call 1 (interactive) prompt ends "a = width * "',
      'request 1: "height" from model',
      'request 2: "ight" from inFlight',
    ],
  ));

test("a request elsewhere supersedes the running one: its generation is aborted and it says so", () =>
  check(
    {},
    async (h) => {
      const first = h.request("request 1", "area = width * $0\n");
      await h.settle();
      const second = h.request("request 2", "area = width + $0\n");
      await first.settled;
      await h.settle();
      h.model.last().reply("depth");
      await second.settled;
    },
    [
      'model call 1 (interactive) prompt ends "a = width * "',
      "model call 1 aborted",
      'model call 2 (interactive) prompt ends "a = width + "',
      "request 1: RequestSupersededError",
      'request 2: "depth" from model',
    ],
  ));

test("an automatic request waits the debounce; one cancelled during it never reaches the model", () =>
  check(
    { debounce: defaultDebounceConfig },
    async (h) => {
      const first = h.request("request 1", "total = price * $0\n", "automatic");
      await h.settle();
      first.cancel();
      await first.settled;
      const second = h.request("request 2", "total = price * q$0\n", "automatic");
      await h.settle();
      h.log.push("no model call before the debounce has passed");
      h.clock.advance(defaultDebounceConfig.maxMs);
      await h.settle();
      h.model.last().reply("uantity");
      await second.settled;
    },
    [
      "request 1: RequestSupersededError",
      "no model call before the debounce has passed",
      'model call 1 (interactive) prompt ends " = price * q"',
      'request 2: "uantity" from model',
    ],
  ));

test("after an answer, the suggestion that follows accepting it is prefetched in the background", () =>
  check(
    { prefetch: true },
    async (h) => {
      const first = h.request("request 1", "def area(width, height):\n    return $0\n");
      await h.settle();
      h.model.last().reply("width * height");
      await first.settled;
      await h.settle();
      h.model.last().reply("  # square units");
      await h.settle();
      await h.request("request 2", "def area(width, height):\n    return width * height$0\n").settled;
    },
    [
      'model call 1 (interactive) prompt ends "\\n    return "',
      'request 1: "width * height" from model',
      'model call 2 (background) prompt ends "dth * height"',
      'request 2: "  # square units" from cache',
    ],
  ));

test("snippets are chosen once per place: they stay while the cursor is within 8 lines, then change", async () => {
  const harness = new Harness({});
  const prompts: string[] = [];
  const answer = async (document: string) => {
    const request = harness.request("request", document);
    await harness.settle();
    prompts.push(String(harness.model.last().request.prompt));
    harness.model.last().reply("x");
    await request.settled;
  };
  const lines = Array.from({ length: 30 }, (_, index) => `value_${index} = ${index}`);
  const at = (line: number) => [...lines.slice(0, line), "result = $0", ...lines.slice(line)].join("\n");
  harness.retrieved = [
    { source: "retrieval", path: "first.py", text: "def first_helper():\n    pass", score: 1 },
  ];
  await answer(at(5));
  harness.retrieved = [
    { source: "retrieval", path: "second.py", text: "def second_helper():\n    pass", score: 1 },
  ];
  await answer(at(9));
  await answer(at(25));
  assert.match(prompts[0]!, /first_helper/);
  assert.match(
    prompts[1]!,
    /first_helper/,
    "four lines away: the kept snippets, so the prompt's start is reused",
  );
  assert.match(prompts[2]!, /second_helper/, "twenty lines away: snippets retrieved for the new place");
});
