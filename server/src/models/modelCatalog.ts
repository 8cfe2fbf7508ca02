/**
 * The model catalog (`native-models/catalog.json`): the models Hearth knows by id, which roles and hardware
 * tiers each suits, where it comes from and how to prompt it. Read at run time, like `grammars/`, so a user
 * can see and edit it next to the bundled tiny models.
 */

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { findShippedFolder } from "../base/findFolderUpwards";
import type { ModelRole } from "./generationTypes";
import { ModelCatalogError } from "./modelErrors";

export const modelRoles: readonly ModelRole[] = ["completion", "draft", "chat", "embedding"];

export interface CatalogEntry {
  id: string;
  description: string;
  roles: ModelRole[];
  tiers: string[];
  /** Shipped in `native-models/` rather than downloaded. */
  bundled: boolean;
  /** `hf:<owner>/<repo>/<file>[#<branch>]` or an https URL; `null` for bundled models. */
  uri: string | null;
  /** File name inside `native-models/` (bundled) or the models directory (downloaded). */
  file: string;
  sizeBytes: number | null;
  sizeIsApproximate: boolean;
  /** Hex digest; `null` when unknown, and then a download is verified by size only. */
  sha256: string | null;
  contextLength: number;
  /** FIM family: `qwen` (PSM, `<|fim_prefix|>`...), `hearth` (SPM, `<fim_suffix>`... no middle token); `null`: none. */
  fimTemplate: string | null;
  /** Chat template family; `null` when the model is not instruction-tuned (the engine then uses the GGUF's own). */
  chatTemplate: string | null;
  /** Embedding models: what to put before a query and before a document. */
  queryPrefix?: string;
  documentPrefix?: string;
  license: string;
}

export interface CatalogTier {
  description: string;
  roles: Record<ModelRole, string | null>;
}

export interface ModelCatalog {
  version: number;
  tiers: Record<string, CatalogTier>;
  models: CatalogEntry[];
}

let nativeModelsDirectory: string | undefined;

/** `native-models/`: `HEARTH_NATIVE_MODELS_DIR` when set, else the nearest one above this module with a catalog. */
export function findNativeModelsDirectory(): string {
  nativeModelsDirectory ??= findShippedFolder(
    "native-models",
    "catalog.json",
    process.env.HEARTH_NATIVE_MODELS_DIR,
    (message) => new ModelCatalogError(message),
  );
  return nativeModelsDirectory;
}

export function loadModelCatalog(
  file = path.join(findNativeModelsDirectory(), "catalog.json"),
): ModelCatalog {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ModelCatalogError(`cannot read the model catalog ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ModelCatalogError(`the model catalog ${file} is not JSON: ${(error as Error).message}`);
  }
  const problems = catalogProblems(data);
  if (problems.length)
    throw new ModelCatalogError(`the model catalog ${file} is invalid: ${problems.join("; ")}`);
  return data as ModelCatalog;
}

/** Everything wrong with a parsed catalog, worded for a person editing the file; empty when it is valid. */
export function catalogProblems(data: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(data) || !Array.isArray(data.models) || !isObject(data.tiers)) {
    return ["expected an object with `models` (array) and `tiers` (object)"];
  }
  const ids = new Set<string>();
  for (const [index, entry] of data.models.entries()) {
    const where = isObject(entry) && typeof entry.id === "string" ? entry.id : `models[${index}]`;
    if (!isObject(entry)) {
      problems.push(`${where}: not an object`);
      continue;
    }
    for (const key of ["id", "description", "file", "license"]) {
      if (typeof entry[key] !== "string" || !entry[key])
        problems.push(`${where}: \`${key}\` must be a string`);
    }
    if (typeof entry.id === "string") {
      if (ids.has(entry.id)) problems.push(`${where}: duplicate id`);
      ids.add(entry.id);
    }
    if (!Array.isArray(entry.roles) || !entry.roles.every((role) => modelRoles.includes(role))) {
      problems.push(`${where}: \`roles\` must list roles among ${modelRoles.join(", ")}`);
    }
    if (typeof entry.bundled !== "boolean") problems.push(`${where}: \`bundled\` must be true or false`);
    if (entry.bundled === false && (typeof entry.uri !== "string" || !parseModelUri(entry.uri))) {
      problems.push(`${where}: a downloadable model needs an hf: or https: \`uri\``);
    }
    if (entry.sha256 !== null && !(typeof entry.sha256 === "string" && /^[0-9a-f]{64}$/.test(entry.sha256))) {
      problems.push(`${where}: \`sha256\` must be 64 lowercase hex digits or null`);
    }
    if (entry.sizeBytes !== null && !(typeof entry.sizeBytes === "number" && entry.sizeBytes > 0)) {
      problems.push(`${where}: \`sizeBytes\` must be a positive number or null`);
    }
    if (typeof entry.contextLength !== "number" || entry.contextLength <= 0) {
      problems.push(`${where}: \`contextLength\` must be a positive number`);
    }
  }
  for (const [name, tier] of Object.entries(data.tiers)) {
    if (!isObject(tier) || !isObject(tier.roles)) {
      problems.push(`tiers.${name}: expected { description, roles }`);
      continue;
    }
    for (const role of modelRoles) {
      const id = tier.roles[role];
      if (id === undefined) problems.push(`tiers.${name}: no entry for role ${role} (use null for none)`);
      else if (id !== null && !ids.has(id as string))
        problems.push(`tiers.${name}.${role}: unknown model ${id}`);
    }
  }
  return problems;
}

export function findCatalogEntry(catalog: ModelCatalog, id: string): CatalogEntry | undefined {
  return catalog.models.find((entry) => entry.id === id);
}

/** An https URL for a catalog URI; `hf:owner/repo/path/to/file.gguf#branch` becomes Hugging Face's resolve URL. */
export function parseModelUri(uri: string): URL | null {
  if (uri.startsWith("hf:")) {
    const [location = "", branch = "main"] = uri.slice(3).split("#");
    const parts = location.split("/");
    if (parts.length < 3 || parts.some((part) => !part)) return null;
    const [owner, repo, ...file] = parts;
    return new URL(
      `https://huggingface.co/${owner}/${repo}/resolve/${encodeURIComponent(branch)}/${file.join("/")}`,
    );
  }
  try {
    const url = new URL(uri);
    return url.protocol === "https:" || url.protocol === "http:" ? url : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
