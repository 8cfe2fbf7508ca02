/**
 * The one-sentence summary of a definition's doc comment, as the chat layout writes it next to the definition
 * (chatPrompt.ts): a Python docstring after the header, or a `/** ... *\/` or `///` comment right before it
 * (which the index's definitions include in their lines). Hearth's tiny chat model was trained on summaries
 * made by exactly these functions, so the map the server builds must use them too.
 *
 * Pure: no I/O, no node:*.
 */

/** What docSummary needs of a definition: 0-based lines, as syntaxOutline's `Definition` has them. */
export interface DefinitionLines {
  /** First line, adjacent doc comments and decorators included. */
  startLine: number;
  nameLine: number;
  endLine: number;
}

export const maxSummaryLength = 100;

/** The summary of the doc comment of the definition in `lines`, or undefined when it has none. */
export function docSummary(lines: readonly string[], definition: DefinitionLines): string | undefined {
  const raw = commentBefore(lines, definition) ?? docstringAfter(lines, definition);
  return raw === undefined ? undefined : summarizeDoc(raw);
}

/**
 * The first sentence of a doc comment's first paragraph, on one line, at most maxSummaryLength characters:
 * comment markers, tag lines (`@param ...`) and `{@link x}` markup removed. Undefined when under two words.
 */
export function summarizeDoc(raw: string): string | undefined {
  const kept: string[] = [];
  for (const line of raw.split("\n")) {
    const text = line.replace(/^\s*(\*(?!\/)|\/\/\/)?\s?/, "").trimEnd();
    if (/^\s*@\w/.test(text)) break;
    if (text.trim() === "" && kept.some((k) => k.trim() !== "")) break;
    kept.push(text);
  }
  let summary = kept
    .join(" ")
    .replace(
      /\{@(?:link|linkcode|linkplain)\s+([^}|\s]+)(?:\s*\|\s*|\s+)?([^}]*)\}/g,
      (_, target: string, label?: string) => label?.trim() || target,
    )
    .replace(/\s+/g, " ")
    .trim();
  const sentenceEnd = summary.search(/[.!?](\s|$)/);
  if (sentenceEnd >= 0) summary = summary.slice(0, sentenceEnd + 1);
  if (summary.length > maxSummaryLength) {
    const cut = summary.lastIndexOf(" ", maxSummaryLength);
    summary = summary.slice(0, cut > 0 ? cut : maxSummaryLength);
  }
  return summary.split(" ").length >= 2 ? summary : undefined;
}

/** A `/** *\/` block or `///` lines between the definition's first line and its name. */
function commentBefore(lines: readonly string[], definition: DefinitionLines): string | undefined {
  const head = lines.slice(definition.startLine, definition.nameLine);
  const open = head.findIndex((line) => line.trimStart().startsWith("/**"));
  if (open >= 0) {
    const body: string[] = [];
    for (let i = open; i < head.length; i++) {
      let line = head[i]!;
      if (i === open) line = line.slice(line.indexOf("/**") + 3);
      const close = line.indexOf("*/");
      if (close >= 0) {
        body.push(line.slice(0, close));
        return body.join("\n");
      }
      body.push(line);
    }
    return undefined;
  }
  const tripleSlash = head.filter((line) => line.trimStart().startsWith("///"));
  return tripleSlash.length > 0 ? tripleSlash.join("\n") : undefined;
}

const stringStart = /^[rRuUbBfF]{0,2}("""|'''|"|')/;

/** A Python docstring: the first statement after the header (the first line from the name that ends in `:`). */
function docstringAfter(lines: readonly string[], definition: DefinitionLines): string | undefined {
  let line = definition.nameLine;
  while (line <= definition.endLine && !/:\s*(#.*)?$/.test(lines[line] ?? "")) line++;
  line++;
  while (line <= definition.endLine && (lines[line] ?? "").trim() === "") line++;
  if (line > definition.endLine) return undefined;
  const first = lines[line]!.trimStart();
  const quote = stringStart.exec(first);
  if (!quote) return undefined;
  const delimiter = quote[1]!;
  let rest = first.slice(quote[0].length);
  const body: string[] = [];
  for (;;) {
    const close = rest.indexOf(delimiter);
    if (close >= 0) {
      body.push(rest.slice(0, close));
      return body.join("\n");
    }
    body.push(rest);
    line++;
    if (line > definition.endLine || delimiter.length === 1) return undefined;
    rest = lines[line]!;
  }
}
