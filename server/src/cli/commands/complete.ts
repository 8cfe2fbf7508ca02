/** `hearth complete <file>:<line>:<col>`: one inline completion from a terminal, optionally with its prompt. */

import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import { completionCapability } from "../../completion/capability";
import { explainCompletionPlan, finalizeWithTrace } from "../../completion/pipeline";
import { createCore } from "../../core/createCore";
import { defaultIndexPath } from "../../index/indexLocation";
import { openIndexDatabase } from "../../store/database";
import { languageForPath } from "../../syntax";
import { stderrLogger } from "../cliEngine";
import { CliError, indexReadFailure, printable } from "./cliErrors";
import { existingFolder } from "./indexCommands";

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
      if (!match || Number(match[2]) < 1 || Number(match[3]) < 1) {
        throw new CliError(`expected file:line:col with line and column from 1, got ${printable(position)}`);
      }
      const [, file, line, column] = match as unknown as [string, string, string, string];
      const absolute = path.resolve(file);
      const text = readSourceFile(absolute);
      const offset = offsetOf(text, Number(line) - 1, Number(column) - 1);
      const root = existingFolder(options.root);
      const logger = stderrLogger();

      const databasePath = path.resolve(options.db ?? defaultIndexPath(root));
      const useIndex =
        options.context &&
        contextIndexOpens(databasePath, options.db !== undefined, (message) => logger.warn(message));
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
        indexDatabases: useIndex ? { [root]: databasePath } : {},
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
        try {
          await core.services.engine.load("completion");
        } catch (error) {
          // The engine has logged why on stderr; the answer says it too.
          const message = error instanceof Error ? error.message : String(error);
          if (options.json)
            process.stdout.write(`${JSON.stringify({ completion: null, error: message }, null, 2)}\n`);
          process.exitCode = 1;
          return;
        }
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

function readSourceFile(file: string): string {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (!stats) throw new CliError(`no file ${printable(file)}`);
  if (!stats.isFile()) throw new CliError(`${printable(file)} is not a file`);
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${printable(file)}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/**
 * Whether the index to take snippets from opens. One named with `--db` must open; the workspace's default is
 * optional (completion runs without cross-file context, saying why, when it is missing or unreadable).
 */
function contextIndexOpens(databasePath: string, named: boolean, warn: (message: string) => void): boolean {
  if (!named && !existsSync(databasePath)) return false;
  try {
    openIndexDatabase(databasePath, { readonly: true }).close();
    return true;
  } catch (error) {
    const failure = indexReadFailure(error, databasePath);
    if (named) throw failure;
    warn(`completing without cross-file context: ${failure.message}`);
    return false;
  }
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
