/**
 * The words and decisions behind `Hearth: Install GPU Support (CUDA)`: when to offer it in the status bar,
 * what the consent dialog says, and how the CLI's JSON progress lines become progress messages. Pure: the
 * VS Code glue is in cudaSupport.ts.
 */

/** What `hearth models gpu status --json` prints (the fields the client reads). */
export interface GpuStatusReport {
  platform: string;
  arch: string;
  nodeLlamaCppVersion: string;
  nvidiaGpu: boolean;
  cuda: { packages: string[] | null; installed: string[]; ready: boolean; folder: string };
}

/** One `--progress-json` line of `hearth models gpu install cuda`. */
export interface InstallProgress {
  package: string;
  step: "metadata" | "download" | "verify" | "extract" | "installed";
  downloadedBytes?: number;
  totalBytes?: number | null;
}

/** The status bar offers CUDA only where an NVIDIA GPU is present, a CUDA build exists, and none is installed. */
export function shouldOfferCuda(status: GpuStatusReport, dismissed: boolean): boolean {
  return !dismissed && status.nvidiaGpu && status.cuda.packages !== null && !status.cuda.ready;
}

/** The modal's question and detail: what is downloaded, from where, to where, and that it is the only such use. */
export function consentText(
  status: GpuStatusReport,
  registryHost: string,
): { message: string; detail: string } {
  const size =
    status.platform === "linux" && status.arch === "x64"
      ? "about 320 MB (540 MB on disk)"
      : "several hundred MB";
  return {
    message: "Download GPU support (CUDA) for Hearth?",
    detail:
      `Hearth will download node-llama-cpp's prebuilt CUDA backend (${(status.cuda.packages ?? []).join(", ")} ` +
      `${status.nodeLlamaCppVersion}, ${size}) from ${registryHost} into ${status.cuda.folder}, then restart ` +
      "its server to use the GPU. Besides model downloads you ask for, this is the only network connection " +
      "Hearth makes; nothing about you or your code is sent.",
  };
}

/** A progress line from the CLI's stderr, or null for anything else (logs). */
export function parseProgressLine(line: string): InstallProgress | null {
  if (!line.startsWith('{"progress"')) return null;
  try {
    const progress = (JSON.parse(line) as { progress?: InstallProgress }).progress;
    return progress && typeof progress.package === "string" ? progress : null;
  } catch {
    return null;
  }
}

/** A one-line progress message, and the overall fraction done (downloads dominate, so bytes decide it). */
export function describeProgress(progress: InstallProgress, packageIndex: number, packageCount: number) {
  const name = progress.package.split("/").pop();
  const megabytes = (bytes: number) => Math.round(bytes / 1e6);
  let within = 0;
  let message: string;
  switch (progress.step) {
    case "metadata":
      message = `Looking up ${name}`;
      break;
    case "download": {
      const total = progress.totalBytes ?? 0;
      within = total > 0 ? Math.min(1, (progress.downloadedBytes ?? 0) / total) : 0;
      message = `Downloading ${name}: ${megabytes(progress.downloadedBytes ?? 0)}${total > 0 ? ` of ${megabytes(total)}` : ""} MB`;
      break;
    }
    case "verify":
      within = 1;
      message = `Verifying ${name}`;
      break;
    case "extract":
      within = 1;
      message = `Unpacking ${name}`;
      break;
    case "installed":
      within = 1;
      message = `Installed ${name}`;
      break;
  }
  const count = Math.max(1, packageCount);
  return { message, fraction: Math.min(1, (packageIndex + within) / count) };
}
