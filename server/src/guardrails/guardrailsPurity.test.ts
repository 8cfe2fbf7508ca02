/**
 * The folder's invariant, checked on its source: the policy module is shared with the VS Code client, so its
 * sources (tests and corpus tools aside) import no Node module, nothing native and nothing else from the
 * server; only `parseCheck.ts` may import `syntax/`, and only its types. `capability.ts` (the server's wiring,
 * which the client never imports) is left out.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const folder = "server/src/guardrails";

const sources = readdirSync(folder, { encoding: "utf8" })
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && file !== "capability.ts")
  .map((file) => path.join(folder, file));

function imports(file: string): { specifier: string; typeOnly: boolean }[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(/(import\s+type\b[^;]*?|import\b[^;]*?|export\b[^;]*?)from\s+["']([^"']+)["']/g),
  ].map((match) => ({
    specifier: match[2]!,
    typeOnly: match[1]!.startsWith("import type"),
  }));
}

test("guardrails sources import only each other, their JSON corpora, and syntax types in parseCheck.ts", () => {
  assert.ok(sources.length >= 10, `found ${sources.length} sources`);
  const offenders = sources.flatMap((file) =>
    imports(file)
      .filter(({ specifier, typeOnly }) => {
        if (specifier.startsWith("./") && !specifier.includes("/testdata/writeCorpora")) return false;
        return !(path.basename(file) === "parseCheck.ts" && specifier === "../syntax" && typeOnly);
      })
      .map(({ specifier }) => `${file} -> ${specifier}`),
  );
  assert.deepEqual(offenders, []);
});
