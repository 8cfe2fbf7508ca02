/**
 * Builds `identifierCorpus.json`: real completions of Hearth's bundled tiny model on masked spans of real
 * code (Python packages of the system's standard library and Hearth's own TypeScript), each identifier in
 * them labelled `real` (it occurs somewhere in the whole standard library or TypeScript's and Node's type
 * declarations, or is a built-in) or `hallucinated` (it occurs nowhere). The labels use a far bigger
 * vocabulary than the unknown-identifier check is given (the workspace's definitions and imports), so the
 * eval measures what the check gets wrong, not the check against itself. Node only (model, files). Run:
 *   npx esbuild test/guardrails/generateIdentifierCorpus.ts --bundle --platform=node \
 *     --format=esm --packages=external --outfile=/tmp/gic.mjs && node /tmp/gic.mjs server/src/guardrails/testdata
 */

import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { seededRandom } from "../../server/src/base/numbers";
import { stderrLogger } from "../../server/src/cli/cliEngine";
import { completionCapability } from "../../server/src/completion/capability";
import { createCore } from "../../server/src/core/createCore";
import { pickMaskedSpans } from "../../server/src/eval/maskedSpans";
import type { IdentifierCase, IdentifierCorpus } from "../../server/src/guardrails/guardrailsEval";
import { languageBuiltins } from "../../server/src/guardrails/languageBuiltins";
import { stripStringsAndComments } from "../../server/src/guardrails/unknownIdentifiers";
import { createParserBackend, definitions, importedNames, type LanguageId } from "../../server/src/syntax";

const seed = 7;
const outputFolder = process.argv[2];
if (!outputFolder) {
  process.stderr.write("usage: node gic.mjs <output folder>\n");
  process.exit(2);
}

interface Workspace {
  language: LanguageId;
  /** Folders the completer's index would cover: their definitions and imports are the known names. */
  folders: string[];
  /** Where the labels' vocabulary comes from. */
  vocabularyFiles: string[];
  extension: string;
  files: number;
}

const python = "/usr/lib/python3.11";
const workspaces: Workspace[] = [
  {
    language: "python",
    folders: ["email", "json", "http", "logging", "concurrent/futures", "urllib"].map((folder) =>
      path.join(python, folder),
    ),
    vocabularyFiles: listFiles(python, ".py"),
    extension: ".py",
    files: 24,
  },
  {
    language: "typescript",
    folders: ["server/src"],
    vocabularyFiles: [
      ...listFiles("server/src", ".ts"),
      ...listFiles("node_modules/@types/node", ".d.ts"),
      ...listFiles("node_modules/typescript/lib", ".d.ts").filter((file) =>
        /lib\.(es|dom|decorators)/.test(file),
      ),
      ...listFiles("node_modules/vscode-languageserver", ".d.ts"),
      ...listFiles("node_modules/commander", ".d.ts"),
    ],
    extension: ".ts",
    files: 16,
  },
];

function listFiles(root: string, extension: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((entry) => entry.endsWith(extension) && !entry.includes("test"))
    .map((entry) => path.join(root, entry))
    .filter((file) => statSync(file).isFile())
    .sort();
}

const logger = stderrLogger();
const core = await createCore({
  roots: [],
  settings: { completion: { crossFileContext: false, cache: false, debounce: false } },
  logger,
  feedbackDatabase: null,
});
const completer = core.capability(completionCapability)!;
const backend = createParserBackend({ logger });
const random = seededRandom(seed);
const cases: IdentifierCase[] = [];
const workspaceSymbols = new Set<string>();

try {
  for (const workspace of workspaces) {
    const workspaceFiles = workspace.folders.flatMap((folder) => listFiles(folder, workspace.extension));
    for (const file of workspaceFiles) {
      const tree = await backend.parse(workspace.language, readFileSync(file, "utf8"));
      for (const definition of definitions(tree)) workspaceSymbols.add(definition.name);
      for (const imported of importedNames(tree)) workspaceSymbols.add(imported.name);
      tree.dispose();
    }
    const vocabulary = new Set<string>();
    for (const file of workspace.vocabularyFiles) {
      for (const name of readFileSync(file, "utf8").match(/[A-Za-z_$][\w$]*/g) ?? []) vocabulary.add(name);
    }
    const builtins = languageBuiltins(workspace.language)!;
    const sampled = shuffle(
      workspaceFiles.filter((file) => statSync(file).size > 1500 && statSync(file).size < 60_000),
      random,
    )
      .slice(0, workspace.files)
      .map((file) => ({ path: file, text: readFileSync(file, "utf8") }));
    const spans = pickMaskedSpans(sampled, random);
    for (const [index, span] of spans.entries()) {
      const answer = await completer.completeOnce({
        uri: `file://${span.path}`,
        path: span.path,
        repoName: "eval",
        language: workspace.language,
        text: span.maskedText,
        offset: span.offset,
        trigger: "invoked",
      });
      const completion = answer?.text ?? "";
      if (!completion.trim()) continue;
      const prefix = span.maskedText.slice(Math.max(0, span.offset - 1500), span.offset);
      const suffix = span.maskedText.slice(span.offset, span.offset + 500);
      // Lexed after its prefix, so a completion that continues a string or a comment labels no prose.
      const lexed = stripStringsAndComments(prefix + completion, workspace.language).slice(prefix.length);
      const names = new Set(lexed.match(/[A-Za-z_$][\w$]*/g) ?? []);
      const real: string[] = [];
      const hallucinated: string[] = [];
      for (const name of names) {
        if (builtins.has(name)) continue;
        (vocabulary.has(name) ? real : hallucinated).push(name);
      }
      if (real.length + hallucinated.length === 0) continue;
      cases.push({
        id: `${workspace.language}-${index}`,
        language: workspace.language,
        prefix,
        suffix,
        completion,
        expected: span.expected,
        hallucinated,
        real,
      });
      process.stderr.write(`\r${workspace.language} ${index + 1}/${spans.length}`);
    }
    process.stderr.write("\n");
  }
} finally {
  await core.dispose();
}

const corpus: IdentifierCorpus = {
  source:
    "Python standard library packages (email, json, http, logging, concurrent.futures, urllib) and Hearth's server/src",
  model: "hearth-tiny-code.gguf",
  seed,
  workspaceSymbols: [...workspaceSymbols].sort(),
  cases,
};
writeFileSync(path.join(outputFolder, "identifierCorpus.json"), `${JSON.stringify(corpus, null, 1)}\n`);
process.stderr.write(`${cases.length} completions written\n`);

function shuffle<T>(items: T[], next: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
