/**
 * Comparing two runs figure by figure: the delta of each figure and, for figures that are means over cases,
 * a paired bootstrap confidence interval of the delta. Pairing uses only the cases both runs have (same key),
 * resamples those cases with replacement a fixed number of times from a fixed seed (so a comparison prints
 * the same interval every time), and takes the 2.5th and 97.5th percentiles of the resampled mean deltas.
 * Pure.
 */

import { round, seededRandom } from "../base/numbers";

export interface PairedInterval {
  /** Mean of B minus mean of A over the paired cases. */
  delta: number;
  low: number;
  high: number;
  pairs: number;
  /** The interval leaves out 0: the difference is unlikely to be noise at this sample size. */
  significant: boolean;
}

export const defaultBootstrap = { resamples: 2000, seed: 20240607, confidence: 0.95 };

/** `pairs[i]` = [value in run A, value in run B] for one case. `null` when there are no pairs. */
export function pairedBootstrap(
  pairs: readonly (readonly [number, number])[],
  options = defaultBootstrap,
): PairedInterval | null {
  if (pairs.length === 0) return null;
  const differences = pairs.map(([a, b]) => b - a);
  const meanOf = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const random = seededRandom(options.seed);
  const means: number[] = [];
  for (let resample = 0; resample < options.resamples; resample++) {
    let sum = 0;
    for (let index = 0; index < differences.length; index++) {
      sum += differences[Math.floor(random() * differences.length)]!;
    }
    means.push(sum / differences.length);
  }
  means.sort((left, right) => left - right);
  const tail = (1 - options.confidence) / 2;
  const at = (fraction: number) =>
    means[Math.min(means.length - 1, Math.max(0, Math.floor(fraction * means.length)))]!;
  const low = at(tail);
  const high = at(1 - tail);
  return {
    delta: round(meanOf(differences), 4),
    low: round(low, 4),
    high: round(high, 4),
    pairs: pairs.length,
    significant: low > 0 || high < 0,
  };
}
