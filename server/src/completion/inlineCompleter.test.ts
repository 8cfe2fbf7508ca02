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
  type ShowGate,
} from "./inlineCompleter";
import { defaultDebounceConfig, type SnippetCandidate } from "./pipeline";

interface PendingCall {
  number: number;
  request: GenerationRequest;
  signal: AbortSignal | undefined;
  /** Replied to or aborted. */
  settled: boolean;
  /** Streams `text` as the model's first tokens, without finishing. */
  stream(text: string): void;
  reply(text: string): void;
}

/** A completion model whose every answer the scenario gives by hand; it streams through `onText` like the engine. */
class ScriptedModel implements CompletionModel {
  readonly calls: PendingCall[] = [];

  constructor(private readonly log: string[]) {}

  generate(request: GenerationRequest, signal?: AbortSignal): Promise<GenerationResult> {
    const number = this.calls.length + 1;
    const prompt = typeof request.prompt === "string" ? request.prompt : "";
    const priority = request.priority;
    const lane = typeof priority === "object" ? priority : undefined;
    this.log.push(
      `model call ${number} (${lane?.priority ?? priority}) prompt ends ${JSON.stringify(prompt.slice(-12))}`,
    );
    const stopListening = lane?.onRaise(() =>
      this.log.push(`model call ${number} raised to ${lane.priority}`),
    );
    return new Promise((resolve, reject) => {
      const call: PendingCall = {
        number,
        request,
        signal,
        settled: false,
        stream: (text) => {
          request.onText?.(text);
        },
        reply: (text) => {
          call.settled = true;
          stopListening?.();
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
      };
      const aborted = () => {
        call.settled = true;
        stopListening?.();
        this.log.push(`model call ${number} aborted`);
        reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
      };
      if (signal?.aborted) return aborted();
      signal?.addEventListener("abort", aborted, { once: true });
      this.calls.push(call);
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
  tokenProbabilities: false,
};

class Harness {
  readonly log: string[] = [];
  readonly model = new ScriptedModel(this.log);
  readonly clock = new ManualClock();
  /** What retrieval offers for the next fresh choice of snippets. */
  retrieved: SnippetCandidate[] = [];
  /** While set, a refresh of retrieval for a new cursor place takes until it resolves. */
  retrieval: Promise<void> | undefined;
  readonly completer: InlineCompleter;

  constructor(config: Partial<CompleterConfig>, showGate?: ShowGate) {
    this.completer = new InlineCompleter(
      this.model,
      {
        retrieved: () => this.retrieved,
        recentDocuments: () => [],
        cursorMoved: async () => {
          if (!this.retrieval) return;
          this.log.push("retrieval refresh starts");
          await this.retrieval;
        },
      },
      { ...baseConfig, ...config },
      new Logger("error"),
      { clock: this.clock, ...(showGate ? { showGate } : {}) },
    );
  }

  /** Asks for a completion at `$0`; the transcript gets its outcome when it settles. */
  request(
    name: string,
    document: string,
    trigger: CompletionRequest["trigger"] = "invoked",
    priority?: CompletionRequest["priority"],
  ) {
    const controller = new AbortController();
    const settled = this.completer
      .complete({ ...this.at(document, trigger), ...(priority ? { priority } : {}) }, controller.signal)
      .then(
        (answer) =>
          this.log.push(
            answer ? `${name}: ${JSON.stringify(answer.text)} from ${answer.source}` : `${name}: none`,
          ),
        (error: Error) => this.log.push(`${name}: ${error.name}`),
      );
    return { settled, cancel: () => controller.abort() };
  }

  /** The user put the cursor at `$0`: the editor asks for a prefetch there. */
  cursorPut(document: string): void {
    this.completer.prefetch(this.at(document, "automatic"));
  }

  private at(document: string, trigger: CompletionRequest["trigger"]): CompletionRequest {
    return {
      uri: "file:///workspace/shapes.py",
      path: "shapes.py",
      repoName: "workspace",
      language: "python",
      text: document.replace("$0", ""),
      offset: document.indexOf("$0"),
      trigger,
    };
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
      h.model.last().stream("hei");
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

test("with early start off, an automatic request waits the debounce; one cancelled during it never reaches the model", () =>
  check(
    { debounce: { ...defaultDebounceConfig, earlyStart: false } },
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

test("the show gate holds an answer back before display, and it is not cached for typing on", async () => {
  const judged: string[] = [];
  const gate: ShowGate = {
    show: (_request, answer) => {
      judged.push(answer.text);
      return !answer.text.includes("#");
    },
  };
  const harness = new Harness({}, gate);
  const first = harness.request("request 1", "total = price * $0\n");
  await harness.settle();
  assert.equal(harness.model.last().request.tokenProbabilities, true, "the gate's features need them");
  harness.model.last().reply("2  # twice");
  await first.settled;
  const second = harness.request("request 2", "total = price * 2$0\n");
  await harness.settle();
  harness.model.last().reply(" * quantity");
  await second.settled;
  assert.deepEqual(judged, ["2  # twice", " * quantity"]);
  assert.deepEqual(harness.log, [
    'model call 1 (interactive) prompt ends "l = price * "',
    "request 1: none",
    'model call 2 (interactive) prompt ends " = price * 2"',
    'request 2: " * quantity" from model',
  ]);
});

test("a request may ask for background priority (evals); token probabilities only when configured", () =>
  check(
    { tokenProbabilities: false },
    async (h) => {
      const first = h.request("request 1", "area = width * $0\n", "invoked", "background");
      await h.settle();
      h.log.push(`token probabilities asked: ${h.model.last().request.tokenProbabilities}`);
      h.model.last().reply("height");
      await first.settled;
    },
    [
      'model call 1 (background) prompt ends "a = width * "',
      "token probabilities asked: false",
      'request 1: "height" from model',
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

/**
 * Three automatic keystrokes 300 ms apart, each answered by the model at once: afterwards the completer
 * knows the user's typing gaps and that the model answers well within them. The transcript starts after.
 */
async function typedThreeAnsweredKeys(h: Harness): Promise<void> {
  for (const [index, name] of ["alpha", "beta", "gamma"].entries()) {
    const request = h.request(`warm-up ${index}`, `${name} = $0\n`, "automatic");
    await h.settle();
    h.clock.advance(300);
    await h.settle();
    h.model.last().reply(`${name}_value`);
    await request.settled;
    await h.settle();
    // A prefetch started after the answer finds nothing.
    for (const call of h.model.calls.filter((call) => !call.settled)) call.reply("");
    await h.settle();
  }
  h.log.length = 0;
}

test("while the model answers faster than the user types, a keystroke starts it at once in the background, raised when typing pauses", () =>
  check(
    { debounce: defaultDebounceConfig },
    async (h) => {
      await typedThreeAnsweredKeys(h);
      const request = h.request("request", "delta = $0\n", "automatic");
      await h.settle();
      h.log.push("typing has not paused yet");
      h.clock.advance(300);
      await h.settle();
      h.model.last().reply("delta_value");
      await request.settled;
    },
    [
      'model call 4 (background) prompt ends "fix>delta = "',
      "typing has not paused yet",
      "model call 4 raised to interactive",
      'request: "delta_value" from model',
    ],
  ));

test("an early start answered before the pause is shown at once and never raised", () =>
  check(
    { debounce: defaultDebounceConfig },
    async (h) => {
      await typedThreeAnsweredKeys(h);
      const request = h.request("request", "delta = $0\n", "automatic");
      await h.settle();
      h.model.last().reply("delta_value");
      await request.settled;
      h.clock.advance(300);
    },
    ['model call 4 (background) prompt ends "fix>delta = "', 'request: "delta_value" from model'],
  ));

test("the next keystroke cancels an early start that it does not extend, within the generation", () =>
  check(
    { debounce: defaultDebounceConfig },
    async (h) => {
      await typedThreeAnsweredKeys(h);
      const first = h.request("request 1", "delta = $0\n", "automatic");
      await h.settle();
      h.clock.advance(150);
      first.cancel();
      const second = h.request("request 2", "delta = w$0\n", "automatic");
      await first.settled;
      await h.settle();
      h.model.last().reply("idth");
      await second.settled;
    },
    [
      'model call 4 (background) prompt ends "fix>delta = "',
      "model call 4 aborted",
      'model call 5 (background) prompt ends "ix>delta = w"',
      "request 1: RequestSupersededError",
      'request 2: "idth" from model',
    ],
  ));

test("inside a word a keystroke waits for the pause although the model keeps up", () =>
  check(
    { debounce: defaultDebounceConfig },
    async (h) => {
      await typedThreeAnsweredKeys(h);
      const request = h.request("request", "delta = wi$0\n", "automatic");
      await h.settle();
      h.log.push("typing has not paused yet");
      h.clock.advance(300);
      await h.settle();
      h.model.last().reply("dth");
      await request.settled;
    },
    [
      "typing has not paused yet",
      'model call 4 (interactive) prompt ends "x>delta = wi"',
      'request: "dth" from model',
    ],
  ));

test("once the next keystroke keeps cutting the model off, keystrokes wait for the pause again", () =>
  check(
    { debounce: defaultDebounceConfig },
    async (h) => {
      await typedThreeAnsweredKeys(h);
      // The model now takes longer than the user's gaps: each early start is cut off by the next key (whose
      // own timing is decided as it arrives, before the cut-off is counted). Not letters: inside a word no
      // keystroke starts early.
      let previous = h.request("request 0", "delta = $0\n", "automatic");
      const keys = ["delta = -$0\n", "delta = --$0\n", "delta = ---$0\n", "delta = ----$0\n"];
      for (const [index, document] of keys.entries()) {
        await h.settle();
        h.clock.advance(290);
        previous.cancel();
        previous = h.request(`request ${index + 1}`, document, "automatic");
      }
      await h.settle();
      h.log.push("the fifth keystroke waits for the pause");
      h.clock.advance(300);
      await h.settle();
      h.model.last().reply("h");
      await previous.settled;
    },
    [
      'model call 4 (background) prompt ends "fix>delta = "',
      "model call 4 aborted",
      'model call 5 (background) prompt ends "ix>delta = -"',
      "request 0: RequestSupersededError",
      "model call 5 aborted",
      'model call 6 (background) prompt ends "x>delta = --"',
      "request 1: RequestSupersededError",
      "model call 6 aborted",
      'model call 7 (background) prompt ends ">delta = ---"',
      "request 2: RequestSupersededError",
      "model call 7 aborted",
      "request 3: RequestSupersededError",
      "the fifth keystroke waits for the pause",
      'model call 8 (interactive) prompt ends "delta = ----"',
      'request 4: "h" from model',
    ],
  ));

test("with nothing streamed yet, the next keystroke starts its own generation instead of waiting on a guess", () =>
  check(
    {},
    async (h) => {
      const first = h.request("request 1", "area = width * $0\n");
      await h.settle();
      const second = h.request("request 2", "area = width * he$0\n");
      await first.settled;
      await h.settle();
      h.model.last().reply("ight");
      await second.settled;
    },
    [
      'model call 1 (interactive) prompt ends "a = width * "',
      "model call 1 aborted",
      'model call 2 (interactive) prompt ends "= width * he"',
      "request 1: RequestSupersededError",
      'request 2: "ight" from model',
    ],
  ));

test("a generation whose streamed text already contradicts the next keystroke is aborted, not waited for", () =>
  check(
    {},
    async (h) => {
      const first = h.request("request 1", "area = width * $0\n");
      await h.settle();
      h.model.last().stream("hei");
      const second = h.request("request 2", "area = width * w$0\n");
      await first.settled;
      await h.settle();
      h.model.last().reply("idth");
      await second.settled;
    },
    [
      'model call 1 (interactive) prompt ends "a = width * "',
      "model call 1 aborted",
      'model call 2 (interactive) prompt ends " = width * w"',
      "request 1: RequestSupersededError",
      'request 2: "idth" from model',
    ],
  ));

test("the prefetch after an early answer waits for typing to pause; a keystroke before then costs no model call", () =>
  check(
    { debounce: defaultDebounceConfig, prefetch: true },
    async (h) => {
      await typedThreeAnsweredKeys(h);
      const first = h.request("request 1", "total = $0\n", "automatic");
      await h.settle();
      h.model.last().reply("price");
      await first.settled;
      await h.settle();
      h.log.push("no prefetch while typing goes on");
      h.clock.advance(150);
      const second = h.request("request 2", "total = x$0\n", "automatic");
      await h.settle();
      h.model.last().reply(" * 2");
      await second.settled;
      await h.settle();
      h.log.push("typing pauses");
      h.clock.advance(300);
      await h.settle();
    },
    [
      'model call 7 (background) prompt ends "fix>total = "',
      'request 1: "price" from model',
      "no prefetch while typing goes on",
      'model call 8 (background) prompt ends "ix>total = x"',
      'request 2: " * 2" from model',
      "typing pauses",
      'model call 9 (background) prompt ends "otal = x * 2"',
    ],
  ));

test("a request that types into a prefetch still waiting for the pause starts it at once, at interactive priority", () =>
  check(
    { debounce: defaultDebounceConfig, prefetch: true },
    async (h) => {
      await typedThreeAnsweredKeys(h);
      const first = h.request("request 1", "total = $0\n", "automatic");
      await h.settle();
      h.model.last().reply("price");
      await first.settled;
      await h.settle();
      // The user accepts "price": the request after it is where the waiting prefetch is for.
      h.clock.advance(150);
      const second = h.request("request 2", "total = price$0\n", "automatic");
      await h.settle();
      h.model.last().reply(" * quantity");
      await second.settled;
    },
    [
      'model call 7 (background) prompt ends "fix>total = "',
      'request 1: "price" from model',
      'model call 8 (interactive) prompt ends "otal = price"',
      'request 2: " * quantity" from inFlight',
    ],
  ));

// A joined request left waiting would never settle, hence the timeouts.
test(
  "a request that joined a cursor prefetch which found nothing asks the model itself",
  { timeout: 10_000 },
  () =>
    check(
      { prefetch: true },
      async (h) => {
        h.cursorPut("def area(width, height):\n    $0\n");
        await h.settle();
        const request = h.request("request", "def area(width, height):\n    $0\n");
        await h.settle();
        h.model.last().reply("");
        await h.settle();
        h.model.last().reply("return width * height");
        await request.settled;
      },
      [
        'model call 1 (background) prompt ends "eight):\\n    "',
        "model call 1 raised to interactive",
        // Its prompt had the snippets for the cursor, the request's may differ: it asks for itself.
        'model call 2 (interactive) prompt ends "eight):\\n    "',
        'request: "return width * height" from model',
        'model call 3 (background) prompt ends "dth * height"',
      ],
    ),
);

test(
  "a request that joins a cursor prefetch still waiting for retrieval starts it with the snippets there are",
  { timeout: 10_000 },
  () =>
    check(
      { prefetch: true },
      async (h) => {
        h.retrieval = new Promise(() => {});
        h.cursorPut("def area(width, height):\n    $0\n");
        await h.settle();
        h.log.push("retrieval is slow (the index host is starting)");
        const request = h.request("request", "def area(width, height):\n    $0\n");
        await h.settle();
        h.model.last().reply("return width * height");
        await request.settled;
      },
      [
        "retrieval refresh starts",
        "retrieval is slow (the index host is starting)",
        'model call 1 (interactive) prompt ends "eight):\\n    "',
        "retrieval refresh starts",
        'request: "return width * height" from inFlight',
      ],
    ),
);
