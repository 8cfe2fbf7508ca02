/**
 * Counts what each guard did (blocks, redactions, flags) since the counters were made, for `hearth/status`
 * and `hearth stats`. Pure and synchronous: the keystroke path increments it.
 */

export const guardNames = [
  "secrets",
  "injection",
  "toolApproval",
  "dangerousCommands",
  "completionParseCheck",
  "unknownIdentifiers",
  "structuredOutput",
] as const;

export type GuardName = (typeof guardNames)[number];

/** `blocks`: something was withheld; `redactions`: text was masked; `flags`: something was marked, not stopped. */
export type GuardOutcome = "blocks" | "redactions" | "flags";

export type GuardTally = Record<GuardOutcome, number>;

export class GuardCounters {
  private readonly tallies = new Map<GuardName, GuardTally>();

  add(guard: GuardName, outcome: GuardOutcome, count = 1): void {
    if (count <= 0) return;
    const tally = this.tallies.get(guard) ?? { blocks: 0, redactions: 0, flags: 0 };
    tally[outcome] += count;
    this.tallies.set(guard, tally);
  }

  /** Every guard, zeros included, as plain data. */
  snapshot(): Record<GuardName, GuardTally> {
    return Object.fromEntries(
      guardNames.map((guard) => [
        guard,
        { ...(this.tallies.get(guard) ?? { blocks: 0, redactions: 0, flags: 0 }) },
      ]),
    ) as Record<GuardName, GuardTally>;
  }
}
