/**
 * The learned show/abstain gate as the completer sees it: holds the workspace's trained model (set by the
 * evals capability, which trains and stores it) and the user's recent accept rate (from feedback outcomes),
 * and decides from memory only whether a fresh answer is shown. Without a model, or for an answer without
 * token probabilities, everything is shown. `gateInputOf` is the one way a request and its answer become the
 * gate's input, so the eval that trains the gate and the completer that applies it compute the same features.
 */

import { type GateInput, gateFeatures, gateShows, type ShowGateModel } from "./pipeline";

/** What the gate needs of a request and of its answer. */
export interface GateSubject {
  request: { text: string; offset: number; language: string };
  answer: { text: string; tokenProbabilities: readonly number[] | null; contextSources: readonly string[] };
}

export function gateInputOf(subject: GateSubject, recentAcceptRate: number): GateInput {
  const { request, answer } = subject;
  const lineStart = request.text.lastIndexOf("\n", request.offset - 1) + 1;
  const lineEnd = request.text.indexOf("\n", request.offset);
  return {
    tokenProbabilities: answer.tokenProbabilities ?? [],
    text: answer.text,
    linePrefix: request.text.slice(lineStart, request.offset),
    lineSuffix: request.text.slice(request.offset, lineEnd < 0 ? undefined : lineEnd),
    language: request.language,
    contextSources: answer.contextSources,
    recentAcceptRate,
  };
}

/** The share of recent suggestions taken at least in part: a moving average over about the last ten. */
export class RecentAcceptRate {
  private rate = 0.5;

  record(accepted: boolean): void {
    this.rate += 0.1 * ((accepted ? 1 : 0) - this.rate);
  }

  get value(): number {
    return this.rate;
  }
}

export class LearnedShowGate {
  private model: ShowGateModel | null = null;
  private readonly acceptRate = new RecentAcceptRate();
  private counts = { judged: 0, held: 0 };

  /** The workspace's trained gate; `null`: show everything. */
  setModel(model: ShowGateModel | null): void {
    this.model = model;
  }

  get hasModel(): boolean {
    return this.model !== null;
  }

  /** The user accepted (in whole or part) or dismissed a suggestion. */
  recordOutcome(accepted: boolean): void {
    this.acceptRate.record(accepted);
  }

  /** The features of an answer as the gate sees them now (also recorded with feedback, to learn from). */
  features(request: GateSubject["request"], answer: GateSubject["answer"]): number[] {
    return gateFeatures(gateInputOf({ request, answer }, this.acceptRate.value));
  }

  show(request: GateSubject["request"], answer: GateSubject["answer"]): boolean {
    if (!this.model || !answer.tokenProbabilities) return true;
    this.counts.judged++;
    const shown = gateShows(this.model, this.features(request, answer));
    if (!shown) this.counts.held++;
    return shown;
  }

  /** Answers judged and held back since the gate started. */
  stats(): { judged: number; held: number } {
    return { ...this.counts };
  }
}
