/** `hearth chat "<question>"`: one chat turn over an indexed folder, with its citations, context and timings. */

import { existsSync } from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { chatCapability } from "../../chat/capability";
import { createCore } from "../../core/createCore";
import { defaultIndexPath } from "../../index/indexLocation";
import { chatRequest } from "../../protocol";
import { stderrLogger } from "../cliEngine";
import { CliError } from "./cliErrors";
import { existingFolder } from "./indexCommands";

interface ChatOptions {
  root: string;
  db?: string;
  model?: string;
  json?: boolean;
}

export function registerChatCommand(program: Command): void {
  program
    .command("chat")
    .description("ask a question about an indexed folder; the answer cites path:start-end")
    .argument("<question>", "the question; @file:path, @symbol:Name, @diff and @recent pull that context in")
    .option("--root <dir>", "the workspace folder", ".")
    .option("--db <file>", "its index (default: the folder's, made by `hearth index`)")
    .option("--model <model>", "chat model: catalog id or .gguf path (default: Hearth's tiny chat model)")
    .option("--json", "print one JSON object")
    .action(async (question: string, options: ChatOptions) => {
      const root = existingFolder(options.root);
      const databasePath = options.db ? path.resolve(options.db) : defaultIndexPath(root);
      const logger = stderrLogger();
      const core = await createCore({
        roots: [root],
        settings: { models: options.model ? { chat: options.model } : {} },
        logger,
        indexDatabases: existsSync(databasePath) ? { [root]: databasePath } : {},
        feedbackDatabase: null,
      });
      try {
        const chat = core.capability(chatCapability)!;
        const checked = chatRequest.params.safeParse({ question });
        if (!checked.success) throw new CliError("the question is empty");
        let streamed = 0;
        const result = await chat.ask(checked.data);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        } else {
          process.stdout.write(`${result.answer || "(no answer)"}\n`);
          streamed = result.answer.length;
          for (const citation of result.citations) {
            process.stdout.write(`  cites ${citation.path}:${citation.startLine}-${citation.endLine}\n`);
          }
          for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
          const used = result.contextUsed
            .filter((item) => item.path)
            .map((item) => `${item.path}:${item.startLine}-${item.endLine}`);
          process.stderr.write(
            `context: ${used.join(", ") || "none"}; ${result.removedCitations} citation(s) removed; ` +
              `first token ${result.timings.timeToFirstTokenMs ?? "-"} ms, total ${result.timings.totalMs} ms, ` +
              `prompt ${result.timings.promptTokens} tokens (${result.timings.reusedPromptTokens} reused), ${streamed} chars\n`,
          );
        }
        if (result.stopReason === "noModel" || result.stopReason === "error") process.exitCode = 1;
      } finally {
        await core.dispose();
      }
    });
}
