/**
 * A remote model's fill-in-the-middle vocabulary, for servers that can tokenize (llama-server's `/tokenize`):
 * each known spelling of the FIM markers is asked for, and those that are one special token in the model's
 * vocabulary are the model's. The completion pipeline then picks the FIM family from them, as it does from a
 * local GGUF's metadata. The spellings are the models' own (Qwen, StarCoder, DeepSeek, CodeLlama, Codestral,
 * CodeGemma, Hearth's tiny models).
 */

import type { InfillTokens } from "../generationTypes";
import type { RemoteProvider } from "./remoteProvider";

const markerSets = [
  { prefix: "<|fim_prefix|>", suffix: "<|fim_suffix|>", middle: "<|fim_middle|>" },
  { prefix: "<fim_prefix>", suffix: "<fim_suffix>", middle: "<fim_middle>" },
  { prefix: "<｜fim▁begin｜>", suffix: "<｜fim▁hole｜>", middle: "<｜fim▁end｜>" },
  { prefix: "<PRE>", suffix: "<SUF>", middle: "<MID>" },
  { prefix: "[PREFIX]", suffix: "[SUFFIX]", middle: null },
] as const;
const fileSeparators = ["<|file_sep|>", "<file_sep>", "<|file_separator|>"];
const endings = ["<|endoftext|>", "</s>", "<eos>", "<｜end▁of▁sentence｜>", "<EOT>", "<|end_of_text|>"];

/** `null` when the server cannot say, or the model has no FIM prefix and suffix tokens. */
export async function remoteInfillTokens(
  provider: RemoteProvider,
  signal?: AbortSignal,
): Promise<InfillTokens | null> {
  if (!provider.specialTokens) return null;
  const candidates = [
    ...markerSets.flatMap((set) => [set.prefix, set.suffix, ...(set.middle ? [set.middle] : [])]),
    ...fileSeparators,
    ...endings,
  ];
  const found = await provider.specialTokens(candidates, signal);
  if (!found) return null;
  const set = markerSets.find((candidate) => found.has(candidate.prefix) && found.has(candidate.suffix));
  if (!set) return null;
  const middle = set.middle && found.has(set.middle) ? set.middle : null;
  const fileSeparator = fileSeparators.find((token) => found.has(token)) ?? null;
  const endOfText = endings.find((token) => found.has(token)) ?? null;
  const id = (token: string | null) => (token === null ? null : found.get(token)!);
  return {
    order: middle === null ? "spm" : "psm",
    prefix: set.prefix,
    suffix: set.suffix,
    middle,
    endOfText,
    fileSeparator,
    ids: {
      prefix: id(set.prefix)!,
      suffix: id(set.suffix)!,
      middle: id(middle),
      endOfText: id(endOfText),
      fileSeparator: id(fileSeparator),
    },
  };
}
