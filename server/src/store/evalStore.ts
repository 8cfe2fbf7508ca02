/**
 * The evals database: every eval suite run on a workspace (models and their checksums, the settings that
 * matter, the commit, every figure, each case's outcome for pairing two runs), the checksum cache of model
 * files, and the learned show/abstain gates trained here. One SQLite file per workspace (`evals.sqlite`, next
 * to `feedback.sqlite`), WAL, numbered migrations in `evalMigrations.ts`.
 *
 * A file of its own, not the feedback database: feedback is pruned by age and count and wiped by "Delete All
 * Feedback Data", while run history is what the user compares models against and must survive both; the
 * index is derived data that is rebuilt. A damaged file is moved aside and a fresh one started.
 */

import { mkdirSync, renameSync } from "node:fs";
import * as path from "node:path";
import { evalMigrations } from "./evalMigrations";
import { type Database, isDamagedDatabase, openReader, openWriter, type SqliteFileKind } from "./sqliteFile";

export class EvalDatabaseError extends Error {
  override name = "EvalDatabaseError";
}

const evalFile: SqliteFileKind = {
  label: "the evals database",
  migrations: evalMigrations,
  vectors: false,
  error: (message) => new EvalDatabaseError(message),
};

export type RunStatus = "running" | "done" | "cancelled" | "failed";

/** What a run is: stored when it starts. `models` and `settings` are JSON-ready objects. */
export interface RunHeader {
  workspace: string;
  /** How the user names it in lists (`tiny-code`, `candidate: qwen2.5-coder-1.5b`). */
  label: string;
  evals: string[];
  commit: string | null;
  dirty: boolean | null;
  models: unknown;
  settings: unknown;
}

export interface StoredRun extends RunHeader {
  id: number;
  startedAt: number;
  finishedAt: number | null;
  status: RunStatus;
  notes: string[];
  error: string | null;
  /** Per eval, every figure it reported. */
  figures: Record<string, Record<string, number | null>>;
}

export interface RunResult {
  status: Exclude<RunStatus, "running">;
  figures: Record<string, Record<string, number | null>>;
  /** Per eval, each case's outcome under a key stable across runs. */
  cases: Record<string, { key: string; outcome: unknown }[]>;
  notes: string[];
  error: string | null;
}

export interface StoredGate {
  id: number;
  createdAt: number;
  model: unknown;
  report: unknown;
}

interface RunRow {
  id: number;
  started_at: number;
  finished_at: number | null;
  status: RunStatus;
  workspace: string;
  label: string;
  evals: string;
  commit_sha: string | null;
  dirty: number | null;
  models: string;
  settings: string;
  notes: string;
  error: string | null;
}

export class EvalStore {
  private constructor(
    readonly file: string,
    private readonly database: Database,
  ) {}

  static open(file: string, options: { readonly: boolean }): EvalStore {
    if (options.readonly) return new EvalStore(file, openReader(file, evalFile));
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      return new EvalStore(file, openWriter(file, evalFile));
    } catch (error) {
      if (!isDamagedDatabase(error)) throw error;
      renameSync(file, `${file}.damaged-${Date.now()}`);
      return new EvalStore(file, openWriter(file, evalFile));
    }
  }

  close(): void {
    this.database.close();
  }

  startRun(header: RunHeader, startedAt = Date.now()): number {
    const result = this.database
      .prepare(
        `insert into runs (started_at, status, workspace, label, evals, commit_sha, dirty, models, settings)
         values (?, 'running', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        startedAt,
        header.workspace,
        header.label,
        JSON.stringify(header.evals),
        header.commit,
        header.dirty === null ? null : header.dirty ? 1 : 0,
        JSON.stringify(header.models),
        JSON.stringify(header.settings),
      );
    return Number(result.lastInsertRowid);
  }

  /** Stores a run's figures and cases and its end, in one transaction. */
  finishRun(id: number, result: RunResult, finishedAt = Date.now()): void {
    const figure = this.database.prepare(
      "insert or replace into figures (run_id, eval, name, value) values (?, ?, ?, ?)",
    );
    const outcome = this.database.prepare(
      "insert or replace into cases (run_id, eval, case_key, outcome) values (?, ?, ?, ?)",
    );
    this.database.transaction(() => {
      for (const [evalName, figures] of Object.entries(result.figures)) {
        for (const [name, value] of Object.entries(figures)) {
          figure.run(id, evalName, name, value === null || !Number.isFinite(value) ? null : value);
        }
      }
      for (const [evalName, cases] of Object.entries(result.cases)) {
        for (const item of cases) outcome.run(id, evalName, item.key, JSON.stringify(item.outcome));
      }
      this.database
        .prepare("update runs set status = ?, finished_at = ?, notes = ?, error = ? where id = ?")
        .run(result.status, finishedAt, JSON.stringify(result.notes), result.error, id);
    })();
  }

  /** The newest runs first. */
  runs(limit = 50): StoredRun[] {
    const rows = this.database.prepare("select * from runs order by id desc limit ?").all(limit) as RunRow[];
    return rows.map((row) => this.toRun(row));
  }

  run(id: number): StoredRun | undefined {
    const row = this.database.prepare("select * from runs where id = ?").get(id) as RunRow | undefined;
    return row && this.toRun(row);
  }

  /** A run's case outcomes for one eval, by case key. */
  cases(id: number, evalName: string): Map<string, unknown> {
    const rows = this.database
      .prepare("select case_key, outcome from cases where run_id = ? and eval = ? order by case_key")
      .all(id, evalName) as { case_key: string; outcome: string }[];
    return new Map(rows.map((row) => [row.case_key, JSON.parse(row.outcome)]));
  }

  /** The cached sha256 of a model file, if the file has not changed (same size and mtime) since. */
  cachedChecksum(file: string, size: number, mtimeMs: number): string | undefined {
    const row = this.database
      .prepare("select sha256 from model_checksums where path = ? and size = ? and mtime_ms = ?")
      .get(file, size, mtimeMs) as { sha256: string } | undefined;
    return row?.sha256;
  }

  rememberChecksum(file: string, size: number, mtimeMs: number, sha256: string): void {
    this.database
      .prepare("insert or replace into model_checksums (path, size, mtime_ms, sha256) values (?, ?, ?, ?)")
      .run(file, size, mtimeMs, sha256);
  }

  saveGate(model: unknown, report: unknown, createdAt = Date.now()): number {
    const result = this.database
      .prepare("insert into gates (created_at, model, report) values (?, ?, ?)")
      .run(createdAt, JSON.stringify(model), JSON.stringify(report));
    return Number(result.lastInsertRowid);
  }

  latestGate(): StoredGate | undefined {
    const row = this.database.prepare("select * from gates order by id desc limit 1").get() as
      | { id: number; created_at: number; model: string; report: string }
      | undefined;
    return (
      row && {
        id: row.id,
        createdAt: row.created_at,
        model: JSON.parse(row.model),
        report: JSON.parse(row.report),
      }
    );
  }

  private toRun(row: RunRow): StoredRun {
    const figures: StoredRun["figures"] = {};
    const rows = this.database
      .prepare("select eval, name, value from figures where run_id = ? order by rowid")
      .all(row.id) as { eval: string; name: string; value: number | null }[];
    for (const figure of rows) {
      figures[figure.eval] ??= {};
      figures[figure.eval]![figure.name] = figure.value;
    }
    return {
      id: row.id,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      status: row.status,
      workspace: row.workspace,
      label: row.label,
      evals: JSON.parse(row.evals),
      commit: row.commit_sha,
      dirty: row.dirty === null ? null : row.dirty === 1,
      models: JSON.parse(row.models),
      settings: JSON.parse(row.settings),
      notes: JSON.parse(row.notes),
      error: row.error,
      figures,
    };
  }
}
