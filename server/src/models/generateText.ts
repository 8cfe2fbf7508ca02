/**
 * One generation on a locked sequence: reuse the cached prompt prefix, evaluate the rest in cancellable steps,
 * then decode (plainly or speculatively) until EOG, a stop string or token, `maxTokens`, the caller's hook, or
 * cancellation, which is checked after every token so decoding stops within one token.
 */

import type { Token } from "node-llama-cpp";
import { round } from "../base/numbers";
import type { GenerationModel, SequenceSlot } from "./generationModel";
import type { GenerationRequest, GenerationResult, SpeculationMode } from "./generationTypes";
import { ContextOverflowError, GenerationAbortedError, throwIfAborted } from "./modelErrors";
import type { TaskControl } from "./priorityScheduler";
import {
  type DecodeStats,
  InputLookupProposer,
  inputLookupDecode,
  plainDecode,
  speculativeDecode,
  type TokenProposer,
} from "./speculativeDecoding";

type StopReason = GenerationResult["metrics"]["stopReason"];

export interface GenerationInput {
  tokens: Token[];
  stop: readonly string[];
  stopTokens: readonly Token[];
  speculation: SpeculationMode;
}

export async function generateText(
  generation: GenerationModel,
  slot: SequenceSlot,
  request: GenerationRequest,
  input: GenerationInput,
  timing: { started: number; queuedMs: number },
  signal: AbortSignal | undefined,
  control: TaskControl,
): Promise<GenerationResult> {
  const { model, contextSize } = generation;
  const { sequence } = slot;
  const tokens = input.tokens;
  if (tokens.length === 0) throw new RangeError("empty prompt");
  if (tokens.length >= contextSize) throw new ContextOverflowError(tokens.length, contextSize);
  const maxTokens = Math.max(0, Math.min(request.maxTokens, contextSize - tokens.length));

  // Keep the longest common prefix; at least one prompt token is evaluated, for the logits of the first answer token.
  const reused = Math.min(sequence.compareContextTokens(tokens).firstDifferentIndex, tokens.length - 1);
  if (reused < sequence.nextTokenIndex) {
    await sequence.eraseContextTokenRanges([{ start: reused, end: sequence.nextTokenIndex }]);
  }
  const temperature = request.temperature ?? 0;
  // Speculation keeps greedy output identical; sampled requests and roles without a draft model decode plainly.
  const grammarEvaluationState = request.grammar ? await generation.grammarState(request.grammar) : undefined;
  const proposer: TokenProposer | null =
    temperature !== 0 || grammarEvaluationState
      ? null
      : input.speculation === "draft"
        ? slot.draft
        : input.speculation === "inputLookup"
          ? new InputLookupProposer(tokens, generation.config.inputLookup)
          : null;
  const speculation: SpeculationMode = proposer ? input.speculation : "none";
  // llama.cpp's batch priority only orders sequences of one context evaluated together; the class at the start
  // is good enough for a lane raised later.
  const startedAs = typeof request.priority === "object" ? request.priority.priority : request.priority;
  const evaluationPriority = startedAs === "background" ? 1 : 5;
  const metrics: GenerationResult["metrics"] = {
    role: generation.role,
    speculation,
    promptTokens: tokens.length,
    reusedPromptTokens: reused,
    generatedTokens: 0,
    queuedMs: round(timing.queuedMs),
    timeToFirstTokenMs: 0,
    decodeTokensPerSecond: 0,
    draftedTokens: 0,
    acceptedTokens: 0,
    proposalMs: 0,
    targetEvaluations: 0,
    totalMs: 0,
    stopReason: "eog",
  };
  const generated: Token[] = [];
  const stats: DecodeStats = {
    drafted: 0,
    accepted: 0,
    targetEvaluations: 0,
    proposalMs: 0,
    ...(request.tokenProbabilities ? { tokenProbabilities: [] } : {}),
  };
  let text = "";
  const result = (): GenerationResult => ({
    text,
    tokens: generated.slice(),
    metrics,
    // A token cut by a stop string or token is not part of the answer, and neither is its probability.
    ...(stats.tokenProbabilities
      ? { tokenProbabilities: stats.tokenProbabilities.slice(0, generated.length) }
      : {}),
  });

  let pending = tokens.slice(reused);
  // A long prompt goes in batch-sized steps so that cancellation and interactive work get a turn in between.
  const step = Math.max(1, generation.context.batchSize);
  while (pending.length > step) {
    await sequence.evaluateWithoutGeneratingNewTokens(pending.slice(0, step), { evaluationPriority });
    pending = pending.slice(step);
    throwIfAborted(signal, result());
    await control.yieldToHigherPriority();
  }

  const stopTokens = new Set(input.stopTokens);
  const stops = input.stop.filter((stop) => stop.length > 0);
  let firstTokenAt = 0;
  let lastTokenAt = 0;
  let stopReason: StopReason = "eog";
  if (maxTokens === 0) stopReason = request.maxTokens <= 0 ? "maxTokens" : "contextFull";
  else {
    // Input lookup verifies proposals only while the output copies its input (`inputLookupDecode`), unless it
    // is configured not to adapt (for measuring fixed lengths).
    const decode =
      speculation === "inputLookup" && generation.config.inputLookup.adaptive
        ? inputLookupDecode
        : speculativeDecode;
    const iterator = proposer
      ? decode(
          sequence,
          pending,
          tokens.slice(),
          proposer,
          speculation === "draft" ? slot.tuners.draft : slot.tuners.inputLookup,
          { evaluationPriority },
          stats,
        )
      : plainDecode(
          sequence,
          pending,
          {
            temperature,
            ...(request.topK === undefined ? {} : { topK: request.topK }),
            ...(request.topP === undefined ? {} : { topP: request.topP }),
            ...(request.seed === undefined ? {} : { seed: request.seed }),
            ...(grammarEvaluationState ? { grammarEvaluationState } : {}),
            evaluationPriority,
          },
          stats,
        );
    for await (const token of iterator) {
      lastTokenAt = performance.now();
      if (generated.length === 0) firstTokenAt = lastTokenAt;
      if (stopTokens.has(token)) {
        stopReason = "stopToken";
        break;
      }
      generated.push(token);
      const before = text.length;
      text = model.detokenize(generated);
      const stopAt = findStop(text, stops, before);
      if (stopAt >= 0) {
        text = text.slice(0, stopAt);
        stopReason = "stop";
        break;
      }
      if (request.onText?.(visibleText(text, stops)) === "stop") {
        stopReason = "hook";
        break;
      }
      if (signal?.aborted) {
        stopReason = "aborted";
        break;
      }
      if (generated.length >= maxTokens) {
        stopReason = maxTokens < request.maxTokens ? "contextFull" : "maxTokens";
        break;
      }
      await control.yieldToHigherPriority();
    }
  }

  const now = performance.now();
  metrics.generatedTokens = generated.length;
  metrics.stopReason = stopReason;
  metrics.timeToFirstTokenMs = round((firstTokenAt || now) - timing.started);
  metrics.decodeTokensPerSecond =
    generated.length > 1 && lastTokenAt > firstTokenAt
      ? round(((generated.length - 1) * 1000) / (lastTokenAt - firstTokenAt))
      : 0;
  metrics.draftedTokens = stats.drafted;
  metrics.acceptedTokens = stats.accepted;
  metrics.proposalMs = round(stats.proposalMs);
  metrics.targetEvaluations = stats.targetEvaluations;
  metrics.totalMs = round(now - timing.started);
  if (stopReason === "aborted") throw new GenerationAbortedError(result());
  return result();
}

/** Index of the first stop string in `text` that starts at or after `from - longest stop`, or -1. */
export function findStop(text: string, stops: readonly string[], from: number): number {
  let best = -1;
  for (const stop of stops) {
    const index = text.indexOf(stop, Math.max(0, from - stop.length + 1));
    if (index >= 0 && (best < 0 || index < best)) best = index;
  }
  return best;
}

/** `text` without a trailing partial stop string or an incomplete UTF-8 character, for streaming hooks. */
export function visibleText(text: string, stops: readonly string[]): string {
  let end = text.endsWith("\uFFFD") ? text.length - 1 : text.length;
  for (const stop of stops) {
    for (let length = Math.min(stop.length - 1, end); length > 0; length--) {
      if (text.startsWith(stop.slice(0, length), end - length)) {
        end -= length;
        break;
      }
    }
  }
  return text.slice(0, end);
}
