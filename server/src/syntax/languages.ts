/**
 * The languages Hearth parses with tree-sitter, read from `grammars/manifest.json`, and how a file maps to one
 * (extension, exact file name, then the shebang's interpreter).
 */

import manifestJson from "../../../grammars/manifest.json";

export const languageIds = [
  "typescript",
  "tsx",
  "javascript",
  "python",
  "go",
  "rust",
  "java",
  "c",
  "cpp",
  "csharp",
  "ruby",
  "php",
  "bash",
] as const;

export type LanguageId = (typeof languageIds)[number];

/** One manifest entry: where a language's grammar lives and which files are written in it. */
export interface GrammarSpec {
  language: LanguageId;
  /** npm package holding both the native binding and the .wasm. */
  package: string;
  /** Path of the .wasm inside the package (web-tree-sitter backend). */
  wasm: string;
  /** Property of the package's native binding that holds the language; null when the binding is the language. */
  nativeExport: string | null;
  /** Folder under `grammars/` with this language's `definitions.scm` and `imports.scm`. */
  queries: string;
  extensions: string[];
  fileNames: string[];
  interpreters: string[];
}

type ManifestEntry = Omit<GrammarSpec, "language">;

const entries = manifestJson.languages as Record<LanguageId, ManifestEntry>;

const specs = new Map<LanguageId, GrammarSpec>(
  languageIds.map((language) => [language, { language, ...entries[language] }]),
);

const byExtension = new Map<string, LanguageId>();
const byFileName = new Map<string, LanguageId>();
const byInterpreter = new Map<string, LanguageId>();
for (const spec of specs.values()) {
  for (const extension of spec.extensions) byExtension.set(extension, spec.language);
  for (const fileName of spec.fileNames) byFileName.set(fileName, spec.language);
  for (const interpreter of spec.interpreters) byInterpreter.set(interpreter, spec.language);
}

export function isLanguageId(value: string): value is LanguageId {
  return specs.has(value as LanguageId);
}

export function grammarSpec(language: LanguageId): GrammarSpec {
  const spec = specs.get(language);
  if (!spec) throw new RangeError(`no grammar for language "${language}"`);
  return spec;
}

/**
 * The language of a file, or null when Hearth has no grammar for it.
 * `firstLine` (optional) lets extensionless scripts be recognised by their shebang.
 */
export function languageForPath(path: string, firstLine?: string): LanguageId | null {
  const fileName = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const dot = fileName.lastIndexOf(".");
  if (dot > 0) {
    const language = byExtension.get(fileName.slice(dot).toLowerCase());
    if (language) return language;
  }
  const named = byFileName.get(fileName);
  if (named) return named;
  return firstLine === undefined ? null : languageForShebang(firstLine);
}

/** `#!/usr/bin/env python3`, `#!/bin/bash -e`, `#!/usr/bin/env -S node --flag` -> the interpreter's language. */
export function languageForShebang(firstLine: string): LanguageId | null {
  const match = /^#!\s*(\S+)(.*)$/.exec(firstLine);
  if (!match) return null;
  let program = match[1]!;
  if (program.endsWith("/env")) {
    const words = match[2]!.trim().split(/\s+/);
    program = words.find((word) => word !== "" && !word.startsWith("-") && !word.includes("=")) ?? "";
  }
  const interpreter = program.slice(program.lastIndexOf("/") + 1).replace(/[\d.]+$/, "");
  return byInterpreter.get(interpreter) ?? null;
}
