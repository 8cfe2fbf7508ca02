/** `hearth eval review <dir>`: planted-bug recall, precision and clean-control false positives of the review. */

import * as path from "node:path";
import type { Command } from "commander";
import { runReviewEval } from "../../eval/reviewEval";
import { loadBugDetector } from "../../review/loadBugDetector";
import { createParserBackend } from "../../syntax";
import { stderrLogger } from "../cliEngine";
import { createProgressReporter } from "../progressReporter";
import { printResult } from "./bench";

const integer = (value: string) => Number.parseInt(value, 10);

export function registerReviewEvalCommand(evaluate: Command): Command {
  return evaluate
    .command("review")
    .description(
      "plant bugs into real functions of <dir>, add clean controls, review each case; recall, precision, false positives per clean case",
    )
    .argument(
      "<dir>",
      "a codebase the detector never trained on (a git repository also replays its bug-fix commits)",
    )
    .option("--cases <n>", "planted bugs per kind", integer, 60)
    .option("--controls <n>", "clean cases per control (unchanged, renamed, reformatted)", integer, 60)
    .option("--files <n>", "at most this many files are sampled", integer, 800)
    .option("--seed <n>", "sampling seed", integer, 1)
    .option("--diff-runs <n>", "timed reviews of a 300-line change", integer, 20)
    .option("--fix-commits <n>", "at most this many bug-fix commits are replayed", integer, 100)
    .option("--json", "print one JSON object")
    .action(
      async (
        dir: string,
        options: {
          cases: number;
          controls: number;
          files: number;
          seed: number;
          diffRuns: number;
          fixCommits: number;
          json?: boolean;
        },
      ) => {
        const logger = stderrLogger();
        const progress = createProgressReporter();
        try {
          const result = await runReviewEval({
            root: path.resolve(dir),
            detector: loadBugDetector(),
            parser: createParserBackend({ logger }),
            seed: options.seed,
            casesPerKind: options.cases,
            casesPerControl: options.controls,
            maxFiles: options.files,
            diffRuns: options.diffRuns,
            maxFixCommits: options.fixCommits,
            onProgress: (done, total, label) => progress.update(done, total, label),
          });
          progress.stop();
          printResult(result, options.json);
        } catch (error) {
          progress.stop();
          process.stderr.write(
            `hearth eval review: ${error instanceof Error ? error.message : String(error)}\n`,
          );
          process.exitCode = 2;
        }
      },
    );
}
