/**
 * Downloads a model file over HTTPS with resume (HTTP Range on a `.part` file) and verification (sha256 when the
 * catalog knows it, else the size the server announced).
 *
 * Plain `fetch` rather than node-llama-cpp's `createModelDownloader`: offline, that one retried for minutes
 * (measured: still hanging after 120 s), and `hearth models pull` must fail within seconds and say what to do.
 */

import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import * as path from "node:path";
import { messageOf } from "../base/errors";
import { ModelDownloadError } from "./modelErrors";

export interface DownloadProgress {
  downloadedBytes: number;
  totalBytes: number | null;
  bytesPerSecond: number;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Fail when the server has not answered within this time. */
  connectTimeoutMs: number;
  /** Fail (keeping the partial file to resume) when no byte arrived for this long. */
  stallTimeoutMs: number;
}

export interface ExpectedFile {
  sha256: string | null;
  /** Approximate sizes are only shown, never enforced. */
  sizeBytes?: number | null;
}

export interface DownloadResult {
  path: string;
  sizeBytes: number;
  sha256: string;
  /** Bytes already on disk from an earlier, interrupted download. */
  resumedFromBytes: number;
  /** `sha256`: matched the catalog's digest; `size`: no digest known, the size matched what the server sent. */
  verifiedBy: "sha256" | "size";
  /** The file was already complete; nothing was downloaded. */
  alreadyPresent: boolean;
}

/** Network failures that mean "no route to the server": the download stops at once instead of retrying. */
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
  "CERT_HAS_EXPIRED",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

export async function downloadModelFile(
  url: URL,
  destination: string,
  expected: ExpectedFile,
  options: DownloadOptions,
): Promise<DownloadResult> {
  if (existsSync(destination)) return verifyExisting(destination, expected);
  mkdirSync(path.dirname(destination), { recursive: true });
  const partial = `${destination}.part`;
  let resumeFrom = existsSync(partial) ? statSync(partial).size : 0;

  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let timer = setTimeout(
    () =>
      controller.abort(new TimeoutError(`no answer from ${url.host} within ${options.connectTimeoutMs} ms`)),
    options.connectTimeoutMs,
  );
  try {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: resumeFrom > 0 ? { Range: `bytes=${resumeFrom}-` } : {},
        signal: controller.signal,
        redirect: "follow",
      });
    } catch (error) {
      throw describeFetchFailure(url, destination, controller.signal.reason ?? error, error);
    }
    if (response.status === 416 && resumeFrom > 0) {
      // The partial file already holds everything the server has.
      await response.body?.cancel();
      return finish(partial, destination, expected, resumeFrom, resumeFrom, resumeFrom);
    }
    if (response.status === 200 && resumeFrom > 0) resumeFrom = 0; // the server ignored Range: start over
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      throw new ModelDownloadError(`${url} answered HTTP ${response.status} ${response.statusText}`);
    }
    const length = Number(response.headers.get("content-length"));
    const totalBytes = Number.isFinite(length) && length > 0 ? resumeFrom + length : null;

    const hash = createHash("sha256");
    if (resumeFrom > 0) await hashFile(partial, hash);
    const file = await open(partial, resumeFrom > 0 ? "a" : "w");
    let downloaded = resumeFrom;
    const started = Date.now();
    const restartStallTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => controller.abort(new TimeoutError(`no data from ${url.host} for ${options.stallTimeoutMs} ms`)),
        options.stallTimeoutMs,
      );
    };
    try {
      restartStallTimer();
      if (!response.body) throw new ModelDownloadError(`${url} sent no body`);
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        restartStallTimer();
        hash.update(chunk);
        await file.write(chunk);
        downloaded += chunk.byteLength;
        const seconds = (Date.now() - started) / 1000;
        options.onProgress?.({
          downloadedBytes: downloaded,
          totalBytes,
          bytesPerSecond: seconds > 0 ? (downloaded - resumeFrom) / seconds : 0,
        });
      }
    } catch (error) {
      if (error instanceof ModelDownloadError) throw error;
      const reason = controller.signal.reason ?? error;
      throw new ModelDownloadError(
        `download of ${url} stopped after ${downloaded} bytes (${messageOf(reason)}); ` +
          `run the same command again to resume from ${partial}`,
      );
    } finally {
      await file.close();
    }
    return finish(partial, destination, expected, downloaded, totalBytes, resumeFrom, hash.digest("hex"));
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

class TimeoutError extends Error {
  override name = "TimeoutError";
}

async function finish(
  partial: string,
  destination: string,
  expected: ExpectedFile,
  downloaded: number,
  totalBytes: number | null,
  resumedFrom: number,
  digest?: string,
): Promise<DownloadResult> {
  if (totalBytes !== null && downloaded !== totalBytes) {
    throw new ModelDownloadError(
      `download incomplete: ${downloaded} of ${totalBytes} bytes; run the same command again to resume`,
    );
  }
  const sha256 = digest ?? (await hashFile(partial, createHash("sha256"))).digest("hex");
  if (expected.sha256 && sha256 !== expected.sha256) {
    rmSync(partial, { force: true });
    throw new ModelDownloadError(
      `checksum mismatch for ${destination}: expected sha256 ${expected.sha256}, got ${sha256}; the file was deleted`,
    );
  }
  renameSync(partial, destination);
  return {
    path: destination,
    sizeBytes: downloaded,
    sha256,
    resumedFromBytes: resumedFrom,
    verifiedBy: expected.sha256 ? "sha256" : "size",
    alreadyPresent: false,
  };
}

async function verifyExisting(file: string, expected: ExpectedFile): Promise<DownloadResult> {
  const sha256 = (await hashFile(file, createHash("sha256"))).digest("hex");
  if (expected.sha256 && sha256 !== expected.sha256) {
    throw new ModelDownloadError(
      `${file} exists but its sha256 is ${sha256}, not ${expected.sha256}; delete it and pull again`,
    );
  }
  return {
    path: file,
    sizeBytes: statSync(file).size,
    sha256,
    resumedFromBytes: 0,
    verifiedBy: expected.sha256 ? "sha256" : "size",
    alreadyPresent: true,
  };
}

async function hashFile(
  file: string,
  hash: ReturnType<typeof createHash>,
): Promise<ReturnType<typeof createHash>> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash;
}

function describeFetchFailure(
  url: URL,
  destination: string,
  reason: unknown,
  error: unknown,
): ModelDownloadError {
  const code = networkCode(error);
  const offline = code !== null && unreachableCodes.has(code);
  const timedOut = reason instanceof TimeoutError;
  const what = timedOut ? messageOf(reason) : `${messageOf(error)}${code ? ` (${code})` : ""}`;
  if (!offline && !timedOut) return new ModelDownloadError(`cannot download ${url}: ${what}`);
  return new ModelDownloadError(
    `cannot reach ${url.host}: ${what}. This machine looks offline. To use the model without a download, ` +
      `fetch ${url} on a machine that is online, copy it here (for example to ${destination}), ` +
      "and configure the role with that file's path instead of the catalog id.",
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
