/**
 * How long to wait after a keystroke before asking for a completion, adapted to the user's typing speed, the
 * model's speed and how the user has treated suggestions lately. Pure (`debounceDelay`), plus a tiny tracker
 * that keeps the recent samples.
 *
 * Formula, with k the median gap between keystrokes (gaps over `pauseMs` are pauses, not typing), L the
 * median model latency and r the share of recent suggestions accepted:
 *
 *   delay = clamp( (typingFactor × k − latencyCredit × L) × (1.25 − 0.5 × r), minMs, maxMs )
 *
 * - `typingFactor × k` (1.5 k): a pause half again as long as the user's usual gap means they have probably
 *   stopped; a request started earlier is usually aborted by the next keystroke.
 * - `− latencyCredit × L` (half the latency): the user waits for the model anyway, so a slow model starts
 *   sooner; a newer keystroke aborts it within a token, so starting early costs little.
 * - `1.25 − 0.5 r` (0.75 to 1.25): a user who rejects most suggestions is shown fewer, one who accepts them
 *   gets them sooner (Copilot's next-edit client adapts its debounce to accepts and rejects too).
 * Without enough samples k is `defaultIntervalMs`, L is 0 and r is 0.5. Bounds: 0 to 300 ms by default.
 */

import { median } from "../../base/numbers";

export interface DebounceSamples {
  /** Gaps between recent keystrokes, ms, oldest first. */
  keystrokeIntervalsMs: readonly number[];
  /** Recent model latencies (request to suggestion), ms. */
  modelLatenciesMs: readonly number[];
  /** Recent shown suggestions, oldest first: true when accepted. */
  outcomes?: readonly boolean[];
}

export interface DebounceConfig {
  minMs: number;
  maxMs: number;
  /** Gaps longer than this are pauses, not typing speed. */
  pauseMs: number;
  typingFactor: number;
  latencyCredit: number;
  /** The typing gap assumed before there are `minSamples` of them. */
  defaultIntervalMs: number;
  minSamples: number;
  /** Only the most recent samples count. */
  window: number;
}

export const defaultDebounceConfig: DebounceConfig = {
  minMs: 0,
  maxMs: 300,
  pauseMs: 1000,
  typingFactor: 1.5,
  latencyCredit: 0.5,
  defaultIntervalMs: 120,
  minSamples: 3,
  window: 20,
};

export function debounceDelay(
  samples: DebounceSamples,
  config: DebounceConfig = defaultDebounceConfig,
): number {
  const typing = samples.keystrokeIntervalsMs
    .slice(-config.window)
    .filter((gap) => gap >= 0 && gap <= config.pauseMs);
  const interval = typing.length >= config.minSamples ? median(typing) : config.defaultIntervalMs;
  const latencies = samples.modelLatenciesMs.slice(-config.window);
  const latency = latencies.length > 0 ? median(latencies) : 0;
  const outcomes = (samples.outcomes ?? []).slice(-config.window);
  const acceptance =
    outcomes.length >= config.minSamples ? outcomes.filter(Boolean).length / outcomes.length : 0.5;
  const raw = (config.typingFactor * interval - config.latencyCredit * latency) * (1.25 - 0.5 * acceptance);
  return Math.round(Math.min(config.maxMs, Math.max(config.minMs, raw)));
}

/** Keeps the recent samples for `debounceDelay`; times come from the caller, so tests need no clock. */
export class DebounceTracker {
  private lastKeystrokeMs: number | null = null;
  private readonly intervals: number[] = [];
  private readonly latencies: number[] = [];
  private readonly outcomes: boolean[] = [];

  constructor(private readonly config: DebounceConfig = defaultDebounceConfig) {}

  keystroke(atMs: number): void {
    if (this.lastKeystrokeMs !== null) this.push(this.intervals, atMs - this.lastKeystrokeMs);
    this.lastKeystrokeMs = atMs;
  }

  modelLatency(ms: number): void {
    this.push(this.latencies, ms);
  }

  outcome(accepted: boolean): void {
    this.push(this.outcomes, accepted);
  }

  samples(): DebounceSamples {
    return {
      keystrokeIntervalsMs: [...this.intervals],
      modelLatenciesMs: [...this.latencies],
      outcomes: [...this.outcomes],
    };
  }

  delay(): number {
    return debounceDelay(this.samples(), this.config);
  }

  private push<T>(list: T[], value: T): void {
    list.push(value);
    if (list.length > this.config.window) list.shift();
  }
}
