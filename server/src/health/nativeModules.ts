/**
 * Checks that the native modules Hearth needs load in this Node runtime.
 *
 * better-sqlite3 and native tree-sitter are built for one Node ABI; a server started by the wrong runtime
 * (for example Electron) must say so plainly instead of failing later on the first index write.
 */

import { createRequire } from "node:module";
import type { NativeModuleStatus } from "../protocol";

const require = createRequire(import.meta.url);

interface NativeProbe {
  name: string;
  load(): void;
}

const probes: NativeProbe[] = [
  {
    name: "better-sqlite3",
    load() {
      const Database = require("better-sqlite3");
      const database = new Database(":memory:");
      try {
        require("sqlite-vec").load(database);
        database.prepare("select vec_version()").get();
      } finally {
        database.close();
      }
    },
  },
  {
    name: "tree-sitter",
    load() {
      require("tree-sitter");
    },
  },
];

export function probeNativeModules(): NativeModuleStatus[] {
  return probes.map((probe) => {
    try {
      probe.load();
      return { name: probe.name, ok: true };
    } catch (error) {
      return { name: probe.name, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  });
}
