/**
 * `hearth review`: reviews the working tree's changes, the staged changes, a branch against a base, or named
 * files with the learned bug detector (and the model pass once a chat model is wired in), verifies every
 * finding, and prints text, JSON or SARIF. Exit codes (also in `--help`): 0 no finding at or above
 * `--fail-on`, 1 at least one, 2 bad usage or input (nothing was reviewed).
 */

import { pathToFileURL } from "node:url";
import { type Command, type CommanderError, Option } from "commander";
import { hearthVersion } from "../../base/buildInfo";
import {
  type Finding,
  isSeverity,
  type ReviewReport,
  type ReviewScope,
  type ReviewSources,
  runReview,
  type Severity,
  severityRank,
  toSarif,
} from "../../review";
import { loadBugDetector } from "../../review/loadBugDetector";
import { gatherReviewSources } from "../../review/reviewSources";
import { createParserBackend } from "../../syntax";
import { stderrLogger } from "../cliEngine";

export const reviewExitCodes = {
  clean: 0,
  findings: 1,
  usage: 2,
} as const;

const exitCodeHelp = `
Exit codes:
  0  no finding at or above --fail-on (findings below it are still printed)
  1  at least one finding at or above --fail-on
  2  bad usage or input (unknown option, not a git repository without files, unknown base, ...): nothing reviewed

Without files, --diff or --staged, the working tree's changes against HEAD are reviewed (untracked files included).
Findings come from Hearth's learned bug detector (native-models/hearth-bugs.bin) and, once a chat model is
configured, the model pass; each is verified (inside the reviewed lines, quoted evidence matches, fix parses).`;

export interface ReviewOptions {
  diff?: string;
  staged?: boolean;
  format: string;
  failOn: string;
  json?: boolean;
}

/** Where the command reads and writes: the process's own in `hearth review`, captured in tests. */
export interface ReviewIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export function registerReviewCommand(program: Command): Command {
  return program
    .command("review")
    .description("review changes or files for likely bugs; text, JSON or SARIF for CI")
    .argument("[files...]", "files or folders to review (default: the working tree's changes against HEAD)")
    .option("--diff <base>", "review this branch's changes since it left <base> (working tree included)")
    .option("--staged", "review the staged changes")
    .addOption(
      new Option("--format <format>", "output format").choices(["text", "json", "sarif"]).default("text"),
    )
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a finding is at least this severe")
        .choices(["note", "warning", "error"])
        .default("error"),
    )
    .option("--json", "same as --format json")
    .addHelpText("after", exitCodeHelp)
    .showHelpAfterError(false)
    .exitOverride(usageExit)
    .action(async (files: string[], options: ReviewOptions) => {
      process.exitCode = await reviewCommand(files, options, {
        cwd: process.cwd(),
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
      });
    });
}

/** Commander's own usage errors (unknown option, bad choice) exit 2 like ours; help and version exit 0. */
function usageExit(error: CommanderError): never {
  const helpOrVersion = ["commander.helpDisplayed", "commander.help", "commander.version"].includes(
    error.code,
  );
  process.exit(helpOrVersion ? 0 : reviewExitCodes.usage);
}

/** Runs one review and prints it; resolves with the exit code. Never throws: errors become one line on stderr. */
export async function reviewCommand(files: string[], options: ReviewOptions, io: ReviewIo): Promise<number> {
  const usage = (message: string) => {
    io.stderr(`hearth review: ${message}\n`);
    return reviewExitCodes.usage;
  };
  const format = options.json ? "json" : options.format;
  const scopes = [options.diff !== undefined, !!options.staged, files.length > 0].filter(Boolean).length;
  if (scopes > 1) return usage("choose one of --diff <base>, --staged or files");
  if (!isSeverity(options.failOn)) {
    return usage(`--fail-on must be note, warning or error, not ${options.failOn}`);
  }
  if (!["text", "json", "sarif"].includes(format))
    return usage(`--format must be text, json or sarif, not ${format}`);
  const scope: ReviewScope =
    options.diff !== undefined
      ? { kind: "branch", base: options.diff }
      : options.staged
        ? { kind: "staged" }
        : files.length > 0
          ? { kind: "files", paths: files }
          : { kind: "workingTree" };
  const logger = stderrLogger();
  let sources: ReviewSources;
  let report: ReviewReport;
  try {
    sources = await gatherReviewSources(io.cwd, scope);
    let detectorProblem: string | undefined;
    let detector: ReturnType<typeof loadBugDetector> | undefined;
    try {
      detector = loadBugDetector();
    } catch (error) {
      detectorProblem = messageOf(error);
    }
    report = await runReview(sources.files, {
      parser: createParserBackend({ logger }),
      detector,
      detectorProblem,
      modelOffReason: "the command line runs the learned pass only; the editor's review adds the model pass",
    });
  } catch (error) {
    return usage(messageOf(error));
  }
  const failing = report.findings.filter(
    (finding) => severityRank(finding.severity) >= severityRank(options.failOn as Severity),
  );
  const exitCode = failing.length > 0 ? reviewExitCodes.findings : reviewExitCodes.clean;
  const summary = summaryLines(sources, report, scope);
  if (format === "sarif") {
    const log = toSarif(report.findings, {
      toolVersion: hearthVersion,
      rootUri: pathToFileURL(sources.root).href,
    });
    io.stdout(`${JSON.stringify(log, null, 2)}\n`);
    io.stderr(`${summary.join("\n")}\n`);
  } else if (format === "json") {
    io.stdout(
      `${JSON.stringify(
        {
          root: sources.root,
          scope: scope.kind,
          reviewed: sources.files.map((file) => ({ path: file.path, regions: file.regions ?? "whole file" })),
          skipped: sources.skipped,
          notes: sources.notes,
          passes: report.passes,
          dropped: report.dropped,
          unsupported: report.unsupported,
          findings: report.findings,
          failOn: options.failOn,
          exitCode,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    io.stdout(report.findings.map(formatFinding).join(""));
    io.stdout(`${summary.join("\n")}\n`);
  }
  return exitCode;
}

function formatFinding(finding: Finding): string {
  const lines = [
    `${finding.file}:${finding.startLine}: ${finding.severity} [${finding.category}] ${finding.message} (${finding.source}, confidence ${finding.confidence})`,
    ...finding.evidence.map((line, index) => `  ${String(finding.startLine + index).padStart(5)} | ${line}`),
  ];
  if (finding.fix) {
    for (const [index, line] of finding.fix.replacement.split("\n").entries()) {
      lines.push(`  ${index === 0 ? "  fix" : "     "} | ${line}`);
    }
  }
  return `${lines.join("\n")}\n\n`;
}

function summaryLines(sources: ReviewSources, report: ReviewReport, scope: ReviewScope): string[] {
  const what =
    scope.kind === "files"
      ? ""
      : ` (${sources.changedLines} changed line${sources.changedLines === 1 ? "" : "s"})`;
  const bySeverity = (["error", "warning", "note"] as const)
    .map(
      (severity) =>
        [severity, report.findings.filter((finding) => finding.severity === severity).length] as const,
    )
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}${count === 1 ? "" : "s"}`);
  const lines = [
    `reviewed ${sources.files.length} file${sources.files.length === 1 ? "" : "s"}${what}: ${report.findings.length} finding${report.findings.length === 1 ? "" : "s"}${bySeverity.length ? ` (${bySeverity.join(", ")})` : ""}`,
  ];
  for (const pass of report.passes) {
    const detail =
      pass.state === "ran"
        ? `${pass.findings} proposed in ${Math.round(pass.milliseconds)} ms`
        : `${pass.state}${pass.note ? ` (${pass.note})` : ""}`;
    lines.push(`${pass.name} pass: ${detail}`);
  }
  const dropped = Object.entries(report.dropped).filter(([, count]) => count > 0);
  if (dropped.length)
    lines.push(`verification dropped: ${dropped.map(([reason, count]) => `${count} ${reason}`).join(", ")}`);
  if (report.unsupported.length) {
    lines.push(
      `no learned detector for: ${report.unsupported.join(", ")} (it reads Python, JavaScript and TypeScript)`,
    );
  }
  for (const skip of sources.skipped) lines.push(`skipped ${skip.path}: ${skip.reason}`);
  for (const note of sources.notes) lines.push(`note: ${note}`);
  return lines;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
