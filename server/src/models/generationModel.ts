/**
 * A loaded text-generation role (completion or chat): its llama.cpp context, a small pool of KV sequences keyed
 * by `sequenceKey` (so consecutive requests on one key reuse their common prompt prefix), and for each
 * sequence a twin sequence on the draft model for draft speculation.
 */

import type {
  GbnfJsonSchema,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaGrammarEvaluationState,
  LlamaModel,
} from "node-llama-cpp";
import { messageOf } from "../base/errors";
import type { Logger } from "../base/logger";
import type { GenerationRole } from "./generationTypes";
import { loadedLlamaCpp } from "./llamaCppModule";
import type { LoadedModelFile } from "./loadModelFile";
import { GenerationAbortedError } from "./modelErrors";
import type { GenerationRoleConfig } from "./modelsConfig";
import { DraftProposer, SpeculationTuner } from "./speculativeDecoding";

export interface SequenceSlot {
  key: string;
  sequence: LlamaContextSequence;
  /** `null` when the role has no compatible draft model. */
  draft: DraftProposer | null;
  /** What proposals have been worth on this sequence, per mode. */
  tuners: { draft: SpeculationTuner; inputLookup: SpeculationTuner };
  lastUsed: number;
  lock: SequenceLock;
}

/** Compiled grammars kept per role: a chat's answer grammar is the same for every turn with the same context. */
const grammarCacheSize = 8;

export class GenerationModel {
  private readonly slots: SequenceSlot[] = [];
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  private constructor(
    readonly role: GenerationRole,
    readonly loaded: LoadedModelFile,
    readonly config: GenerationRoleConfig,
    readonly context: LlamaContext,
    private readonly draftContext: LlamaContext | null,
  ) {}

  get model(): LlamaModel {
    return this.loaded.model;
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  get hasDraft(): boolean {
    return this.draftContext !== null;
  }

  static async create(options: {
    role: GenerationRole;
    loaded: LoadedModelFile;
    config: GenerationRoleConfig;
    draft: LoadedModelFile | null;
    threads: number;
    logger: Logger;
  }): Promise<GenerationModel> {
    const { loaded, config, draft, threads, logger } = options;
    const contextSize = Math.min(config.contextSize, loaded.model.trainContextSize || config.contextSize);
    const flashAttention = resolveFlashAttention(config.flashAttention, loaded.model);
    const context = await loaded.model.createContext({
      contextSize,
      batchSize: Math.min(config.batchSize, contextSize),
      sequences: config.sequences,
      threads,
      flashAttention,
    });
    let draftContext: LlamaContext | null = null;
    if (draft) {
      const incompatibility = draftIncompatibility(loaded.model, draft.model);
      if (incompatibility) {
        logger.info(
          `inference: draft model ${draft.file.path} not used for ${options.role} (${incompatibility}); ` +
            "draft speculation falls back to none there",
        );
      } else {
        try {
          draftContext = await draft.model.createContext({
            contextSize: context.contextSize,
            batchSize: context.batchSize,
            sequences: config.sequences,
            threads,
            flashAttention: resolveFlashAttention(config.flashAttention, draft.model),
          });
        } catch (error) {
          logger.warn(`inference: no draft context for ${options.role}: ${messageOf(error)}`);
        }
      }
    }
    return new GenerationModel(options.role, loaded, config, context, draftContext);
  }

  /**
   * The sequence for `key`, locked for the caller until `release()`. A new key takes a free sequence or the
   * least recently used idle one (its cached prefix is then replaced as the new prompt is evaluated).
   */
  async acquire(
    key: string,
    signal: AbortSignal | undefined,
  ): Promise<{ slot: SequenceSlot; release: () => void }> {
    let slot = this.slots.find((candidate) => candidate.key === key);
    if (!slot && this.slots.length < this.config.sequences) slot = this.createSlot(key);
    if (!slot) {
      const idle = this.slots
        .filter((candidate) => !candidate.lock.held)
        .sort((a, b) => a.lastUsed - b.lastUsed);
      slot = idle[0] ?? [...this.slots].sort((a, b) => a.lastUsed - b.lastUsed)[0]!;
      slot.key = key;
    }
    const release = await slot.lock.acquire(signal);
    slot.lastUsed = performance.now();
    return { slot, release };
  }

  private createSlot(key: string): SequenceSlot {
    const slot: SequenceSlot = {
      key,
      sequence: this.context.getSequence(),
      draft: this.draftContext ? new DraftProposer(this.draftContext.getSequence(), this.config.draft) : null,
      tuners: {
        draft: new SpeculationTuner(this.config.draft.maxTokens, this.config.draft.adaptive),
        inputLookup: new SpeculationTuner(
          this.config.inputLookup.predictionMaxLength,
          this.config.inputLookup.adaptive,
        ),
      },
      lastUsed: performance.now(),
      lock: new SequenceLock(),
    };
    this.slots.push(slot);
    return slot;
  }

  /** A fresh evaluation state for a GBNF grammar or a JSON schema (compiled once, then reused). */
  async grammarState(grammar: string | { jsonSchema: object }): Promise<LlamaGrammarEvaluationState> {
    const key = typeof grammar === "string" ? grammar : JSON.stringify(grammar.jsonSchema);
    let compiled = this.grammars.get(key);
    if (!compiled) {
      compiled =
        typeof grammar === "string"
          ? this.model.llama.createGrammar({ grammar })
          : this.model.llama.createGrammarForJsonSchema<GbnfJsonSchema>(grammar.jsonSchema as GbnfJsonSchema);
      compiled.catch(() => this.grammars.delete(key));
      this.grammars.set(key, compiled);
      while (this.grammars.size > grammarCacheSize) this.grammars.delete(this.grammars.keys().next().value!);
    }
    const { LlamaGrammarEvaluationState } = loadedLlamaCpp();
    return new LlamaGrammarEvaluationState({ model: this.model, grammar: await compiled });
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.draftContext?.dispose();
  }
}

export function resolveFlashAttention(setting: boolean | "gpuOnly", model: LlamaModel): boolean | "auto" {
  if (setting !== "gpuOnly") return setting;
  return model.llama.gpu === false || model.gpuLayers === 0 ? false : "auto";
}

/** Why `draft` cannot propose tokens for `target` (their vocabularies differ), or `null` when it can. */
export function draftIncompatibility(target: LlamaModel, draft: LlamaModel): string | null {
  if (target.vocabularyType !== draft.vocabularyType) {
    return `tokenizer ${draft.vocabularyType} differs from ${target.vocabularyType}`;
  }
  const size = (model: LlamaModel) => model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0;
  if (size(target) !== size(draft)) return `vocabulary of ${size(draft)} tokens differs from ${size(target)}`;
  const probe = "def main():\n    return {'x': [1, 2]}  // <é> 😀";
  const same = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((t, i) => t === b[i]);
  if (!same(target.tokenize(probe, true), draft.tokenize(probe, true)))
    return "the tokenizers split text differently";
  return null;
}

/** A FIFO mutex whose waiters can give up when their request is cancelled. */
export class SequenceLock {
  private tail: Promise<void> = Promise.resolve();
  private holders = 0;

  get held(): boolean {
    return this.holders > 0;
  }

  async acquire(signal: AbortSignal | undefined): Promise<() => void> {
    this.holders++;
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => {
      release = () => {
        this.holders--;
        resolve();
      };
    });
    if (signal) {
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new GenerationAbortedError(null));
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      });
      try {
        await Promise.race([previous, aborted]);
      } catch (error) {
        // Hand the turn on once the previous holder is done, so the queue stays in order.
        void previous.then(release);
        throw error;
      } finally {
        if (onAbort) signal.removeEventListener("abort", onAbort);
      }
    } else {
      await previous;
    }
    return release;
  }
}
