/**
 * `hearth eval guardrails`: each guard's violation and false-refusal rates on its committed corpus, plus the
 * completion parse check on the tiny model's recorded completions (it needs tree-sitter, so it runs here and
 * not in the pure eval).
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { percentile, ratio } from "../../base/numbers";
import { classifyInjection, findDangerousCommands, findSecrets } from "../../guardrails";
import { type GuardEvalRow, runGuardrailsEval } from "../../guardrails/guardrailsEval";
import { SuggestionParseCheck } from "../../guardrails/parseCheck";
import identifierCorpus from "../../guardrails/testdata/identifierCorpus.json";
import { createParserBackend, isLanguageId } from "../../syntax";

export function registerEvalGuardrailsCommand(evaluate: Command): void {
  evaluate
    .command("guardrails")
    .description(
      "per guard: positives missed (violation rate), negatives blocked (false-refusal rate) and p50 time per check",
    )
    .option("--code <dirs...>", "also scan real source files there: every finding on them is a false refusal")
    .option("--json", "print one JSON object")
    .action(async (options: { json?: boolean; code?: string[] }) => {
      const result = runGuardrailsEval();
      const parseCheck = await measureParseCheck();
      const realCode = options.code ? scanRealCode(options.code) : undefined;
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ ...result, completionParseCheck: parseCheck, realCode }, null, 2)}\n`,
        );
        return;
      }
      process.stdout.write(`corpora seed ${result.seed}\n`);
      process.stdout.write(
        `${"guard".padEnd(20)}${"positives".padStart(10)}${"negatives".padStart(10)}${"violation".padStart(11)}${"falseRefusal".padStart(14)}${"p50 µs".padStart(9)}\n`,
      );
      for (const [guard, row] of Object.entries(result.guards) as [string, GuardEvalRow][]) {
        process.stdout.write(
          `${guard.padEnd(20)}${String(row.positives).padStart(10)}${String(row.negatives).padStart(10)}${row.violationRate.toFixed(4).padStart(11)}${row.falseRefusalRate.toFixed(4).padStart(14)}${row.p50Us.toFixed(1).padStart(9)}\n`,
        );
        for (const [category, count] of Object.entries(row.missedByCategory)) {
          process.stdout.write(`  missed ${category}: ${count}\n`);
        }
        for (const [category, count] of Object.entries(row.refusedByCategory)) {
          process.stdout.write(`  wrongly refused ${category}: ${count}\n`);
        }
      }
      const prompt = result.promptRedaction;
      process.stdout.write(
        `secret redaction of a ${prompt.promptChars}-character prompt: p50 ${prompt.p50Us} µs, p90 ${prompt.p90Us} µs\n`,
      );
      process.stdout.write(
        `completion parse check: ${parseCheck.modelCompletionsBlocked}/${parseCheck.modelCompletions} tiny-model completions blocked, ` +
          `${parseCheck.originalCodeBlocked}/${parseCheck.originalCode} original spans wrongly blocked, p50 ${parseCheck.p50Us} µs\n`,
      );
      if (realCode) {
        process.stdout.write(
          `real code (${realCode.files} files): secrets in ${realCode.filesWithSecrets}, injection in ${realCode.filesWithInjection}, dangerous commands in ${realCode.filesWithDangerousCommands}\n`,
        );
        for (const example of realCode.examples) process.stdout.write(`  ${example}\n`);
      }
    });
}

/**
 * The parse check on the identifier corpus: the tiny model's completions (how many it would drop) and the
 * code that really stood there (which it must never drop: its false refusals).
 */
async function measureParseCheck() {
  const check = new SuggestionParseCheck(createParserBackend());
  const microseconds: number[] = [];
  let modelCompletions = 0;
  let modelCompletionsBlocked = 0;
  let originalCode = 0;
  let originalCodeBlocked = 0;
  for (const item of identifierCorpus.cases) {
    if (!isLanguageId(item.language)) continue;
    const started = performance.now();
    const outcome = await check.check(item.language, item.prefix, item.completion, item.suffix);
    microseconds.push((performance.now() - started) * 1000);
    modelCompletions++;
    if (outcome === "breaksParse") modelCompletionsBlocked++;
    originalCode++;
    if ((await check.check(item.language, item.prefix, item.expected, item.suffix)) === "breaksParse") {
      originalCodeBlocked++;
    }
  }
  return {
    modelCompletions,
    modelCompletionsBlocked,
    originalCode,
    originalCodeBlocked,
    falseRefusalRate: ratio(originalCodeBlocked, originalCode),
    p50Us: percentile(microseconds, 0.5, 1),
    p90Us: percentile(microseconds, 0.9, 1),
  };
}

const codeExtensions = new Set([
  ".py",
  ".ts",
  ".tsx",
  ".js",
  ".mjs",
  ".go",
  ".rs",
  ".java",
  ".c",
  ".cpp",
  ".rb",
  ".php",
  ".md",
]);

/**
 * Whole files of code the user trusts (a standard library, a dependency): none of them holds a credential or
 * an attack, so each file a guard fires on is a false refusal; the first findings are listed to judge them.
 */
function scanRealCode(roots: string[]) {
  let files = 0;
  let filesWithSecrets = 0;
  let filesWithInjection = 0;
  let filesWithDangerousCommands = 0;
  const examples: string[] = [];
  for (const root of roots) {
    for (const entry of readdirSync(root, { recursive: true, encoding: "utf8" })) {
      const file = path.join(root, entry);
      if (!codeExtensions.has(path.extname(entry)) || entry.split(path.sep).includes("node_modules"))
        continue;
      const stat = statSync(file, { throwIfNoEntry: false });
      if (!stat?.isFile() || stat.size > 500_000) continue;
      const text = readFileSync(file, "utf8");
      files++;
      const secret = findSecrets(text)[0];
      if (secret) {
        filesWithSecrets++;
        if (examples.length < 10)
          examples.push(`${file}: ${secret.rule} ${JSON.stringify(text.slice(secret.start, secret.end))}`);
      }
      const injection = classifyInjection(text);
      if (injection.injected) {
        filesWithInjection++;
        if (examples.length < 10)
          examples.push(
            `${file}: injection ${injection.findings.map((finding) => finding.signal).join(", ")}`,
          );
      }
      if (path.extname(entry) === ".md" && findDangerousCommands(text).length > 0)
        filesWithDangerousCommands++;
    }
  }
  return { files, filesWithSecrets, filesWithInjection, filesWithDangerousCommands, examples };
}
