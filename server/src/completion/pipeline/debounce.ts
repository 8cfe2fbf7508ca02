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
 * question (`keystrokeTiming`), answered per shape of suggestion (single-line or multi-line, which differ in
 * how long the model takes and how long users pause before them): when the model usually finishes before
 * this user's next keystroke for that shape (in at least half the recent generations, within the typical
 * gap, the `earlyStartQuantile` of the gaps; a generation the next keystroke cut off after running that long
 * counts as too slow), the generation starts at once, at background priority, and is raised to interactive at the
 * pause. Its answer is then ready before the next keystroke in most gaps, so it is shown at once or answers
 * the next keystrokes from the typed-ahead cache, and the CPU it costs is about one generation per keystroke
 * the cache cannot answer. A model slower than the user's typing would be cut off by most keystrokes, so
 * for it the generation still waits for the pause. Without recent evidence either way, a few early starts
 * find out.
 *
 * Inside a word (the cursor after two letters, digits or underscores) the generation always waits for the
 * pause: the suggestion made at the word's start answers the next letters from the typed-ahead cache when it
 * guessed the word, and when it did not, a generation per letter would mostly be overtaken by the next one.
 * Starting early only at word starts, operators, spaces and line ends keeps the CPU to a fraction of one
 * generation per keystroke.
 */

import { median, percentile } from "../../base/numbers";

export interface DebounceSamples {
  /** Gaps between recent keystrokes, ms, oldest first. */
  keystrokeIntervalsMs: readonly number[];
  /** Recent model latencies (request to suggestion), ms; for a generation cut off, how long it ran. */
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
  /** Start generating at once when the model is fast enough for this user's typing (see the header). */
  earlyStart: boolean;
  /**
   * The quantile of the user's typing gaps the model's median latency must fit in for an early start: 0.5,
   * the answer is usually ready before the next keystroke.
   */
  earlyStartQuantile: number;
  /** Latencies older than this no longer decide an early start (the machine's load changes). */
  evidenceHorizonMs: number;
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
  earlyStartQuantile: 0.5,
  evidenceHorizonMs: 60_000,
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

/**
 * What decides an early start for one shape of suggestion: the gaps that followed keystrokes leading to that
 * shape, and the model's latencies for it, each with when it was measured and whether a newer keystroke cut
 * the generation off (then `ms` is how long it had run).
 */
export interface ShapeSamples {
  typingGapsMs: readonly number[];
  latencies: readonly { ms: number; cutOff: boolean; atMs: number }[];
}

export function keystrokeTiming(
  samples: DebounceSamples,
  shape: ShapeSamples,
  nowMs: number,
  config: DebounceConfig = defaultDebounceConfig,
  place: { insideWord: boolean } = { insideWord: false },
): KeystrokeTiming {
  const pauseMs = debounceDelay(samples, config);
  if (!config.earlyStart || place.insideWord) return { startMs: pauseMs, pauseMs };
  const typing = shape.typingGapsMs.filter((gap) => gap >= 0 && gap <= config.pauseMs);
  const typicalGap =
    typing.length >= config.minSamples
      ? percentile(typing, config.earlyStartQuantile)!
      : config.defaultIntervalMs;
  // A generation cut off after running at least `typicalGap` was too slow; one cut off sooner says nothing
  // about the model (after the pause, it was mostly the debounce that left it too little time).
  const raceTimes = shape.latencies
    .filter((latency) => latency.atMs >= nowMs - config.evidenceHorizonMs)
    .flatMap(({ ms, cutOff }) => (!cutOff ? [ms] : ms >= typicalGap ? [Infinity] : []));
  // Without recent evidence, a few early starts find out (while the model keeps up, evidence keeps coming;
  // when it does not, the generations wait for the pause until that verdict is `evidenceHorizonMs` old).
  if (raceTimes.length < config.minSamples) return { startMs: 0, pauseMs };
  return { startMs: median(raceTimes) <= typicalGap ? 0 : pauseMs, pauseMs };
}

/** Whether the text before the cursor ends with two word characters (letters, digits, `_`, `$`). */
export function insideWord(prefix: string): boolean {
  return /^[\p{L}\p{N}_$]{2}$/u.test(prefix.slice(-2));
}

/** The recent gaps between keystrokes that were typing, not pauses. */
function typingGaps(samples: DebounceSamples, config: DebounceConfig): number[] {
  return samples.keystrokeIntervalsMs
    .slice(-config.window)
    .filter((gap) => gap >= 0 && gap <= config.pauseMs);
}

interface ShapeWindow {
  typingGapsMs: number[];
  latencies: { ms: number; cutOff: boolean; atMs: number }[];
}

/** Keeps the recent samples for `debounceDelay`; times come from the caller, so tests need no clock. */
export class DebounceTracker {
  private lastKeystroke: { atMs: number; multiline: boolean } | null = null;
  private readonly intervals: number[] = [];
  private readonly latencies: number[] = [];
  private readonly outcomes: boolean[] = [];
  private readonly shapes: Record<"single" | "multi", ShapeWindow> = {
    single: { typingGapsMs: [], latencies: [] },
    multi: { typingGapsMs: [], latencies: [] },
  };

  constructor(private readonly config: DebounceConfig = defaultDebounceConfig) {}

  /** A keystroke at `atMs`, after which a `multiline` suggestion (or a single-line one) would be asked for. */
  keystroke(atMs: number, multiline = false): void {
    const last = this.lastKeystroke;
    if (last !== null) {
      this.push(this.intervals, atMs - last.atMs);
      this.push(this.shape(last.multiline).typingGapsMs, atMs - last.atMs);
    }
    this.lastKeystroke = { atMs, multiline };
  }

  /** A generation's latency, measured at `atMs`; `cutOff`: a newer keystroke stopped it after `ms`. */
  modelLatency(ms: number, atMs: number, { cutOff = false, multiline = false } = {}): void {
    this.push(this.latencies, ms);
    this.push(this.shape(multiline).latencies, { ms, cutOff, atMs });
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

  shapeSamples(multiline: boolean): ShapeSamples {
    const shape = this.shape(multiline);
    return { typingGapsMs: [...shape.typingGapsMs], latencies: [...shape.latencies] };
  }

  delay(): number {
    return debounceDelay(this.samples(), this.config);
  }

  /**
   * When to run the model after the keystroke at `nowMs`, which leads to a `multiline` suggestion or not, with
   * the cursor `insideWord` or not.
   */
  timing(multiline: boolean, nowMs: number, place: { insideWord: boolean }): KeystrokeTiming {
    return keystrokeTiming(this.samples(), this.shapeSamples(multiline), nowMs, this.config, place);
  }

  private shape(multiline: boolean): ShapeWindow {
    return multiline ? this.shapes.multi : this.shapes.single;
  }

  private push<T>(list: T[], value: T): void {
    list.push(value);
    if (list.length > this.config.window) list.shift();
  }
}
