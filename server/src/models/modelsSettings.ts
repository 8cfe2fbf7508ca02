/**
 * The `hearth.models.*` settings read into `ModelsSettings`: per role a catalog id, a `.gguf` path, `none`, or
 * a remote engine's `http(s)://` address, with `providers.<role>`, `remoteModels.<role>` and `remote.*`
 * saying how to talk to it.
 */

import { SettingsSection, type WarnSetting } from "../base/settingsReader";
import type { ModelRole } from "./generationTypes";
import { modelRoles } from "./modelCatalog";
import { defaultRemoteTimeoutSeconds, type ModelsSettings, type RemoteSettings } from "./modelsConfig";
import {
  isEndpoint,
  normaliseEndpoint,
  type RemoteEndpointError,
  remoteProviders,
} from "./remote/remoteConfig";

const gpuChoices = ["auto", "cpu", "cuda", "vulkan", "metal"] as const;

export function readModelsSettings(raw: unknown, warn: WarnSetting): ModelsSettings {
  const section = SettingsSection.of(raw, "models", warn);
  const models: Partial<Record<ModelRole, string | null>> = {};
  for (const role of modelRoles) {
    const value = section.optionalString(role)?.trim();
    if (value === undefined || value === "") continue;
    if (!isEndpoint(value)) {
      models[role] = value === "none" ? null : value;
    } else if (role === "draft") {
      warn(
        "setting hearth.models.draft: a remote engine drafts for itself (llama-server --model-draft, vLLM " +
          "speculative_config); the local draft model is off",
      );
      models[role] = null;
    } else {
      try {
        normaliseEndpoint(value);
        models[role] = value;
      } catch (error) {
        warn(`setting hearth.models.${role}: ${(error as RemoteEndpointError).message}; the role is off`);
        models[role] = null;
      }
    }
  }
  const gpu = section.oneOf("gpu", gpuChoices, "auto");
  const threads = section.positiveInteger("threads", 0);
  return {
    models,
    gpu: gpu === "cpu" ? false : gpu,
    ...(threads > 0 ? { threads } : {}),
    remote: readRemoteSettings(section, warn),
  };
}

function readRemoteSettings(models: SettingsSection, warn: WarnSetting): RemoteSettings {
  const nested = (key: string) =>
    SettingsSection.of({ [`models.${key}`]: models.raw(key) }, `models.${key}`, warn);
  const providers = nested("providers");
  const names = nested("remoteModels");
  const remote = nested("remote");
  const settings: RemoteSettings = { providers: {}, models: {} };
  for (const role of modelRoles) {
    const provider = providers.oneOf(role, remoteProviders, undefined);
    if (provider) settings.providers![role] = provider;
    const name = names.optionalString(role)?.trim();
    if (name) settings.models![role] = name;
  }
  const fimTemplate = remote.optionalString("fimTemplate");
  if (fimTemplate && fimTemplate !== "auto") settings.fimTemplate = fimTemplate;
  if (remote.raw("timeoutSeconds") !== undefined) {
    settings.timeoutSeconds = remote.boundedNumber("timeoutSeconds", 1, 600, defaultRemoteTimeoutSeconds);
  }
  const caFile = remote.optionalString("caFile");
  if (caFile) settings.caFile = caFile;
  return settings;
}
