/** Adapts the model engine to the narrow `CompletionModel` seam the completer uses. */

import type { ModelEngine } from "../models";
import type { CompletionModel } from "./inlineCompleter";

export function completionModelOf(engine: ModelEngine): CompletionModel {
  return {
    generate: (request, signal) => engine.generate(request, signal),
    infillTokens: () => engine.infillTokens(),
    tokenCounter: (role) => engine.tokenCounter(role),
    contextSize: (role) => engine.contextSize(role),
    clearSequence: (role, sequenceKey) => engine.clearSequence(role, sequenceKey),
    modelId: (role) => engine.configuredModelId(role),
    catalogFimTemplate: () => engine.fimTemplate(),
  };
}
