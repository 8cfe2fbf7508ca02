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
 *
 * That delay says when typing has paused. Whether to wait for it before starting the model is a second
 * question (`keystrokeTiming`): when the model usually finishes within this user's shorter typing gaps (in
 * at least half the recent generations, within the `earlyStartQuantile` of the gaps; a generation the next
 * keystroke cut off after running that long counts as too slow), the generation starts at once, at
 * background priority, and is raised to interactive at the pause. Its answer is then ready before the next
 * keystroke in most gaps, so it is shown at once or answers the next keystrokes from the typed-ahead cache,
 * and the CPU it costs is about one generation per keystroke the cache cannot answer. A model slower than
 * the user's typing would be cut off by most keystrokes, so for it the generation still waits for the pause.
 */

import { median, percentile } from "../../base/numbers";

export interface DebounceSamples {
  /** Gaps between recent keystrokes, ms, oldest first. */
  keystrokeIntervalsMs: readonly number[];
  /** Recent model latencies (request to suggestion), ms; for a generation cut off, how long it ran. */
  modelLatenciesMs: readonly number[];
  /** Per latency: the generation was cut off by a newer keystroke before it finished. */
  cutOff?: readonly boolean[];
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
  /** Start generating at once when the model is fast enough for this user's typing (see the header). */
  earlyStart: boolean;
  /** The share of typing gaps the median model latency must fit in for an early start. */
  earlyStartQuantile: number;
}

/** When to run the model after a keystroke, in ms after it. */
export interface KeystrokeTiming {
  /** When the generation starts: 0 (at once, at background priority) or `pauseMs`. */
  startMs: number;
  /** When typing counts as paused: the generation becomes interactive, or starts if it has not. */
  pauseMs: number;
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
  earlyStart: true,
  earlyStartQuantile: 0.25,
};

export function debounceDelay(
  samples: DebounceSamples,
  config: DebounceConfig = defaultDebounceConfig,
): number {
  const typing = typingGaps(samples, config);
  const interval = typing.length >= config.minSamples ? median(typing) : config.defaultIntervalMs;
  const latencies = samples.modelLatenciesMs.slice(-config.window);
  const latency = latencies.length > 0 ? median(latencies) : 0;
  const outcomes = (samples.outcomes ?? []).slice(-config.window);
  const acceptance =
    outcomes.length >= config.minSamples ? outcomes.filter(Boolean).length / outcomes.length : 0.5;
  const raw = (config.typingFactor * interval - config.latencyCredit * latency) * (1.25 - 0.5 * acceptance);
  return Math.round(Math.min(config.maxMs, Math.max(config.minMs, raw)));
}

export function keystrokeTiming(
  samples: DebounceSamples,
  config: DebounceConfig = defaultDebounceConfig,
): KeystrokeTiming {
  const pauseMs = debounceDelay(samples, config);
  const typing = typingGaps(samples, config);
  if (!config.earlyStart || typing.length < config.minSamples) return { startMs: pauseMs, pauseMs };
  const shortGap = percentile(typing, config.earlyStartQuantile)!;
  // A generation cut off after running at least `shortGap` was too slow; one cut off sooner says nothing
  // about the model (after the pause, it was mostly the debounce that left it too little time).
  const raceTimes = samples.modelLatenciesMs
    .map((ms, index) => ({ ms, cutOff: samples.cutOff?.[index] ?? false }))
    .slice(-config.window)
    .flatMap(({ ms, cutOff }) => (!cutOff ? [ms] : ms >= shortGap ? [Infinity] : []));
  const fastEnough = raceTimes.length >= config.minSamples && median(raceTimes) <= shortGap;
  return { startMs: fastEnough ? 0 : pauseMs, pauseMs };
}

/** The recent gaps between keystrokes that were typing, not pauses. */
function typingGaps(samples: DebounceSamples, config: DebounceConfig): number[] {
  return samples.keystrokeIntervalsMs
    .slice(-config.window)
    .filter((gap) => gap >= 0 && gap <= config.pauseMs);
}

/** Keeps the recent samples for `debounceDelay`; times come from the caller, so tests need no clock. */
export class DebounceTracker {
  private lastKeystrokeMs: number | null = null;
  private readonly intervals: number[] = [];
  private readonly latencies: number[] = [];
  private readonly cutOffs: boolean[] = [];
  private readonly outcomes: boolean[] = [];

  constructor(private readonly config: DebounceConfig = defaultDebounceConfig) {}

  keystroke(atMs: number): void {
    if (this.lastKeystrokeMs !== null) this.push(this.intervals, atMs - this.lastKeystrokeMs);
    this.lastKeystrokeMs = atMs;
  }

  /** A generation's latency; `cutOff`: a newer keystroke stopped it after `ms`. */
  modelLatency(ms: number, cutOff = false): void {
    this.push(this.latencies, ms);
    this.push(this.cutOffs, cutOff);
  }

  outcome(accepted: boolean): void {
    this.push(this.outcomes, accepted);
  }

  samples(): DebounceSamples {
    return {
      keystrokeIntervalsMs: [...this.intervals],
      modelLatenciesMs: [...this.latencies],
      cutOff: [...this.cutOffs],
      outcomes: [...this.outcomes],
    };
  }

  delay(): number {
    return debounceDelay(this.samples(), this.config);
  }

  timing(): KeystrokeTiming {
    return keystrokeTiming(this.samples(), this.config);
  }

  private push<T>(list: T[], value: T): void {
    list.push(value);
    if (list.length > this.config.window) list.shift();
  }
}
