/**
 * `hearth models gpu status | install cuda | remove cuda`: GPU support that VSIXes do not carry. `install`
 * downloads node-llama-cpp's prebuilt CUDA packages into Hearth's cache after the user agrees (`--yes`, or a
 * question on a terminal); the next server or CLI start uses them.
 */

import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import {
  cudaDownloadEstimate,
  cudaPackagesFor,
  nodeLlamaCppVersion,
  registryUrl,
} from "../../gpu/cudaPackages";
import { gpuPackagesRoot, gpuSupportStatus } from "../../gpu/gpuPackageStore";
import {
  type GpuInstallProgress,
  GpuSupportError,
  installCudaSupport,
  removeCudaSupport,
} from "../../gpu/installCuda";
import { createProgressReporter } from "../progressReporter";

interface InstallOptions {
  yes?: boolean;
  json?: boolean;
  progressJson?: boolean;
  registry?: string;
}

export function registerGpuCommand(models: Command): void {
  const gpu = models.command("gpu").description("GPU support downloaded on request (CUDA)");

  gpu
    .command("status")
    .description("whether an NVIDIA GPU is present and Hearth's CUDA support is installed")
    .option("--json", "print one JSON object")
    .action((options: { json?: boolean }) => {
      const status = gpuSupportStatus();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      const cuda = status.cuda;
      process.stdout.write(
        [
          `platform      ${status.platform}-${status.arch} (node-llama-cpp ${status.nodeLlamaCppVersion})`,
          `NVIDIA GPU    ${status.nvidiaGpu ? "found" : "not found"}`,
          `CUDA support  ${
            cuda.packages === null
              ? "not available for this platform"
              : cuda.ready
                ? `installed in ${cuda.folder}`
                : "not installed (hearth models gpu install cuda)"
          }`,
          "",
        ].join("\n"),
      );
    });

  gpu
    .command("install")
    .description("download node-llama-cpp's prebuilt CUDA backend into Hearth's cache (asks first)")
    .argument("<kind>", "cuda (the only on-demand backend)")
    .option("--yes", "agree to the download without asking")
    .option(
      "--registry <url>",
      "npm registry to download from (default: HEARTH_NPM_REGISTRY, npm's, or npmjs.org)",
    )
    .option("--json", "print one JSON object with the result")
    .option("--progress-json", "report progress as JSON lines on stderr (for the VS Code extension)")
    .action(async (kind: string, options: InstallOptions) => {
      const outcome = await installCommand(kind, options);
      if (options.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      else if (outcome.ok) process.stdout.write(`${outcome.message}\n`);
      if (!outcome.ok) {
        process.stderr.write(`hearth: ${outcome.message}\n`);
        process.exitCode = 1;
      }
    });

  gpu
    .command("remove")
    .description("delete the downloaded CUDA backend")
    .argument("<kind>", "cuda")
    .action((kind: string) => {
      if (kind !== "cuda") {
        process.stderr.write(`hearth: unknown GPU backend "${kind}"; only cuda is installed on demand\n`);
        process.exitCode = 1;
        return;
      }
      const folder = gpuPackagesRoot();
      process.stdout.write(removeCudaSupport() ? `removed ${folder}\n` : `nothing installed in ${folder}\n`);
    });
}

export interface GpuInstallOutcome {
  ok: boolean;
  message: string;
  folder?: string;
  packages?: { name: string; version: string; alreadyInstalled: boolean }[];
}

async function installCommand(kind: string, options: InstallOptions): Promise<GpuInstallOutcome> {
  if (kind !== "cuda") {
    return { ok: false, message: `unknown GPU backend "${kind}"; only cuda is installed on demand` };
  }
  const names = cudaPackagesFor(process.platform, process.arch);
  const status = gpuSupportStatus();
  if (names && status.cuda.ready) {
    return {
      ok: true,
      message: `CUDA support is already installed in ${status.cuda.folder}`,
      folder: status.cuda.folder,
    };
  }
  const registry = options.registry
    ? registryUrl({ HEARTH_NPM_REGISTRY: options.registry })
    : registryUrl(process.env);
  if (names && !options.yes && !(await askConsent(names, registry))) {
    return {
      ok: false,
      message: "not installed: the download needs your agreement (answer y, or pass --yes)",
    };
  }
  const progress = options.progressJson ? jsonProgress() : barProgress();
  try {
    const result = await installCudaSupport({ registry, onProgress: progress.update });
    progress.done();
    const fresh = result.packages.filter((entry) => !entry.alreadyInstalled).map((entry) => entry.name);
    return {
      ok: true,
      message:
        `installed ${fresh.join(" and ")}@${nodeLlamaCppVersion} in ${result.folder}; ` +
        "restart Hearth's server (or rerun the command) to use CUDA",
      folder: result.folder,
      packages: result.packages.map(({ name, version, alreadyInstalled }) => ({
        name,
        version,
        alreadyInstalled,
      })),
    };
  } catch (error) {
    progress.done();
    if (error instanceof GpuSupportError) return { ok: false, message: error.message };
    throw error;
  }
}

async function askConsent(names: string[], registry: string): Promise<boolean> {
  const estimate = cudaDownloadEstimate(process.platform, process.arch);
  const size = estimate
    ? `about ${estimate.downloadMB} MB (${estimate.diskMB} MB on disk)`
    : "several hundred MB";
  const question =
    `Download ${names.join(" and ")}@${nodeLlamaCppVersion}, ${size}, from ${new URL(registry).host} ` +
    `into ${gpuPackagesRoot()}? [y/N] `;
  if (!process.stdin.isTTY) {
    process.stderr.write(`hearth: ${question.replace(" [y/N] ", "")} Pass --yes to agree.\n`);
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

/** One JSON object per line on stderr, at most every 250 ms for download bytes, each step change at once. */
function jsonProgress() {
  let last = 0;
  return {
    update(progress: GpuInstallProgress) {
      const now = Date.now();
      if (progress.step === "download" && now - last < 250) return;
      last = now;
      process.stderr.write(`${JSON.stringify({ progress })}\n`);
    },
    done() {},
  };
}

function barProgress() {
  const reporter = createProgressReporter();
  return {
    update(progress: GpuInstallProgress) {
      const label = `${progress.package} ${progress.step}`;
      if (progress.step === "download") {
        reporter.update(
          Math.round((progress.downloadedBytes ?? 0) / 1e6),
          progress.totalBytes ? Math.round(progress.totalBytes / 1e6) : undefined,
          `${label} (MB)`,
        );
      } else {
        reporter.stop();
        process.stderr.write(`${label}\n`);
      }
    },
    done: () => reporter.stop(),
  };
}
