/**
 * Implicit feedback: what users do with suggestions, stored locally, summarised and used. The public surface
 * for the composition root, the LSP layer and the CLI.
 */

export { AdaptiveTrigger, defaultAdaptiveTriggerOptions } from "./adaptiveTrigger";
export type { DatasetExample, DatasetFormat, DatasetOptions, DatasetSummary } from "./buildDataset";
export { buildDataset, defaultDatasetOptions, toJsonl } from "./buildDataset";
export type { FeedbackConfig } from "./feedbackConfig";
export { defaultFeedbackConfig, feedbackConfigBounds, resolveFeedbackConfig } from "./feedbackConfig";
export { feedbackDatabasePath, resolveFeedbackDatabaseOption } from "./feedbackLocation";
export type { SuggestionContext, SuggestionGate } from "./feedbackService";
export { FeedbackService } from "./feedbackService";
export { computeFeedbackStats } from "./feedbackStats";
export { parseFeedbackEvents } from "./parseFeedbackEvents";
export type { CursorContext } from "./rejectionMemory";
export { RejectionMemory } from "./rejectionMemory";
