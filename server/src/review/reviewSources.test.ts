/** What a review reads, against real git repositories made in a temporary folder (git is a real dependency). */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { gatherReviewSources, ReviewInputError } from "./reviewSources";

const original =
  "def area(width, height):\n    return width * height\n\n\ndef ratio(a, b):\n    return a / b\n";

function run(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
    cwd,
    encoding: "utf8",
  });
}

describe("review sources", () => {
  let repo: string;
  let plain: string;

  before(() => {
    repo = mkdtempSync(path.join(tmpdir(), "hearth-review-git-"));
    plain = mkdtempSync(path.join(tmpdir(), "hearth-review-plain-"));
    run(repo, "init", "-q", "-b", "main");
    writeFileSync(path.join(repo, "shapes.py"), original);
    writeFileSync(path.join(repo, "logo.png"), Buffer.from([137, 80, 78, 71, 0, 0, 0, 1]));
    run(repo, "add", ".");
    run(repo, "commit", "-q", "-m", "start");
    writeFileSync(path.join(plain, "tool.js"), "function f(a, b) { return a - b; }\n");
    writeFileSync(path.join(plain, "blob.py"), Buffer.from([0, 1, 2, 3]));
    mkdirSync(path.join(plain, "lib"));
    writeFileSync(path.join(plain, "lib", "util.ts"), "export const x = 1;\n");
  });

  after(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(plain, { recursive: true, force: true });
  });

  test("outside a git repository, named files and folders are reviewed whole, with a note; binary files are skipped", async () => {
    const sources = await gatherReviewSources(plain, { kind: "files", paths: ["tool.js", "blob.py", "lib"] });
    assert.equal(sources.isGitRepository, false);
    assert.deepEqual(
      sources.files.map((file) => [file.path, file.language, file.regions]),
      [
        ["tool.js", "javascript", undefined],
        ["lib/util.ts", "typescript", undefined],
      ],
    );
    assert.deepEqual(sources.skipped, [{ path: "blob.py", reason: "binary" }]);
    assert.match(sources.notes.join("\n"), /not a git repository/);
  });

  test("outside a git repository, reviewing changes is a clear input error", async () => {
    await assert.rejects(gatherReviewSources(plain, { kind: "workingTree" }), (error: Error) => {
      assert.ok(error instanceof ReviewInputError);
      assert.match(error.message, /not in a git repository.*name files instead/);
      return true;
    });
    await assert.rejects(
      gatherReviewSources(plain, { kind: "files", paths: ["missing.py"] }),
      /no such file or folder: missing\.py/,
    );
  });

  test("working tree against HEAD: changed lines only, untracked files whole, binary and huge files skipped", async () => {
    writeFileSync(path.join(repo, "shapes.py"), original.replace("a / b", "b / a"));
    writeFileSync(path.join(repo, "extra.py"), "print(1)\n");
    writeFileSync(path.join(repo, "logo.png"), Buffer.from([137, 80, 78, 71, 0, 0, 0, 2]));
    writeFileSync(path.join(repo, "big.py"), `x = 1\n${"# padding\n".repeat(200)}`);
    const sources = await gatherReviewSources(
      repo,
      { kind: "workingTree" },
      { maxFileBytes: 1000, maxChangedLines: 1000 },
    );
    assert.equal(sources.isGitRepository, true);
    assert.deepEqual(
      sources.files.map((file) => [file.path, file.regions]),
      [
        ["shapes.py", [{ startLine: 6, endLine: 6 }]],
        ["extra.py", undefined],
      ],
    );
    assert.deepEqual(
      sources.skipped.map((skip) => [skip.path, skip.reason]),
      [
        ["logo.png", "binary"],
        ["big.py", "larger than 1000 bytes"],
      ],
    );
    rmSync(path.join(repo, "big.py"));
    rmSync(path.join(repo, "extra.py"));
    run(repo, "checkout", "-q", ".");
  });

  test("a diff over the changed-line limit keeps its first files and says what it left out", async () => {
    writeFileSync(path.join(repo, "shapes.py"), original.replace("a / b", "b / a"));
    writeFileSync(path.join(repo, "more.py"), "x = 1\ny = 2\n");
    const sources = await gatherReviewSources(
      repo,
      { kind: "workingTree" },
      { maxFileBytes: 1e6, maxChangedLines: 1 },
    );
    assert.deepEqual(
      sources.files.map((file) => file.path),
      ["shapes.py"],
    );
    assert.deepEqual(sources.skipped, [{ path: "more.py", reason: "over the limit of 1 changed lines" }]);
    assert.match(sources.notes.join("\n"), /larger than 1 changed lines: some files were left out/);
    rmSync(path.join(repo, "more.py"));
    run(repo, "checkout", "-q", "shapes.py");
  });

  test("staged changes are read from the index, not the working tree", async () => {
    writeFileSync(path.join(repo, "shapes.py"), original.replace("width * height", "width + height"));
    run(repo, "add", "shapes.py");
    writeFileSync(path.join(repo, "shapes.py"), `${original}# unstaged\n`);
    const sources = await gatherReviewSources(repo, { kind: "staged" });
    assert.equal(sources.files.length, 1);
    assert.match(sources.files[0]!.text, /width \+ height/);
    assert.deepEqual(sources.files[0]!.regions, [{ startLine: 2, endLine: 2 }]);
    run(repo, "reset", "-q", "--hard");
  });

  test("a branch against its base, and an unknown base", async () => {
    run(repo, "checkout", "-q", "-b", "feature");
    writeFileSync(
      path.join(repo, "shapes.py"),
      original.replace("return a / b", "if b:\n        return a / b"),
    );
    run(repo, "commit", "-q", "-am", "guard");
    const sources = await gatherReviewSources(repo, { kind: "branch", base: "main" });
    assert.deepEqual(sources.files[0]!.regions, [{ startLine: 6, endLine: 7 }]);
    await assert.rejects(
      gatherReviewSources(repo, { kind: "branch", base: "no-such-branch" }),
      /unknown base no-such-branch/,
    );
    await assert.rejects(
      gatherReviewSources(repo, { kind: "branch", base: "--output=x" }),
      /not a valid base/,
    );
  });
});
