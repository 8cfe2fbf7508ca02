/**
 * Hearth's inference layer: the one place that imports node-llama-cpp, and that talks to remote engines.
 * Everything else reaches models through `ModelEngine` (generation, embeddings, tokens, FIM vocabulary, status)
 * and configures it with `ModelsConfig`.
 */

export type { BackendStatus, ModelStatus } from "./engineStatus";
export type {
  ChatMessage,
  GenerationMetrics,
  GenerationRequest,
  GenerationResult,
  GenerationRole,
  InfillParts,
  InfillTokens,
  ModelRole,
  PrefixPreparation,
  Prompt,
  RaisablePriority,
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
export type { Embedder, EmbeddingInfo, EngineOptions, EngineStatus } from "./modelEngine";
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
  RemoteSettings,
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
export { PriorityLane } from "./priorityScheduler";
export type { RemoteProviderName, RemoteRoleConfig, RemoteStatus } from "./remote/remoteConfig";
export {
  isEndpoint,
  isLoopbackEndpoint,
  normaliseEndpoint,
  RemoteEndpointError,
  remoteProviders,
} from "./remote/remoteConfig";
export { apiKeyEnvironmentVariable, RemoteCredentials } from "./remote/remoteCredentials";
export { RemoteEngineError } from "./remote/remoteHttp";
