/**
 * Decides whether to restart the language server after it exits unexpectedly: restart quietly a few
 * times, then stop and tell the user, so a server that dies on startup does not loop forever.
 * Pure logic; `extension.ts` adapts it to vscode-languageclient's `ErrorHandler`.
 */

export const maxRestarts = 4;
export const restartWindowMs = 3 * 60_000;

export interface CrashDecision {
  restart: boolean;
  crashesInWindow: number;
}

export class CrashPolicy {
  private recentCrashes: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  recordCrash(): CrashDecision {
    const now = this.now();
    this.recentCrashes = this.recentCrashes.filter((time) => now - time < restartWindowMs);
    this.recentCrashes.push(now);
    return { restart: this.recentCrashes.length <= maxRestarts, crashesInWindow: this.recentCrashes.length };
  }

  /** Forget past crashes, e.g. after the user restarts the server by hand. */
  reset(): void {
    this.recentCrashes = [];
  }
}
