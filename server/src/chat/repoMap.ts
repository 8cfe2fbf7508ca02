/**
 * The repository map: the workspace's definitions ranked by how much the rest of the code depends on them, in
 * the manner of aider's repo map. Files are ranked by PageRank over the graph "file A uses a name that file B
 * defines" (a name defined in many files counts for little, one defined in more than `maxDefiningFiles` not
 * at all); a definition's score is its file's rank times how many other files use its name. Pure: the index's
 * definitions and each file's identifiers in, a ranked list out; the budget planner decides how many fit.
 */

export interface MapDefinition {
  path: string;
  name: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
}

export interface RankedDefinition extends MapDefinition {
  score: number;
}

export interface RepoMapOptions {
  damping: number;
  iterations: number;
  /** Names defined in more files than this (`__init__`, `constructor`, `main`) link nothing. */
  maxDefiningFiles: number;
}

export const defaultRepoMapOptions: RepoMapOptions = { damping: 0.85, iterations: 30, maxDefiningFiles: 12 };

export function rankDefinitions(
  definitions: readonly MapDefinition[],
  identifiersByFile: ReadonlyMap<string, ReadonlySet<string>>,
  options: RepoMapOptions = defaultRepoMapOptions,
): RankedDefinition[] {
  const definedIn = new Map<string, Set<string>>();
  for (const definition of definitions) {
    const files = definedIn.get(definition.name) ?? new Set<string>();
    files.add(definition.path);
    definedIn.set(definition.name, files);
  }
  const files = [
    ...new Set([...identifiersByFile.keys(), ...definitions.map((definition) => definition.path)]),
  ].sort();
  const position = new Map(files.map((file, index) => [file, index]));
  // Outgoing weighted edges per file, and how many files use each name (outside its own files).
  const edges: Map<number, number>[] = files.map(() => new Map());
  const users = new Map<string, number>();
  for (const [file, identifiers] of identifiersByFile) {
    const from = position.get(file)!;
    for (const name of identifiers) {
      const definers = definedIn.get(name);
      if (!definers || definers.size > options.maxDefiningFiles) continue;
      let usedElsewhere = false;
      for (const definer of definers) {
        if (definer === file) continue;
        usedElsewhere = true;
        const to = position.get(definer)!;
        edges[from]!.set(to, (edges[from]!.get(to) ?? 0) + 1 / definers.size);
      }
      if (usedElsewhere) users.set(name, (users.get(name) ?? 0) + 1);
    }
  }
  const rank = pageRank(edges, options);
  return definitions
    .map((definition) => ({
      ...definition,
      score: rank[position.get(definition.path)!]! * (1 + (users.get(definition.name) ?? 0)),
    }))
    .sort(
      (left, right) =>
        right.score - left.score || left.path.localeCompare(right.path) || left.startLine - right.startLine,
    );
}

function pageRank(edges: readonly Map<number, number>[], options: RepoMapOptions): number[] {
  const count = edges.length;
  if (count === 0) return [];
  let rank = new Array<number>(count).fill(1 / count);
  const outWeight = edges.map((targets) => [...targets.values()].reduce((sum, weight) => sum + weight, 0));
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    const next = new Array<number>(count).fill((1 - options.damping) / count);
    let dangling = 0;
    for (let from = 0; from < count; from++) {
      if (outWeight[from] === 0) {
        dangling += rank[from]!;
        continue;
      }
      for (const [to, weight] of edges[from]!)
        next[to]! += (options.damping * rank[from]! * weight) / outWeight[from]!;
    }
    for (let index = 0; index < count; index++) next[index]! += (options.damping * dangling) / count;
    rank = next;
  }
  return rank;
}

/** The identifiers a piece of code uses (words that look like names), for `identifiersByFile`. */
export function identifiersIn(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z_$][\w$]{2,}/g) ?? []);
}
