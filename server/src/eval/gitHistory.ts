/**
 * A workspace's git history as the time-travel eval reads it: the recent commits that can be replayed (their
 * parent is present, so a shallow clone's grafted tip is not), the lines each one added, and the files as they
 * were at any commit. Read-only: git is asked with `log`, `diff`, `show`, `rev-parse`, `cat-file` and a status
 * without optional locks, so neither the working tree, the index nor any ref changes. A workspace inside a larger repository sees only
 * its own folder, with paths relative to it.
 */

import { execFileSync } from "node:child_process";

export interface CommitInfo {
  sha: string;
  parent: string;
  /** Commit time, seconds since the epoch. */
  time: number;
  subject: string;
}

/** Lines a commit added to one file, grouped in hunks (line numbers in the commit's version, 0-based). */
export interface AddedHunk {
  startLine: number;
  lines: string[];
}

export interface FileAdditions {
  path: string;
  hunks: AddedHunk[];
}

export class GitHistoryError extends Error {
  override name = "GitHistoryError";
}

export type HistoryAvailability =
  | { usable: true; repository: GitRepository }
  | { usable: false; reason: string };

/** Whether `root` has git history to travel through, and if not, why (said to the user). */
export function openGitHistory(root: string): HistoryAvailability {
  let inside: string;
  try {
    inside = git(root, ["rev-parse", "--is-inside-work-tree"]).trim();
  } catch {
    return { usable: false, reason: "not a git repository" };
  }
  if (inside !== "true") return { usable: false, reason: "not inside a git working tree" };
  try {
    git(root, ["rev-parse", "--verify", "HEAD^{commit}"]);
  } catch {
    return { usable: false, reason: "the repository has no commits yet" };
  }
  const shallow = git(root, ["rev-parse", "--is-shallow-repository"]).trim() === "true";
  const repository = new GitRepository(root, shallow);
  return { usable: true, repository };
}

export class GitRepository {
  constructor(
    readonly root: string,
    readonly shallow: boolean,
  ) {}

  head(): string {
    return git(this.root, ["rev-parse", "HEAD"]).trim();
  }

  /** Whether the working tree differs from HEAD (reported with a run, since runs name the commit). */
  dirty(): boolean {
    // --no-optional-locks: a plain status may rewrite .git/index to refresh its stat cache.
    return (
      git(this.root, [
        "--no-optional-locks",
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        ".",
      ]).trim() !== ""
    );
  }

  /**
   * Non-merge commits that touched this folder, newest first, whose parent is present (a shallow clone's oldest
   * commits are left out). `since` is a date git understands (`2025-01-01`, `3 weeks ago`) or a commit: then
   * only the commits after it. At most `limit`.
   */
  recentCommits(options: { since?: string | undefined; limit: number }): CommitInfo[] {
    const range: string[] = [];
    if (options.since) {
      if (this.isCommit(options.since)) range.push(`${options.since}..HEAD`);
      else range.push(`--since=${options.since}`, "HEAD");
    } else range.push("HEAD");
    const output = git(this.root, [
      "log",
      "--no-merges",
      `--max-count=${Math.max(1, options.limit)}`,
      "--format=%H%x1f%P%x1f%ct%x1f%s%x1e",
      ...range,
      "--",
      ".",
    ]);
    return output
      .split("\x1e")
      .map((record) => record.trim())
      .filter(Boolean)
      .map((record) => {
        const [sha, parents, time, subject] = record.split("\x1f");
        return {
          sha: sha!,
          parent: parents?.split(" ")[0] ?? "",
          time: Number(time),
          subject: subject ?? "",
        };
      })
      .filter((commit) => commit.parent !== "" && this.isCommit(commit.parent));
  }

  /** The lines `commit` added over its parent, per file (added or modified files; renames count as new). */
  additions(commit: CommitInfo): FileAdditions[] {
    const diff = git(this.root, [
      "diff",
      "--unified=0",
      "--no-color",
      "--no-ext-diff",
      "--no-renames",
      "--relative",
      "--diff-filter=AM",
      commit.parent,
      commit.sha,
      "--",
      ".",
    ]);
    return parseAddedHunks(diff);
  }

  /** A file's text at a commit (path relative to the workspace folder); `undefined` if not there or binary. */
  fileAt(commit: string, path: string): string | undefined {
    try {
      const buffer = execFileSync("git", ["show", `${commit}:./${path}`], {
        cwd: this.root,
        maxBuffer: 64 * 1024 * 1024,
        stdio: ["ignore", "pipe", "ignore"],
      });
      return buffer.includes(0) ? undefined : buffer.toString("utf8");
    } catch {
      return undefined;
    }
  }

  /** Paths (relative to the folder) that differ between two commits: changed or added, and deleted. */
  changedPaths(from: string, to: string): { written: string[]; deleted: string[] } {
    const output = git(this.root, [
      "diff",
      "--name-status",
      "-z",
      "--no-renames",
      "--relative",
      from,
      to,
      "--",
      ".",
    ]);
    const fields = output.split("\0").filter((field) => field !== "");
    const written: string[] = [];
    const deleted: string[] = [];
    for (let index = 0; index + 1 < fields.length; index += 2) {
      (fields[index] === "D" ? deleted : written).push(fields[index + 1]!);
    }
    return { written, deleted };
  }

  /** The tree of this folder at `commit`, for `git archive` (`<commit>:<folder within the repository>`). */
  treeAt(commit: string): string {
    const prefix = git(this.root, ["rev-parse", "--show-prefix"]).trim();
    return prefix ? `${commit}:${prefix.replace(/\/$/, "")}` : commit;
  }

  private isCommit(revision: string): boolean {
    try {
      git(this.root, ["cat-file", "-e", `${revision}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  }
}

/** The added lines of a `git diff --unified=0` output, per new file path. Pure. */
export function parseAddedHunks(diff: string): FileAdditions[] {
  const files: FileAdditions[] = [];
  let current: FileAdditions | undefined;
  let hunk: AddedHunk | undefined;
  for (const line of diff.split("\n")) {
    if (line.startsWith("diff --git ")) {
      current = undefined;
      hunk = undefined;
    } else if (line.startsWith("+++ ")) {
      const target = line.slice(4);
      current = target === "/dev/null" ? undefined : { path: unquote(target).replace(/^b\//, ""), hunks: [] };
      if (current) files.push(current);
    } else if (line.startsWith("@@ ") && current) {
      const match = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      const count = match?.[2] === undefined ? 1 : Number(match[2]);
      hunk = match && count > 0 ? { startLine: Number(match[1]) - 1, lines: [] } : undefined;
      if (hunk) current.hunks.push(hunk);
    } else if (line.startsWith("+") && hunk) {
      hunk.lines.push(line.slice(1).replace(/\r$/, ""));
    }
  }
  return files.filter((file) => file.hunks.some((added) => added.lines.length > 0));
}

/** git quotes paths with unusual characters (`"b/na\303\257ve.py"`): undo the C-style quoting. */
function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  for (let index = 0; index < body.length; index++) {
    const character = body[index]!;
    if (character !== "\\") {
      bytes.push(...Buffer.from(character, "utf8"));
      continue;
    }
    const next = body[++index]!;
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(index, index + 3), 8));
      index += 2;
    } else
      bytes.push(({ n: 10, t: 9, '"': 34, "\\": 92 } as Record<string, number>)[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString("utf8");
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    throw new GitHistoryError(`git ${args[0]} failed in ${cwd}${stderr ? `: ${stderr}` : ""}`);
  }
}
