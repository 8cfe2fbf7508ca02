/**
 * Runs inline completion against the model engine: the stateful service around the pure pipeline in
 * `completion/`. Per request: typed-ahead cache, reuse of the in-flight generation, adaptive debounce, a plan
 * built from in-memory context only (invariant: no disk I/O on the keystroke path), a cancellable generation
 * that stops as soon as the streaming filter says so, then clean-up and caching.
 *
 * A newer request for a document aborts the older one unless it merely extends it (the user typed what the
 * running generation is about to produce, as far as it has streamed), in which case it waits for that
 * generation instead.
 *
 * An automatic request's generation starts at once at background priority when the model is fast enough for
 * the user's typing (`keystrokeTiming` in `pipeline/debounce.ts`), and is raised to interactive when the
 * debounce says typing has paused; otherwise it starts at the pause, as it did before.
 *
 * Prefetching computes, at background priority, the suggestion for where the user is likely to be next:
 * right after accepting the suggestion just produced, or where they put the cursor. Its answer goes to the
 * cache and the model's KV cache is left holding its prompt, so even a different next keystroke starts warm.
 * A prefetch is an in-flight generation like any other: a request it does not lead to cancels it. The one
 * after an answer starts only when typing has paused: while the user types on, it would be cancelled anyway.
 */

import { randomUUID } from "node:crypto";
import type { Logger } from "../base/logger";
import { RequestSupersededError } from "../capability/capability";
import type { SuggestionGate } from "../feedback";
import {
  type GenerationMetrics,
  type GenerationRequest,
  type GenerationResult,
  type InfillTokens,
  PriorityLane,
  type RequestPriority,
  type SpeculationMode,
} from "../models";
import {
  CompletionCache,
  type CompletionPlan,
  createStreamingFilter,
  cursorQueryWindow,
  type DebounceConfig,
  DebounceTracker,
  decideMultilineAt,
  defaultContextBudget,
  detectFimFamily,
  type FimFamily,
  finalize,
  insideWord,
  lineNumberAt,
  planCompletion,
  type SnippetCandidate,
  similarWindows,
} from "./pipeline";

/** The part of `ModelEngine` the completer needs (a narrow seam, so tests can count calls). */
export interface CompletionModel {
  generate(request: GenerationRequest, signal?: AbortSignal): Promise<GenerationResult>;
  infillTokens(): Promise<InfillTokens | null>;
  tokenCounter(role: "completion"): Promise<(text: string) => number>;
  contextSize(role: "completion"): Promise<number>;
  clearSequence(role: "completion", sequenceKey?: string): Promise<void>;
  modelId(role: "completion"): string | null;
  catalogFimTemplate(): string | null;
}

/** Where snippets for the prompt come from; all answer from memory. */
export interface CompletionContextSources {
  retrieved(uri: string): SnippetCandidate[];
  recentDocuments(uri: string): { path: string; text: string }[];
  /**
   * Called after each answered request, and before a prefetch where the user put the cursor, so background
   * retrieval can follow the cursor; settles when the refresh (if one started) is done.
   */
  cursorMoved(uri: string, path: string, text: string, offset: number): Promise<void>;
}

export interface CompleterConfig {
  enabled: boolean;
  /** Cross-file snippets (retrieval and recent files) in the prompt. */
  crossFileContext: boolean;
  /** The typed-ahead cache. Off only to measure what it saves. */
  cache: boolean;
  /** Waiting for a running generation that the new prefix extends. Off only to measure it. */
  inFlightReuse: boolean;
  /** KV prefix reuse across requests. Off only to measure it. */
  kvReuse: boolean;
  /** Prefetch the next suggestion after each one and where the cursor is put (needs the cache). */
  prefetch: boolean;
  speculation: SpeculationMode | undefined;
  debounce: DebounceConfig | null;
  maxTokens: { singleLine: number; multiline: number };
  /** Ask the model for each token's probability (the show gate's features; evals record them). */
  tokenProbabilities: boolean;
}

/** Time as the completer sees it; tests pass a manual clock so debounce and latency need no real waiting. */
export interface CompleterClock {
  /** Milliseconds, for latencies and the debounce's typing intervals. */
  now(): number;
  /** Resolves after `milliseconds`, or at once when `signal` fires. */
  sleep(milliseconds: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: CompleterClock = {
  now: () => performance.now(),
  sleep: abortableDelay,
};

/** What the guardrails do around a completion; see `completion/capability.ts` for the real one. */
export interface SuggestionGuard {
  /** Applied to the windows and snippets that enter the prompt. */
  redact(text: string): string;
  /**
   * What of a fresh model answer may be shown: the text, a shortened text, or null for nothing (cache answers
   * were judged when they were fresh).
   */
  admit(request: CompletionRequest, text: string): Promise<string | null>;
}

/** Decides before display whether a fresh model answer is worth showing (`completion/learnedShowGate.ts`). */
export interface ShowGate {
  show(request: CompletionRequest, answer: CompletionAnswer): boolean;
}

export interface CompleterOptions {
  /** The feedback policy: pauses after rejections, rejected texts. */
  gate?: SuggestionGate;
  guard?: SuggestionGuard;
  /** The learned show/abstain gate; its answers need token probabilities, which are then always asked for. */
  showGate?: ShowGate;
  clock?: CompleterClock;
}

export interface CompletionRequest {
  uri: string;
  /** Workspace-relative path (or the file name), for templates and snippet de-duplication. */
  path: string;
  repoName: string | undefined;
  language: string;
  text: string;
  offset: number;
  trigger: "automatic" | "invoked";
  /** The generation's priority; default `interactive` (a keystroke). Evals ask at `background`. */
  priority?: RequestPriority;
}

export interface CompletionAnswer {
  id: string;
  /** The text to insert at the cursor. */
  text: string;
  source: "cache" | "model" | "inFlight";
  latencyMs: number;
  metrics: GenerationMetrics | null;
  /** What produced it, for feedback breakdowns: the model, the FIM template family, the snippet sources. */
  model: string;
  template: string | null;
  /** The prompt layout (`<family>/<revision>`); `null` for answers that did not build a prompt (cache). */
  promptVersion: string | null;
  contextSources: string[];
  /** The model's probability of each generated token, when they were asked for; `null` otherwise. */
  tokenProbabilities: number[] | null;
}

interface InFlight {
  prefix: string;
  suffix: string;
  controller: AbortController;
  /** The model's text so far, before clean-up. */
  streamed: string;
  priority: PriorityLane;
  /** Starts a prefetch that still waits for the typing to pause: a request is waiting for it now. */
  wake(): void;
  result: Promise<CompletionAnswer | null>;
}

type Prefetch = "atCursor" | "afterAnswer";
/** `nearby`: the snippets kept near the cursor (chosen now if there are none); `current`: see `candidates`. */
type SnippetChoice = "nearby" | "current";
const snippetReachLines = 8;

/** What the completer counts since it started; `hearth/status` reports them and the benchmarks read them. */
export interface CompleterStats {
  requests: number;
  /** Answered from the typed-ahead cache, without a model call. */
  cacheAnswers: number;
  /** Answered by joining a generation already running for a shorter prefix. */
  inFlightAnswers: number;
  modelCalls: number;
  /** Requests made stale by a newer keystroke, during the debounce or the generation. */
  supersededRequests: number;
  /** Generations stopped part-way because their request (or prefetch) went stale. */
  cancelledGenerations: number;
  /** Background generations for where the user is likely to be next (after an answer, or a cursor move). */
  prefetches: number;
  /** Keystroke generations started before typing paused, at background priority. */
  earlyStarts: number;
  /** Early starts still running when typing paused, raised to interactive then. */
  promotions: number;
  /** Prompt tokens of every generation, prefetches included, and how many came from the KV cache. */
  promptTokens: number;
  reusedPromptTokens: number;
  /** The same for generations a keystroke waited for (prefetches left out). */
  requestPromptTokens: number;
  requestReusedPromptTokens: number;
}

export class InlineCompleter {
  private readonly cache = new CompletionCache();
  private readonly debounce: DebounceTracker;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly gate: SuggestionGate | undefined;
  private readonly guard: SuggestionGuard | undefined;
  private readonly showGate: ShowGate | undefined;
  private readonly clock: CompleterClock;
  private disposed = false;
  private family: Promise<FimFamily> | undefined;
  private keptSnippets: { uri: string; line: number; candidates: SnippetCandidate[] } | undefined;
  private readonly counters: CompleterStats = {
    requests: 0,
    cacheAnswers: 0,
    inFlightAnswers: 0,
    modelCalls: 0,
    supersededRequests: 0,
    cancelledGenerations: 0,
    prefetches: 0,
    earlyStarts: 0,
    promotions: 0,
    promptTokens: 0,
    reusedPromptTokens: 0,
    requestPromptTokens: 0,
    requestReusedPromptTokens: 0,
  };

  constructor(
    private readonly model: CompletionModel,
    private readonly sources: CompletionContextSources,
    private readonly config: CompleterConfig,
    private readonly logger: Logger,
    options: CompleterOptions = {},
  ) {
    this.debounce = new DebounceTracker(config.debounce ?? undefined);
    this.gate = options.gate;
    this.guard = options.guard;
    this.showGate = options.showGate;
    this.clock = options.clock ?? systemClock;
  }

  stats(): CompleterStats & { cache: ReturnType<CompletionCache["stats"]> } {
    return { ...this.counters, cache: this.cache.stats() };
  }

  /** The user accepted or dismissed a suggestion: the debounce adapts to it. */
  recordOutcome(accepted: boolean): void {
    this.debounce.outcome(accepted);
  }

  async complete(request: CompletionRequest, signal: AbortSignal): Promise<CompletionAnswer | null> {
    if (!this.config.enabled || this.disposed) return null;
    // Feedback: automatic requests pause after a run of rejections; a rejected text is not shown again here.
    if (this.gate && !this.gate.allowRequest(request.trigger, Date.now())) return null;
    const answer = await this.answer(request, signal);
    if (!answer || !this.gate) return answer;
    const context = {
      uri: request.uri,
      path: request.path,
      language: request.language,
      prefix: request.text.slice(0, request.offset),
      suffix: request.text.slice(request.offset),
    };
    if (!this.gate.allowSuggestion(context, answer.text, Date.now())) return null;
    this.gate.answered(answer.id, context, answer.text);
    return answer;
  }

  private async answer(request: CompletionRequest, signal: AbortSignal): Promise<CompletionAnswer | null> {
    const started = this.clock.now();
    this.counters.requests++;
    // The plan decides the same from the same text; known now, it picks the samples that time this keystroke.
    const multiline = decideMultilineAt(request.text, request.offset, request.language).multiline;
    if (request.trigger === "automatic") this.debounce.keystroke(started, multiline);
    const modelId = this.model.modelId("completion");
    if (!modelId) return null;
    const prefix = request.text.slice(0, request.offset);
    const suffix = request.text.slice(request.offset);
    const key = { uri: request.uri, modelId, prefix, suffix };

    if (this.config.cache) {
      const hit = this.cache.lookup(key);
      if (hit) {
        this.counters.cacheAnswers++;
        return {
          id: hit.id ?? randomUUID(),
          text: hit.text,
          source: "cache",
          latencyMs: this.clock.now() - started,
          metrics: null,
          model: modelId,
          template: null,
          promptVersion: null,
          contextSources: [],
          tokenProbabilities: null,
        };
      }
    }

    const running = this.inFlight.get(request.uri);
    if (running) {
      const typedSince = prefix.slice(running.prefix.length);
      // Joined only where the text streamed so far shows the user typing what the model writes: with nothing
      // streamed yet a new generation costs little more (the KV cache keeps the prompt read so far) and never
      // waits for one that turns out wrong.
      const extendsRunning =
        this.config.inFlightReuse &&
        !running.controller.signal.aborted &&
        running.suffix === suffix &&
        prefix.startsWith(running.prefix) &&
        (typedSince === "" || (running.streamed !== "" && agrees(running.streamed, typedSince)));
      if (extendsRunning) {
        // Someone waits for it now: it starts if it was waiting, and gives way to nothing.
        running.wake();
        running.priority.raise("interactive");
        const answer = await running.result;
        if (answer?.text.startsWith(typedSince) && answer.text.length > typedSince.length) {
          this.counters.inFlightAnswers++;
          return {
            ...answer,
            text: answer.text.slice(typedSince.length),
            source: "inFlight",
            latencyMs: this.clock.now() - started,
          };
        }
      } else {
        running.controller.abort();
      }
    }

    const timing =
      request.trigger === "automatic" && this.config.debounce
        ? this.debounce.timing(multiline, started, { insideWord: insideWord(prefix) })
        : { startMs: 0, pauseMs: 0 };
    await this.clock.sleep(timing.startMs, signal);
    if (signal.aborted) {
      // A newer keystroke arrived during the debounce: this request never reaches the model.
      this.counters.supersededRequests++;
      throw new RequestSupersededError();
    }

    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    const lane = this.laneUntilPause(timing, request.priority ?? "interactive");
    const answer = await this.track(request.uri, key, controller, lane.priority, (entry) =>
      this.generate(request, key, controller.signal, started, "request", entry).finally(() => {
        lane.settled();
        signal.removeEventListener("abort", onAbort);
      }),
    );
    // Stale before it was answered: a newer keystroke aborted its generation.
    if (!answer && controller.signal.aborted) throw new RequestSupersededError();
    if (answer?.source === "model") {
      this.prefetch(
        { ...request, text: prefix + answer.text + suffix, offset: request.offset + answer.text.length },
        "afterAnswer",
        Math.max(0, timing.pauseMs - (this.clock.now() - started)),
      );
    }
    return answer;
  }

  /**
   * The priority of a keystroke's generation: interactive when it starts at the pause; background when it
   * starts earlier, raised to interactive when the pause comes while it still runs.
   */
  private laneUntilPause(
    timing: { startMs: number; pauseMs: number },
    requested: RequestPriority,
  ): {
    priority: PriorityLane;
    settled(): void;
  } {
    if (timing.pauseMs <= timing.startMs) return { priority: new PriorityLane(requested), settled() {} };
    this.counters.earlyStarts++;
    const priority = new PriorityLane("background");
    // A stale generation stops within a token and settles too, so this also ends on staleness.
    const settled = new AbortController();
    void this.clock.sleep(timing.pauseMs - timing.startMs, settled.signal).then(() => {
      if (settled.signal.aborted) return;
      this.counters.promotions++;
      priority.raise("interactive");
    });
    return { priority, settled: () => settled.abort() };
  }

  /**
   * Starts a background generation for `request` unless the document has one running. `atCursor`: the user
   * put the cursor there, so snippets retrieved for that place become the ones kept; `afterAnswer`: the place
   * after accepting the answer just given, prompted with the snippets already in use, so the two prompts
   * share their start.
   */
  prefetch(request: CompletionRequest, purpose: Prefetch = "atCursor", startAfterMs = 0): void {
    if (!this.config.enabled || !this.config.prefetch || !this.config.cache || this.disposed) return;
    const modelId = this.model.modelId("completion");
    if (!modelId || this.inFlight.has(request.uri)) return;
    const key = {
      uri: request.uri,
      modelId,
      prefix: request.text.slice(0, request.offset),
      suffix: request.text.slice(request.offset),
    };
    const controller = new AbortController();
    // Ends the wait for the pause: the prefetch went stale, or a request now waits for it.
    const waiting = new AbortController();
    controller.signal.addEventListener("abort", () => waiting.abort(), { once: true });
    void this.track(
      request.uri,
      key,
      controller,
      new PriorityLane("background"),
      async (entry) => {
        // Registered while it waits, so a keystroke it does not lead to cancels it before it costs anything.
        await this.clock.sleep(startAfterMs, waiting.signal);
        if (controller.signal.aborted) return null;
        this.counters.prefetches++;
        // A cursor put down somewhere new gets the snippets retrieved for that place, not the old ones, unless
        // a request waits for it before they arrive (the index host may still be starting).
        if (purpose === "atCursor") {
          const retrieval = this.sources.cursorMoved(request.uri, request.path, request.text, request.offset);
          await settledOrAborted(retrieval, waiting.signal);
        }
        return this.generate(request, key, controller.signal, this.clock.now(), purpose, entry);
      },
      () => waiting.abort(),
    );
  }

  /** Registers a generation as the document's in-flight one until it settles. */
  private track(
    uri: string,
    key: { prefix: string; suffix: string },
    controller: AbortController,
    priority: PriorityLane,
    run: (entry: InFlight) => Promise<CompletionAnswer | null>,
    wake: () => void = () => {},
  ): Promise<CompletionAnswer | null> {
    const entry: InFlight = {
      prefix: key.prefix,
      suffix: key.suffix,
      controller,
      streamed: "",
      priority,
      wake,
      result: Promise.resolve(null),
    };
    this.inFlight.set(uri, entry);
    entry.result = run(entry).finally(() => {
      if (this.inFlight.get(uri) === entry) this.inFlight.delete(uri);
    });
    return entry.result;
  }

  /** Stops every running generation (requests and prefetches); called when the capability stops. */
  dispose(): void {
    this.disposed = true;
    for (const running of this.inFlight.values()) running.controller.abort();
  }

  /** The plan a request would use, for `hearth complete --explain`. */
  async plan(request: CompletionRequest, snippets: SnippetChoice = "nearby"): Promise<CompletionPlan> {
    const family = await this.fimFamily();
    const countTokens = await this.model.tokenCounter("completion");
    // The prompt and the longest answer must both fit the model's context.
    const contextSize = await this.model.contextSize("completion");
    const maxPromptTokens = Math.min(
      defaultContextBudget.maxPromptTokens,
      contextSize - this.config.maxTokens.multiline - 8,
    );
    return planCompletion({
      text: request.text,
      offset: request.offset,
      path: request.path,
      repoName: request.repoName,
      language: request.language,
      family,
      candidates: this.config.crossFileContext ? this.candidates(request, snippets) : [],
      countTokens,
      budget: { maxPromptTokens },
      maxTokens: this.config.maxTokens,
      ...(this.guard ? { redact: (text: string) => this.guard!.redact(text) } : {}),
    });
  }

  private async generate(
    request: CompletionRequest,
    key: { uri: string; modelId: string; prefix: string; suffix: string },
    signal: AbortSignal,
    started: number,
    purpose: "request" | Prefetch,
    entry: InFlight,
  ): Promise<CompletionAnswer | null> {
    let modelCall: { at: number; multiline: boolean } | null = null;
    const stale = () => {
      if (purpose === "request") this.counters.supersededRequests++;
      this.counters.cancelledGenerations++;
      // Left out, the debounce would learn only from generations fast enough to finish, and keep starting
      // early where the model cannot keep up with the typing.
      if (purpose === "request" && modelCall !== null)
        this.debounce.modelLatency(this.clock.now() - modelCall.at, this.clock.now(), {
          cutOff: true,
          multiline: modelCall.multiline,
        });
      return null;
    };
    try {
      const plan = await this.plan(request, purpose === "afterAnswer" ? "current" : "nearby");
      const filter = createStreamingFilter(plan.filter);
      if (!this.config.kvReuse) await this.model.clearSequence("completion");
      this.counters.modelCalls++;
      modelCall = { at: this.clock.now(), multiline: plan.multiline };
      const result = await this.model.generate(
        {
          role: "completion",
          prompt: plan.prompt.text,
          // For remote servers that build the FIM prompt themselves (llama-server's /infill, Ollama's suffix).
          infill: {
            prefix: plan.context.prefix,
            suffix: plan.context.suffix,
            extra: plan.context.snippets.map((snippet) => ({ filename: snippet.path, text: snippet.text })),
          },
          stop: plan.prompt.stop,
          maxTokens: plan.maxTokens,
          temperature: 0,
          speculation: this.config.speculation,
          priority: entry.priority,
          tokenProbabilities: this.config.tokenProbabilities || this.showGate !== undefined,
          onText: (textSoFar) => {
            entry.streamed = textSoFar;
            return filter.push(textSoFar).stop ? "stop" : "continue";
          },
        },
        signal,
      );
      this.counters.promptTokens += result.metrics.promptTokens;
      this.counters.reusedPromptTokens += result.metrics.reusedPromptTokens;
      if (purpose === "request") {
        this.counters.requestPromptTokens += result.metrics.promptTokens;
        this.counters.requestReusedPromptTokens += result.metrics.reusedPromptTokens;
      }
      this.logger.debug(
        `completion ${purpose} ${request.path}:${request.offset}: prompt ${result.metrics.promptTokens} tokens ` +
          `(${result.metrics.reusedPromptTokens} reused), ${result.metrics.totalMs.toFixed(0)} ms, ${result.metrics.stopReason}`,
      );
      if (result.metrics.stopReason === "aborted") return stale();
      if (purpose === "request")
        this.debounce.modelLatency(result.metrics.totalMs, this.clock.now(), { multiline: plan.multiline });
      const finalized = finalize(result.text, plan.filter, {
        truncated: result.metrics.stopReason === "maxTokens",
      });
      void this.sources.cursorMoved(request.uri, request.path, request.text, request.offset);
      if (!finalized) return null;
      const text = this.guard ? await this.guard.admit(request, finalized) : finalized;
      if (!text) return null;
      const answer: CompletionAnswer = {
        id: randomUUID(),
        text,
        source: "model",
        latencyMs: this.clock.now() - started,
        metrics: result.metrics,
        model: key.modelId,
        template: plan.prompt.family,
        promptVersion: plan.promptVersion,
        contextSources: [...new Set(plan.context.snippets.map((snippet) => snippet.source))],
        tokenProbabilities: result.tokenProbabilities ?? null,
      };
      // An answer the gate holds back is not cached either, so typing on does not bring it up.
      if (this.showGate && !this.showGate.show(request, answer)) return null;
      if (this.config.cache) this.cache.store(key, { text, id: answer.id });
      return answer;
    } catch (error) {
      if (signal.aborted) return stale();
      this.logger.error(`inline completion failed for ${request.path}`, error);
      return null;
    }
  }

  /**
   * Snippets are chosen for a place and kept while the cursor stays within `snippetReachLines` of it: they
   * open the prompt, so a change would make the model re-read everything after them instead of reusing its
   * cached prefix (measured: each change cost a full prompt, 250 to 550 ms on the tiny model).
   * `current` takes the document's kept snippets wherever the cursor is, and keeps nothing new.
   */
  private candidates(request: CompletionRequest, choice: SnippetChoice): SnippetCandidate[] {
    const line = lineNumberAt(request.text, request.offset);
    const kept = this.keptSnippets;
    const nearby = kept && Math.abs(kept.line - line) <= snippetReachLines;
    if (kept?.uri === request.uri && (choice === "current" || nearby)) return kept.candidates;
    const candidates = this.freshCandidates(request);
    if (choice === "nearby") this.keptSnippets = { uri: request.uri, line, candidates };
    return candidates;
  }

  private freshCandidates(request: CompletionRequest): SnippetCandidate[] {
    const window = cursorQueryWindow(request.text, request.offset, 20);
    const similar = similarWindows(window, this.sources.recentDocuments(request.uri), { limit: 4 }).map(
      (found): SnippetCandidate => ({
        source: "recentEdit",
        path: found.path,
        text: found.text,
        score: found.score,
      }),
    );
    return [...this.sources.retrieved(request.uri), ...similar];
  }

  private fimFamily(): Promise<FimFamily> {
    this.family ??= this.model.infillTokens().then((tokens) => {
      const specialTokens = tokens
        ? [tokens.prefix, tokens.suffix, tokens.middle, tokens.endOfText, tokens.fileSeparator].filter(
            (token): token is string => token !== null,
          )
        : [];
      const family = detectFimFamily({
        specialTokens,
        name: this.model.modelId("completion") ?? undefined,
        catalogTemplate: this.model.catalogFimTemplate() ?? undefined,
      });
      if (!family) throw new Error("the completion model has no fill-in-the-middle tokens Hearth knows");
      return family;
    });
    return this.family;
  }
}

/** Resolves when `work` settles or `signal` fires, whichever comes first. */
function settledOrAborted(work: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    work.then(done, done);
  });
}

/** Whether the model's text so far and what the user typed since could be the same text. */
function agrees(streamed: string, typed: string): boolean {
  return streamed.startsWith(typed) || typed.startsWith(streamed);
}

function abortableDelay(milliseconds: number, signal: AbortSignal): Promise<void> {
  if (milliseconds <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, milliseconds);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
