/** Assembles `HearthStatus` from the parts each capability reports. */

import { hearthVersion } from "../base/buildInfo";
import type {
  BackendStatus,
  CompletionStatus,
  HearthStatus,
  IndexStatus,
  ModelStatus,
  NativeModuleStatus,
} from "../protocol";

/** What capabilities contribute to the status; each is `null` or empty until it exists. */
export interface StatusSources {
  nativeModules: NativeModuleStatus[];
  backend(): BackendStatus | null;
  models(): ModelStatus[] | null;
  indexes(): IndexStatus[];
  completion(): CompletionStatus | null;
}

const startedAt = new Date();

export function collectStatus(sources: StatusSources): HearthStatus {
  return {
    version: hearthVersion,
    server: {
      pid: process.pid,
      node: process.version,
      nodeAbi: process.versions.modules,
      platform: process.platform,
      arch: process.arch,
      startedAt: startedAt.toISOString(),
      uptimeMs: Date.now() - startedAt.getTime(),
    },
    nativeModules: sources.nativeModules,
    backend: sources.backend(),
    models: sources.models(),
    indexes: sources.indexes(),
    completion: sources.completion(),
  };
}
