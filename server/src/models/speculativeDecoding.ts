/**
 * Speculative decoding: cheap proposals (the draft model's greedy tokens, or the prompt's continuation after
 * the text just generated) verified by the target model in one evaluation, keeping the longest prefix the
 * target agrees with plus the target's own next token.
 *
 * Hearth verifies proposals itself through `controlledEvaluate` instead of using node-llama-cpp's token
 * predictors: in 3.21.1 `_speculativeEvaluate` compares each prediction after the first with an entry of
 * `validatedTokens`, an array it never fills, so at most one predicted token is accepted per target
 * evaluation. Measured on an output that copied its prompt exactly: 12-token lookups gave 2.0 tokens per
 * evaluation and 0.57x the speed of plain decoding; verified here, the same lookups give up to 13.
 *
 * Only greedy requests speculate (each position is then the target's argmax, so the output is identical to
 * plain decoding); sampled requests decode plainly.
 */

import type { LlamaContextSequence, LlamaGrammarEvaluationState, Token } from "node-llama-cpp";
import type { DraftPredictionConfig, InputLookupConfig } from "./modelsConfig";

export interface TokenProposer {
  /** Up to `max` tokens the target is likely to generate after `history` (prompt and output so far). */
  propose(history: readonly Token[], max: number): Promise<Token[]> | Token[];
  /** Time the last `propose` spent on proposing itself, without waiting for earlier background work. */
  readonly lastProposalMs?: number;
}

export interface DecodeStats {
  /** Proposed tokens the target evaluated. */
  drafted: number;
  /** Proposed tokens the target confirmed. */
  accepted: number;
  targetEvaluations: number;
  /** Time spent proposing, after the first cycle (which carries the prompt). */
  proposalMs: number;
}

/** Plain decoding through node-llama-cpp's own loop: one target evaluation per token. */
export async function* plainDecode(
  sequence: LlamaContextSequence,
  pending: Token[],
  options: {
    temperature: number;
    topK?: number;
    topP?: number;
    seed?: number;
    grammarEvaluationState?: LlamaGrammarEvaluationState;
    evaluationPriority: 1 | 5;
  },
  stats: DecodeStats,
): AsyncGenerator<Token> {
  for await (const token of sequence.evaluate(pending, options)) {
    stats.targetEvaluations++;
    yield token;
  }
}

/**
 * Chooses how many tokens to propose, from what proposals have been worth so far. The n-th proposed token is
 * only used when the n - 1 before it were, so it pays while acceptance^n exceeds its cost in target-token
 * times (producing it, plus the extra verification work it adds to the batch); both acceptance and costs are
 * measured as decoding goes. A role keeps one tuner per sequence and mode, so it learns across requests.
 */
export class SpeculationTuner {
  /** Probability that a proposed token is accepted, given the one before it was (moving average). */
  private acceptance = 0.5;
  /** A target evaluation of one token, and the extra time per additional token in the batch (ms). */
  private singleMs = Number.NaN;
  private extraMs = Number.NaN;
  /** Time to produce one proposal (ms): the draft model's decode, next to nothing for a lookup. */
  private proposeMs = 0;
  private idleCycles = 0;

  constructor(
    readonly maxProposals: number,
    /** `false`: always propose `maxProposals` (for measuring fixed draft lengths). */
    readonly adaptive: boolean,
  ) {}

  get acceptanceEstimate(): number {
    return this.acceptance;
  }

  budget(): number {
    if (!this.adaptive) return this.maxProposals;
    const single = Number.isNaN(this.singleMs) ? 1 : this.singleMs;
    const extra = Number.isNaN(this.extraMs) ? 0.15 * single : this.extraMs;
    // Wanting each proposal to be worth 1.5x its cost keeps noisy estimates from turning a thin gain into a loss.
    const cost = Math.max(0.01, (1.5 * (this.proposeMs + extra)) / single);
    let count = 0;
    if (this.acceptance >= 0.999) count = this.maxProposals;
    else if (this.acceptance > cost) count = Math.floor(Math.log(cost) / Math.log(this.acceptance));
    count = Math.min(this.maxProposals, Math.max(0, count));
    // While proposals do not pay, probe with one now and then so that a change (say, the output starts
    // copying the prompt) is noticed. A proposal that costs more than a target token can never pay, whatever
    // the acceptance; it is only re-measured rarely (each probe may make a draft model catch up on the prompt).
    if (count === 0 && ++this.idleCycles >= (cost >= 1 ? 512 : 8)) {
      this.idleCycles = 0;
      return 1;
    }
    return count;
  }

  recordEvaluation(batchTokens: number, ms: number): void {
    if (batchTokens === 1) this.singleMs = average(this.singleMs, ms);
    else if (!Number.isNaN(this.singleMs)) {
      this.extraMs = average(this.extraMs, Math.max(0, (ms - this.singleMs) / (batchTokens - 1)));
    }
  }

  recordProposals(count: number, ms: number): void {
    if (count > 0) this.proposeMs = average(this.proposeMs, ms / count);
  }

  recordOutcome(proposed: number, accepted: number): void {
    for (let index = 0; index < proposed && index <= accepted; index++) {
      const success = index < accepted;
      this.acceptance += 0.15 * ((success ? 1 : 0) - this.acceptance);
    }
  }
}

function average(current: number, sample: number): number {
  return Number.isNaN(current) ? sample : current + 0.2 * (sample - current);
}

/**
 * Greedy decoding with proposals. `history` holds the prompt (its last `pending` tokens not yet in the KV
 * cache) and grows with every token yielded. Stops at an end-of-generation token (not yielded), like
 * `plainDecode`. Never lets the KV cache reach the end of the context: proposals shrink to fit.
 */
export async function* speculativeDecode(
  sequence: LlamaContextSequence,
  pending: Token[],
  history: Token[],
  proposer: TokenProposer,
  tuner: SpeculationTuner,
  options: { evaluationPriority: 1 | 5 },
  stats: DecodeStats,
): AsyncGenerator<Token> {
  const model = sequence.model;
  const next = { generateNext: { token: true, options: { temperature: 0 } } } as const;
  let feed = pending;
  while (true) {
    const room = sequence.contextSize - (sequence.nextTokenIndex + feed.length) - 1;
    const budget = Math.min(tuner.budget(), room);
    const proposeStarted = performance.now();
    const proposals = budget > 0 ? (await proposer.propose(history, budget)).slice(0, budget) : [];
    // The first cycle carries the prompt (for the target, and for a draft model catching up): its times say
    // nothing about the steady cost of a proposal.
    if (feed.length === 1 && budget > 0) {
      const proposalMs = proposer.lastProposalMs ?? performance.now() - proposeStarted;
      stats.proposalMs += proposalMs;
      tuner.recordProposals(proposals.length, proposalMs);
    }
    const items = [
      ...feed.slice(0, -1),
      [feed.at(-1)!, next] as const,
      ...proposals.map((token) => [token, next] as const),
    ];
    const evaluateStarted = performance.now();
    const outputs = await sequence.controlledEvaluate(items as never, {
      evaluationPriority: options.evaluationPriority,
    });
    // The first evaluation carries the prompt; its time says nothing about verification.
    if (feed.length === 1) tuner.recordEvaluation(items.length, performance.now() - evaluateStarted);
    stats.targetEvaluations++;
    stats.drafted += proposals.length;
    const first = feed.length - 1;
    let token = outputs[first]?.next.token;
    if (token == null) throw new Error("llama.cpp sampled no token");
    const emitted: Token[] = [token];
    let accepted = 0;
    while (accepted < proposals.length && proposals[accepted] === token && !model.isEogToken(token)) {
      token = outputs[first + 1 + accepted]?.next.token;
      if (token == null) break;
      accepted++;
      emitted.push(token);
    }
    stats.accepted += accepted;
    tuner.recordOutcome(proposals.length, accepted);
    const rejected = proposals.length - accepted;
    if (rejected > 0) {
      await sequence.eraseContextTokenRanges([
        { start: sequence.nextTokenIndex - rejected, end: sequence.nextTokenIndex },
      ]);
    }
    for (const emittedToken of emitted) {
      if (model.isEogToken(emittedToken)) return;
      history.push(emittedToken);
      yield emittedToken;
    }
    feed = [emitted.at(-1)!];
  }
}

/**
 * Proposes what followed the end of the generated text in the prompt (prompt lookup decoding): an edit that
 * rewrites a file, or code that repeats names from its context, is mostly in the prompt already.
 */
export class InputLookupProposer implements TokenProposer {
  private readonly positions = new Map<Token, number[]>();
  /** Index in the input of the next token the current match predicts; -1 without a match. */
  private matchEnd = -1;
  private seen = 0;

  constructor(
    private readonly input: readonly Token[],
    private readonly config: InputLookupConfig,
  ) {
    input.forEach((token, index) => {
      const list = this.positions.get(token);
      if (list) list.push(index);
      else this.positions.set(token, [index]);
    });
  }

  propose(history: readonly Token[], max: number): Token[] {
    // Follow the current match through the tokens generated since the last call.
    for (; this.matchEnd >= 0 && this.seen < history.length; this.seen++) {
      if (this.input[this.matchEnd] === history[this.seen]) this.matchEnd++;
      else this.matchEnd = -1;
    }
    if (this.matchEnd < 0 || this.matchEnd >= this.input.length) this.matchEnd = this.search(history);
    this.seen = history.length;
    if (this.matchEnd < 0) return [];
    return this.input.slice(
      this.matchEnd,
      this.matchEnd + Math.min(max, this.config.predictionMaxLength),
    ) as Token[];
  }

  /** The end of the longest match (at least `patternMinLength`) of the history's tail in the input, or -1. */
  private search(history: readonly Token[]): number {
    const last = history.at(-1);
    if (last === undefined) return -1;
    let bestEnd = -1;
    let bestLength = 0;
    const limit = Math.min(history.length, 64);
    for (const position of this.positions.get(last) ?? []) {
      // A match must leave something to propose, and must not be the history's own tail (the prompt's end).
      if (position + 1 >= this.input.length) continue;
      let length = 1;
      while (
        length < limit &&
        position - length >= 0 &&
        this.input[position - length] === history[history.length - 1 - length]
      ) {
        length++;
      }
      // Ties go to the later occurrence: the closer context is more often the one being continued.
      if (length >= this.config.patternMinLength && length >= bestLength) {
        bestLength = length;
        bestEnd = position + 1;
      }
    }
    return bestEnd;
  }
}

/**
 * Proposes the draft model's greedy continuation, on its own KV sequence kept in step with the target's. When
 * the draft is far behind (a new prompt), it catches up in the background while the target evaluates the
 * prompt, and proposes nothing this once: the draft's prefill then costs no time to first token.
 */
export class DraftProposer implements TokenProposer {
  private catchingUp: Promise<void> | null = null;
  lastProposalMs = 0;

  constructor(
    private readonly draft: LlamaContextSequence,
    private readonly config: DraftPredictionConfig,
  ) {}

  async propose(history: readonly Token[], max: number): Promise<Token[]> {
    if (this.catchingUp) {
      await this.catchingUp;
      this.catchingUp = null;
    }
    const started = performance.now();
    try {
      return await this.proposeNow(history, max);
    } finally {
      this.lastProposalMs = performance.now() - started;
    }
  }

  private async proposeNow(history: readonly Token[], max: number): Promise<Token[]> {
    const limit = max;
    if (limit <= 0 || history.length >= this.draft.contextSize - limit - 1) return [];
    const sequence = this.draft;
    const reuse = Math.min(
      sequence.compareContextTokens(history as Token[]).firstDifferentIndex,
      history.length - 1,
    );
    if (reuse < sequence.nextTokenIndex) {
      await sequence.eraseContextTokenRanges([{ start: reuse, end: sequence.nextTokenIndex }]);
    }
    const missing = history.slice(reuse) as Token[];
    if (missing.length > 32) {
      this.catchingUp = sequence.evaluateWithoutGeneratingNewTokens(missing.slice(0, -1)).catch(() => {});
      return [];
    }
    const proposals: Token[] = [];
    const iterator = sequence.evaluateWithMetadata(missing, { confidence: true }, { temperature: 0 });
    for await (const { token, confidence } of iterator) {
      // The first proposal is always kept: the tuner has already judged one worth its cost.
      if (proposals.length > 0 && confidence < this.config.minConfidence) break;
      proposals.push(token);
      if (proposals.length >= limit || sequence.model.isEogToken(token)) break;
    }
    return proposals;
  }
}
