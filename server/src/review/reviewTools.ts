/**
 * The tools the model pass may call, over one workspace folder: lines of a file (the editor's unsaved text
 * first), the index (lexical search, the symbols table for definitions, word hits for references) and git's
 * diff. Calls reach here only after `authorizeToolCall` allowed them; each answer is cut to a bounded size.
 */

import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { OpenDocuments } from "../capability/capability";
import type { ToolCall } from "../guardrails";
import type { WorkspaceSearch } from "../retrieval/workspaceSearch";
import type { ReviewToolbox } from "./modelPass";
import { git } from "./reviewSources";

const maxToolChars = 4_000;
const maxRangeLines = 80;

export interface ReviewToolServices {
  documents: OpenDocuments;
  search: WorkspaceSearch;
}

export function reviewToolbox(
  root: string,
  services: ReviewToolServices,
  isGitRepository: boolean,
): ReviewToolbox {
  const toolbox: ReviewToolbox = {
    readRange: async (call) => {
      const relative = String(call.arguments.path);
      const absolute = path.resolve(root, relative);
      if (path.relative(root, absolute).startsWith("..")) return "outside the workspace folder";
      const text =
        services.documents.get(pathToFileURL(absolute).href)?.getText() ??
        (await readFile(absolute, "utf8").catch(() => undefined));
      if (text === undefined) return `no such file: ${relative}`;
      const lines = text.split("\n");
      const start = Math.max(1, Number(call.arguments.startLine ?? 1));
      const end = Math.min(lines.length, Number(call.arguments.endLine ?? start), start + maxRangeLines - 1);
      return bounded(
        lines
          .slice(start - 1, end)
          .map((line, offset) => `${start + offset}| ${line}`)
          .join("\n"),
      );
    },
    searchIndex: async (call, signal) =>
      hitsText(await services.search.search(queryOf(call), 5, "lexical", signal)),
    definitions: async (call) => {
      const symbol = String(call.arguments.symbol);
      const found = services.search
        .readEach((reader) => reader.definitions(5, symbol))
        .flat()
        .slice(0, 5);
      if (found.length === 0) return `no definition of ${symbol} in the index`;
      return found.map((entry) => `${entry.path}:${entry.line + 1}: ${entry.kind} ${entry.name}`).join("\n");
    },
    references: async (call, signal) => {
      const symbol = String(call.arguments.symbol);
      const hits = await services.search.search(symbol, 8, "lexical", signal);
      const lines: string[] = [];
      for (const hit of hits) {
        for (const [offset, line] of hit.text.split("\n").entries()) {
          if (line.includes(symbol)) lines.push(`${hit.path}:${hit.startLine + offset + 1}| ${line.trim()}`);
        }
      }
      return lines.length ? bounded(lines.join("\n")) : `no mention of ${symbol} in the index`;
    },
  };
  if (isGitRepository) {
    toolbox.gitDiff = async () =>
      bounded(
        (await git(root, ["diff", "--no-color", "--no-ext-diff", "HEAD"])) || "no changes against HEAD",
      );
  }
  return toolbox;
}

function queryOf(call: ToolCall): string {
  return String(call.arguments.query ?? call.arguments.symbol ?? "");
}

function hitsText(
  hits: readonly { path: string; startLine: number; endLine: number; text: string }[],
): string {
  if (hits.length === 0) return "no matches in the index";
  return bounded(
    hits.map((hit) => `${hit.path}:${hit.startLine + 1}-${hit.endLine + 1}\n${hit.text}`).join("\n\n"),
  );
}

function bounded(text: string): string {
  return text.length > maxToolChars ? `${text.slice(0, maxToolChars)}\n… (cut)` : text;
}
