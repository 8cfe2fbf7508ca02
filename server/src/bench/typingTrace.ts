/**
 * Realistic typing traces for `hearth bench completion`: spans of real files removed and typed back in,
 * character by character at human speed, with pauses at line ends, occasional typos fixed with backspace,
 * and accepts whenever the shown suggestion matches what the user was about to type. Pure and seeded, so
 * every run replays the same trace.
 */

export interface TypingSession {
  path: string;
  /** The file as opened: the original with the span removed. */
  openedText: string;
  /** Where the span was, and what the user will type there. */
  offset: number;
  span: string;
}

export interface TraceOptions {
  sessionsPerFile: number;
  /** Span length bounds, in characters, cut to whole lines. */
  minSpanChars: number;
  maxSpanChars: number;
}

export const defaultTraceOptions: TraceOptions = { sessionsPerFile: 2, minSpanChars: 40, maxSpanChars: 160 };

/** Picks spans of indented lines (code inside a body, where completion matters) from each file. */
export function buildTypingSessions(
  files: { path: string; text: string }[],
  random: () => number,
  options: TraceOptions = defaultTraceOptions,
): TypingSession[] {
  const sessions: TypingSession[] = [];
  for (const file of files) {
    const lineStarts = [0];
    for (let index = 0; index < file.text.length; index++)
      if (file.text[index] === "\n") lineStarts.push(index + 1);
    const bodyLines = lineStarts
      .map((start, line) => ({ start, line }))
      .filter(({ start }) => /^[ \t]+\S/.test(file.text.slice(start, start + 80)));
    for (
      let attempt = 0, made = 0;
      attempt < 20 && made < options.sessionsPerFile && bodyLines.length;
      attempt++
    ) {
      const { start, line } = bodyLines[Math.floor(random() * bodyLines.length)]!;
      // Type from the first non-blank character: the indentation is already there, as after pressing Enter.
      const offset = start + (/^[ \t]*/.exec(file.text.slice(start))?.[0].length ?? 0);
      let end = offset;
      for (let next = line + 1; next < lineStarts.length; next++) {
        const candidate = lineStarts[next]! - 1;
        if (candidate - offset > options.maxSpanChars) break;
        end = candidate;
        if (end - offset >= options.minSpanChars) break;
      }
      const span = file.text.slice(offset, end);
      if (span.length < options.minSpanChars || span.includes("\t")) continue;
      if (sessions.some((session) => session.path === file.path && Math.abs(session.offset - offset) < 400))
        continue;
      sessions.push({
        path: file.path,
        openedText: file.text.slice(0, offset) + file.text.slice(end),
        offset,
        span,
      });
      made++;
    }
  }
  return sessions;
}

export interface TypingRhythm {
  /** After putting the cursor down, before the first keystroke: reading the code around it. */
  settleMs: [number, number];
  keyIntervalMs: [number, number];
  lineEndPauseMs: [number, number];
  /** Chance of a typo (a wrong character, then backspace) per keystroke. */
  typoRate: number;
}

export const defaultTypingRhythm: TypingRhythm = {
  settleMs: [500, 1500],
  keyIntervalMs: [90, 220],
  lineEndPauseMs: [400, 1200],
  typoRate: 0.03,
};

export function pauseAfter(character: string, rhythm: TypingRhythm, random: () => number): number {
  const [low, high] = character === "\n" ? rhythm.lineEndPauseMs : rhythm.keyIntervalMs;
  return low + (high - low) * random();
}
