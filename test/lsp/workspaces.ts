/**
 * Test helper: generated workspaces and damaged files, made the same way each time (a seeded generator
 * stands in for `/dev/urandom`, so a failure can be reproduced).
 */

import { closeSync, mkdirSync, mkdtempSync, openSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FeedbackStore } from "../../server/src/store/feedbackStore";

/** `files` Python modules in folders of ten, each defining `functions` functions named `handler_<file>_<n>`. */
export function generatedWorkspace(files: number, functions: number): string {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-generated-"));
  for (let file = 0; file < files; file++) {
    const folder = path.join(root, `pkg${Math.floor(file / 10)}`);
    mkdirSync(folder, { recursive: true });
    const body = Array.from(
      { length: functions },
      (_, index) => `def handler_${file}_${index}(value):\n    return value * ${index} + ${file}\n`,
    );
    writeFileSync(path.join(folder, `module${file % 10}.py`), body.join("\n"));
  }
  return root;
}

/** Overwrites `bytes` bytes in the middle of a file (aligned to 4 KiB pages) with seeded random bytes. */
export function overwriteMiddle(file: string, bytes: number, seed: number): void {
  const size = statSync(file).size;
  const offset = Math.max(0, Math.floor((size - bytes) / 2 / 4096) * 4096);
  const noise = Buffer.alloc(bytes);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < bytes; index++) {
    // xorshift32: random enough to destroy page headers, and the same every run.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    noise[index] = state & 0xff;
  }
  const descriptor = openSync(file, "r+");
  try {
    writeSync(descriptor, noise, 0, bytes, offset);
  } finally {
    closeSync(descriptor);
  }
}

/** A feedback database with `count` shown suggestions (ids `s0`, `s1`, ...), written by the real store. */
export function seededFeedbackDatabase(file: string, count: number): void {
  const store = FeedbackStore.open(file, { readonly: false });
  const at = Date.now();
  const events = Array.from({ length: count }, (_, index) => ({
    eventId: `e${index}`,
    at: at + index,
    surface: "inline" as const,
    subjectId: `s${index}`,
    type: "shown" as const,
    language: "python",
    trigger: "automatic" as const,
    latencyMs: 120,
    chars: 24,
    lines: 1,
    facts: { model: "tiny" },
    text: `return compute_${index}(value)`,
  }));
  store.append(events as unknown as Parameters<FeedbackStore["append"]>[0]);
  store.close();
}
