/**
 * `hearth stats` and `hearth feedback export|delete|show`: the feedback database from a terminal. The
 * database is `--db`, else `$HEARTH_FEEDBACK_DB` (VS Code's terminals have it), else the default for the
 * current folder (see `feedback/feedbackLocation.ts`).
 */

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import {
  buildDataset,
  computeFeedbackStats,
  type DatasetFormat,
  defaultDatasetOptions,
  resolveFeedbackDatabaseOption,
  toJsonl,
} from "../../feedback";
import type { FeedbackFigures, FeedbackStats } from "../../protocol";
import { DamagedDatabaseError } from "../../store/database";
import { FeedbackDatabaseError, type FeedbackRecovery, FeedbackStore } from "../../store/feedbackStore";
import { integerAtLeast, numberAtLeast, printable } from "./cliErrors";

export class FeedbackCommandError extends Error {
  override name = "FeedbackCommandError";
}

interface DatabaseOptions {
  db?: string;
  json?: boolean;
}

export function registerFeedbackCommands(program: Command): void {
  program
    .command("stats")
    .description(
      "acceptance, shown rate, survival and latency of inline suggestions, and what happened to chat answers (local feedback data)",
    )
    .option("--db <file>", "the feedback database (default: $HEARTH_FEEDBACK_DB, else this folder's)")
    .option("--since <days>", "only suggestions shown in the last N days", numberAtLeast(0))
    .option("--json", "print one JSON object")
    .action((options: DatabaseOptions & { since?: number }) =>
      run(() => {
        const databasePath = resolveFeedbackDatabaseOption(options.db);
        const sinceMs = options.since === undefined ? undefined : Date.now() - options.since * 86_400_000;
        const stats = withReader(databasePath, (store) => {
          const context = {
            databasePath,
            enabled: true,
            sinceMs: sinceMs ?? null,
            now: Date.now(),
            storedEvents: store?.eventCount() ?? 0,
          };
          return store
            ? computeFeedbackStats(
                store.suggestions(sinceMs),
                store.activity(sinceMs),
                context,
                store.chatEvents(sinceMs),
                store.reviewEvents(sinceMs),
              )
            : computeFeedbackStats([], [], context);
        });
        process.stdout.write(options.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
      }),
    );

  const feedback = program.command("feedback").description("export or delete the local feedback data");

  feedback
    .command("export")
    .description("write training examples from accepted and edited suggestions as JSON Lines")
    .requiredOption(
      "--format <format>",
      "sft (prompt and surviving completion) or preference (chosen, rejected)",
    )
    .requiredOption("--out <file>", "the .jsonl file to write")
    .option("--db <file>", "the feedback database (default: $HEARTH_FEEDBACK_DB, else this folder's)")
    .option(
      "--min-survival <share>",
      `sft: lowest similarity at the latest checkpoint (default ${defaultDatasetOptions.minSurvival})`,
      numberAtLeast(0),
    )
    .option("--since <days>", "only suggestions shown in the last N days", numberAtLeast(0))
    .option("--json", "print the summary as one JSON object")
    .action(
      (options: DatabaseOptions & { format: string; out: string; minSurvival?: number; since?: number }) =>
        run(() => {
          if (options.format !== "sft" && options.format !== "preference") {
            throw new FeedbackCommandError(`--format must be sft or preference, not ${options.format}`);
          }
          const out = path.resolve(options.out);
          try {
            mkdirSync(path.dirname(out), { recursive: true });
          } catch (error) {
            throw new FeedbackCommandError(
              `cannot write ${printable(out)}: ${(error as NodeJS.ErrnoException).code ?? error}`,
            );
          }
          const databasePath = resolveFeedbackDatabaseOption(options.db);
          const sinceMs = options.since === undefined ? undefined : Date.now() - options.since * 86_400_000;
          const { examples, summary } = withReader(databasePath, (store) =>
            buildDataset(store ? store.exportRows(sinceMs) : [], {
              ...defaultDatasetOptions,
              format: options.format as DatasetFormat,
              ...(options.minSurvival === undefined ? {} : { minSurvival: options.minSurvival }),
            }),
          );
          writeFileSync(out, toJsonl(examples));
          const report = { ...summary, out, databasePath };
          process.stdout.write(
            options.json
              ? `${JSON.stringify(report, null, 2)}\n`
              : `wrote ${summary.written} ${summary.format} example(s) to ${out} ` +
                  `(${summary.duplicates} duplicate(s), ${summary.maskedSecrets} secret(s) masked, ` +
                  `${summary.droppedForSecrets} dropped for secrets, ${summary.withoutContext} without stored context)\n`,
          );
        }),
    );

  feedback
    .command("delete")
    .description("delete all feedback data of a workspace (events, statistics, stored context)")
    .option("--db <file>", "the feedback database (default: $HEARTH_FEEDBACK_DB, else this folder's)")
    .option("--yes", "do it (without this flag nothing is deleted)")
    .option("--json", "print one JSON object")
    .action((options: DatabaseOptions & { yes?: boolean }) =>
      run(() => {
        const databasePath = resolveFeedbackDatabaseOption(options.db);
        if (!options.yes) {
          throw new FeedbackCommandError(
            `this deletes all feedback data in ${databasePath}; add --yes to do it`,
          );
        }
        let deletedEvents = 0;
        if (existsSync(databasePath)) {
          const store = FeedbackStore.open(databasePath, { readonly: false, onRecreated: sayRecovered });
          try {
            deletedEvents = store.deleteAll();
          } finally {
            store.close();
          }
        }
        const report = { deletedEvents, databasePath };
        process.stdout.write(
          options.json
            ? `${JSON.stringify(report)}\n`
            : `deleted ${deletedEvents} feedback event(s) and everything derived from them in ${databasePath}\n`,
        );
      }),
    );

  feedback
    .command("show")
    .description("print the most recent stored feedback events (exactly what is kept)")
    .option("--db <file>", "the feedback database (default: $HEARTH_FEEDBACK_DB, else this folder's)")
    .option("--limit <n>", "how many events (default 50)", integerAtLeast(1))
    .option("--subject <id>", "only the events about one suggestion")
    .option("--json", "print one JSON object")
    .action((options: DatabaseOptions & { limit?: number; subject?: string }) =>
      run(() => {
        const databasePath = resolveFeedbackDatabaseOption(options.db);
        const events = withReader(databasePath, (store) =>
          store ? store.recentEvents(options.limit ?? 50, options.subject).map((stored) => stored.event) : [],
        );
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ databasePath, events }, null, 2)}\n`);
          return;
        }
        const lines = events.map((event) => {
          const {
            eventId: _eventId,
            at,
            surface,
            type,
            subjectId,
            ...rest
          } = event as unknown as Record<string, unknown>;
          return `${new Date(at as number).toISOString()} ${surface}/${type} ${subjectId} ${JSON.stringify(rest)}`;
        });
        process.stdout.write(`${databasePath}\n${lines.join("\n")}${lines.length ? "\n" : ""}`);
      }),
    );
}

/**
 * Runs `use` with a read-only store, or `undefined` when the database does not exist yet. A damaged file is
 * repaired first (kept aside, its readable events carried over, and said so on stderr), as the server would.
 */
function withReader<T>(databasePath: string, use: (store: FeedbackStore | undefined) => T): T {
  if (!existsSync(databasePath)) {
    process.stderr.write(`no feedback recorded yet: ${printable(databasePath)} does not exist\n`);
    return use(undefined);
  }
  try {
    return withOpenReader(databasePath, use);
  } catch (error) {
    if (!(error instanceof DamagedDatabaseError)) throw error;
    FeedbackStore.open(databasePath, { readonly: false, onRecreated: sayRecovered }).close();
    return withOpenReader(databasePath, use);
  }
}

function withOpenReader<T>(databasePath: string, use: (store: FeedbackStore) => T): T {
  let store: FeedbackStore;
  try {
    store = FeedbackStore.open(databasePath, { readonly: true });
  } catch (error) {
    if (!(error instanceof FeedbackDatabaseError) || !/upgrade/.test(error.message)) throw error;
    // An older schema: migrating is what the server would do on its next start anyway.
    FeedbackStore.open(databasePath, { readonly: false, onRecreated: sayRecovered }).close();
    store = FeedbackStore.open(databasePath, { readonly: true });
  }
  try {
    return use(store);
  } finally {
    store.close();
  }
}

function sayRecovered(movedTo: string, reason: string, recovered: FeedbackRecovery): void {
  process.stderr.write(
    `hearth: the feedback database was damaged (${printable(reason)}); kept it as ${printable(movedTo)} and ` +
      `started a new one with the ${recovered.events} event(s) that could be read` +
      (recovered.unreadableEvents ? ` (about ${recovered.unreadableEvents} could not)` : "") +
      "\n",
  );
}

function run(action: () => void): void {
  try {
    action();
  } catch (error) {
    process.stderr.write(`hearth: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

function formatStats(stats: FeedbackStats): string {
  const percent = (value: number | null) => (value === null ? "-" : `${(value * 100).toFixed(1)}%`);
  const number = (value: number | null, digits = 0) => (value === null ? "-" : value.toFixed(digits));
  const sliceLine = (name: string, figures: FeedbackFigures & { shownRate?: number | null }) =>
    `  ${name.padEnd(22)} shown ${String(figures.shown).padStart(6)}  accepted ${percent(figures.acceptanceRate).padStart(6)}` +
    `  any ${percent(figures.anyAcceptanceRate).padStart(6)}` +
    (figures.shownRate !== undefined ? `  shown rate ${percent(figures.shownRate).padStart(6)}` : "") +
    `  p50 ${number(figures.medianLatencyMs).padStart(5)} ms`;
  const lines = [
    `feedback database  ${stats.databasePath}`,
    `suggestions shown  ${stats.shown} of ${stats.requests} answers (shown rate ${percent(stats.shownRate)}), ` +
      `${number(stats.shownPerHour, 1)} per hour of typing (${stats.typingHours.toFixed(2)} h)`,
    `accepted           ${stats.accepted} (${percent(stats.acceptanceRate)} of shown); partially ${stats.partiallyAccepted} ` +
      `(${stats.partialAcceptEvents} word/line accepts); any ${percent(stats.anyAcceptanceRate)}`,
    `rejected           ${stats.rejected} (${Object.entries(stats.rejectedBy)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(", ")}); ignored ${stats.ignored}; pending ${stats.pending}`,
    `accepted chars     ${stats.acceptedChars} (${number(stats.acceptedCharsPerHour)} per hour of typing)`,
    `survival           ${Object.entries(stats.survival)
      .map(
        ([checkpoint, figures]) => `${checkpoint} ${percent(figures.meanSimilarity)} (n=${figures.tracked})`,
      )
      .join("  ")}`,
    `latency            p50 ${number(stats.latency.p50Ms)} ms, p90 ${number(stats.latency.p90Ms)} ms`,
    ...stats.latency.buckets
      .filter((bucket) => bucket.shown > 0)
      .map(
        (bucket) =>
          `  ${`${bucket.fromMs}-${bucket.toMs ?? ""} ms`.padEnd(14)} shown ${String(bucket.shown).padStart(6)}  accepted ${percent(bucket.acceptanceRate)}`,
      ),
    "by language",
    ...Object.entries(stats.byLanguage).map(([name, figures]) => sliceLine(name, figures)),
    "by model",
    ...Object.entries(stats.byModel).map(([name, figures]) => sliceLine(name, figures)),
    "by context source",
    ...Object.entries(stats.byContextSource).map(([name, figures]) => sliceLine(name, figures)),
    `chat answers       ${stats.chat.answers} (${
      Object.entries(stats.chat.byStopReason)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(", ") || "none"
    }); first token p50 ${number(stats.chat.medianTimeToFirstTokenMs)} ms, answer p50 ${number(stats.chat.medianAnswerMs)} ms`,
    `chat code used     ${stats.chat.usedAnswers} answers (${percent(stats.chat.usedRate)}): copied ${stats.chat.copies}, ` +
      `inserted ${stats.chat.inserts}, applied ${stats.chat.applies}; regenerated ${stats.chat.regenerations}; ` +
      `thumbs up ${stats.chat.thumbsUp}, down ${stats.chat.thumbsDown}`,
    `review findings    accepted ${stats.review.accepted}, dismissed ${stats.review.dismissed} (${percent(stats.review.acceptedRate)} accepted)` +
      Object.entries(stats.review.byCategory)
        .map(
          ([category, figures]) =>
            `; ${category} ${figures.accepted}/${figures.accepted + figures.dismissed}`,
        )
        .join(""),
  ];
  return `${lines.join("\n")}\n`;
}
