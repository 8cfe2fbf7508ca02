/**
 * Progress for long CLI work (indexing, downloads, evals), always on stderr so `--json` output on stdout
 * stays one clean document. A bar on a terminal; a line every few seconds otherwise.
 */

import cliProgress from "cli-progress";

export interface ProgressReporter {
  update(done: number, total: number | undefined, label: string): void;
  stop(): void;
}

export function createProgressReporter(): ProgressReporter {
  if (!process.stderr.isTTY) return lineReporter();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "{label} [{bar}] {value}/{total} {eta_formatted}",
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let lastLabel = "";
  return {
    update(done, total, label) {
      if (!started || label !== lastLabel) {
        if (started) bar.stop();
        bar.start(total ?? done, done, { label });
        started = true;
        lastLabel = label;
      }
      bar.setTotal(total ?? Math.max(done, 1));
      bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Runs `work` with a reporter's `update` as its progress callback, and stops the reporter however it ends. */
export async function withProgress<T>(
  work: (onProgress: ProgressReporter["update"]) => Promise<T>,
): Promise<T> {
  const progress = createProgressReporter();
  try {
    return await work((done, total, label) => progress.update(done, total, label));
  } finally {
    progress.stop();
  }
}

function lineReporter(): ProgressReporter {
  let lastPrint = 0;
  return {
    update(done, total, label) {
      const now = Date.now();
      if (now - lastPrint < 2_000 && done !== total) return;
      lastPrint = now;
      process.stderr.write(`${label}: ${done}${total === undefined ? "" : `/${total}`}\n`);
    },
    stop() {},
  };
}
