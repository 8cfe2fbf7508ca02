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
  /** When set, the probability the target gave each yielded token is appended here. */
  tokenProbabilities?: number[];
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
  if (!stats.tokenProbabilities) {
    for await (const token of sequence.evaluate(pending, options)) {
      stats.targetEvaluations++;
      yield token;
    }
    return;
  }
  for await (const output of sequence.evaluateWithMetadata(pending, { confidence: true }, options)) {
    stats.targetEvaluations++;
    stats.tokenProbabilities.push(output.confidence);
    yield output.token;
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
  private lookupProbes = 0;
  /** Share of recent requests' output that proposals (made or watched) predicted (moving average). */
  private copiedShare = 0;

  constructor(
    readonly maxProposals: number,
    /** `false`: always propose `maxProposals` (for measuring fixed draft lengths). */
    readonly adaptive: boolean,
  ) {}

  get acceptanceEstimate(): number {
    return this.acceptance;
  }

  /** How many tokens to propose in this cycle: `worthProposing()`, plus a probe now and then when that is 0. */
  budget(): number {
    if (!this.adaptive) return this.maxProposals;
    const count = this.worthProposing();
    // While proposals do not pay, probe with one now and then so that a change (say, the output starts
    // copying the prompt) is noticed. A proposal that costs more than a target token can never pay, whatever
    // the acceptance; it is only re-measured rarely (each probe may make a draft model catch up on the prompt).
    if (count === 0 && ++this.idleCycles >= (this.cost() >= 1 ? 512 : 8)) {
      this.idleCycles = 0;
      return 1;
    }
    return count;
  }

  /**
   * True every 8th call: a chance to verify proposals although the estimates say they do not pay, so that a
   * cost measured at a busy moment, or carried over from another request, is measured again. For proposals
   * that cost nothing to make (input lookup); `budget()` probes a costly proposer far less often.
   */
  probeNow(): boolean {
    this.lookupProbes = (this.lookupProbes + 1) % 8;
    return this.lookupProbes === 0;
  }

  /** The number of proposals whose expected gain exceeds their cost at the measured acceptance; no probes. */
  worthProposing(): number {
    if (!this.adaptive) return this.maxProposals;
    const cost = this.cost();
    let count = 0;
    if (this.acceptance >= 0.999) count = this.maxProposals;
    else if (this.acceptance > cost) count = Math.floor(Math.log(cost) / Math.log(this.acceptance));
    return Math.min(this.maxProposals, Math.max(0, count));
  }

  /** A proposal's cost in target-token times, with a 1.5x margin so that noisy estimates do not turn a thin gain into a loss. */
  private cost(): number {
    const single = Number.isNaN(this.singleMs) ? 1 : this.singleMs;
    const extra = Number.isNaN(this.extraMs) ? 0.15 * single : this.extraMs;
    return Math.max(0.01, (1.5 * (this.proposeMs + extra)) / single);
  }

  recordEvaluation(batchTokens: number, ms: number): void {
    if (batchTokens === 1) this.singleMs = lowEstimate(this.singleMs, ms);
    else if (!Number.isNaN(this.singleMs)) {
      this.extraMs = lowEstimate(this.extraMs, Math.max(0, (ms - this.singleMs) / (batchTokens - 1)));
    }
  }

  recordProposals(count: number, ms: number): void {
    if (count > 0) this.proposeMs = lowEstimate(this.proposeMs, ms / count);
  }

  /** A request generated `generated` tokens, of which proposals predicted `copied`. */
  recordRequest(generated: number, copied: number): void {
    if (generated > 0) this.copiedShare += 0.3 * (copied / generated - this.copiedShare);
  }

  /** Recent requests mostly copied what proposals predicted, and proposals pay at the measured acceptance. */
  copyingLately(): boolean {
    return this.copiedShare >= 0.5 && this.worthProposing() > 0;
  }

  recordOutcome(proposed: number, accepted: number): void {
    for (let index = 0; index < proposed && index <= accepted; index++) {
      const success = index < accepted;
      this.acceptance += 0.15 * ((success ? 1 : 0) - this.acceptance);
    }
  }
}

/**
 * A time estimate that follows faster samples quickly and slower ones slowly. On a shared machine a measured
 * time is the work plus however long the process waited for a core, and a batch of 17 tokens waits more often
 * than one token: measured on 2 busy cores, verifying 16 proposals took 2.6 ms at best and 7.9 at the median,
 * one token 0.43 and 0.97, so averages made proposals look twice as costly as they are.
 */
function lowEstimate(current: number, sample: number): number {
  if (Number.isNaN(current)) return sample;
  return current + (sample < current ? 0.5 : 0.02) * (sample - current);
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
  let feed = pending;
  while (true) {
    const budget = Math.min(tuner.budget(), roomForProposals(sequence, feed));
    const proposeStarted = performance.now();
    const proposals = budget > 0 ? (await proposer.propose(history, budget)).slice(0, budget) : [];
    // The first cycle carries the prompt (for the target, and for a draft model catching up): its times say
    // nothing about the steady cost of a proposal.
    if (feed.length === 1 && budget > 0) {
      const proposalMs = proposer.lastProposalMs ?? performance.now() - proposeStarted;
      stats.proposalMs += proposalMs;
      tuner.recordProposals(proposals.length, proposalMs);
    }
    const { emitted, probabilities } = await verifyProposals(
      sequence,
      feed,
      proposals,
      tuner,
      options,
      stats,
    );
    for (const [index, token] of emitted.entries()) {
      if (sequence.model.isEogToken(token)) return;
      history.push(token);
      stats.tokenProbabilities?.push(probabilities[index]!);
      yield token;
    }
    feed = [emitted.at(-1)!];
  }
}

/**
 * Greedy decoding that uses input lookup only while the output is copying its input. Lookup proposals cost
 * next to nothing to make, but a verifying evaluation costs more than node-llama-cpp's own decoding loop, and
 * rejected proposals cost extra batch work: measured on code completion, always verifying ran at 0.94x plain
 * decoding while an edit that copies its file ran at 3.2x. So this decodes plainly, through `plainDecode`'s
 * loop, while it watches what the lookup would have proposed; once a lookup run has been right for
 * `switchOnRun` tokens in a row and the measured acceptance pays for proposals (`worthProposing`, or now and
 * then `probeNow` to measure the cost again), it verifies proposals instead, and it goes back to plain decoding when proposals stop paying or
 * the lookup finds nothing twice in a row. A request starts verifying at once when recent requests on the sequence mostly copied.
 */
export async function* inputLookupDecode(
  sequence: LlamaContextSequence,
  pending: Token[],
  history: Token[],
  proposer: TokenProposer,
  tuner: SpeculationTuner,
  options: { evaluationPriority: 1 | 5 },
  stats: DecodeStats,
): AsyncGenerator<Token> {
  const switchOnRun = 4;
  let feed = pending;
  let verifying = tuner.copyingLately();
  let generated = 0;
  let copied = 0;
  try {
    while (true) {
      if (verifying) {
        let fruitless = 0;
        // The first cycle proposes at least one token: it may be a probe that re-measures what verifying costs.
        let probe = true;
        while (true) {
          const wanted = probe ? Math.max(1, tuner.worthProposing()) : tuner.worthProposing();
          probe = false;
          const budget = Math.min(wanted, roomForProposals(sequence, feed));
          const proposals = budget > 0 ? (await proposer.propose(history, budget)).slice(0, budget) : [];
          fruitless = proposals.length === 0 ? fruitless + 1 : 0;
          if (budget <= 0 || fruitless >= 2) break;
          const { emitted, accepted, probabilities } = await verifyProposals(
            sequence,
            feed,
            proposals,
            tuner,
            options,
            stats,
          );
          copied += accepted;
          for (const [index, token] of emitted.entries()) {
            if (sequence.model.isEogToken(token)) return;
            history.push(token);
            stats.tokenProbabilities?.push(probabilities[index]!);
            generated++;
            yield token;
          }
          feed = [emitted.at(-1)!];
        }
        verifying = false;
      }
      // Plain decoding, with the lookup's proposals checked against what the target generates.
      const plainOptions = { temperature: 0, evaluationPriority: options.evaluationPriority };
      const evaluation = stats.tokenProbabilities
        ? tokensRecordingConfidence(
            sequence.evaluateWithMetadata(feed, { confidence: true }, plainOptions),
            stats.tokenProbabilities,
          )
        : sequence.evaluate(feed, plainOptions);
      let proposal = await proposer.propose(history, tuner.maxProposals);
      let matched = 0;
      let carriesPrompt = feed.length > 1;
      try {
        while (true) {
          const started = performance.now();
          const next = await evaluation.next();
          if (next.done) return;
          if (!carriesPrompt) tuner.recordEvaluation(1, performance.now() - started);
          carriesPrompt = false;
          stats.targetEvaluations++;
          const token = next.value;
          const hit = matched < proposal.length && proposal[matched] === token;
          if (hit) matched++;
          history.push(token);
          generated++;
          yield token;
          if (hit && matched >= switchOnRun && (tuner.worthProposing() > 0 || tuner.probeNow())) {
            tuner.recordOutcome(matched, matched);
            copied += matched;
            feed = [token];
            verifying = true;
            break;
          }
          // A verifying cycle would end here: at the first token that differs, or the one after a full match.
          if (!hit || matched === proposal.length) {
            if (proposal.length > 0) tuner.recordOutcome(proposal.length, matched);
            copied += matched;
            proposal = await proposer.propose(history, tuner.maxProposals);
            matched = 0;
          }
        }
      } finally {
        await evaluation.return(undefined);
      }
    }
  } finally {
    tuner.recordRequest(generated, copied);
  }
}

/** Proposals that fit before the KV cache would reach the end of the context. */
function roomForProposals(sequence: LlamaContextSequence, feed: readonly Token[]): number {
  return sequence.contextSize - (sequence.nextTokenIndex + feed.length) - 1;
}

/**
 * One target evaluation of `feed` and `proposals`: the target's greedy token after each, kept while they agree
 * with the proposals, plus the target's own next token. Rejected proposals leave the KV cache.
 */
async function verifyProposals(
  sequence: LlamaContextSequence,
  feed: readonly Token[],
  proposals: readonly Token[],
  tuner: SpeculationTuner,
  options: { evaluationPriority: 1 | 5 },
  stats: DecodeStats,
): Promise<{ emitted: Token[]; accepted: number; probabilities: number[] }> {
  const model = sequence.model;
  const confidence = stats.tokenProbabilities !== undefined;
  const next = { generateNext: { token: true, confidence, options: { temperature: 0 } } } as const;
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
  const probabilities = [outputs[first]?.next.confidence ?? 0];
  let accepted = 0;
  while (accepted < proposals.length && proposals[accepted] === token && !model.isEogToken(token)) {
    const output = outputs[first + 1 + accepted]?.next;
    token = output?.token;
    if (token == null) break;
    accepted++;
    emitted.push(token);
    probabilities.push(output?.confidence ?? 0);
  }
  stats.accepted += accepted;
  tuner.recordOutcome(proposals.length, accepted);
  const rejected = proposals.length - accepted;
  if (rejected > 0) {
    await sequence.eraseContextTokenRanges([
      { start: sequence.nextTokenIndex - rejected, end: sequence.nextTokenIndex },
    ]);
  }
  return { emitted, accepted, probabilities };
}

/** The tokens of a metadata evaluation, with the probability the target gave each appended to `into`. */
async function* tokensRecordingConfidence(
  outputs: AsyncIterable<{ token: Token; confidence: number }>,
  into: number[],
): AsyncGenerator<Token, void, undefined> {
  for await (const output of outputs) {
    into.push(output.confidence);
    yield output.token;
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
