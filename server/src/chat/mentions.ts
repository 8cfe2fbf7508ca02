/**
 * The @-mentions of a chat question: `@file:path` (or `@path/with.ext`), `@symbol:Name`, `@selection`, `@diff`
 * (working tree against HEAD) and `@recent` (recently edited files). Pure: the question's text in, what it
 * asks for out; the question keeps its words (a mention is also part of what the user asked).
 */

export interface Mentions {
  files: string[];
  symbols: string[];
  selection: boolean;
  diff: boolean;
  recent: boolean;
}

const mentionPattern = /(?<![\w@])@(file:|symbol:)?([^\s,;!?()[\]{}"'`]+)/g;

export function parseMentions(question: string): Mentions {
  const mentions: Mentions = { files: [], symbols: [], selection: false, diff: false, recent: false };
  for (const match of question.matchAll(mentionPattern)) {
    const kind = match[1];
    const value = match[2]!.replace(/[.:]+$/, "");
    if (!value) continue;
    if (kind === "file:") mentions.files.push(value);
    else if (kind === "symbol:") mentions.symbols.push(value);
    else if (value === "selection") mentions.selection = true;
    else if (value === "diff") mentions.diff = true;
    else if (value === "recent") mentions.recent = true;
    // A bare mention with a slash or an extension is a file; anything else names a symbol.
    else if (/[/\\]|\.\w{1,8}$/.test(value)) mentions.files.push(value);
    else mentions.symbols.push(value);
  }
  mentions.files = [...new Set(mentions.files)];
  mentions.symbols = [...new Set(mentions.symbols)];
  return mentions;
}
