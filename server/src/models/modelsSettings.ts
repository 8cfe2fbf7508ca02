/** The `hearth.models.*` settings read into `ModelsSettings` (per role: catalog id, `.gguf` path or `none`). */

import { SettingsSection, type WarnSetting } from "../base/settingsReader";
import type { ModelRole } from "./generationTypes";
import { modelRoles } from "./modelCatalog";
import type { ModelsSettings } from "./modelsConfig";

const gpuChoices = ["auto", "cpu", "cuda", "vulkan", "metal"] as const;

export function readModelsSettings(raw: unknown, warn: WarnSetting): ModelsSettings {
  const section = SettingsSection.of(raw, "models", warn);
  const models: Partial<Record<ModelRole, string | null>> = {};
  for (const role of modelRoles) {
    const value = section.optionalString(role);
    if (value !== undefined) models[role] = value === "none" ? null : value;
  }
  const gpu = section.oneOf("gpu", gpuChoices, "auto");
  const threads = section.positiveInteger("threads", 0);
  return { models, gpu: gpu === "cpu" ? false : gpu, ...(threads > 0 ? { threads } : {}) };
}
