/**
 * Turns a `Prompt` into tokens for one model: text with special tokens recognised (FIM markers written by the
 * completion feature), token ids as given, or chat messages rendered with the model's chat template (from the
 * GGUF, through node-llama-cpp's chat wrappers), whose end-of-turn markers become stop conditions.
 */

import type { ChatHistoryItem, LlamaModel, Token } from "node-llama-cpp";
import type { ChatMessage, Prompt } from "./generationTypes";
import { loadedLlamaCpp } from "./llamaCppModule";

export interface PromptTokens {
  tokens: Token[];
  /** Stop strings and tokens the chat template adds. */
  stop: string[];
  stopTokens: Token[];
}

export function promptTokens(model: LlamaModel, prompt: Prompt, addBos: boolean): PromptTokens {
  if (typeof prompt === "string") {
    const tokens = model.tokenize(prompt, true);
    const bos = model.tokens.bos;
    if (addBos && model.tokens.shouldPrependBosToken && bos !== null && tokens[0] !== bos)
      tokens.unshift(bos);
    return { tokens, stop: [], stopTokens: [] };
  }
  if ("tokens" in prompt) return { tokens: prompt.tokens.slice() as Token[], stop: [], stopTokens: [] };
  return chatPromptTokens(model, prompt.messages);
}

function chatPromptTokens(model: LlamaModel, messages: readonly ChatMessage[]): PromptTokens {
  const wrapper = loadedLlamaCpp().resolveChatWrapper(model);
  const history: ChatHistoryItem[] = messages.map((message) =>
    message.role === "system"
      ? { type: "system", text: message.content }
      : message.role === "user"
        ? { type: "user", text: message.content }
        : { type: "model", response: [message.content] },
  );
  // An empty model turn at the end makes the template open the assistant's answer.
  history.push({ type: "model", response: [] });
  const state = wrapper.generateContextState({ chatHistory: history });
  const stop: string[] = [];
  const stopTokens: Token[] = [];
  for (const trigger of state.stopGenerationTriggers) {
    const tokens = trigger.tokenize(model.tokenizer);
    if (tokens.length === 1 && model.isSpecialToken(tokens[0])) stopTokens.push(tokens[0]!);
    else {
      const text = model.detokenize(tokens, true);
      if (text) stop.push(text);
    }
  }
  return { tokens: state.contextText.tokenize(model.tokenizer), stop, stopTokens };
}
