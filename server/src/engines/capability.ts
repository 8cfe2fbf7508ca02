/**
 * Remote engines, as a capability: keeps the API keys the editor sends (`hearth/engines/setApiKey`) in the
 * core's in-memory `RemoteCredentials`, which every engine and index host reads when it calls a server. Where
 * each role runs and whether its server answers is the models part of `hearth/status` (`health/`).
 */

import type { Logger } from "../base/logger";
import { type CapabilityModule, onNotification } from "../capability/capability";
import { type RemoteCredentials, RemoteEndpointError } from "../models";
import { setApiKeyNotification } from "../protocol";

export interface EnginesServices {
  readonly credentials: RemoteCredentials;
  readonly logger: Logger;
}

export const enginesCapability: CapabilityModule<EnginesServices, null> = {
  name: "engines",
  settingsSections: [],
  resolveSettings: () => null,
  start({ credentials, logger }) {
    return {
      notifications: [
        onNotification(setApiKeyNotification, ({ endpoint, key }) => {
          try {
            credentials.set(endpoint, key);
            // The key itself is never logged.
            logger.info(`remote engine ${endpoint}: API key ${key ? "set" : "removed"}`);
          } catch (error) {
            if (!(error instanceof RemoteEndpointError)) throw error;
            logger.warn(`ignored an API key: ${error.message}`);
          }
        }),
      ],
      dispose: () => {},
    };
  },
};
