/**
 * Names the files that hold saved KV states of fixed prompt prefixes (a chat system prompt, say). llama.cpp
 * may crash when a state from another model is loaded, so the name hashes the model file's identity (path,
 * size, modification time), the context's KV layout and the prefix tokens: a changed model never matches.
 */

import { createHash } from "node:crypto";
import * as path from "node:path";

export interface StateIdentity {
  modelPath: string;
  modelSizeBytes: number;
  modelModifiedMs: number;
  contextSize: number;
  kvCacheTypes: string;
}

export function prefixStateFile(
  directory: string,
  identity: StateIdentity,
  tokens: readonly number[],
): string {
  const hash = createHash("sha256");
  hash.update(
    JSON.stringify([
      identity.modelPath,
      identity.modelSizeBytes,
      Math.round(identity.modelModifiedMs),
      identity.contextSize,
      identity.kvCacheTypes,
    ]),
  );
  hash.update(Uint32Array.from(tokens));
  return path.join(
    directory,
    `${path.basename(identity.modelPath, ".gguf")}-${hash.digest("hex").slice(0, 32)}.kv`,
  );
}
