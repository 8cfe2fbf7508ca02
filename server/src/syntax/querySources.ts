/**
 * Reads a language's query files (`grammars/<folder>/<kind>.scm`) from disk.
 *
 * They are read at run time rather than bundled because esbuild has no loader for `.scm`; `grammars/` is found
 * by walking up from this module, which works from the sources, from `out/cli/hearth.mjs` and from bundled tests.
 */

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { findShippedFolder } from "../base/findFolderUpwards";
import type { QueryKind } from "./syntaxTree";

export class GrammarsNotFoundError extends Error {
  override name = "GrammarsNotFoundError";
}

let grammarsDirectory: string | undefined;

/** The `grammars/` folder: `HEARTH_GRAMMARS_DIR` when set, else the nearest one above this module. */
export function findGrammarsDirectory(): string {
  grammarsDirectory ??= findShippedFolder(
    "grammars",
    "manifest.json",
    process.env.HEARTH_GRAMMARS_DIR,
    (message) => new GrammarsNotFoundError(message),
  );
  return grammarsDirectory;
}

export function readQuerySource(folder: string, kind: QueryKind, grammarsDirectory?: string): string {
  return readFileSync(path.join(grammarsDirectory ?? findGrammarsDirectory(), folder, `${kind}.scm`), "utf8");
}
