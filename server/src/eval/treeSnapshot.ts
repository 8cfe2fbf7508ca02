/**
 * A temporary folder holding a workspace as it was at some commit, for the time-travel eval to index and
 * complete in. The first commit is unpacked whole with `git archive`; moving to another commit rewrites only
 * the files that differ and deletes the ones that are gone, so an incremental index pass re-reads just those.
 * Nothing touches the user's working tree or repository: `git archive` and `git diff` only read.
 */

import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import type { GitRepository } from "./gitHistory";

export class TreeSnapshot {
  private commit: string | undefined;

  constructor(
    private readonly repository: GitRepository,
    readonly folder: string,
  ) {
    mkdirSync(folder, { recursive: true });
  }

  get currentCommit(): string | undefined {
    return this.commit;
  }

  async moveTo(commit: string): Promise<{ written: number; deleted: number }> {
    if (this.commit === commit) return { written: 0, deleted: 0 };
    if (this.commit === undefined) {
      await this.unpack(commit, []);
      this.commit = commit;
      return { written: -1, deleted: 0 };
    }
    const { written, deleted } = this.repository.changedPaths(this.commit, commit);
    for (const file of deleted) rmSync(this.inside(file), { force: true });
    // Chunks keep each command line well under any system's argument limit.
    for (let start = 0; start < written.length; start += 200) {
      await this.unpack(commit, written.slice(start, start + 200));
    }
    this.commit = commit;
    return { written: written.length, deleted: deleted.length };
  }

  private inside(file: string): string {
    const target = path.resolve(this.folder, file);
    if (!target.startsWith(path.resolve(this.folder) + path.sep)) {
      throw new Error(`refusing to write outside the snapshot folder: ${file}`);
    }
    return target;
  }

  /** `git archive <tree> [paths] | tar -x -C <folder>`, without a shell. */
  private unpack(commit: string, paths: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const archive = spawn(
        "git",
        ["archive", "--format=tar", this.repository.treeAt(commit), "--", ...paths],
        {
          cwd: this.repository.root,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      const extract = spawn("tar", ["-x", "-m", "-f", "-", "-C", this.folder], {
        stdio: ["pipe", "ignore", "pipe"],
      });
      archive.stdout.pipe(extract.stdin);
      let errors = "";
      archive.stderr.on("data", (chunk) => {
        errors += chunk;
      });
      extract.stderr.on("data", (chunk) => {
        errors += chunk;
      });
      let pending = 2;
      let failed = false;
      const done = (what: string) => (code: number | null) => {
        if (code !== 0 && !failed) {
          failed = true;
          reject(new Error(`${what} exited with ${code} while unpacking ${commit}: ${errors.trim()}`));
        }
        if (--pending === 0 && !failed) resolve();
      };
      archive.on("error", reject);
      extract.on("error", reject);
      archive.on("close", done("git archive"));
      extract.on("close", done("tar"));
    });
  }
}
