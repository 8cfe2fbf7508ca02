/**
 * The models part of `hearth/status`: the inference backend and each role's model, as the engine reports
 * them. The request itself is answered by the core, which merges every capability's part.
 */

import type { CapabilityModule } from "../capability/capability";
import type { BackendStatus, ModelEngine, ModelStatus } from "../models";
import type { BackendStatus as BackendStatusInfo, ModelStatus as ModelStatusInfo } from "../protocol";

export interface HealthServices {
  /** Read at each status request: the core replaces the engine when the GPU or thread settings change. */
  readonly engine: ModelEngine;
}

export const healthCapability: CapabilityModule<HealthServices, null> = {
  name: "health",
  settingsSections: [],
  resolveSettings: () => null,
  start(services) {
    return {
      status: () => {
        const engine = services.engine;
        return {
          backend: backendToProtocol(engine.backendStatus()),
          models: engine.modelStatuses().map(modelToProtocol),
        };
      },
      dispose: () => {},
    };
  },
};

function backendToProtocol(status: BackendStatus | null): BackendStatusInfo | null {
  return status && { ...status };
}

function modelToProtocol(status: ModelStatus): ModelStatusInfo {
  return { ...status, ...(status.lastRequest ? { lastRequest: { ...status.lastRequest } } : {}) };
}
