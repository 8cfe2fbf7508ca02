/**
 * Gathers what a chat turn may show the model, from the workspace: code retrieved for the question, what the
 * user pointed at (`@file`, `@symbol`, `@selection`, `@diff`, `@recent`), and the repository map. Each piece
 * becomes a `ContextBlock` or `DefinitionEntry` in the layout of `chatPrompt.ts`, with the definitions it holds
 * (name, lines, doc summary) read from the file with tree-sitter. Secrets are redacted and hidden characters
 * made visible before anything reaches a prompt. Problems (an unknown file, no git, an index still building)
 * become notes for the user, never errors.
 */

import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import type { Logger } from "../base/logger";
import type { OpenDocuments } from "../capability/capability";
import {
  classifyInjection,
  type GuardrailsPolicy,
  hiddenCharacters,
  revealHiddenCharacters,
} from "../guardrails";
import type { IndexedWorkspaces } from "../index/indexedWorkspaces";
import type { WorkspaceFolders } from "../index/workspaceFolders";
import type { ChatSelection } from "../protocol";
import type { WorkspaceSearch } from "../retrieval/workspaceSearch";
import { definitions, languageForPath, type ParserBackend } from "../syntax";
import type { ContextBlock, DefinitionEntry } from "./chatPrompt";
import { docSummary } from "./docSummary";
import type { Mentions } from "./mentions";
import { identifiersIn, rankDefinitions } from "./repoMap";

export interface GatheredContext {
  mentioned: ContextBlock[];
  retrieved: ContextBlock[];
  notes: string[];
}

export interface ChatContextServices {
  logger: Logger;
  folders: WorkspaceFolders;
  indexes: IndexedWorkspaces;
  search: WorkspaceSearch;
  documents: OpenDocuments;
  guardrails: GuardrailsPolicy;
}

/** Larger files are shown by their first lines only: the budget planner would cut them anyway. */
const maxMentionedLines = 400;
const retrievedHits = 6;
const gitTimeoutMs = 5_000;
const identifier = /^[A-Za-z_$][\w$]*$/;

interface FileOutline {
  mtimeMs: number;
  lines: string[];
  entries: DefinitionEntry[];
}

export class ChatContext {
  private readonly outlines = new Map<string, FileOutline>();
  private mapCache: { key: string; entries: DefinitionEntry[] } | undefined;

  constructor(
    private readonly services: ChatContextServices,
    private readonly backend: ParserBackend,
  ) {}

  async gather(
    query: string,
    mentions: Mentions,
    selection: ChatSelection | undefined,
    recentUris: readonly string[],
    signal: AbortSignal,
  ): Promise<GatheredContext> {
    const notes: string[] = [];
    const mentioned: ContextBlock[] = [];
    for (const file of mentions.files) {
      const block = await this.fileBlock(file);
      if (block) mentioned.push(block);
      else notes.push(`@file ${file}: no such file in the workspace; answered without it.`);
    }
    for (const name of mentions.symbols) {
      const blocks = await this.symbolBlocks(name);
      if (blocks.length) mentioned.push(...blocks);
      else notes.push(`@symbol ${name}: no definition of that name in the index; answered without it.`);
    }
    if (mentions.selection) {
      if (selection?.text) mentioned.push(await this.selectionBlock(selection));
      else notes.push("@selection: nothing is selected in the editor.");
    }
    if (mentions.diff) {
      const diff = await this.diffBlock();
      if ("block" in diff) mentioned.push(diff.block);
      else notes.push(`@diff: ${diff.note}`);
    }
    if (mentions.recent) {
      const recent = recentUris.flatMap((uri) => this.openDocumentBlock(uri) ?? []);
      if (recent.length) mentioned.push(...recent);
      else notes.push("@recent: no file was edited recently.");
    }

    const retrieved: ContextBlock[] = [];
    const building = this.services.indexes.statuses().some((index) => index.state !== "idle");
    const searchable = this.services.indexes.searchable().length > 0;
    if (!searchable) notes.push("The workspace is not indexed, so the answer uses no retrieved code.");
    else if (building) notes.push("The index is still being built: retrieved code may be missing.");
    if (searchable) {
      const hits = await this.services.search.search(query, retrievedHits, "hybrid", signal);
      for (const hit of hits) {
        if (
          mentioned.some(
            (block) => block.path === hit.path && overlaps(block, hit.startLine + 1, hit.endLine + 1),
          )
        ) {
          continue;
        }
        retrieved.push(await this.blockOf(hit.root, hit.path, hit.startLine + 1, hit.endLine + 1, hit.text));
      }
    }
    for (const block of [...mentioned, ...retrieved]) this.guard(block, notes);
    return { mentioned, retrieved, notes };
  }

  /**
   * The repository map, most important definitions first; rebuilt when the index changed (its files and
   * chunks), else from memory.
   */
  async repositoryMap(limit = 300): Promise<DefinitionEntry[]> {
    const key = JSON.stringify(this.services.indexes.statuses().map((index) => [index.files, index.chunks]));
    if (this.mapCache?.key === key) return this.mapCache.entries;
    const perFolder = this.services.search.readEach((reader, root) => ({
      root,
      definitions: reader.definitions(50_000),
      identifiers: new Map(
        [...reader.fileTexts()].map(({ path: file, text }) => [file, identifiersIn(text)]),
      ),
    }));
    const ranked = perFolder
      .flatMap((folder) =>
        rankDefinitions(
          folder.definitions
            .filter((definition) => identifier.test(definition.name))
            .map((definition) => ({
              path: definition.path,
              name: definition.name,
              startLine: definition.line + 1,
              endLine: definition.chunkEndLine + 1,
              root: folder.root,
            })),
          folder.identifiers,
        ).map((definition) => ({ ...definition, root: folder.root })),
      )
      .sort((left, right) => right.score - left.score)
      .slice(0, limit);
    // Exact extents and doc summaries from the files themselves, as the chat model was trained on.
    const entries: DefinitionEntry[] = [];
    for (const definition of ranked) {
      const outline = await this.outline(definition.root, definition.path);
      const exact = outline?.entries.find(
        (entry) =>
          entry.name === definition.name &&
          entry.startLine <= definition.startLine &&
          definition.startLine <= entry.endLine,
      );
      entries.push(
        exact ?? {
          name: definition.name,
          path: definition.path,
          startLine: definition.startLine,
          endLine: definition.endLine,
        },
      );
    }
    this.mapCache = { key, entries };
    return entries;
  }

  private guard(block: ContextBlock, notes: string[]): void {
    const policy = this.services.guardrails;
    const mutable = block as { text: string };
    mutable.text = policy.redactForPrompt(block.text);
    if (hiddenCharacters(block.text).length > 0) mutable.text = revealHiddenCharacters(block.text);
    if (
      policy.config.injection.enabled &&
      classifyInjection(block.text, policy.config.injection.threshold).injected
    ) {
      policy.counters.add("injection", "flags");
      notes.push(
        `${block.path}:${block.startLine}-${block.endLine} contains text addressed to an assistant; it was given to the model as data only.`,
      );
    }
  }

  private async fileBlock(file: string): Promise<ContextBlock | undefined> {
    for (const root of this.services.folders.roots) {
      const absolute = path.resolve(root, file);
      if (path.relative(root, absolute).startsWith("..")) continue;
      try {
        if (!(await stat(absolute)).isFile()) continue;
      } catch {
        continue;
      }
      const relative = path.relative(root, absolute).split(path.sep).join("/");
      const outline = await this.outline(root, relative);
      if (!outline) continue;
      const lines = outline.lines.slice(0, maxMentionedLines);
      return this.blockOf(root, relative, 1, lines.length, lines.join("\n"));
    }
    return undefined;
  }

  private async symbolBlocks(name: string): Promise<ContextBlock[]> {
    const found = this.services.search.readEach((reader, root) =>
      reader.definitions(3, name).map((definition) => ({ root, definition })),
    );
    const blocks: ContextBlock[] = [];
    for (const { root, definition } of found.flat().slice(0, 3)) {
      const outline = await this.outline(root, definition.path);
      const entry = outline?.entries.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
      const startLine = entry?.startLine ?? definition.chunkStartLine + 1;
      const endLine = Math.min(
        entry?.endLine ?? definition.chunkEndLine + 1,
        startLine + maxMentionedLines - 1,
      );
      const text = outline?.lines.slice(startLine - 1, endLine).join("\n") ?? "";
      blocks.push(await this.blockOf(root, definition.path, startLine, endLine, text));
    }
    return blocks;
  }

  private async selectionBlock(selection: ChatSelection): Promise<ContextBlock> {
    const place = this.services.folders.place(selection.uri);
    const startLine = selection.range.start.line + 1;
    const lines = selection.text.split("\n");
    return this.blockOf(place.root, place.path, startLine, startLine + lines.length - 1, selection.text);
  }

  private openDocumentBlock(uri: string): ContextBlock | undefined {
    const document = this.services.documents.get(uri);
    if (!document) return undefined;
    const place = this.services.folders.place(uri);
    const lines = document.getText().split("\n").slice(0, maxMentionedLines);
    return {
      path: place.path,
      startLine: 1,
      endLine: lines.length,
      text: lines.join("\n"),
      language: languageForPath(place.path) ?? "",
    };
  }

  private async diffBlock(): Promise<{ block: ContextBlock } | { note: string }> {
    const root = this.services.folders.roots[0];
    if (!root) return { note: "no workspace folder is open." };
    const diff = await new Promise<{ text: string } | { error: string }>((resolve) => {
      execFile(
        "git",
        ["diff", "HEAD", "--unified=3", "--no-color", "--no-ext-diff"],
        {
          cwd: root,
          timeout: gitTimeoutMs,
          maxBuffer: 8 * 1024 * 1024,
          env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
        },
        (error, stdout, stderr) =>
          error ? resolve({ error: (stderr || error.message).split("\n")[0]! }) : resolve({ text: stdout }),
      );
    });
    if ("error" in diff) return { note: `git diff failed (${diff.error}); is this a git repository?` };
    if (!diff.text.trim()) return { note: "the working tree has no changes against HEAD." };
    const lines = diff.text.split("\n").slice(0, maxMentionedLines);
    return {
      block: {
        path: "git diff HEAD",
        startLine: 1,
        endLine: lines.length,
        text: lines.join("\n"),
        language: "diff",
      },
    };
  }

  /** A block of a file, with the definitions whose names lie inside it. */
  private async blockOf(
    root: string | undefined,
    file: string,
    startLine: number,
    endLine: number,
    text: string,
  ): Promise<ContextBlock> {
    const outline = root ? await this.outline(root, file) : undefined;
    return {
      path: file,
      startLine,
      endLine,
      text,
      language: languageForPath(file) ?? "",
      definitions: (outline?.entries ?? []).filter(
        (entry) => startLine <= entry.startLine && entry.startLine <= endLine,
      ),
    };
  }

  /** A file's lines and definitions (1-based, with doc summaries), cached until the file changes. */
  private async outline(root: string, file: string): Promise<FileOutline | undefined> {
    const absolute = path.join(root, file);
    try {
      const { mtimeMs, size } = await stat(absolute);
      if (size > 2 * 1024 * 1024) return undefined;
      const cached = this.outlines.get(absolute);
      if (cached?.mtimeMs === mtimeMs) return cached;
      const text = await readFile(absolute, "utf8");
      const lines = text.split("\n").map((line) => line.replace(/\r$/, ""));
      const language = languageForPath(file, lines[0]);
      const entries: DefinitionEntry[] = [];
      if (language) {
        const tree = await this.backend.parse(language, text);
        try {
          for (const definition of definitions(tree)) {
            if (!identifier.test(definition.name)) continue;
            const summary = docSummary(lines, definition);
            entries.push({
              name: definition.name,
              path: file,
              startLine: definition.startLine + 1,
              endLine: definition.endLine + 1,
              ...(summary ? { summary: summary.replaceAll('"', "'") } : {}),
            });
          }
        } finally {
          tree.dispose();
        }
      }
      const outline = { mtimeMs, lines, entries };
      this.outlines.set(absolute, outline);
      if (this.outlines.size > 500) this.outlines.delete(this.outlines.keys().next().value!);
      return outline;
    } catch (error) {
      this.services.logger.debug(`chat: cannot read ${absolute}: ${error}`);
      return undefined;
    }
  }
}

function overlaps(block: ContextBlock, startLine: number, endLine: number): boolean {
  return block.startLine <= endLine && startLine <= block.endLine;
}
