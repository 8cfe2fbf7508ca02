/**
 * The model engine as CLI commands use it: a logger on stderr, the engine built from Hearth's defaults plus
 * the command's overrides, and an embedder that is optional (a command without one runs without vectors and
 * says so instead of failing).
 */

import { Logger, stderrSink } from "../base/logger";
import { type Embedder, ModelEngine, type ModelsSettings, resolveModelsConfig } from "../models";

export function stderrLogger(verbose = false): Logger {
  const logger = new Logger(verbose ? "debug" : "warn");
  logger.addSink(stderrSink);
  return logger;
}

export function createCliEngine(settings: ModelsSettings, logger: Logger): ModelEngine {
  return ModelEngine.create(resolveModelsConfig(settings), logger);
}

/** The settings of a command's `--embedding <model>` flag (Hearth's defaults when it is absent). */
export function embeddingSettings(embedding: string | undefined): ModelsSettings {
  return embedding ? { models: { embedding } } : {};
}

/** The embedding model, or `undefined` with a warning saying what runs without it. */
export async function optionalEmbedder(
  engine: ModelEngine,
  logger: Logger,
  withoutIt: string,
): Promise<Embedder | undefined> {
  try {
    return await engine.embedder();
  } catch (error) {
    logger.warn(`${withoutIt}: ${error instanceof Error ? error.message : error}`);
    return undefined;
  }
}
