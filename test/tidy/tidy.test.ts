/**
 * Tidy checks: the invariants ARCHITECTURE.md states as absences, checked on the source tree: the code map
 * matches the folders, the import table in "Layers" holds for every import between server folders, there are
 * no import cycles between files, and every source file says what it is for.
 */

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const architecture = readFileSync("ARCHITECTURE.md", "utf8");

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .filter(
      (file) => /\.(ts|mts)$/.test(file) && !file.includes("node_modules") && !file.startsWith("fixtures"),
    )
    .map((file) => path.join(directory, file));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)["']([^"']+)["']/g)].map(
    (match) => match[1]!,
  );
}

/** The file a relative import points at, or `undefined` for packages. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.join(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return base;
}

/** The layer unit a server file belongs to: its folder under server/src (`completion/pipeline` on its own). */
function unitOf(file: string): string {
  const relative = path.relative("server/src", file).split(path.sep);
  if (relative.length === 1) return relative[0]!.replace(/\.ts$/, "");
  if (relative[0] === "completion" && relative[1] === "pipeline") return "completion/pipeline";
  return relative[0]!;
}

/** ARCHITECTURE.md's "Layers" table: each unit and the units it may import. */
function layerTable(): Map<string, Set<string>> {
  const section = architecture.split("## Layers")[1]?.split("\n## ")[0] ?? "";
  const table = new Map<string, Set<string>>();
  for (const match of section.matchAll(/^\| `([^`]+)` \| ([^|]*) \|/gm)) {
    const allowed = [...match[2]!.matchAll(/`([^`]+)`/g)].map((item) => item[1]!);
    table.set(match[1]!, new Set(allowed));
  }
  return table;
}

/**
 * Imports the table forbids that are still there. This list may only shrink: fix the import instead of
 * adding to it.
 */
const knownLayerExceptions: string[] = [];

/** Import cycles between files that are still there (type-only ones). May only shrink. */
const knownCycles = [
  "server/src/store/database.ts -> server/src/store/migrations.ts",
  "server/src/syntax/chunkPlanner.ts -> server/src/syntax/syntaxOutline.ts",
];

test("every server/src folder has a section in ARCHITECTURE.md's code map, and every section a folder", () => {
  const folders = readdirSync("server/src").filter((entry) =>
    statSync(path.join("server/src", entry)).isDirectory(),
  );
  const mapped = [...architecture.matchAll(/^### `server\/src\/([^/`]+)\/`/gm)].map((match) => match[1]!);
  assert.deepEqual([...folders].sort(), [...mapped].sort());
});

test("ARCHITECTURE.md's layer table names every server unit", () => {
  const table = layerTable();
  const units = new Set(sourceFiles("server/src").map(unitOf));
  assert.deepEqual([...units].filter((unit) => !table.has(unit)).sort(), []);
  assert.deepEqual([...table.keys()].filter((unit) => !units.has(unit)).sort(), []);
});

test("every import between server folders is one the layer table allows", () => {
  const table = layerTable();
  const offenders = sourceFiles("server/src").flatMap((file) => {
    const unit = unitOf(file);
    return importsOf(file).flatMap((specifier) => {
      const target = resolveImport(file, specifier);
      if (!target || !target.startsWith(path.join("server/src"))) return [];
      const targetUnit = unitOf(target);
      if (targetUnit === unit || table.get(unit)?.has(targetUnit)) return [];
      return [`${file} -> ${targetUnit}`];
    });
  });
  assert.deepEqual(
    offenders.filter((offender) => !knownLayerExceptions.includes(offender)),
    [],
    "an import the layer table in ARCHITECTURE.md does not allow",
  );
  assert.deepEqual(
    knownLayerExceptions.filter((exception) => !offenders.includes(exception)),
    [],
    "an exception that no longer occurs: remove it from knownLayerExceptions",
  );
});

test("no import cycles between files", () => {
  const files = [...sourceFiles("server/src"), ...sourceFiles("client/src")].filter(
    (file) => !file.endsWith(".test.ts"),
  );
  const edges = new Map(
    files.map((file) => [
      file,
      importsOf(file)
        .map((specifier) => resolveImport(file, specifier))
        .filter((target): target is string => target !== undefined && files.includes(target)),
    ]),
  );
  const cycles: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (file: string, trail: string[]) => {
    state.set(file, "visiting");
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === "visiting") {
        const cycle = [...trail.slice(trail.indexOf(next)), file].sort();
        cycles.push(`${cycle[0]} -> ${cycle[1]}`);
      } else if (!state.has(next)) {
        visit(next, [...trail, file]);
      }
    }
    state.set(file, "done");
  };
  for (const file of files) if (!state.has(file)) visit(file, []);
  assert.deepEqual([...new Set(cycles)].filter((cycle) => !knownCycles.includes(cycle)).sort(), []);
  assert.deepEqual(
    knownCycles.filter((cycle) => !cycles.includes(cycle)),
    [],
    "a cycle that no longer occurs: remove it from knownCycles",
  );
});

test("the server never imports vscode", () => {
  const offenders = sourceFiles("server/src").filter((file) => importsOf(file).includes("vscode"));
  assert.deepEqual(offenders, []);
});

test("the client imports nothing from server/ except protocol/, guardrails/ and the pure base/ helpers", () => {
  const offenders = sourceFiles("client/src").flatMap((file) =>
    importsOf(file)
      .filter(
        (specifier) =>
          specifier.includes("server/") &&
          !/server\/src\/(protocol(\/|$)|guardrails(\/|$)|base\/(numbers|editSimilarity)$)/.test(specifier),
      )
      .map((specifier) => `${file} -> ${specifier}`),
  );
  assert.deepEqual(offenders, []);
});

/** Files that speak LSP as a client, not as the server (the completion benchmark drives a real server). */
const lspClients = [path.join("server/src/bench/completionBench.ts")];

test("only server/src/lsp/ and the server's entry import vscode-languageserver", () => {
  const offenders = sourceFiles("server/src").filter(
    (file) =>
      !file.startsWith(path.join("server/src/lsp")) &&
      file !== path.join("server/src/main.ts") &&
      !lspClients.includes(file) &&
      importsOf(file).some((specifier) => specifier.startsWith("vscode-languageserver")),
  );
  assert.deepEqual(offenders, []);
});

test("protocol/ holds declarations only: it imports its own files, zod and vscode-jsonrpc", () => {
  const offenders = sourceFiles("server/src/protocol").flatMap((file) =>
    importsOf(file)
      .filter(
        (specifier) => !specifier.startsWith("./") && specifier !== "zod" && specifier !== "vscode-jsonrpc",
      )
      .map((specifier) => `${file} -> ${specifier}`),
  );
  assert.deepEqual(offenders, []);
});

test("no bare hearth/ method strings in the product outside protocol/", () => {
  const offenders = [...sourceFiles("server/src"), ...sourceFiles("client/src")]
    .filter((file) => !file.startsWith(path.join("server/src/protocol")) && !file.endsWith(".test.ts"))
    .filter((file) => /["']hearth\/[a-z]/.test(readFileSync(file, "utf8")));
  assert.deepEqual(offenders, []);
});

test("every source file starts with a comment saying what it is for", () => {
  const files = [...sourceFiles("server/src"), ...sourceFiles("client/src"), ...sourceFiles("test")];
  const offenders = files.filter((file) => !/^(\/\*\*|\/\/)/.test(readFileSync(file, "utf8")));
  assert.deepEqual(offenders, []);
});
