/**
 * Finds a data folder that ships next to Hearth's code (`grammars/`, `native-models/`) by walking up from
 * the running module: the same lookup works from the sources, the bundle in `out/` and an installed VSIX.
 */

import { existsSync } from "node:fs";
import * as path from "node:path";

/** The nearest `<ancestor>/<folder>` holding `marker`, starting at `start`; `undefined` when there is none. */
export function findFolderUpwards(start: string, folder: string, marker: string): string | undefined {
  for (let directory = start; ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, folder);
    if (existsSync(path.join(candidate, marker))) return candidate;
    if (path.dirname(directory) === directory) return undefined;
  }
}
