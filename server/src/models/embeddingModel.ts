/**
 * A loaded embedding role: one embedding context, inputs truncated to what it holds, vectors L2-normalised so
 * that cosine similarity is a dot product (and sqlite-vec's L2 distance ranks the same way).
 */

import type { LlamaEmbeddingContext, Token } from "node-llama-cpp";
import type { LoadedModelFile } from "./loadModelFile";
import type { RoleModelConfig } from "./modelsConfig";

export class EmbeddingModel {
  private constructor(
    readonly loaded: LoadedModelFile,
    readonly context: LlamaEmbeddingContext,
    readonly contextSize: number,
  ) {}

  static async create(
    loaded: LoadedModelFile,
    config: RoleModelConfig,
    threads: number,
  ): Promise<EmbeddingModel> {
    const contextSize = Math.min(config.contextSize, loaded.model.trainContextSize || config.contextSize);
    // threads must be explicit: node-llama-cpp's embedding context defaults to 6 whatever the machine has.
    const context = await loaded.model.createEmbeddingContext({
      contextSize,
      batchSize: contextSize,
      threads,
    });
    return new EmbeddingModel(loaded, context, contextSize);
  }

  get dimensions(): number {
    return this.loaded.model.embeddingVectorSize;
  }

  /** Most content tokens per input: the context less the BOS/EOS tokens the model adds. */
  get maxInputTokens(): number {
    return this.contextSize - 3;
  }

  tokenize(text: string): Token[] {
    return this.loaded.model.tokenize(text, false);
  }

  /** Embeds tokens already cut to `maxInputTokens`. */
  async embedTokens(tokens: readonly Token[]): Promise<Float32Array> {
    const embedding = await this.context.getEmbeddingFor(tokens.slice(0, this.maxInputTokens));
    return normalise(embedding.vector);
  }

  dispose(): Promise<void> {
    return this.context.dispose();
  }
}

export function normalise(vector: readonly number[]): Float32Array {
  const out = Float32Array.from(vector);
  let sum = 0;
  for (const value of out) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let index = 0; index < out.length; index++) out[index]! /= norm;
  return out;
}
