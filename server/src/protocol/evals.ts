/**
 * The evals capability's protocol: run the eval suite on the workspace in the background (optionally a second
 * time with a candidate completion model, for a side-by-side result that leaves the user's settings alone),
 * list the stored runs, get one, compare two, and the progress of a running suite.
 */

import { z } from "zod";
import { defineNotification, defineRequest } from "./descriptors";

/** The evals database's file name, in the editor's storage folder for the workspace. */
export const evalsDatabaseFileName = "evals.sqlite";

/**
 * `hearth/evals/run` (request, client to server): runs the suite at background priority; long-running,
 * cancellable (the LSP cancel of this request stops it, and the partial run is stored as cancelled). Progress
 * comes as `$/progress` and as `hearth/evals/progress`.
 */
export const runEvalsRequest = defineRequest<RunEvalsParams, RunEvalsResult>(
  "hearth/evals/run",
  z.object({
    evals: z.array(z.string().min(1)).optional(),
    commits: z.number().int().positive().max(500).optional(),
    since: z.string().min(1).optional(),
    retrievalQueries: z.number().int().positive().max(2000).optional(),
    chatQuestions: z.number().int().positive().max(2000).optional(),
    candidateModel: z.string().min(1).optional(),
  }),
);

export interface RunEvalsParams {
  /** Names from the suite (default: all). */
  evals?: string[];
  /** Time-travel commits to replay (default 20), and only after this date or commit. */
  commits?: number;
  since?: string;
  retrievalQueries?: number;
  /** Questions the chat eval asks (default 20). */
  chatQuestions?: number;
  /** A second completion model (catalog id or `.gguf` path) run on the same cases after the user's. */
  candidateModel?: string;
}

export interface RunEvalsResult {
  /** The run with the user's settings. */
  baseline: EvalRun;
  /** The run with the candidate model, when one was given. */
  candidate: EvalRun | null;
  /** Candidate minus baseline, when both ran. */
  comparison: EvalComparison | null;
}

/** `hearth/evals/runs` (request): the stored runs, newest first. */
export const listEvalRunsRequest = defineRequest<ListEvalRunsParams, ListEvalRunsResult>(
  "hearth/evals/runs",
  z.object({ limit: z.number().int().positive().max(1000).optional() }),
);

export interface ListEvalRunsParams {
  limit?: number;
}

export interface ListEvalRunsResult {
  databasePath: string;
  runs: EvalRun[];
}

/** `hearth/evals/get` (request): one stored run; `null` when there is none with that id. */
export const getEvalRunRequest = defineRequest<{ id: number }, EvalRun | null>(
  "hearth/evals/get",
  z.object({ id: z.number().int().positive() }),
);

/** `hearth/evals/compare` (request): run `b` minus run `a`, figure by figure. */
export const compareEvalRunsRequest = defineRequest<{ a: number; b: number }, EvalComparison>(
  "hearth/evals/compare",
  z.object({ a: z.number().int().positive(), b: z.number().int().positive() }),
);

/** `hearth/evals/progress` (notification, server to client): how far the running suite is. */
export const evalsProgressNotification = defineNotification<EvalsProgressParams>(
  "hearth/evals/progress",
  z.object({ phase: z.enum(["baseline", "candidate"]), message: z.string(), percentage: z.number() }),
);

export interface EvalsProgressParams {
  phase: "baseline" | "candidate";
  message: string;
  /** 0 to 100, over the whole request (both phases when there is a candidate). */
  percentage: number;
}

export interface EvalModel {
  setting: string;
  id: string | null;
  file: string;
  sizeBytes: number | null;
  sha256: string | null;
}

export interface EvalRun {
  id: number;
  label: string;
  status: "running" | "done" | "cancelled" | "failed";
  startedAt: number;
  finishedAt: number | null;
  workspace: string;
  commit: string | null;
  /** The working tree differed from the commit when the run started. */
  dirty: boolean | null;
  evals: string[];
  models: Record<string, EvalModel | null>;
  settings: Record<string, unknown>;
  /** Per eval, every figure. */
  figures: Record<string, Record<string, number | null>>;
  notes: string[];
  error: string | null;
}

export interface EvalFigureDelta {
  eval: string;
  figure: string;
  a: number | null;
  b: number | null;
  delta: number | null;
  /** 95 % paired bootstrap interval of the delta, for figures that are means over cases. */
  interval: { delta: number; low: number; high: number; pairs: number; significant: boolean } | null;
  lowerIsBetter: boolean;
}

export interface EvalComparison {
  a: { id: number; label: string; commit: string | null };
  b: { id: number; label: string; commit: string | null };
  figures: EvalFigureDelta[];
}
