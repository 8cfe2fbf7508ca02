/**
 * Training and measuring the learned show/abstain gate on time-travel outcomes. The commits are split by time:
 * the older two thirds train the gate, the newest third is held out and measures it, as a user's future
 * suggestions would. Measured on the held-out suggestions against showing them all: how many fewer are shown,
 * and what share of the accepted characters (those matching what the author wrote, from the suggestion's
 * start) the shown ones still hold; the ungated baseline's accepted characters are reported too, since a gate
 * measured against a baseline that accepts nothing proves nothing. The gate that is stored is then trained on
 * every commit, and on the user's own feedback where suggestions carried the gate's features.
 */

import { round } from "../base/numbers";
import {
  defaultGateTrainingOptions,
  type GateExample,
  type GateTrainingOptions,
  gateShows,
  type ShowGateModel,
  trainShowGate,
} from "../completion/pipeline";
import type { CompletionOutcome } from "./timeTravelEval";

export interface GateReport {
  shownReduction: number | null;
  acceptedCharsRatio: number | null;
  baselineAcceptedChars: number;
  gatedAcceptedChars: number;
  baselineShown: number;
  gatedShown: number;
  baselineWholeMatches: number;
  gatedWholeMatches: number;
  trainExamples: number;
  heldOutExamples: number;
  trainCommits: number;
  heldOutCommits: number;
  threshold: number | null;
  /** Suggestions from the user's feedback added to the stored gate's training (not to the measurement). */
  feedbackExamples: number;
}

export interface GateEvaluation {
  report: GateReport;
  /** Trained on every example (the one to store and use); `null` without examples. */
  model: ShowGateModel | null;
}

/** Only suggestions count: an empty answer is never shown, gated or not. */
export function gateExamplesOf(
  outcomes: readonly CompletionOutcome[],
): (GateExample & { commit: string | null; wholeMatch: boolean })[] {
  return outcomes
    .filter((outcome) => outcome.chars > 0)
    .map((outcome) => ({
      features: outcome.gateFeatures,
      acceptedChars: outcome.acceptedChars,
      commit: outcome.commit,
      wholeMatch: outcome.wholeMatch,
    }));
}

/**
 * `outcomes` in the order they ran (oldest commit first). Masked-span outcomes (no commits) are split by their
 * order instead, the last third held out.
 */
export function evaluateGate(
  outcomes: readonly CompletionOutcome[],
  feedbackExamples: readonly GateExample[] = [],
  options: GateTrainingOptions = defaultGateTrainingOptions,
): GateEvaluation {
  const examples = gateExamplesOf(outcomes);
  const commits = [...new Set(examples.map((example) => example.commit))];
  let train: typeof examples;
  let heldOut: typeof examples;
  let trainCommits = 0;
  if (commits.length >= 2 && !commits.includes(null)) {
    trainCommits = Math.max(1, Math.min(commits.length - 1, Math.round((commits.length * 2) / 3)));
    const trainSet = new Set(commits.slice(0, trainCommits));
    train = examples.filter((example) => trainSet.has(example.commit));
    heldOut = examples.filter((example) => !trainSet.has(example.commit));
  } else {
    const cut = Math.round((examples.length * 2) / 3);
    train = examples.slice(0, cut);
    heldOut = examples.slice(cut);
  }
  const accepted = (items: typeof examples) => items.reduce((sum, item) => sum + item.acceptedChars, 0);
  const whole = (items: typeof examples) => items.filter((item) => item.wholeMatch).length;
  const trained = train.length > 0 ? trainShowGate(train, options) : null;
  const shown = trained ? heldOut.filter((example) => gateShows(trained, example.features)) : heldOut;
  const baselineAcceptedChars = accepted(heldOut);
  return {
    report: {
      shownReduction: heldOut.length ? round(1 - shown.length / heldOut.length, 4) : null,
      acceptedCharsRatio: baselineAcceptedChars ? round(accepted(shown) / baselineAcceptedChars, 4) : null,
      baselineAcceptedChars,
      gatedAcceptedChars: accepted(shown),
      baselineShown: heldOut.length,
      gatedShown: shown.length,
      baselineWholeMatches: whole(heldOut),
      gatedWholeMatches: whole(shown),
      trainExamples: train.length,
      heldOutExamples: heldOut.length,
      trainCommits,
      heldOutCommits: commits.includes(null) ? 0 : commits.length - trainCommits,
      threshold: trained ? round(trained.threshold, 4) : null,
      feedbackExamples: feedbackExamples.length,
    },
    model:
      examples.length + feedbackExamples.length > 0
        ? trainShowGate([...examples, ...feedbackExamples], options)
        : null,
  };
}
