/** The inference layer's boundary: nothing outside `server/src/models/` imports node-llama-cpp. */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

test("only server/src/models/ imports node-llama-cpp", () => {
  const offenders: string[] = [];
  for (const root of ["server/src", "client/src"]) {
    for (const file of readdirSync(root, { recursive: true, encoding: "utf8" })) {
      const full = path.join(root, file);
      if (!/\.(ts|mts)$/.test(file) || full.startsWith(path.join("server/src/models") + path.sep)) continue;
      if (
        /from\s+["']node-llama-cpp|import\(\s*["']node-llama-cpp|require\(\s*["']node-llama-cpp/.test(
          readFileSync(full, "utf8"),
        )
      ) {
        offenders.push(full);
      }
    }
  }
  assert.deepEqual(offenders, []);
});
