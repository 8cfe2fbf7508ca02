/**
 * Reads a language's query files (`grammars/<folder>/<kind>.scm`) from disk.
 *
 * They are read at run time rather than bundled because esbuild has no loader for `.scm`; `grammars/` is found
 * by walking up from this module, which works from the sources, from `out/cli/hearth.mjs` and from bundled tests.
 */

import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { QueryKind } from "./syntaxTree";

export class GrammarsNotFoundError extends Error {
  override name = "GrammarsNotFoundError";
}

let grammarsDirectory: string | undefined;

/** The `grammars/` folder: `HEARTH_GRAMMARS_DIR` when set, else the nearest one above this module. */
export function findGrammarsDirectory(): string {
  grammarsDirectory ??= process.env.HEARTH_GRAMMARS_DIR || searchUpwards();
  return grammarsDirectory;
}

function searchUpwards(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let directory = start; ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, "grammars");
    if (existsSync(path.join(candidate, "manifest.json"))) return candidate;
    if (path.dirname(directory) === directory) break;
  }
  throw new GrammarsNotFoundError(`no grammars/manifest.json in ${start} or any folder above it`);
}

export function readQuerySource(folder: string, kind: QueryKind, grammarsDirectory?: string): string {
  return readFileSync(path.join(grammarsDirectory ?? findGrammarsDirectory(), folder, `${kind}.scm`), "utf8");
}
