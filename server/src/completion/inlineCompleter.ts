/**
 * Runs inline completion against the model engine: the stateful service around the pure pipeline in
 * `completion/`. Per request: typed-ahead cache, reuse of the in-flight generation, adaptive debounce, a plan
 * built from in-memory context only (invariant: no disk I/O on the keystroke path), a cancellable generation
 * that stops as soon as the streaming filter says so, then clean-up and caching.
 *
 * A newer request for a document aborts the older one unless it merely extends it (the user typed what the
 * running generation is about to produce), in which case it waits for that generation instead.
 *
 * Prefetching computes, at background priority, the suggestion for where the user is likely to be next:
 * right after accepting the suggestion just produced, or where they put the cursor. Its answer goes to the
 * cache and the model's KV cache is left holding its prompt, so even a different next keystroke starts warm.
 * A prefetch is an in-flight generation like any other: a request it does not lead to cancels it.
 */

import { randomUUID } from "node:crypto";
import type { Logger } from "../base/logger";
import { RequestSupersededError } from "../capability/capability";
import type { SuggestionGate } from "../feedback";
import type {
  GenerationMetrics,
  GenerationRequest,
  GenerationResult,
  InfillTokens,
  SpeculationMode,
} from "../models";
import {
  CompletionCache,
  type CompletionPlan,
  createStreamingFilter,
  cursorQueryWindow,
  type DebounceConfig,
  DebounceTracker,
  defaultContextBudget,
  detectFimFamily,
  type FimFamily,
  finalize,
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

export interface CompleterOptions {
  /** The feedback policy: pauses after rejections, rejected texts. */
  gate?: SuggestionGate;
  guard?: SuggestionGuard;
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
}

interface InFlight {
  prefix: string;
  suffix: string;
  controller: AbortController;
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
    if (request.trigger === "automatic") this.debounce.keystroke(started);
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
        };
      }
    }

    const running = this.inFlight.get(request.uri);
    if (running) {
      const extendsRunning =
        this.config.inFlightReuse && running.suffix === suffix && prefix.startsWith(running.prefix);
      if (extendsRunning) {
        const answer = await running.result;
        const typed = prefix.slice(running.prefix.length);
        if (answer?.text.startsWith(typed) && answer.text.length > typed.length) {
          this.counters.inFlightAnswers++;
          return {
            ...answer,
            text: answer.text.slice(typed.length),
            source: "inFlight",
            latencyMs: this.clock.now() - started,
          };
        }
      } else {
        running.controller.abort();
      }
    }

    if (request.trigger === "automatic" && this.config.debounce) {
      await this.clock.sleep(this.debounce.delay(), signal);
    }
    if (signal.aborted) {
      // A newer keystroke arrived during the debounce: this request never reaches the model.
      this.counters.supersededRequests++;
      throw new RequestSupersededError();
    }

    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    const answer = await this.track(request.uri, key, controller, () =>
      this.generate(request, key, controller.signal, started, "request").finally(() =>
        signal.removeEventListener("abort", onAbort),
      ),
    );
    // Stale before it was answered: a newer keystroke aborted its generation.
    if (!answer && controller.signal.aborted) throw new RequestSupersededError();
    if (answer?.source === "model") {
      this.prefetch(
        { ...request, text: prefix + answer.text + suffix, offset: request.offset + answer.text.length },
        "afterAnswer",
      );
    }
    return answer;
  }

  /**
   * Starts a background generation for `request` unless the document has one running. `atCursor`: the user
   * put the cursor there, so snippets retrieved for that place become the ones kept; `afterAnswer`: the place
   * after accepting the answer just given, prompted with the snippets already in use, so the two prompts
   * share their start.
   */
  prefetch(request: CompletionRequest, purpose: Prefetch = "atCursor"): void {
    if (!this.config.enabled || !this.config.prefetch || !this.config.cache || this.disposed) return;
    const modelId = this.model.modelId("completion");
    if (!modelId || this.inFlight.has(request.uri)) return;
    const key = {
      uri: request.uri,
      modelId,
      prefix: request.text.slice(0, request.offset),
      suffix: request.text.slice(request.offset),
    };
    this.counters.prefetches++;
    const controller = new AbortController();
    void this.track(request.uri, key, controller, async () => {
      // A cursor put down somewhere new gets the snippets retrieved for that place, not the old ones.
      if (purpose === "atCursor")
        await this.sources.cursorMoved(request.uri, request.path, request.text, request.offset);
      return this.generate(request, key, controller.signal, this.clock.now(), purpose);
    });
  }

  /** Registers a generation as the document's in-flight one until it settles. */
  private track(
    uri: string,
    key: { prefix: string; suffix: string },
    controller: AbortController,
    run: () => Promise<CompletionAnswer | null>,
  ): Promise<CompletionAnswer | null> {
    const entry: InFlight = {
      prefix: key.prefix,
      suffix: key.suffix,
      controller,
      result: run().finally(() => {
        if (this.inFlight.get(uri) === entry) this.inFlight.delete(uri);
      }),
    };
    this.inFlight.set(uri, entry);
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
  ): Promise<CompletionAnswer | null> {
    const stale = () => {
      if (purpose === "request") this.counters.supersededRequests++;
      this.counters.cancelledGenerations++;
      return null;
    };
    try {
      const plan = await this.plan(request, purpose === "afterAnswer" ? "current" : "nearby");
      const filter = createStreamingFilter(plan.filter);
      if (!this.config.kvReuse) await this.model.clearSequence("completion");
      this.counters.modelCalls++;
      const result = await this.model.generate(
        {
          role: "completion",
          prompt: plan.prompt.text,
          stop: plan.prompt.stop,
          maxTokens: plan.maxTokens,
          temperature: 0,
          speculation: this.config.speculation,
          priority: purpose === "request" ? "interactive" : "background",
          onText: (textSoFar) => (filter.push(textSoFar).stop ? "stop" : "continue"),
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
      if (purpose === "request") this.debounce.modelLatency(result.metrics.totalMs);
      if (result.metrics.stopReason === "aborted") return stale();
      const finalized = finalize(result.text, plan.filter, {
        truncated: result.metrics.stopReason === "maxTokens",
      });
      void this.sources.cursorMoved(request.uri, request.path, request.text, request.offset);
      if (!finalized) return null;
      const text = this.guard ? await this.guard.admit(request, finalized) : finalized;
      if (!text) return null;
      const id = randomUUID();
      if (this.config.cache) this.cache.store(key, { text, id });
      return {
        id,
        text,
        source: "model",
        latencyMs: this.clock.now() - started,
        metrics: result.metrics,
        model: key.modelId,
        template: plan.prompt.family,
        promptVersion: plan.promptVersion,
        contextSources: [...new Set(plan.context.snippets.map((snippet) => snippet.source))],
      };
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
