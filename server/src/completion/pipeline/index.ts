/**
 * Inline completion's pure logic: prompt context, FIM templates, the multi-line decision, post-processing,
 * the typed-ahead cache and the adaptive debounce. Data in, data out: no I/O, no model calls, no LSP. The
 * orchestrator that calls the engine lives outside this folder and composes these.
 */

export type {
  CachedSuggestion,
  CacheHit,
  CompletionCacheKey,
  CompletionCacheOptions,
  CompletionCacheStats,
} from "./completionCache";
export { CompletionCache, defaultCompletionCacheOptions, hashText } from "./completionCache";
export type {
  AdmittedSnippet,
  CompletionContext,
  CompletionContextInput,
  ContextBudget,
  CountTokens,
  DroppedSnippet,
  SnippetCandidate,
  SnippetDropReason,
  SnippetSource,
} from "./completionContext";
export {
  approximateTokenCount,
  buildCompletionContext,
  defaultContextBudget,
  jaccardSimilarity,
  lineSet,
} from "./completionContext";
export { CursorMarkerError, cursorMarker, parseCursor } from "./cursorMarker";
export type { DebounceConfig, DebounceSamples, KeystrokeTiming, ShapeSamples } from "./debounce";
export {
  DebounceTracker,
  debounceDelay,
  defaultDebounceConfig,
  insideWord,
  keystrokeTiming,
} from "./debounce";
export type {
  FimFamily,
  FimInput,
  FimPrompt,
  FimPromptOptions,
  FimSnippet,
  FimTemplate,
  LinePlacement,
  ModelFimInfo,
  PromptPart,
  PromptPartKind,
} from "./fimTemplates";
export {
  buildFimPrompt,
  detectFimFamily,
  explainFimPrompt,
  fimFamilies,
  fimTemplate,
  isFimFamily,
} from "./fimTemplates";
export { lineNumberAt } from "./indentation";
export type { CursorLines, MultilineDecision, MultilineInput, MultilineReason } from "./multiline";
export { cursorLines, decideMultiline, decideMultilineAt, emptyBlockBody, opensBlock } from "./multiline";
export type { CompletionPlan, CompletionPlanInput } from "./planCompletion";
export { defaultMaxTokens, explainCompletionPlan, planCompletion } from "./planCompletion";
export type {
  FilterContext,
  FilterContextInput,
  FinalizeOptions,
  FinalizeStep,
  StopDecision,
  StreamDecision,
  StreamingFilter,
} from "./postprocess";
export {
  applyStopRules,
  cleanupRules,
  createFilterContext,
  createStreamingFilter,
  filterContextAt,
  finalize,
  finalizeWithTrace,
  stopRules,
} from "./postprocess";
export type { GateExample, GateInput, GateTrainingOptions, ShowGateModel } from "./showGate";
export {
  chooseThreshold,
  defaultGateTrainingOptions,
  gateFeatureNames,
  gateFeatures,
  gateShows,
  isShowGateModel,
  showProbability,
  trainShowGate,
} from "./showGate";
export type { SimilarityDocument, SimilarWindow, SimilarWindowOptions } from "./similarWindows";
export {
  cursorQueryWindow,
  defaultSimilarWindowOptions,
  identifierTokens,
  similarWindows,
} from "./similarWindows";
