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

test("node-llama-cpp is imported for its values only by llamaCppModule.ts, when a model is first loaded", () => {
  // A value import anywhere else makes every process (the server before `initialize`, each index host,
  // `hearth --version`) load it at start.
  const offenders: string[] = [];
  for (const file of readdirSync("server/src/models", { recursive: true, encoding: "utf8" })) {
    if (!/\.(ts|mts)$/.test(file) || file.endsWith(".test.ts") || file === "llamaCppModule.ts") continue;
    const text = readFileSync(path.join("server/src/models", file), "utf8");
    for (const statement of text.matchAll(
      /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+["']node-llama-cpp["']/gm,
    )) {
      const names = statement[2]!
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean);
      if (!statement[1] && names.some((name) => !name.startsWith("type "))) offenders.push(file);
    }
    if (
      /^import\s+(?!type\b)[\w*]/m.test(text) &&
      /^import\s+(?!type\b)[^{]*from\s+["']node-llama-cpp["']/m.test(text)
    )
      offenders.push(file);
  }
  assert.deepEqual(offenders, []);
});
