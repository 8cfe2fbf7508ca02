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
  /** The completion and draft model settings as written (catalog id, path, `null` for none). */
  models: { completion: string | null | undefined; draft: string | null | undefined };
}

export function resolveCompletionSettings(raw: unknown, warn: WarnSetting): CompletionSettings {
  const section = SettingsSection.of(raw, "completion", warn);
  const models = readModelsSettings(raw, () => {}).models ?? {};
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
      debounce: section.boolean("debounce", true) ? defaultDebounceConfig : null,
      maxTokens: {
        singleLine: section.positiveInteger("maxTokensSingleLine", defaultMaxTokens.singleLine),
        multiline: section.positiveInteger("maxTokensMultiline", defaultMaxTokens.multiline),
      },
    },
    models: { completion: models.completion, draft: models.draft },
  };
}
