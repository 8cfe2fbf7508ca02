/**
 * The folder's invariant, checked on its source: apart from `reviewSources.ts` (disk and git),
 * `loadBugDetector.ts` (the model file), `reviewTools.ts` (the model pass's tools) and `capability.ts` (the
 * server's wiring), review logic imports nothing that does I/O, speaks LSP or loads a
 * native package; the syntax layer comes in through types only.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const folder = "server/src/review";
const ioFiles = new Set(["reviewSources.ts", "loadBugDetector.ts", "reviewTools.ts", "capability.ts"]);

const sources = readdirSync(folder)
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !ioFiles.has(file))
  .map((file) => path.join(folder, file));

function imports(file: string): { specifier: string; typeOnly: boolean }[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^(import|export)(\s+type)?[^;]*?from\s+["']([^"']+)["']/gms)].map((match) => ({
    specifier: match[3]!,
    typeOnly: !!match[2],
  }));
}

test("pure review sources import no node:* module, no package and no I/O module of the folder", () => {
  assert.ok(sources.length >= 12, `found ${sources.length} sources`);
  const offenders = sources.flatMap((file) =>
    imports(file)
      .filter(({ specifier, typeOnly }) => {
        if (typeOnly) return false;
        if (!specifier.startsWith(".")) return true;
        return [...ioFiles].some((io) => specifier === `./${io.replace(/\.ts$/, "")}`);
      })
      .map(({ specifier }) => `${file} -> ${specifier}`),
  );
  assert.deepEqual(offenders, []);
});

test("the syntax layer is imported for types only", () => {
  const offenders = sources.flatMap((file) =>
    imports(file)
      .filter(({ specifier, typeOnly }) => specifier.startsWith("../syntax") && !typeOnly)
      .map(({ specifier }) => `${file} -> ${specifier}`),
  );
  assert.deepEqual(offenders, []);
});
