/**
 * The retrieval eval of the suite, on the workspace itself with queries labelled from its own code: a
 * definition's doc comment or docstring asks for that definition (docstring → function), and its name in plain
 * words asks for where it is defined (`parseConfigFile` → "parse config file"). The workspace is indexed as of
 * the commit the run names (a temporary copy of HEAD; the folder itself when it is not a git repository) and
 * searched the way completion and `hearth/search` search it (hybrid, through the core). Each query scores
 * recall@5, recall@10, reciprocal rank and nDCG@10 against the chunk that holds the definition.
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Logger } from "../base/logger";
import { round, seededRandom } from "../base/numbers";
import { crawlWorkspace } from "../index/crawler";
import { IndexSession } from "../index/indexSession";
import { defaultIndexConfig } from "../index/indexSettings";
import { createParserBackend, type Definition, definitions, languageForPath } from "../syntax";
import type { EvalCore, EvalCoreFactory } from "./evalCore";
import { openGitHistory } from "./gitHistory";
import { ndcgAt, recallAt, reciprocalRank } from "./retrievalMetrics";
import { TreeSnapshot } from "./treeSnapshot";

export interface LabelledQuery {
  key: string;
  kind: "docstring" | "name";
  query: string;
  path: string;
  /** The definition's name line (0-based): a hit covering it is the relevant one. */
  line: number;
}

export interface RetrievalOutcome {
  key: string;
  kind: LabelledQuery["kind"];
  /** Rank of the first relevant hit (1-based), `null` when not in the top 10. */
  rank: number | null;
  recallAt5: number;
  recallAt10: number;
  reciprocalRank: number;
  ndcgAt10: number;
}

export interface WorkspaceRetrievalOptions {
  root: string;
  settings: unknown;
  createCore: EvalCoreFactory;
  logger: Logger;
  maxQueries: number;
  signal?: AbortSignal | undefined;
  onProgress?: (done: number, total: number, label: string) => void;
}

const definitionKinds = new Set(["function", "method", "class", "struct", "interface", "trait", "enum"]);

export async function runWorkspaceRetrievalEval(options: WorkspaceRetrievalOptions) {
  const scratch = mkdtempSync(path.join(tmpdir(), "hearth-retrieval-eval-"));
  const databasePath = path.join(scratch, "index.sqlite");
  let core: EvalCore | undefined;
  try {
    const history = openGitHistory(options.root);
    let folder = options.root;
    if (history.usable) {
      const snapshot = new TreeSnapshot(history.repository, path.join(scratch, "tree"));
      await snapshot.moveTo(history.repository.head());
      folder = snapshot.folder;
    }
    core = await options.createCore({
      roots: [folder],
      settings: options.settings,
      logger: options.logger,
      indexDatabases: { [folder]: databasePath },
      embedQueries: true,
      feedbackDatabase: null,
      excludeOwnFileFromRetrieval: false,
    });
    options.onProgress?.(0, 1, "indexing the workspace");
    const embedder = await core.services.engine.embedder().catch(() => undefined);
    const session = new IndexSession({
      root: folder,
      databasePath,
      config: defaultIndexConfig,
      embedder,
      logger: options.logger,
    });
    try {
      await session.runFullPass();
    } finally {
      session.close();
    }
    const queries = await labelQueries(folder, options.maxQueries, options.logger);
    const outcomes: RetrievalOutcome[] = [];
    for (const [index, query] of queries.entries()) {
      options.signal?.throwIfAborted();
      const hits = await core.services.search.search(query.query, 10, "hybrid", options.signal);
      const ranked = hits.map(
        (hit) => hit.path === query.path && hit.startLine <= query.line && query.line <= hit.endLine,
      );
      const judgement = { ranked, relevantCount: 1 };
      const first = ranked.indexOf(true);
      outcomes.push({
        key: query.key,
        kind: query.kind,
        rank: first < 0 ? null : first + 1,
        recallAt5: recallAt(judgement, 5),
        recallAt10: recallAt(judgement, 10),
        reciprocalRank: round(reciprocalRank(judgement, 10), 4),
        ndcgAt10: round(ndcgAt(judgement, 10), 4),
      });
      options.onProgress?.(index + 1, queries.length, `searching "${query.query.slice(0, 40)}"`);
    }
    return {
      vectors: embedder !== undefined,
      queries,
      outcomes,
      figures: retrievalFigures(outcomes),
    };
  } finally {
    await core?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function retrievalFigures(outcomes: readonly RetrievalOutcome[]): Record<string, number | null> {
  const mean = (pick: (outcome: RetrievalOutcome) => number, of = outcomes) =>
    of.length ? round(of.reduce((sum, outcome) => sum + pick(outcome), 0) / of.length, 4) : null;
  const docstrings = outcomes.filter((outcome) => outcome.kind === "docstring");
  const names = outcomes.filter((outcome) => outcome.kind === "name");
  return {
    queries: outcomes.length,
    recallAt5: mean((outcome) => outcome.recallAt5),
    recallAt10: mean((outcome) => outcome.recallAt10),
    mrr: mean((outcome) => outcome.reciprocalRank),
    ndcgAt10: mean((outcome) => outcome.ndcgAt10),
    docstringQueries: docstrings.length,
    docstringRecallAt10: mean((outcome) => outcome.recallAt10, docstrings),
    nameQueries: names.length,
    nameRecallAt10: mean((outcome) => outcome.recallAt10, names),
  };
}

/**
 * Labelled queries from the workspace's definitions (files the index would take, in path order), sampled with
 * a fixed seed: the same workspace gives the same queries, so runs pair query by query.
 */
export async function labelQueries(root: string, limit: number, logger: Logger): Promise<LabelledQuery[]> {
  const backend = createParserBackend({ logger });
  const files: string[] = [];
  for await (const item of crawlWorkspace(root, defaultIndexConfig.crawl)) {
    if ("file" in item && languageForPath(item.file.path) && item.file.size < 200_000)
      files.push(item.file.path);
  }
  files.sort();
  const found: LabelledQuery[] = [];
  for (const file of files) {
    const language = languageForPath(file)!;
    let text: string;
    try {
      text = readFileSync(path.join(root, file), "utf8");
    } catch {
      continue;
    }
    const tree = await backend.parse(language, text).catch(() => undefined);
    if (!tree) continue;
    const lines = text.split("\n");
    for (const definition of definitions(tree)) {
      if (!definitionKinds.has(definition.kind)) continue;
      const doc = docText(definition, lines, language);
      if (doc) {
        found.push({
          key: `doc:${file}:${definition.name}`,
          kind: "docstring",
          query: doc,
          path: file,
          line: definition.nameLine,
        });
      }
      const words = nameWords(definition.name);
      if (words) {
        found.push({
          key: `name:${file}:${definition.name}`,
          kind: "name",
          query: words,
          path: file,
          line: definition.nameLine,
        });
      }
    }
    tree.dispose();
  }
  const unique = [...new Map(found.map((query) => [query.key, query])).values()];
  const random = seededRandom(7);
  for (let index = unique.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [unique[index], unique[other]] = [unique[other]!, unique[index]!];
  }
  return unique.slice(0, limit).sort((left, right) => left.key.localeCompare(right.key));
}

/**
 * The first sentence of a definition's documentation: a Python docstring (the first string in the body), else
 * the comment lines just above it. `undefined` when there is none or it says too little (under four words).
 */
export function docText(
  definition: Definition,
  lines: readonly string[],
  language: string,
): string | undefined {
  let raw = "";
  if (language === "python") {
    const body = lines.slice(definition.nameLine + 1, definition.nameLine + 8).join("\n");
    raw =
      /^\s*(?:[rRuU]?)("""|''')([\s\S]*?)\1/.exec(body)?.[2] ??
      /^\s*[rRuU]?("|')(.*?)\1/.exec(body)?.[2] ??
      "";
  } else {
    raw = lines
      .slice(definition.startLine, definition.nameLine)
      .filter((line) => /^\s*(\/\/|\/\*|\*|#)/.test(line))
      .map((line) => line.replace(/^\s*(\/\/+|\/\*+|\*+\/?|#)\s?/, "").replace(/\*\/\s*$/, ""))
      .join(" ");
  }
  const text = raw
    .replace(/@\w+.*$/s, "")
    .replace(/\s+/g, " ")
    .trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(text)?.[1] ?? text;
  return sentence.split(" ").length >= 4 ? sentence.slice(0, 200) : undefined;
}

/** An identifier in plain words, when it has at least two (`parseConfigFile` → "parse config file"). */
export function nameWords(name: string): string | undefined {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
  return words.length >= 2 ? words.join(" ") : undefined;
}
