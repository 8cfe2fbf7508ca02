/**
 * Where model files are: a role's setting (catalog id or path) resolved to a file, and which catalog models
 * are present on this machine (bundled in `native-models/` or downloaded to the models directory).
 */

import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import type { ModelRole } from "./generationTypes";
import { type CatalogEntry, findCatalogEntry, type ModelCatalog } from "./modelCatalog";
import { ModelCatalogError } from "./modelErrors";
import { isModelPath } from "./modelsConfig";

export interface ModelLocations {
  catalog: ModelCatalog;
  modelsDirectory: string;
  nativeModelsDirectory: string;
}

export interface ResolvedModelFile {
  /** The catalog id, or `null` for a model configured by path. */
  id: string | null;
  path: string;
  entry: CatalogEntry | null;
  /** How to get the file when it is missing, for error messages. */
  remedy: string;
}

export function catalogEntryPath(entry: CatalogEntry, locations: ModelLocations): string {
  return path.join(entry.bundled ? locations.nativeModelsDirectory : locations.modelsDirectory, entry.file);
}

/** Resolves a role's model setting; throws `ModelCatalogError` for an id the catalog does not know. */
export function resolveModelFile(
  model: string,
  role: ModelRole,
  locations: ModelLocations,
): ResolvedModelFile {
  const pathHint = `or set the ${role} model to the path of a local .gguf file`;
  if (isModelPath(model)) {
    return { id: null, path: path.resolve(model), entry: null, remedy: `check the path, ${pathHint}` };
  }
  const entry = findCatalogEntry(locations.catalog, model);
  if (!entry) {
    const known = locations.catalog.models.map((candidate) => candidate.id).join(", ");
    throw new ModelCatalogError(`unknown model id "${model}" for ${role}; known: ${known}; ${pathHint}`);
  }
  const remedy = entry.bundled
    ? `Hearth's bundled models are built by native-models/train (see its README), ${pathHint}`
    : `run \`hearth models pull ${entry.id}\`, ${pathHint}`;
  return { id: entry.id, path: catalogEntryPath(entry, locations), entry, remedy };
}

export interface InstalledModel {
  id: string | null;
  path: string;
  sizeBytes: number;
  bundled: boolean;
}

/** Catalog models present on disk, plus any other `.gguf` in the models directory. */
export function listInstalledModels(locations: ModelLocations): InstalledModel[] {
  const installed: InstalledModel[] = [];
  const known = new Set<string>();
  for (const entry of locations.catalog.models) {
    const file = catalogEntryPath(entry, locations);
    known.add(file);
    const size = fileSize(file);
    if (size !== null) installed.push({ id: entry.id, path: file, sizeBytes: size, bundled: entry.bundled });
  }
  if (existsSync(locations.modelsDirectory)) {
    for (const name of readdirSync(locations.modelsDirectory)) {
      const file = path.join(locations.modelsDirectory, name);
      const size = name.endsWith(".gguf") && !known.has(file) ? fileSize(file) : null;
      if (size !== null) installed.push({ id: null, path: file, sizeBytes: size, bundled: false });
    }
  }
  return installed;
}

function fileSize(file: string): number | null {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : null;
  } catch {
    return null;
  }
}
