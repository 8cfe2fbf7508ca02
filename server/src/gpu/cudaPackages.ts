/**
 * Which of node-llama-cpp's prebuilt CUDA packages a platform needs, pinned to the node-llama-cpp release
 * Hearth runs. VSIXes never carry them (about 540 MB on Linux); `hearth models gpu install cuda` fetches
 * them on demand. Pure: platform and architecture come in as arguments.
 */

/**
 * The node-llama-cpp release Hearth is built against. Its prebuilt packages must carry exactly this version:
 * node-llama-cpp ignores a binaries package whose version differs from its own.
 */
export const nodeLlamaCppVersion = "3.21.1";

/**
 * The CUDA packages for `platform`-`arch`, main package first, or null where node-llama-cpp publishes none.
 * The `-ext` package holds a fallback CUDA backend that node-llama-cpp loads when the main one does not
 * (another CUDA runtime version), so both are installed, as npm would.
 */
export function cudaPackagesFor(platform: string, arch: string): string[] | null {
  if (arch !== "x64") return null;
  if (platform === "linux") return ["@node-llama-cpp/linux-x64-cuda", "@node-llama-cpp/linux-x64-cuda-ext"];
  if (platform === "win32") return ["@node-llama-cpp/win-x64-cuda", "@node-llama-cpp/win-x64-cuda-ext"];
  return null;
}

/**
 * What the CUDA packages cost, to tell the user before asking: measured for 3.21.1 on linux-x64 (tarballs
 * 142.9 MB + 176.7 MB, 538 MB unpacked); null where not measured.
 */
export function cudaDownloadEstimate(
  platform: string,
  arch: string,
): { downloadMB: number; diskMB: number } | null {
  return platform === "linux" && arch === "x64" ? { downloadMB: 320, diskMB: 540 } : null;
}

/** The npm registry to download from: Hearth's own override, then npm's, then the public registry. */
export function registryUrl(environment: Record<string, string | undefined>): string {
  const configured = environment.HEARTH_NPM_REGISTRY || environment.npm_config_registry;
  const url = configured || "https://registry.npmjs.org/";
  return url.endsWith("/") ? url : `${url}/`;
}

/** Parses an npm `integrity` string (`sha512-<base64>`), the only algorithm npm publishes now. */
export function parseIntegrity(integrity: string): { algorithm: "sha512"; digest: string } | null {
  const match = /^sha512-([A-Za-z0-9+/]+={0,2})$/.exec(integrity.trim());
  return match ? { algorithm: "sha512", digest: match[1]! } : null;
}
