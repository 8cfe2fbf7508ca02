/** `hearth complete <file>:<line>:<col>`: one inline completion from a terminal, optionally with its prompt. */

import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import { completionCapability } from "../../completion/capability";
import { explainCompletionPlan, finalizeWithTrace } from "../../completion/pipeline";
import { createCore } from "../../core/createCore";
import { defaultIndexPath } from "../../index/indexLocation";
import { languageForPath } from "../../syntax";
import { stderrLogger } from "../cliEngine";

interface CompleteOptions {
  json?: boolean;
  explain?: boolean;
  root: string;
  db?: string;
  model?: string;
  provider?: string;
  remoteModel?: string;
  context: boolean;
}

export function registerCompleteCommand(program: Command): void {
  program
    .command("complete")
    .description("complete the code at a position (1-based line and column), as the editor would")
    .argument("<position>", "file:line:col")
    .option("--root <dir>", "the workspace folder (for paths and the index)", ".")
    .option(
      "--db <file>",
      "the index to take cross-file snippets from (default: the workspace's, if indexed)",
    )
    .option(
      "--model <model>",
      "completion model: catalog id, .gguf path or a remote engine's http(s):// address (default: Hearth's tiny model)",
    )
    .option(
      "--provider <name>",
      "for an address: llama-server, openai-compatible or ollama (default: openai-compatible)",
    )
    .option("--remote-model <name>", "for an address: the model name the server knows")
    .option("--no-context", "no cross-file snippets")
    .option("--explain", "print the decisions and the exact prompt")
    .option("--json", "print one JSON object")
    .action(async (position: string, options: CompleteOptions) => {
      const match = /^(.*):(\d+):(\d+)$/.exec(position);
      if (!match) throw new Error(`expected file:line:col, got ${position}`);
      const [, file, line, column] = match as unknown as [string, string, string, string];
      const absolute = path.resolve(file);
      const text = readFileSync(absolute, "utf8");
      const offset = offsetOf(text, Number(line) - 1, Number(column) - 1);
      const root = path.resolve(options.root);
      const logger = stderrLogger();

      const databasePath = options.db ?? defaultIndexPath(root);
      // Lexical and symbol retrieval only: a one-shot command should not load the embedding model too.
      const core = await createCore({
        roots: [root],
        settings: {
          models: {
            ...(options.model ? { completion: options.model } : {}),
            ...(options.provider ? { providers: { completion: options.provider } } : {}),
            ...(options.remoteModel ? { remoteModels: { completion: options.remoteModel } } : {}),
          },
          completion: { crossFileContext: options.context, debounce: false, cache: false },
        },
        logger,
        indexDatabases: options.context && existsSync(databasePath) ? { [root]: databasePath } : {},
        feedbackDatabase: null,
      });
      const completion = core.capability(completionCapability)!;
      const uri = pathToFileURL(absolute).href;
      const relative = path.relative(root, absolute).split(path.sep).join("/");
      const request = {
        uri,
        path: relative,
        repoName: path.basename(root),
        language: languageForPath(absolute, text.slice(0, text.indexOf("\n"))) ?? "plaintext",
        text,
        offset,
        trigger: "invoked" as const,
      };
      try {
        const answer = await completion.completeOnce(request);
        const plan = options.explain ? await completion.plan(request) : undefined;
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify(
              {
                completion: answer?.text ?? null,
                latencyMs: answer ? Math.round(answer.latencyMs * 10) / 10 : null,
                metrics: answer?.metrics ?? null,
                ...(plan
                  ? { prompt: plan.prompt.text, stop: plan.prompt.stop, multiline: plan.multiline }
                  : {}),
              },
              null,
              2,
            )}\n`,
          );
        } else {
          if (plan) {
            process.stdout.write(`${explainCompletionPlan(plan)}\n`);
            if (answer?.metrics) {
              const trace = finalizeWithTrace(answer.text, plan.filter);
              process.stdout.write(`clean-up: ${JSON.stringify(trace.steps)}\n`);
            }
            process.stdout.write("--- completion ---\n");
          }
          process.stdout.write(`${answer?.text ?? "(no suggestion)"}\n`);
          if (answer?.metrics) {
            const metrics = answer.metrics;
            process.stderr.write(
              `${Math.round(answer.latencyMs)} ms; prompt ${metrics.promptTokens} tokens (${metrics.reusedPromptTokens} reused), ` +
                `${metrics.generatedTokens} generated, first token ${Math.round(metrics.timeToFirstTokenMs)} ms\n`,
            );
          }
        }
      } finally {
        await core.dispose();
      }
    });
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 0; current < line; current++) {
    const next = text.indexOf("\n", offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + column, text.length);
}
