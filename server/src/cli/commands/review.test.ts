/**
 * `hearth review` end to end in-process (real git, grammars and detector; output captured): formats, exit codes
 * and the one-line errors for bad input.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { type ReviewOptions, reviewCommand } from "./review";

const source = `def copy_tree(source_dir, target_dir, overwrite):
    return overwrite


def main(source_dir, target_dir):
    return copy_tree(source_dir, target_dir, False)
`;

async function review(cwd: string, files: string[], options: Partial<ReviewOptions> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await reviewCommand(
    files,
    { format: "text", failOn: "error", ...options },
    { cwd, stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text) },
  );
  return { code, stdout: stdout.join(""), stderr: stderr.join("") };
}

describe("hearth review", () => {
  let repo: string;
  let plain: string;

  before(() => {
    repo = mkdtempSync(path.join(tmpdir(), "hearth-review-cli-"));
    plain = mkdtempSync(path.join(tmpdir(), "hearth-review-cli-plain-"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: repo });
    git("init", "-q", "-b", "main");
    writeFileSync(path.join(repo, "tree.py"), source);
    git("add", ".");
    git("commit", "-q", "-m", "start");
    writeFileSync(
      path.join(repo, "tree.py"),
      source.replace("return copy_tree(source_dir, target_dir,", "return copy_tree(target_dir, source_dir,"),
    );
    writeFileSync(path.join(plain, "ok.py"), "def f(a, b):\n    return a + b\n");
    writeFileSync(path.join(plain, "data.py"), Buffer.from([0, 159, 146, 150]));
  });

  after(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(plain, { recursive: true, force: true });
  });

  test("text: the finding with its fix, the passes, and exit 0 below --fail-on, 1 at it", async () => {
    const below = await review(repo, []);
    assert.equal(below.code, 0, below.stderr);
    assert.match(below.stdout, /^tree\.py:6: warning \[swapped-arguments\] /m);
    assert.match(below.stdout, /fix \| {5}return copy_tree\(source_dir, target_dir, False\)/);
    assert.match(below.stdout, /^model pass: off \(the command line runs the learned pass only; .*\)$/m);
    assert.match(below.stdout, /^learned pass: 1 proposed in \d+ ms$/m);
    const at = await review(repo, [], { failOn: "warning" });
    assert.equal(at.code, 1);
  });

  test("json and sarif print one document on stdout", async () => {
    const json = await review(repo, [], { json: true });
    const report = JSON.parse(json.stdout);
    assert.equal(report.scope, "workingTree");
    assert.equal(report.findings[0].category, "swapped-arguments");
    assert.deepEqual(report.reviewed, [{ path: "tree.py", regions: [{ startLine: 6, endLine: 6 }] }]);
    const sarif = await review(repo, [], { format: "sarif" });
    const log = JSON.parse(sarif.stdout);
    assert.equal(log.version, "2.1.0");
    assert.equal(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, "tree.py");
    assert.match(sarif.stderr, /model pass: off/);
  });

  test("outside a git repository files are reviewed, binary ones skipped, all said in notes", async () => {
    const result = await review(plain, ["ok.py", "data.py"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^reviewed 1 file: 0 findings$/m);
    assert.match(result.stdout, /^skipped data\.py: binary$/m);
    assert.match(
      result.stdout,
      /^note: not a git repository: reviewing the named files as they are on disk$/m,
    );
  });

  test("bad usage and bad input: exit 2 with one line on stderr", async () => {
    for (const [cwd, files, options, message] of [
      [plain, [], {}, /not in a git repository.*name files instead/],
      [plain, ["missing.py"], {}, /no such file or folder: missing\.py/],
      [repo, ["tree.py"], { staged: true }, /choose one of --diff <base>, --staged or files/],
      [repo, [], { diff: "nope" }, /unknown base nope/],
      [repo, [], { format: "xml" }, /--format must be text, json or sarif/],
    ] as const) {
      const result = await review(cwd, [...files], options);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, "");
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    }
  });
});
