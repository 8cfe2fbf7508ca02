/**
 * Turns a chat answer into HTML for the chat view: Markdown through markdown-it (raw HTML off, images off, so
 * nothing is fetched), code highlighted with highlight.js, each code block wrapped with its actions and any
 * dangerous-command warning that falls inside it, and the citations the server validated (`ChatCitation`
 * offsets into the answer) turned into links. Pure and DOM-free so it runs under Node's test runner; the
 * webview passes the result through DOMPurify before it touches the page.
 *
 * Citations are swapped for private-use sentinels before parsing and swapped back after, so Markdown cannot
 * split or reinterpret them: in running text they become links, inside code or link text they go back to the
 * text they were. While an answer streams there are no validated citations yet and paths stay plain text.
 */

import hljs from "highlight.js/lib/common";
import MarkdownIt, { type Token } from "markdown-it";
import type { ChatCitation, ChatWarning } from "../../../server/src/protocol/chat";
import { escapeHtml } from "../escapeHtml";
import { codeBlockTarget } from "./applyPlan";

export interface RenderedCodeBlock {
  index: number;
  /** The fence's info string and its first word. */
  info: string;
  language: string;
  code: string;
  /** The file the info string or first line names, shown on the Apply button. */
  targetPath?: string;
  warnings: string[];
}

export interface RenderedAnswer {
  html: string;
  codeBlocks: RenderedCodeBlock[];
  /** Warnings that fall outside every code block, shown under the answer. */
  otherWarnings: { text: string; reason: string }[];
}

export interface RenderOptions {
  citations?: readonly ChatCitation[];
  warnings?: readonly ChatWarning[];
  /** Still streaming: code blocks get no actions (their code may not be complete). */
  streaming?: boolean;
}

const sentinelOpen = "\uE000";
const sentinelClose = "\uE001";
const sentinelPattern = /\uE000(\d+)\uE001/g;

type RenderEnv = {
  citations: IndexedCitation[];
  /** Warning reasons by 0-based source line. */
  warningsByLine: Map<number, string[]>;
  streaming: boolean;
  codeBlocks: RenderedCodeBlock[];
  usedWarningLines: Set<number>;
};

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: false });
markdown.disable(["image"]);
markdown.renderer.rules.fence = (tokens, index, _options, env) =>
  renderFence(tokens[index]!, env as RenderEnv);
markdown.renderer.rules.code_block = (tokens, index, _options, env) =>
  renderFence(tokens[index]!, env as RenderEnv);
markdown.renderer.rules.citation = (tokens, index, _options, env) => {
  const { citation, index: citationIndex } = (env as RenderEnv).citations[
    tokens[index]!.meta!.index as number
  ]!;
  const lines =
    citation.startLine === citation.endLine
      ? `line ${citation.startLine}`
      : `lines ${citation.startLine}–${citation.endLine}`;
  return `<a class="citation" href="#" data-citation="${citationIndex}" title="Open ${escapeHtml(
    `${citation.path}, ${lines}`,
  )}">${escapeHtml(tokens[index]!.content)}</a>`;
};

export function renderAnswer(answer: string, options: RenderOptions = {}): RenderedAnswer {
  const source = answer.replace(/[\uE000\uE001]/g, "");
  const citations = options.streaming ? [] : validCitations(source, options.citations ?? []);
  let withSentinels = "";
  let cursor = 0;
  for (const [index, { citation }] of citations.entries()) {
    withSentinels += source.slice(cursor, citation.start) + sentinelOpen + index + sentinelClose;
    cursor = citation.end;
  }
  withSentinels += source.slice(cursor);

  const warningsByLine = new Map<number, string[]>();
  const warningLines: { line: number; text: string; reason: string }[] = [];
  for (const warning of options.warnings ?? []) {
    if (warning.start < 0 || warning.end > source.length || warning.start > warning.end) continue;
    // Citations never span lines, so a line number in the answer is the same line with sentinels.
    const line = lineOf(source, warning.start);
    warningsByLine.set(line, [...(warningsByLine.get(line) ?? []), warning.reason]);
    warningLines.push({
      line,
      text: source.slice(warning.start, warning.end).trim(),
      reason: warning.reason,
    });
  }
  const env: RenderEnv = {
    citations,
    warningsByLine,
    streaming: options.streaming ?? false,
    codeBlocks: [],
    usedWarningLines: new Set(),
  };
  const tokens = markdown.parse(withSentinels, env);
  restoreCitations(tokens, citations, source);
  const html = markdown.renderer.render(tokens, markdown.options, env);
  return {
    html,
    codeBlocks: env.codeBlocks,
    otherWarnings: warningLines
      .filter((warning) => !env.usedWarningLines.has(warning.line))
      .map(({ text, reason }) => ({ text, reason })),
  };
}

/** A citation with its index in the result's list (what the link sends back when clicked). */
interface IndexedCitation {
  citation: ChatCitation;
  index: number;
}

/** Citations in answer order, within the text, not overlapping, on one line. */
function validCitations(source: string, citations: readonly ChatCitation[]): IndexedCitation[] {
  const sorted = citations
    .map((citation, index) => ({ citation, index }))
    .sort((left, right) => left.citation.start - right.citation.start);
  const valid: IndexedCitation[] = [];
  let previousEnd = 0;
  for (const entry of sorted) {
    const { citation } = entry;
    const { start, end } = citation;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < previousEnd || end <= start) continue;
    if (end > source.length || /[\r\n]/.test(source.slice(start, end))) continue;
    valid.push(entry);
    previousEnd = end;
  }
  return valid;
}

/**
 * Text tokens in running text are split into text and `citation` tokens; everywhere else (code, link text and
 * destinations, attributes) a sentinel goes back to the citation's own text.
 */
function restoreCitations(tokens: Token[], citations: IndexedCitation[], source: string): void {
  const original = (text: string) =>
    text.replace(sentinelPattern, (_match, index: string) => {
      const citation = citations[Number(index)]?.citation;
      return citation ? source.slice(citation.start, citation.end) : "";
    });
  for (const token of tokens) {
    if (token.type !== "inline") token.content = original(token.content);
    token.info = original(token.info);
    if (!token.children) continue;
    const children: Token[] = [];
    let linkDepth = 0;
    for (const child of token.children) {
      if (child.type === "link_open") linkDepth++;
      if (child.type === "link_close") linkDepth--;
      for (const attribute of child.attrs ?? []) attribute[1] = original(String(attribute[1]));
      if (child.type !== "text" || linkDepth > 0 || !child.content.includes(sentinelOpen)) {
        child.content = original(child.content);
        children.push(child);
        continue;
      }
      let last = 0;
      for (const match of child.content.matchAll(sentinelPattern)) {
        const citation = citations[Number(match[1])]?.citation;
        if (match.index > last) children.push(textToken(child, child.content.slice(last, match.index)));
        if (citation) {
          const link = newToken(child, "citation", "a");
          link.content = source.slice(citation.start, citation.end);
          link.meta = { index: Number(match[1]) };
          children.push(link);
        }
        last = match.index + match[0].length;
      }
      if (last < child.content.length) children.push(textToken(child, child.content.slice(last)));
    }
    token.children = children;
  }
}

function textToken(like: Token, content: string): Token {
  const token = newToken(like, "text", "");
  token.content = content;
  return token;
}

/** markdown-it exports its Token class as a type only; a new token is made with an existing one's class. */
function newToken(like: Token, type: string, tag: string): Token {
  const TokenClass = like.constructor as new (type: string, tag: string, nesting: 0) => Token;
  return new TokenClass(type, tag, 0);
}

function renderFence(token: Token, env: RenderEnv): string {
  const info = token.info.trim();
  const language = (info.split(/\s+/)[0] ?? "").split(":")[0]!.toLowerCase();
  const target = codeBlockTarget(info, token.content.replace(/\n$/, ""));
  const warnings: string[] = [];
  if (token.map) {
    for (let line = token.map[0]; line < token.map[1]; line++) {
      const reasons = env.warningsByLine.get(line);
      if (!reasons) continue;
      warnings.push(...reasons);
      env.usedWarningLines.add(line);
    }
  }
  const index = env.codeBlocks.length;
  env.codeBlocks.push({
    index,
    info,
    language,
    code: token.content,
    ...(target.path ? { targetPath: target.path } : {}),
    warnings,
  });
  const highlighted = highlight(token.content, language);
  const actions = env.streaming
    ? ""
    : `<span class="code-actions"><button type="button" data-action="copy" title="Copy the code">Copy</button><button type="button" data-action="insert" title="Insert at the cursor in the active editor">Insert</button><button type="button" data-action="apply" title="Show the change as a diff, then apply it">${
        target.path ? `Apply to ${escapeHtml(baseName(target.path))}` : "Apply"
      }</button></span>`;
  const warningHtml = warnings
    .map(
      (reason) =>
        `<div class="code-warning" role="alert"><strong>Dangerous command:</strong> ${escapeHtml(
          reason,
        )}. Hearth never runs it; read it before you use it.</div>`,
    )
    .join("");
  return `<div class="code-block${warnings.length ? " dangerous" : ""}" data-block="${index}"><div class="code-header"><span class="code-language">${escapeHtml(
    target.path ?? language,
  )}</span>${actions}</div>${warningHtml}<pre><code class="hljs${
    language ? ` language-${escapeHtml(language)}` : ""
  }">${highlighted}</code></pre></div>\n`;
}

function highlight(code: string, language: string): string {
  if (language && hljs.getLanguage(language)) {
    try {
      return hljs.highlight(code, { language, ignoreIllegals: true }).value;
    } catch {
      // A grammar failure shows the code unhighlighted rather than failing the answer.
    }
  }
  return escapeHtml(code);
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let index = text.indexOf("\n"); index !== -1 && index < offset; index = text.indexOf("\n", index + 1))
    line++;
  return line;
}

function baseName(path: string): string {
  return path.split(/[/\\]/).pop() ?? path;
}
