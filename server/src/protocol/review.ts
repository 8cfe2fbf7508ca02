/**
 * Code review: `hearth/review` reviews the working tree's changes (or the staged ones, or a branch against a
 * base), one file, or a selection, and answers verified findings with their evidence and suggested fixes;
 * `hearth/review/progress` reports how far it got. Cancelling the request stops it between files and
 * between model steps (the answer then says `cancelled`).
 */

import { z } from "zod";
import { defineNotification, defineRequest, positionSchema } from "./descriptors";

export interface ReviewRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

const rangeSchema = z.object({ start: positionSchema, end: positionSchema });

export interface ReviewParams {
  /** `changes`: a git diff of a workspace folder; `file`: one whole file; `selection`: lines of one file. */
  kind: "changes" | "file" | "selection";
  /** The file (`file`, `selection`), or a file or folder inside the workspace folder whose changes to review. */
  uri?: string | undefined;
  /** `selection`: the lines under review (whole lines from `start.line` to `end.line`). */
  range?: ReviewRange | undefined;
  /** `changes`: the working tree against HEAD by default; `staged`, or this branch since it left `base`. */
  diff?: { base?: string | undefined; staged?: boolean | undefined } | undefined;
  /** Sent back in every `hearth/review/progress` of this review, so the client can route them. */
  reviewId?: string | undefined;
}

export const reviewRequest = defineRequest<ReviewParams, ReviewResult>(
  "hearth/review",
  z
    .object({
      kind: z.enum(["changes", "file", "selection"]),
      uri: z.string().min(1).optional(),
      range: rangeSchema.optional(),
      diff: z
        .object({
          base: z.string().min(1).max(200).optional(),
          staged: z.boolean().optional(),
        })
        .optional(),
      reviewId: z.string().max(200).optional(),
    })
    .refine((params) => params.kind === "changes" || params.uri !== undefined, {
      message: "file and selection reviews need the file's uri",
      path: ["uri"],
    })
    .refine((params) => params.kind !== "selection" || params.range !== undefined, {
      message: "a selection review needs the selected range",
      path: ["range"],
    })
    .refine((params) => !(params.diff?.base && params.diff.staged), {
      message: "choose either diff.base or diff.staged",
      path: ["diff"],
    }),
);

export type ReviewSeverity = "note" | "warning" | "error";

export interface ReviewFinding {
  /** Stable across runs while the flagged lines stay the same (used to record feedback). */
  id: string;
  uri: string;
  /** Workspace-relative, `/` separators. */
  path: string;
  /** Whole lines: `start.character` 0, `end` at the end of the last flagged line. */
  range: ReviewRange;
  /** The learned detector's bug kind (`swapped-arguments`, ...) or the model's own category. */
  category: string;
  severity: ReviewSeverity;
  message: string;
  /** Lines quoted verbatim from the file (verification checked they are there). */
  evidence: string[];
  /** Replaces `range` with `newText` (whole lines; it parses, verification checked). */
  fix?: { range: ReviewRange; newText: string } | undefined;
  /** 0..1. */
  confidence: number;
  source: "learned" | "model" | "checker";
}

export interface ReviewPassSummary {
  name: string;
  state: "ran" | "off" | "failed";
  findings: number;
  milliseconds: number;
  note?: string | undefined;
}

export interface ReviewResult {
  findings: ReviewFinding[];
  /** Plain-language notes: the model pass is off and why, files skipped, what a model's tool call was refused. */
  notes: string[];
  /** Bad input the user can fix (not a git repository, an unknown base); nothing was reviewed. */
  error?: string | undefined;
  cancelled: boolean;
  /** Workspace-relative paths reviewed, and those skipped with why (binary, too large, no grammar). */
  reviewed: string[];
  skipped: { path: string; reason: string }[];
  passes: ReviewPassSummary[];
  /** Findings verification dropped, by reason (`outside-region`, `evidence-mismatch`, ...). */
  dropped: Record<string, number>;
  milliseconds: number;
}

export interface ReviewProgressParams {
  reviewId?: string | undefined;
  message: string;
  /** 0..100 when known. */
  percentage?: number | undefined;
}

export const reviewProgressNotification = defineNotification<ReviewProgressParams>(
  "hearth/review/progress",
  z.object({
    reviewId: z.string().optional(),
    message: z.string(),
    percentage: z.number().min(0).max(100).optional(),
  }),
);
