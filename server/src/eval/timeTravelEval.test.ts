/**
 * The time-travel eval on a real git repository built here with a scripted series of commits, through the
 * real core (tree-sitter, SQLite index, Hearth's tiny GGUF models). The point: no future leakage. A file that
 * only a later commit adds is never retrieved for the cases of earlier commits, although their code asks for
 * it by name; once it exists (the parent of a later commit) it is retrieved, so the check can fail.
 * Also: the user's repository is left as it was, and a clone without history falls back to masked spans.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { Logger } from "../base/logger";
import { createCore } from "../core/createCore";
import { runTimeTravelEval } from "./timeTravelEval";

const logger = new Logger("error");
let folder: string;
let repository: string;
const shas: Record<string, string> = {};

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_DATE: "2030-01-01T00:00:00Z",
      GIT_COMMITTER_DATE: "2030-01-01T00:00:00Z",
    },
  });
}

function commit(name: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(repository, file)), { recursive: true });
    writeFileSync(path.join(repository, file), text);
  }
  git(repository, "add", "-A");
  git(repository, "commit", "-q", "-m", name);
  shas[name] = git(repository, "rev-parse", "HEAD").trim();
}

const geometry = `def area(width, height):
    return width * height


def perimeter(width, height):
    return 2 * (width + height)
`;

// The earlier commits already name the helper that only a later commit adds: a leaky index would serve it.
const mainBefore = `# flux capacitance comes later: compute_flux_capacitance(charge, volts)
from geometry import area


def report(width, height):
    print(area(width, height))
`;

const mainWithReport = `${mainBefore}

def report_both(width, height):
    total = area(width, height) + perimeter(width, height)
    print("area and perimeter", total)
    return total
`;

const future = `def compute_flux_capacitance(charge, volts):
    """The capacitance of a flux capacitor: charge over volts, scaled."""
    farads = charge / volts
    return farads * 1.21
`;

const mainWithFlux = `${mainWithReport}

def flux_report(charge, volts):
    capacitance = compute_flux_capacitance(charge, volts)
    print("flux capacitance", capacitance)
    return capacitance
`;

before(() => {
  folder = mkdtempSync(path.join(tmpdir(), "hearth-time-travel-test-"));
  repository = path.join(folder, "repository");
  mkdirSync(repository);
  git(repository, "init", "-q", "-b", "main");
  commit("geometry", { "geometry.py": geometry, "main.py": mainBefore });
  commit("report both", { "main.py": mainWithReport });
  commit("docs", { "README.md": "# Shapes\n\nArea and perimeter.\n" });
  commit("future helper", { "flux.py": future });
  commit("flux report", { "main.py": mainWithFlux });
});

after(() => rmSync(folder, { recursive: true, force: true }));

test("a file added only by a later commit is never retrieved for an earlier commit's cases", async () => {
  const statusBefore = git(repository, "status", "--porcelain");
  const worktreesBefore = git(repository, "worktree", "list");
  const result = await runTimeTravelEval({
    root: repository,
    settings: { models: { threads: 1 } },
    createCore,
    logger,
    commits: 10,
  });
  assert.equal(result.mode, "timeTravel");
  // The root commit has no parent and the docs commit adds no code; the rest are replayed oldest first.
  assert.deepEqual(
    result.commits.map((item) => item.subject),
    ["report both", "future helper", "flux report"],
  );
  const byCommit = (name: string) => result.outcomes.filter((outcome) => outcome.commit === shas[name]);
  const early = byCommit("report both");
  const late = byCommit("flux report");
  assert.ok(early.length > 0 && late.length > 0, JSON.stringify(result.commits));
  for (const outcome of early) {
    assert.ok(!outcome.retrievedPaths.includes("flux.py"), `${outcome.key} retrieved the future file`);
  }
  // The positive control: once the helper exists, the same retrieval finds it.
  assert.ok(
    late.some((outcome) => outcome.retrievedPaths.includes("flux.py")),
    `flux.py never retrieved for the commit after it: ${JSON.stringify(late.map((item) => item.retrievedPaths))}`,
  );
  // Every case was really answered and scored; the figures come from the outcomes.
  assert.equal(result.figures.cases, result.outcomes.length);
  assert.ok(result.outcomes.every((outcome) => outcome.gateFeatures.length > 0 && outcome.ms > 0));
  // The user's repository is untouched: no changed file, no extra worktree.
  assert.equal(git(repository, "status", "--porcelain"), statusBefore);
  assert.equal(git(repository, "worktree", "list"), worktreesBefore);
});

test("a clone without history falls back to masked spans and says why", async () => {
  const shallow = path.join(folder, "shallow");
  execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repository}`, shallow]);
  // The fallback samples files of 1 kB or more from the working tree.
  writeFileSync(
    path.join(shallow, "shapes.py"),
    `${geometry}\n${mainWithFlux.replace(/^# .*\n/, "")}`.repeat(3),
  );
  const result = await runTimeTravelEval({
    root: shallow,
    settings: { models: { threads: 1 } },
    createCore,
    logger,
    commits: 5,
    fallbackFiles: 2,
  });
  assert.equal(result.mode, "maskedSpans");
  assert.match(result.fallbackReason ?? "", /shallow/);
  assert.ok(result.outcomes.length > 0);
  assert.ok(result.outcomes.every((outcome) => outcome.commit === null));
});
