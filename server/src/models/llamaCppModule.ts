/**
 * node-llama-cpp, imported when a model is first needed rather than when Hearth starts. Its import alone
 * costs about 0.7 s of CPU (measured on the project's 2-core machines), which a static import made every
 * process pay before doing anything: the language server before answering `initialize`, each index host,
 * and every `hearth` command, including those that never load a model.
 */

type LlamaCpp = typeof import("node-llama-cpp");

let importing: Promise<LlamaCpp> | undefined;
let imported: LlamaCpp | undefined;

/** Imports node-llama-cpp once; every path that loads a model awaits this first. */
export function importLlamaCpp(): Promise<LlamaCpp> {
  importing ??= import("node-llama-cpp").then((module) => {
    imported = module;
    return module;
  });
  return importing;
}

/** The module, for synchronous code that only runs once a model is loaded (so the import has finished). */
export function loadedLlamaCpp(): LlamaCpp {
  if (!imported) throw new Error("node-llama-cpp was used before a model was loaded");
  return imported;
}
