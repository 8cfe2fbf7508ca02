/**
 * Loads Hearth's learned bug detector from `native-models/hearth-bugs.bin` (found next to Hearth's code, or in
 * `HEARTH_NATIVE_MODELS_DIR`), once per process.
 */

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { findShippedFolder } from "../base/findFolderUpwards";
import { BugDetector, BugDetectorFormatError } from "./bugDetector";

export const bugDetectorFileName = "hearth-bugs.bin";

let loaded: BugDetector | undefined;

/** The detector, or a `BugDetectorFormatError` naming the file and what is wrong with it. */
export function loadBugDetector(file?: string): BugDetector {
  if (!file && loaded) return loaded;
  const location =
    file ??
    path.join(
      findShippedFolder(
        "native-models",
        bugDetectorFileName,
        process.env.HEARTH_NATIVE_MODELS_DIR,
        (message) => new BugDetectorFormatError(`cannot find Hearth's bug detector: ${message}`),
      ),
      bugDetectorFileName,
    );
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(location);
  } catch (error) {
    throw new BugDetectorFormatError(`cannot read the bug detector ${location}: ${(error as Error).message}`);
  }
  let detector: BugDetector;
  try {
    detector = BugDetector.fromBytes(bytes);
  } catch (error) {
    throw new BugDetectorFormatError(`the bug detector ${location} is damaged: ${(error as Error).message}`);
  }
  if (!file) loaded = detector;
  return detector;
}
