/**
 * Hearth's review capability: findings and what is reviewed (`finding.ts`), the learned first pass
 * (`learnedPass.ts` over `candidateSites.ts` and `bugDetector.ts`), the verification every finding passes
 * (`verifyFindings.ts`), diff parsing (`unifiedDiff.ts`), SARIF output (`sarif.ts`) and one review from end
 * to end (`runReview.ts`). Everything exported here is pure; `reviewSources.ts` (disk and git) and
 * `loadBugDetector.ts` (the model file) are the I/O, imported by path.
 */

export { BugDetector, BugDetectorFormatError } from "./bugDetector";
export { bugKindTitles } from "./bugEdits";
export type { BugKind, CandidateSite } from "./candidateSites";
export { bugKinds, detectorSupports, extractSites } from "./candidateSites";
export type { Finding, FindingSource, LineRange, ReviewFile, Severity, SuggestedFix } from "./finding";
export { findingSources, isSeverity, severities, severityRank, touchesRegions } from "./finding";
export { findingsFromModelAnswer, modelFindingsSchema } from "./findingSchema";
export type { LearnedPassOptions, LearnedPassResult, SourceParser } from "./learnedPass";
export { reviewWithDetector } from "./learnedPass";
export type { ReviewScope, ReviewSources } from "./reviewSources";
export type { PassReport, ReviewDependencies, ReviewPass, ReviewReport } from "./runReview";
export { runReview } from "./runReview";
export type { SarifOptions } from "./sarif";
export { fingerprint, toSarif } from "./sarif";
export type { DiffHunk, FileDiff } from "./unifiedDiff";
export { changedOldRegions, changedRegions, DiffParseError, parseUnifiedDiff } from "./unifiedDiff";
export type { DropReason, VerificationResult } from "./verifyFindings";
export { dropReasons, verifyFindings } from "./verifyFindings";
