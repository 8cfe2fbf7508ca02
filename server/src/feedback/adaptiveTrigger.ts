/**
 * When to hold back automatic suggestions, from the user's recent answers. Pure (times passed in).
 *
 * After `streakToPause` or more explicit rejections in a row (typed over, Escape, cursor moved away; a
 * suggestion replaced by a newer one or ignored says nothing either way, nor does one typed over within
 * `glimpsedWithinMs` of appearing: the user was typing on, not reading it), automatic requests pause for
 *
 *   pause = min(maxPauseMs, basePauseMs × 2^(streak − streakToPause))
 *
 * counted from the last rejection: 1 s after three, 2 s after four, ... at most 8 s. Any accept, whole or in
 * part, ends the streak; a streak older than `forgetAfterMs` is forgotten; explicitly invoked requests are
 * never held back. So the adaptation is bounded: at worst a rejecting user waits 8 s longer for the next
 * automatic suggestion, and one accept restores the normal behaviour. (The debounce adapts as well, within
 * its own bounds: `completion/debounce.ts` scales it by 0.75 to 1.25 with the recent acceptance share.)
 */

export interface AdaptiveTriggerOptions {
  streakToPause: number;
  basePauseMs: number;
  maxPauseMs: number;
  forgetAfterMs: number;
}

export const defaultAdaptiveTriggerOptions: AdaptiveTriggerOptions = {
  streakToPause: 3,
  basePauseMs: 1_000,
  maxPauseMs: 8_000,
  forgetAfterMs: 10 * 60 * 1000,
};

/**
 * A suggestion typed over sooner than this after it appeared was not read: mid-word ghost text that the next
 * keystrokes replaced. Counted as a rejection, a fast typist's own typing would pause their suggestions.
 */
export const glimpsedWithinMs = 500;

export type SuggestionAnswer = "accepted" | "rejected" | "neutral";

export class AdaptiveTrigger {
  private streak = 0;
  private lastRejectionAt = 0;

  constructor(private readonly options: AdaptiveTriggerOptions = defaultAdaptiveTriggerOptions) {}

  record(answer: SuggestionAnswer, now: number): void {
    if (answer === "accepted") {
      this.streak = 0;
    } else if (answer === "rejected") {
      if (now - this.lastRejectionAt > this.options.forgetAfterMs) this.streak = 0;
      this.streak++;
      this.lastRejectionAt = now;
    }
  }

  /** How long automatic requests stay paused from `now`; 0: not paused. */
  pauseRemainingMs(now: number): number {
    if (this.streak < this.options.streakToPause) return 0;
    const pause = Math.min(
      this.options.maxPauseMs,
      this.options.basePauseMs * 2 ** (this.streak - this.options.streakToPause),
    );
    return Math.max(0, this.lastRejectionAt + pause - now);
  }

  allows(trigger: "automatic" | "invoked", now: number): boolean {
    return trigger === "invoked" || this.pauseRemainingMs(now) === 0;
  }

  /** The current run of rejections, for status and tests. */
  get rejectionStreak(): number {
    return this.streak;
  }

  reset(): void {
    this.streak = 0;
    this.lastRejectionAt = 0;
  }
}
