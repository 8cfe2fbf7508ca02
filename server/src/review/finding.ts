/**
 * What a review produces and what it reviews: findings (from the learned detector, a chat model or a
 * workspace checker), the files and line regions under review, and the severity order. Plain data.
 */

import type { LanguageId } from "../syntax/languages";

export const severities = ["note", "warning", "error"] as const;
export type Severity = (typeof severities)[number];

export const findingSources = ["learned", "model", "checker"] as const;
export type FindingSource = (typeof findingSources)[number];

/** 1-based, inclusive line numbers (as people and SARIF count them; LSP converters subtract one). */
export interface LineRange {
  startLine: number;
  endLine: number;
}

/** Replace lines `startLine..endLine` of the file by `replacement` (lines joined by `\n`, no final newline). */
export interface SuggestedFix extends LineRange {
  replacement: string;
}

export interface Finding extends LineRange {
  /** Path relative to the review root, with `/` separators. */
  file: string;
  /** A stable code: the learned detector's bug kind, or a model's or checker's own category. */
  category: string;
  severity: Severity;
  message: string;
  /** Lines of the file quoted verbatim as the reason for the finding. */
  evidence: string[];
  fix?: SuggestedFix;
  /** 0..1. */
  confidence: number;
  source: FindingSource;
}

export interface ReviewFile {
  /** Relative to the review root, `/` separators. */
  path: string;
  language: LanguageId;
  text: string;
  /** The lines under review; absent means the whole file. */
  regions?: LineRange[];
}

export function severityRank(severity: Severity): number {
  return severities.indexOf(severity);
}

export function isSeverity(value: string): value is Severity {
  return (severities as readonly string[]).includes(value);
}

/** Whether `range` shares a line with the file's reviewed regions (any line when the whole file is reviewed). */
export function touchesRegions(range: LineRange, regions: readonly LineRange[] | undefined): boolean {
  if (!regions) return true;
  return regions.some((region) => range.startLine <= region.endLine && region.startLine <= range.endLine);
}
