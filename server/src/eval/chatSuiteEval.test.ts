/**
 * The suite's chat eval on a small git repository made here, with Hearth's tiny chat model through the real
 * core: it asks questions about the committed definitions (not about a file only in the working tree), keys
 * each question's outcome so two runs pair up, and is left out with a note when the settings turn chat off.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { Logger } from "../base/logger";
import { createCore } from "../core/createCore";
import type { ChatOutcome } from "./chatEval";
import { defaultSuiteOptions, findSuiteEval, type SuiteContext } from "./evalSuite";

const logger = new Logger("error");
let repository: string;

function git(...args: string[]): void {
  execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd: repository,
  });
}

before(() => {
  repository = mkdtempSync(path.join(tmpdir(), "hearth-chat-suite-"));
  git("init", "-q");
  writeFileSync(
    path.join(repository, "shapes.py"),
    `def area(width, height):
    """Multiply the two sides of a rectangle."""
    return width * height


def perimeter(width, height):
    """Add up the four sides of a rectangle."""
    return 2 * (width + height)
`,
  );
  git("add", "-A");
  git("commit", "-q", "-m", "shapes");
  // Not committed: the eval asks about HEAD, so nothing is asked about this file.
  writeFileSync(path.join(repository, "draft.py"), "def uncommitted_helper(value):\n    return value\n");
});

after(() => rmSync(repository, { recursive: true, force: true }));

function context(settings: unknown): SuiteContext {
  return {
    root: repository,
    settings,
    createCore,
    logger,
    options: { ...defaultSuiteOptions, chatQuestions: 3 },
    progress: () => {},
    earlier: {},
  };
}

test("the chat eval asks keyed questions about the committed definitions with the tiny chat model", async () => {
  const chat = findSuiteEval("chat")!;
  const output = await chat.run(context({}));
  assert.equal(output.figures.questions, 3);
  assert.equal(output.cases.length, 3);
  for (const { key, outcome } of output.cases) {
    assert.match(key, /^(where|which):shapes\.py:\d+$/);
    assert.equal((outcome as ChatOutcome).key, key);
  }
  assert.ok(output.figures.retrievalRecallAt5 !== null && output.figures.retrievalRecallAt5 >= 0);
  assert.match(output.notes[0]!, /hearth-tiny-chat.*3 questions/);
  const again = await chat.run(context({}));
  assert.deepEqual(
    again.cases.map((item) => item.key),
    output.cases.map((item) => item.key),
  );
});

test("with chat turned off the chat eval is left out with a note", async () => {
  const output = await findSuiteEval("chat")!.run(context({ models: { chat: "none" } }));
  assert.deepEqual(output.figures, {});
  assert.deepEqual(output.cases, []);
  assert.match(output.notes[0]!, /no chat model/);
});
