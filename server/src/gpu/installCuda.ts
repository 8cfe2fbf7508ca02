/**
 * Installs node-llama-cpp's prebuilt CUDA packages for this platform into Hearth's cache folder: the registry's
 * metadata for the pinned version, the tarball (resumable, with progress), npm's sha512 integrity check, and an
 * extraction that becomes visible only when complete (a staging folder renamed into place).
 *
 * Besides model downloads this is the only network use Hearth has, and it happens only when the user asks.
 * Offline it fails at the first request, within the connect timeout, and says so.
 */

import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";
import * as tar from "tar";
import { hearthCacheFolder } from "../base/cacheFolder";
import { downloadModelFile } from "../models";
import { cudaPackagesFor, nodeLlamaCppVersion, parseIntegrity } from "./cudaPackages";
import { gpuPackageFolder, gpuPackagesRoot, installedGpuPackages } from "./gpuPackageStore";

export class GpuSupportError extends Error {
  override name = "GpuSupportError";
}

export interface GpuInstallProgress {
  package: string;
  step: "metadata" | "download" | "verify" | "extract" | "installed";
  downloadedBytes?: number;
  totalBytes?: number | null;
}

export interface GpuInstallOptions {
  /** The npm registry's base URL (`registryUrl` in cudaPackages.ts). */
  registry: string;
  cacheFolder?: string;
  platform?: string;
  arch?: string;
  connectTimeoutMs?: number;
  stallTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: GpuInstallProgress) => void;
}

export interface GpuInstallResult {
  folder: string;
  packages: { name: string; version: string; folder: string; alreadyInstalled: boolean }[];
}

interface PackageRelease {
  name: string;
  tarball: URL;
  integrity: string;
}

/** Network failures that mean there is no route to the registry: reported as offline, never retried. */
const unreachableCodes = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ECONNRESET",
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

export async function installCudaSupport(options: GpuInstallOptions): Promise<GpuInstallResult> {
  const cacheFolder = options.cacheFolder ?? hearthCacheFolder();
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const names = cudaPackagesFor(platform, arch);
  if (!names) {
    throw new GpuSupportError(
      `node-llama-cpp publishes no CUDA build for ${platform}-${arch}; Hearth uses ` +
        `${platform === "darwin" ? "Metal" : "Vulkan or the CPU"} there.`,
    );
  }
  const already = new Set(installedGpuPackages(names, cacheFolder).map((entry) => entry.name));
  const missing = names.filter((name) => !already.has(name));

  // All metadata first: offline, or with a registry lacking the version, nothing is downloaded.
  const releases: PackageRelease[] = [];
  for (const name of missing) {
    options.onProgress?.({ package: name, step: "metadata" });
    releases.push(await fetchRelease(name, options));
  }
  for (const release of releases) await installRelease(release, cacheFolder, options);

  return {
    folder: gpuPackagesRoot(cacheFolder),
    packages: names.map((name) => ({
      name,
      version: nodeLlamaCppVersion,
      folder: gpuPackageFolder(name, cacheFolder),
      alreadyInstalled: already.has(name),
    })),
  };
}

/** Deletes the installed CUDA packages (and any partial download). Returns whether anything was there. */
export function removeCudaSupport(cacheFolder: string = hearthCacheFolder()): boolean {
  const root = gpuPackagesRoot(cacheFolder);
  const existed = existsSync(root);
  rmSync(root, { recursive: true, force: true });
  return existed;
}

async function fetchRelease(name: string, options: GpuInstallOptions): Promise<PackageRelease> {
  const url = new URL(name.replace("/", "%2f"), options.registry);
  const timeoutMs = options.connectTimeoutMs ?? 15_000;
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  let response: Response;
  try {
    response = await fetch(url, {
      // npm's abbreviated metadata: versions with their dist fields, without readmes.
      headers: { accept: "application/vnd.npm.install-v1+json" },
      signal: AbortSignal.any(signals),
    });
  } catch (error) {
    if (options.signal?.aborted) throw new GpuSupportError("cancelled");
    throw offlineError(url, error, timeoutMs);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new GpuSupportError(`${url} answered HTTP ${response.status} ${response.statusText}`);
  }
  const metadata = (await response.json().catch(() => null)) as {
    versions?: Record<string, { dist?: { tarball?: string; integrity?: string } }>;
  } | null;
  const dist = metadata?.versions?.[nodeLlamaCppVersion]?.dist;
  if (!dist?.tarball || !dist.integrity || !parseIntegrity(dist.integrity)) {
    throw new GpuSupportError(
      `the registry at ${options.registry} has no ${name}@${nodeLlamaCppVersion} with a sha512 integrity; ` +
        "Hearth needs exactly the version that matches its node-llama-cpp",
    );
  }
  return { name, tarball: new URL(dist.tarball), integrity: dist.integrity };
}

async function installRelease(release: PackageRelease, cacheFolder: string, options: GpuInstallOptions) {
  const root = gpuPackagesRoot(cacheFolder);
  const shortName = release.name.split("/").pop()!;
  const archive = path.join(root, "downloads", `${shortName}-${nodeLlamaCppVersion}.tgz`);
  const report = (progress: Omit<GpuInstallProgress, "package">) =>
    options.onProgress?.({ package: release.name, ...progress });

  try {
    await downloadModelFile(
      release.tarball,
      archive,
      { sha256: null },
      {
        connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
        stallTimeoutMs: options.stallTimeoutMs ?? 60_000,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (progress) =>
          report({
            step: "download",
            downloadedBytes: progress.downloadedBytes,
            totalBytes: progress.totalBytes,
          }),
      },
    );
  } catch (error) {
    if (options.signal?.aborted) throw new GpuSupportError("cancelled; run the install again to resume");
    throw new GpuSupportError(`${release.name}: ${(error as Error).message}`);
  }

  report({ step: "verify" });
  const expected = parseIntegrity(release.integrity)!;
  const actual = await digestOf(archive);
  if (actual !== expected.digest) {
    rmSync(archive, { force: true });
    throw new GpuSupportError(
      `${release.name}: the download does not match the registry's integrity (sha512-${expected.digest}, ` +
        `got sha512-${actual}); it was deleted, try again`,
    );
  }

  report({ step: "extract" });
  const destination = gpuPackageFolder(release.name, cacheFolder);
  const staging = `${destination}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    // npm tarballs hold one top folder, `package/`.
    await tar.x({ file: archive, cwd: staging, strip: 1 });
    const manifest = JSON.parse(readFileSync(path.join(staging, "package.json"), "utf8"));
    if (manifest.name !== release.name || manifest.version !== nodeLlamaCppVersion) {
      throw new GpuSupportError(
        `${release.tarball} holds ${manifest.name}@${manifest.version}, not ${release.name}@${nodeLlamaCppVersion}`,
      );
    }
    rmSync(destination, { recursive: true, force: true });
    renameSync(staging, destination);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (error instanceof GpuSupportError) throw error;
    throw new GpuSupportError(`${release.name}: cannot unpack ${archive}: ${(error as Error).message}`);
  }
  rmSync(archive, { force: true });
  report({ step: "installed" });
}

async function digestOf(file: string): Promise<string> {
  const hash = createHash("sha512");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("base64");
}

function offlineError(url: URL, error: unknown, timeoutMs: number): GpuSupportError {
  const code = networkCode(error);
  const timedOut = (error as { name?: string }).name === "TimeoutError";
  // fetch reports "fetch failed" and keeps the reason in `cause`.
  const detail = ((error as { cause?: Error }).cause ?? (error as Error)).message;
  const reason = timedOut
    ? `no answer within ${timeoutMs} ms`
    : `${detail}${code && !detail.includes(code) ? ` (${code})` : ""}`;
  const offline = timedOut || (code !== null && unreachableCodes.has(code));
  return new GpuSupportError(
    offline
      ? `cannot reach the npm registry at ${url.host} (${reason}): this machine looks offline. ` +
          "GPU support (CUDA) is downloaded from the npm registry on request; connect and try again, or point " +
          "HEARTH_NPM_REGISTRY at a registry mirror you can reach. Hearth keeps working on the CPU or Vulkan."
      : `cannot fetch ${url}: ${reason}`,
  );
}

function networkCode(error: unknown): string | null {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
