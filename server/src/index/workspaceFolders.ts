/**
 * The workspace folders the editor opened, and where a file sits among them: the one answer to "which folder,
 * which relative path" for indexing, retrieval, completion prompts and feedback.
 */

import * as path from "node:path";
import { fileURLToPath } from "node:url";

export interface FolderPlace {
  /** The workspace folder holding the file, when one does. */
  root: string | undefined;
  /** Relative to `root` with `/` separators; the file name alone when no folder holds it. */
  path: string;
  /** The folder's name, used as the repository name in prompts. */
  repoName: string | undefined;
}

export class WorkspaceFolders {
  constructor(readonly roots: readonly string[]) {}

  /** The folder containing an absolute path, with the path relative to it (`/` separators). */
  locate(absolutePath: string): { root: string; relativePath: string } | undefined {
    for (const root of this.roots) {
      const relative = path.relative(root, absolutePath);
      if (relative && !relative.startsWith("..") && !path.isAbsolute(relative)) {
        return { root, relativePath: relative.split(path.sep).join("/") };
      }
    }
    return undefined;
  }

  /** Where a document (by URI or absolute path) sits; untitled and foreign URIs get their last segment. */
  place(uri: string): FolderPlace {
    const absolute = uri.startsWith("file:") ? fileURLToPath(uri) : uri;
    const located = this.locate(absolute);
    return located
      ? { root: located.root, path: located.relativePath, repoName: path.basename(located.root) }
      : { root: undefined, path: path.basename(absolute), repoName: undefined };
  }
}
