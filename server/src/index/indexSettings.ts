/**
 * The `hearth.index.*` settings with their defaults, and the part of `hearth.models.*` the index host needs
 * (its own embedding model, threads and GPU) and of `hearth.guardrails.secrets.*` (stored text is redacted): a
 * change of the completion model does not respawn index hosts.
 */

import { SettingsSection, type WarnSetting } from "../base/settingsReader";
import { defaultSecretScanOptions, resolveGuardrailsConfig } from "../guardrails";
import { isEndpoint, type ModelsSettings, type RemoteSettings, readModelsSettings } from "../models";
import type { IndexConfig } from "./indexSession";

export const defaultIndexConfig: IndexConfig = {
  crawl: { exclude: [], maxFileBytes: 1024 * 1024 },
  chunkTokens: 384,
  embedBatchSize: 16,
  secrets: defaultSecretScanOptions,
};

export interface IndexSettings {
  enabled: boolean;
  config: IndexConfig;
  models: ModelsSettings;
}

export function resolveIndexSettings(raw: unknown, warn: WarnSetting): IndexSettings {
  const section = SettingsSection.of(raw, "index", warn);
  const models = readModelsSettings(raw, () => {});
  const secrets = resolveGuardrailsConfig(
    (raw as { guardrails?: unknown } | undefined)?.guardrails,
    () => {},
  ).secrets;
  return {
    enabled: section.boolean("enabled", true),
    config: {
      ...defaultIndexConfig,
      crawl: {
        exclude: section.stringArray("exclude", defaultIndexConfig.crawl.exclude),
        maxFileBytes: section.positiveInteger("maxFileBytes", defaultIndexConfig.crawl.maxFileBytes),
      },
      secrets: secrets.enabled
        ? { entropyThreshold: secrets.entropyThreshold, allowedValues: secrets.allowedValues }
        : null,
    },
    models: {
      ...(models.models?.embedding !== undefined ? { models: { embedding: models.models.embedding } } : {}),
      ...(models.gpu !== undefined ? { gpu: models.gpu } : {}),
      ...(models.threads !== undefined ? { threads: models.threads } : {}),
      ...(models.models?.embedding && isEndpoint(models.models.embedding)
        ? { remote: embeddingRemoteSettings(models.remote ?? {}) }
        : {}),
    },
  };
}

/** The remote settings that concern the embedding role, so another role's change does not respawn index hosts. */
function embeddingRemoteSettings(remote: RemoteSettings): RemoteSettings {
  const { providers, models, fimTemplate: _fimTemplate, ...shared } = remote;
  return {
    ...shared,
    ...(providers?.embedding ? { providers: { embedding: providers.embedding } } : {}),
    ...(models?.embedding ? { models: { embedding: models.embedding } } : {}),
  };
}
