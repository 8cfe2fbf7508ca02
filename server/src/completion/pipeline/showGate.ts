/**
 * The learned show/abstain gate's model: the features of a suggestion that are known before it is displayed
 * (the model's token log-probabilities, length, where the cursor is on its line, language, context sources,
 * the user's recent accept rate), a logistic regression trained on labelled suggestions, and the threshold
 * that keeps a chosen share of the accepted characters while showing as few suggestions as it can.
 * Pure and small: it trains in milliseconds on the user's machine and its model is plain JSON.
 */

import { mean } from "../../base/numbers";

/** Everything the features are computed from; all of it is known when the answer comes back. */
export interface GateInput {
  /** The probability the model gave each generated token; empty when unknown. */
  tokenProbabilities: readonly number[];
  /** The suggestion as it would be shown. */
  text: string;
  /** The line up to the cursor, and after it. */
  linePrefix: string;
  lineSuffix: string;
  language: string;
  contextSources: readonly string[];
  /** Share of the user's recent suggestions that they took at least in part (0.5 when nothing is known). */
  recentAcceptRate: number;
}

/** Languages with a feature of their own; the rest share `other`. */
const gateLanguages = ["python", "typescript", "javascript", "go", "rust", "java", "c", "cpp"] as const;

export const gateFeatureNames: readonly string[] = [
  "firstTokenLogprob",
  "meanTokenLogprob",
  "minTokenLogprob",
  "logChars",
  "lines",
  "atLineStart",
  "column",
  "restOfLineEmpty",
  "retrievalContext",
  "recentEditContext",
  "recentAcceptRate",
  ...gateLanguages.map((language) => `language:${language}`),
  "language:other",
];

const logprobFloor = -12;

/** The feature vector, in the order of `gateFeatureNames`. */
export function gateFeatures(input: GateInput): number[] {
  const logprobs = input.tokenProbabilities.map((probability) =>
    Math.max(logprobFloor, Math.log(Math.max(probability, 1e-12))),
  );
  const language = input.language === "typescriptreact" ? "typescript" : input.language;
  const languageIndex = gateLanguages.indexOf(language as (typeof gateLanguages)[number]);
  return [
    logprobs[0] ?? logprobFloor,
    logprobs.length ? logprobs.reduce((sum, value) => sum + value, 0) / logprobs.length : logprobFloor,
    logprobs.length ? Math.min(...logprobs) : logprobFloor,
    Math.log1p(input.text.length),
    Math.min(10, input.text.split("\n").length),
    input.linePrefix.trim() === "" ? 1 : 0,
    Math.min(2, input.linePrefix.length / 80),
    input.lineSuffix.trim() === "" ? 1 : 0,
    input.contextSources.includes("retrieval") ? 1 : 0,
    input.contextSources.includes("recentEdit") ? 1 : 0,
    input.recentAcceptRate,
    ...gateLanguages.map((_, index) => (index === languageIndex ? 1 : 0)),
    languageIndex < 0 ? 1 : 0,
  ];
}

/** One labelled suggestion: its features and how many of its characters the author's code matched. */
export interface GateExample {
  features: number[];
  acceptedChars: number;
}

export interface ShowGateModel {
  version: 1;
  featureNames: string[];
  /** Standardisation learned from the training set. */
  means: number[];
  scales: number[];
  weights: number[];
  bias: number;
  /** Show when the predicted probability of an accept reaches this. */
  threshold: number;
}

export interface GateTrainingOptions {
  /** Share of the training set's accepted characters the threshold must keep (e.g. 0.99). */
  keepAcceptedShare: number;
  l2: number;
  iterations: number;
  learningRate: number;
}

export const defaultGateTrainingOptions: GateTrainingOptions = {
  keepAcceptedShare: 0.99,
  l2: 0.01,
  iterations: 400,
  learningRate: 0.5,
};

/**
 * Logistic regression of "the author's code matched at least one of its characters" on standardised features,
 * by full-batch gradient descent with L2 regularisation; positives weigh more the more characters matched,
 * since losing a long accept costs more than losing a short one. Then the threshold: the highest score that
 * still keeps `keepAcceptedShare` of the training set's accepted characters.
 */
export function trainShowGate(
  examples: readonly GateExample[],
  options: GateTrainingOptions = defaultGateTrainingOptions,
): ShowGateModel {
  const width = gateFeatureNames.length;
  const means = Array.from({ length: width }, (_, column) =>
    mean(examples.map((example) => example.features[column]!)),
  );
  const scales = means.map((columnMean, column) => {
    const variance = mean(examples.map((example) => (example.features[column]! - columnMean) ** 2));
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  const rows = examples.map((example) => standardise(example.features, means, scales));
  const labels = examples.map((example) => (example.acceptedChars > 0 ? 1 : 0));
  const sampleWeights = examples.map((example) =>
    example.acceptedChars > 0 ? 1 + Math.log1p(example.acceptedChars) : 1,
  );
  const totalWeight = sampleWeights.reduce((sum, weight) => sum + weight, 0) || 1;
  const weights = new Array<number>(width).fill(0);
  let bias = 0;
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    const gradient = new Array<number>(width).fill(0);
    let biasGradient = 0;
    rows.forEach((row, index) => {
      const error = (sigmoid(dot(weights, row) + bias) - labels[index]!) * sampleWeights[index]!;
      for (let column = 0; column < width; column++) gradient[column]! += error * row[column]!;
      biasGradient += error;
    });
    for (let column = 0; column < width; column++) {
      weights[column]! -=
        options.learningRate * (gradient[column]! / totalWeight + options.l2 * weights[column]!);
    }
    bias -= (options.learningRate * biasGradient) / totalWeight;
  }
  const model: ShowGateModel = {
    version: 1,
    featureNames: [...gateFeatureNames],
    means,
    scales,
    weights,
    bias,
    threshold: 0,
  };
  model.threshold = chooseThreshold(
    examples.map((example) => ({ score: showProbability(model, example.features), ...example })),
    options.keepAcceptedShare,
  );
  return model;
}

/** The predicted probability that the user takes some of the suggestion. */
export function showProbability(model: ShowGateModel, features: readonly number[]): number {
  return sigmoid(dot(model.weights, standardise(features, model.means, model.scales)) + model.bias);
}

export function gateShows(model: ShowGateModel, features: readonly number[]): boolean {
  return showProbability(model, features) >= model.threshold;
}

/**
 * The highest threshold at which the suggestions scoring at least it still hold `keepShare` of all accepted
 * characters (0 when there are none: then everything is shown, since nothing can be judged).
 */
export function chooseThreshold(
  scored: readonly { score: number; acceptedChars: number }[],
  keepShare: number,
): number {
  const total = scored.reduce((sum, item) => sum + item.acceptedChars, 0);
  if (total === 0) return 0;
  const descending = [...scored].sort((left, right) => right.score - left.score);
  let kept = 0;
  for (const [index, item] of descending.entries()) {
    kept += item.acceptedChars;
    // Ties must stay together: a threshold cannot split suggestions that score the same.
    if (kept >= keepShare * total && descending[index + 1]?.score !== item.score) return item.score;
  }
  return 0;
}

/** Whether a stored value is a model this code can use (a stored gate from another version is ignored). */
export function isShowGateModel(value: unknown): value is ShowGateModel {
  const model = value as ShowGateModel | null;
  return (
    typeof model === "object" &&
    model !== null &&
    model.version === 1 &&
    Array.isArray(model.weights) &&
    JSON.stringify(model.featureNames) === JSON.stringify(gateFeatureNames) &&
    model.weights.length === gateFeatureNames.length &&
    model.means?.length === gateFeatureNames.length &&
    model.scales?.length === gateFeatureNames.length &&
    typeof model.bias === "number" &&
    typeof model.threshold === "number"
  );
}

function standardise(features: readonly number[], means: readonly number[], scales: readonly number[]) {
  return features.map((value, column) => (value - means[column]!) / scales[column]!);
}

function dot(left: readonly number[], right: readonly number[]): number {
  let sum = 0;
  for (let index = 0; index < left.length; index++) sum += left[index]! * right[index]!;
  return sum;
}

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}
