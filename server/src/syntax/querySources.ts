/**
 * Reads a language's query files (`grammars/<folder>/<kind>.scm`) from disk.
 *
 * They are read at run time rather than bundled because esbuild has no loader for `.scm`; `grammars/` is found
 * by walking up from this module, which works from the sources, from `out/cli/hearth.mjs` and from bundled tests.
 */

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { findFolderUpwards } from "../base/findFolderUpwards";
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
  const found = findFolderUpwards(start, "grammars", "manifest.json");
  if (!found) throw new GrammarsNotFoundError(`no grammars/manifest.json in ${start} or any folder above it`);
  return found;
}

export function readQuerySource(folder: string, kind: QueryKind, grammarsDirectory?: string): string {
  return readFileSync(path.join(grammarsDirectory ?? findGrammarsDirectory(), folder, `${kind}.scm`), "utf8");
}
