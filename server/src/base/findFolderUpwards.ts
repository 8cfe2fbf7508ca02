/**
 * Finds a data folder that ships next to Hearth's code (`grammars/`, `native-models/`) by walking up from
 * the running module: the same lookup works from the sources, the bundle in `out/` and an installed VSIX.
 */

import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** The nearest `<ancestor>/<folder>` holding `marker`, starting at `start`; `undefined` when there is none. */
export function findFolderUpwards(start: string, folder: string, marker: string): string | undefined {
  for (let directory = start; ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, folder);
    if (existsSync(path.join(candidate, marker))) return candidate;
    if (path.dirname(directory) === directory) return undefined;
  }
}

/**
 * A shipped folder: `override` (an environment variable's value) when set, else the nearest `folder` holding
 * `marker` above this module; `missing` makes the caller's error when there is none.
 */
export function findShippedFolder(
  folder: string,
  marker: string,
  override: string | undefined,
  missing: (message: string) => Error,
): string {
  if (override) return override;
  const start = path.dirname(fileURLToPath(import.meta.url));
  const found = findFolderUpwards(start, folder, marker);
  if (!found) throw missing(`no ${folder}/${marker} in ${start} or any folder above it`);
  return found;
}
