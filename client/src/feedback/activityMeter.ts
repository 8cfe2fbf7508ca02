/**
 * Time spent typing, per language, and the completion answers that arrived meanwhile: the denominators of
 * "accepted characters per hour of typing" and of the shown rate. Pure (times passed in).
 *
 * Typing time is the sum of gaps between consecutive edits that are at most `pauseMs` apart; a longer gap
 * is a pause and counts nothing, so reading, thinking and lunch are not typing.
 */

import type { EditorActivityEvent } from "../../../server/src/protocol";

interface LanguageActivity {
  activeMs: number;
  edits: number;
  typedChars: number;
  requests: number;
}

export class ActivityMeter {
  private lastEditAt: number | undefined;
  private readonly byLanguage = new Map<string, LanguageActivity>();

  constructor(
    private readonly sessionId: string,
    private readonly pauseMs = 5_000,
  ) {}

  /** A user edit; `typedChars` counts characters inserted by typing (not pastes or accepts). */
  edit(language: string, typedChars: number, now: number): void {
    const activity = this.entry(language);
    if (this.lastEditAt !== undefined) {
      const gap = now - this.lastEditAt;
      if (gap > 0 && gap <= this.pauseMs) activity.activeMs += gap;
    }
    this.lastEditAt = now;
    activity.edits++;
    activity.typedChars += typedChars;
  }

  /** A completion answer arrived while the cursor was still where it was asked for. */
  request(language: string): void {
    this.entry(language).requests++;
  }

  /** The activity since the last flush, one event per language; then starts over. */
  flush(now: number, newId: () => string): EditorActivityEvent[] {
    const events: EditorActivityEvent[] = [];
    for (const [language, activity] of this.byLanguage) {
      if (activity.edits === 0 && activity.requests === 0) continue;
      events.push({
        eventId: newId(),
        at: now,
        surface: "editor",
        type: "activity",
        subjectId: this.sessionId,
        language,
        activeMs: Math.round(activity.activeMs),
        edits: activity.edits,
        typedChars: activity.typedChars,
        requests: activity.requests,
      });
    }
    this.byLanguage.clear();
    return events;
  }

  private entry(language: string): LanguageActivity {
    let activity = this.byLanguage.get(language);
    if (!activity) {
      activity = { activeMs: 0, edits: 0, typedChars: 0, requests: 0 };
      this.byLanguage.set(language, activity);
    }
    return activity;
  }
}
