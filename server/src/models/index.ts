/**
 * Hearth's inference layer: the one place that imports node-llama-cpp. Everything else reaches models through
 * `ModelEngine` (generation, embeddings, tokens, FIM vocabulary, status) and configures it with `ModelsConfig`.
 */

export type { BackendStatus, ModelStatus } from "./engineStatus";
export type {
  ChatMessage,
  GenerationMetrics,
  GenerationRequest,
  GenerationResult,
  GenerationRole,
  InfillTokens,
  ModelRole,
  PrefixPreparation,
  Prompt,
  RequestPriority,
  SpeculationMode,
  TextHookAnswer,
} from "./generationTypes";
export { infillPrompt } from "./generationTypes";
export { measureMemoryBandwidth } from "./memoryBandwidth";
export type { CatalogEntry, CatalogTier, ModelCatalog } from "./modelCatalog";
export {
  findCatalogEntry,
  findNativeModelsDirectory,
  loadModelCatalog,
  modelRoles,
  parseModelUri,
} from "./modelCatalog";
export type { DownloadProgress, DownloadResult } from "./modelDownload";
export { downloadModelFile } from "./modelDownload";
export type { Embedder, EmbeddingInfo, EngineStatus } from "./modelEngine";
export { ModelEngine } from "./modelEngine";
export {
  ContextOverflowError,
  GenerationAbortedError,
  ModelCatalogError,
  ModelDownloadError,
  ModelLoadError,
  ModelUnavailableError,
} from "./modelErrors";
export type { InstalledModel, ResolvedModelFile } from "./modelFiles";
export { catalogEntryPath, listInstalledModels, resolveModelFile } from "./modelFiles";
export type {
  DraftPredictionConfig,
  GenerationRoleConfig,
  GpuChoice,
  InputLookupConfig,
  ModelsConfig,
  ModelsSettings,
  RoleModelConfig,
} from "./modelsConfig";
export {
  defaultModelsDirectory,
  defaultRoleModels,
  defaultThreadCount,
  isModelPath,
  resolveModelsConfig,
} from "./modelsConfig";
export { readModelsSettings } from "./modelsSettings";
