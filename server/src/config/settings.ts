/**
 * The user's `hearth.*` settings (from VS Code's configuration, another editor's `settings`, or CLI flags)
 * turned into Hearth's typed configs. Unknown keys are ignored and values of the wrong type fall back to the
 * default with a warning, so a typo in settings.json never stops the server.
 */

import type { CompleterConfig } from "../completer/inlineCompleter";
import { defaultDebounceConfig } from "../completion";
import type { IndexConfig } from "../index/indexSession";
import type { ModelsSettings } from "../models";
import { defaultIndexConfig } from "./indexDefaults";

export interface ResolvedSettings {
  indexEnabled: boolean;
  index: IndexConfig;
  models: ModelsSettings;
  completion: CompleterConfig;
}

const modelRoles = ["completion", "draft", "chat", "embedding"] as const;

export function resolveSettings(raw: unknown, warn: (message: string) => void): ResolvedSettings {
  const root = asRecord(raw);
  const index = asRecord(root.index);
  const models = asRecord(root.models);
  const completion = asRecord(root.completion);

  const read = <T>(value: unknown, key: string, check: (value: unknown) => value is T, fallback: T): T => {
    if (value === undefined || value === null || value === "") return fallback;
    if (check(value)) return value;
    warn(`setting hearth.${key} has an invalid value ${JSON.stringify(value)}; using the default`);
    return fallback;
  };

  const roleModels: Partial<Record<(typeof modelRoles)[number], string | null>> = {};
  for (const role of modelRoles) {
    const value = read(models[role], `models.${role}`, isString, undefined as string | undefined);
    if (value !== undefined) roleModels[role] = value === "none" ? null : value;
  }
  const gpu = read(models.gpu, "models.gpu", isGpuChoice, "auto" as const);
  const threads = read(models.threads, "models.threads", isPositiveInteger, 0);

  return {
    indexEnabled: read(index.enabled, "index.enabled", isBoolean, true),
    index: {
      ...defaultIndexConfig,
      crawl: {
        exclude: read(index.exclude, "index.exclude", isStringArray, defaultIndexConfig.crawl.exclude),
        maxFileBytes: read(
          index.maxFileBytes,
          "index.maxFileBytes",
          isPositiveInteger,
          defaultIndexConfig.crawl.maxFileBytes,
        ),
      },
    },
    models: {
      models: roleModels,
      gpu: gpu === "cpu" ? false : gpu,
      ...(threads > 0 ? { threads } : {}),
    },
    completion: {
      enabled: read(completion.enabled, "completion.enabled", isBoolean, true),
      crossFileContext: read(completion.crossFileContext, "completion.crossFileContext", isBoolean, true),
      // The next three exist to measure what each saves (`hearth bench completion`); users keep them on.
      cache: read(completion.cache, "completion.cache", isBoolean, true),
      inFlightReuse: read(completion.inFlightReuse, "completion.inFlightReuse", isBoolean, true),
      kvReuse: read(completion.kvReuse, "completion.kvReuse", isBoolean, true),
      // Prefetching spends idle CPU on likely next suggestions; a user saving battery can turn it off.
      prefetch: read(completion.prefetch, "completion.prefetch", isBoolean, true),
      speculation: read(completion.speculation, "completion.speculation", isSpeculation, undefined),
      debounce: read(completion.debounce, "completion.debounce", isBoolean, true)
        ? defaultDebounceConfig
        : null,
      maxTokens: {
        singleLine: read(
          completion.maxTokensSingleLine,
          "completion.maxTokensSingleLine",
          isPositiveInteger,
          48,
        ),
        multiline: read(
          completion.maxTokensMultiline,
          "completion.maxTokensMultiline",
          isPositiveInteger,
          128,
        ),
      },
    },
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

const isString = (value: unknown): value is string => typeof value === "string";
const isBoolean = (value: unknown): value is boolean => typeof value === "boolean";
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);
const isPositiveInteger = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value > 0;
const isSpeculation = (value: unknown): value is "none" | "draft" | "inputLookup" =>
  typeof value === "string" && ["none", "draft", "inputLookup"].includes(value);
const isGpuChoice = (value: unknown): value is "auto" | "cpu" | "cuda" | "vulkan" | "metal" =>
  typeof value === "string" && ["auto", "cpu", "cuda", "vulkan", "metal"].includes(value);
