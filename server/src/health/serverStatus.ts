/**
 * The part of `hearth/status` that is about the server process itself (version, runtime, native modules), and
 * the empty status every capability's part is merged into.
 */

import { hearthVersion } from "../base/buildInfo";
import type { HearthStatus, NativeModuleStatus } from "../protocol";

const startedAt = new Date();

/** The status before any capability has said anything: no models, no indexes, no counters. */
export function baseStatus(nativeModules: NativeModuleStatus[]): HearthStatus {
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
    nativeModules,
    backend: null,
    models: null,
    indexes: [],
    completion: null,
  };
}
