/**
 * The `hearth.completion.*` settings with their defaults, plus the model ids completion depends on: a change of
 * the completion or draft model restarts the completion capability (its caches and FIM family belong to the
 * old model), while a change elsewhere leaves it and its caches alone.
 */

import { SettingsSection, type WarnSetting } from "../base/settingsReader";
import { readModelsSettings } from "../models";
import type { CompleterConfig } from "./inlineCompleter";
import { defaultDebounceConfig, defaultMaxTokens } from "./pipeline";

export interface CompletionSettings {
  completer: CompleterConfig;
  /** Hold back answers the workspace's learned show/abstain gate predicts the user would not take. */
  learnedGate: boolean;
  /**
   * The completion and draft model settings as written (catalog id, path, address, `null` for none), and how a
   * remote completion model is reached (another provider or model may have another FIM family).
   */
  models: {
    completion: string | null | undefined;
    draft: string | null | undefined;
    remote: { provider?: string; model?: string; fimTemplate?: string };
  };
}

/**
 * Off by default: measured with \`hearth eval gate\` on the bundled models, see README ("A learned gate").
 */
export const learnedGateDefault = false;

export function resolveCompletionSettings(raw: unknown, warn: WarnSetting): CompletionSettings {
  const section = SettingsSection.of(raw, "completion", warn);
  const modelsSettings = readModelsSettings(raw, () => {});
  const models = modelsSettings.models ?? {};
  const remote = modelsSettings.remote ?? {};
  return {
    completer: {
      enabled: section.boolean("enabled", true),
      crossFileContext: section.boolean("crossFileContext", true),
      // The next three exist to measure what each saves (`hearth bench completion`); users keep them on.
      cache: section.boolean("cache", true),
      inFlightReuse: section.boolean("inFlightReuse", true),
      kvReuse: section.boolean("kvReuse", true),
      // Prefetching spends idle CPU on likely next suggestions; a user saving battery can turn it off.
      prefetch: section.boolean("prefetch", true),
      speculation: section.oneOf("speculation", ["none", "draft", "inputLookup"] as const, undefined),
      debounce: section.boolean("debounce", true)
        ? {
            ...defaultDebounceConfig,
            earlyStart: section.boolean("earlyStart", true),
          }
        : null,
      maxTokens: {
        singleLine: section.positiveInteger("maxTokensSingleLine", defaultMaxTokens.singleLine),
        multiline: section.positiveInteger("maxTokensMultiline", defaultMaxTokens.multiline),
      },
      // Evals record token probabilities to train the learned gate; the gate itself asks for them when on.
      tokenProbabilities: section.boolean("tokenProbabilities", false),
    },
    learnedGate: section.boolean("learnedGate", learnedGateDefault),
    models: {
      completion: models.completion,
      draft: models.draft,
      remote: {
        ...(remote.providers?.completion ? { provider: remote.providers.completion } : {}),
        ...(remote.models?.completion ? { model: remote.models.completion } : {}),
        ...(remote.fimTemplate ? { fimTemplate: remote.fimTemplate } : {}),
      },
    },
  };
}
