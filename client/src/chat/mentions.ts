/**
 * The chat input's `@`-mentions, on plain strings: what is being typed at the cursor (a mention kind, or the
 * value of `@file:` / `@symbol:`), the kinds offered, and the text after picking one. The server reads the
 * mentions from the question (`hearth/chat`'s `@file:path`, `@symbol:Name`, `@selection`, `@diff`,
 * `@recent`); the view only helps write them.
 */

export type MentionKind = "file" | "symbol" | "selection" | "diff" | "recent";

export interface MentionOption {
  kind: MentionKind;
  label: string;
  detail: string;
  /** Kinds that take a value (`@file:path`) ask for it next. */
  takesValue: boolean;
}

export const mentionOptions: readonly MentionOption[] = [
  { kind: "file", label: "@file", detail: "a file of the workspace", takesValue: true },
  { kind: "symbol", label: "@symbol", detail: "a function, class or other definition", takesValue: true },
  { kind: "selection", label: "@selection", detail: "the text selected in the editor", takesValue: false },
  { kind: "diff", label: "@diff", detail: "your uncommitted changes (against HEAD)", takesValue: false },
  { kind: "recent", label: "@recent", detail: "the files you edited lately", takesValue: false },
];

/** What the user is typing at the cursor: a mention's kind, or a value for `@file:` / `@symbol:`. */
export type MentionQuery =
  | { stage: "kind"; start: number; end: number; query: string }
  | { stage: "value"; kind: "file" | "symbol"; start: number; end: number; query: string };

/** The mention being typed just before `cursor` (an `@` at the start or after whitespace), if any. */
export function mentionAt(text: string, cursor: number): MentionQuery | undefined {
  const before = text.slice(0, cursor);
  const match = /(?:^|\s)(@[^\s@]*)$/.exec(before);
  if (!match) return undefined;
  const token = match[1]!;
  const start = cursor - token.length;
  const value = /^@(file|symbol):(.*)$/.exec(token);
  if (value)
    return { stage: "value", kind: value[1] as "file" | "symbol", start, end: cursor, query: value[2]! };
  if (token.includes(":")) return undefined;
  return { stage: "kind", start, end: cursor, query: token.slice(1).toLowerCase() };
}

/** The mention kinds whose name starts with what was typed after `@`. */
export function matchingOptions(query: string): MentionOption[] {
  return mentionOptions.filter((option) => option.kind.startsWith(query.toLowerCase()));
}

/** Replaces the mention being typed with `replacement`; the cursor lands after it. */
export function completeMention(
  text: string,
  mention: MentionQuery,
  replacement: string,
): { text: string; cursor: number } {
  const after = text.slice(mention.end);
  const spaced = replacement.endsWith(":") || after.startsWith(" ") ? replacement : `${replacement} `;
  return { text: text.slice(0, mention.start) + spaced + after, cursor: mention.start + spaced.length };
}

/** What picking an option inserts: `@file:` waits for a value, `@diff ` is complete. */
export function optionText(option: MentionOption): string {
  return option.takesValue ? `${option.label}:` : option.label;
}

/** A mention with its value. The server reads a value up to the next space, so paths with spaces are not offered. */
export function valueText(kind: "file" | "symbol", value: string): string {
  return `@${kind}:${value}`;
}

/** Whether a value can be written after `@file:` / `@symbol:` (the server's mention syntax ends at spaces and quotes). */
export function isMentionable(value: string): boolean {
  return value.length > 0 && !/[\s,;!?()[\]{}"'`]/.test(value);
}

/** Whether the question asks for the editor's selection. */
export function mentionsSelection(question: string): boolean {
  return /(?:^|\s)@selection\b/.test(question);
}
