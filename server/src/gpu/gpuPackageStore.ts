/**
 * Where on-demand GPU packages live (Hearth's cache folder, never the extension's own folder, which an update
 * replaces) and how node-llama-cpp finds them there.
 *
 * node-llama-cpp 3.21.1 looks for a prebuilt backend in two places (`getPrebuiltBinaryPath` in its
 * `bindings/utils/compileLLamaCpp.js`): its own `bins/<name>/` folder, then a bare
 * `import("@node-llama-cpp/linux-x64-cuda")` (and `-cuda-ext`), accepted only when that package's
 * `getBinsDir()` reports node-llama-cpp's own version. A bare import only searches `node_modules` folders
 * above node-llama-cpp, so for packages in the cache this module registers a Node module-resolution hook
 * (`module.register`) that maps exactly those package names to their folders here. Nothing is registered
 * when none is installed.
 */

import { existsSync, readFileSync } from "node:fs";
import { register } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { hearthCacheFolder } from "../base/cacheFolder";
import { cudaPackagesFor, nodeLlamaCppVersion } from "./cudaPackages";

export interface InstalledGpuPackage {
  name: string;
  folder: string;
  /** The file URL a bare import of `name` resolves to. */
  entryUrl: string;
}

/** The folder that holds a `node_modules/` tree of GPU packages for this node-llama-cpp release. */
export function gpuPackagesRoot(cacheFolder: string = hearthCacheFolder()): string {
  return path.join(cacheFolder, "gpu", `node-llama-cpp-${nodeLlamaCppVersion}`);
}

export function gpuPackageFolder(name: string, cacheFolder: string = hearthCacheFolder()): string {
  return path.join(gpuPackagesRoot(cacheFolder), "node_modules", ...name.split("/"));
}

/** The packages among `names` that are fully installed (renamed into place) with the pinned version. */
export function installedGpuPackages(names: string[], cacheFolder: string = hearthCacheFolder()) {
  const installed: InstalledGpuPackage[] = [];
  for (const name of names) {
    const folder = gpuPackageFolder(name, cacheFolder);
    const manifestFile = path.join(folder, "package.json");
    if (!existsSync(manifestFile)) continue;
    try {
      const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { name?: string; version?: string };
      if (manifest.name !== name || manifest.version !== nodeLlamaCppVersion) continue;
      const entry = packageEntry(manifest as Record<string, unknown>);
      installed.push({ name, folder, entryUrl: pathToFileURL(path.join(folder, entry)).href });
    } catch {}
  }
  return installed;
}

export interface GpuSupportStatus {
  platform: string;
  arch: string;
  nodeLlamaCppVersion: string;
  /** An NVIDIA driver is loaded (Linux) or installed (Windows). */
  nvidiaGpu: boolean;
  cuda: {
    /** The packages this platform needs; null where node-llama-cpp publishes no CUDA build. */
    packages: string[] | null;
    installed: string[];
    /** Every needed package is installed. */
    ready: boolean;
    folder: string;
  };
}

export function gpuSupportStatus(cacheFolder: string = hearthCacheFolder()): GpuSupportStatus {
  const packages = cudaPackagesFor(process.platform, process.arch);
  const installed = installedGpuPackages(packages ?? [], cacheFolder).map((entry) => entry.name);
  return {
    platform: process.platform,
    arch: process.arch,
    nodeLlamaCppVersion,
    nvidiaGpu: detectNvidiaGpu(),
    cuda: {
      packages,
      installed,
      ready: packages !== null && installed.length === packages.length,
      folder: gpuPackagesRoot(cacheFolder),
    },
  };
}

/**
 * Makes node-llama-cpp's bare imports of the installed GPU packages resolve to the cache. Call once per
 * process, before the first `getLlama`. Returns the package names it mapped.
 */
export function registerInstalledGpuPackages(cacheFolder: string = hearthCacheFolder()): string[] {
  const names = cudaPackagesFor(process.platform, process.arch);
  const installed = installedGpuPackages(names ?? [], cacheFolder);
  if (installed.length === 0) return [];
  const mapping = Object.fromEntries(installed.map((entry) => [entry.name, entry.entryUrl]));
  register(`data:text/javascript,${encodeURIComponent(resolveHookSource)}`, { data: { mapping } });
  return installed.map((entry) => entry.name);
}

/** The hook module, run by Node on its loader thread: exact package names only, everything else untouched. */
const resolveHookSource = `
let mapping = {};
export function initialize(data) { mapping = data.mapping; }
export async function resolve(specifier, context, nextResolve) {
  const url = Object.hasOwn(mapping, specifier) ? mapping[specifier] : undefined;
  return url ? { url, shortCircuit: true } : nextResolve(specifier, context);
}
`;

function packageEntry(manifest: Record<string, unknown>): string {
  const exported = (manifest.exports as Record<string, Record<string, string>> | undefined)?.["."];
  return exported?.import ?? exported?.default ?? (manifest.main as string | undefined) ?? "index.js";
}

/** Linux: the NVIDIA kernel driver is loaded. Windows: the driver's nvidia-smi is installed. */
export function detectNvidiaGpu(): boolean {
  if (process.platform === "linux") return existsSync("/proc/driver/nvidia/version");
  if (process.platform === "win32") {
    const systemRoot = process.env.SystemRoot ?? "C:\\Windows";
    return existsSync(path.join(systemRoot, "System32", "nvidia-smi.exe"));
  }
  return false;
}
