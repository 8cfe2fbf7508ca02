/**
 * Chooses the Node runtime that runs Hearth's language server.
 *
 * The server's native modules (better-sqlite3, tree-sitter) are built for one Node ABI, so the server cannot
 * run inside Electron's extension host. Order: the `hearth.server.nodePath` setting, then the extension
 * host itself when it is plain Node (code-server, VS Code Remote), then `node` on PATH.
 */

import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import * as path from "node:path";

export interface NodeRuntime {
  path: string;
  source: "setting hearth.server.nodePath" | "extension host" | "PATH";
  version: string;
  abi: string;
}

export class NodeRuntimeError extends Error {
  override name = "NodeRuntimeError";
}

const minimumNodeMajor = 20;

export function resolveNodeRuntime(configuredPath: string): NodeRuntime {
  if (configuredPath.trim()) {
    return describeRuntime(configuredPath.trim(), "setting hearth.server.nodePath");
  }
  if (!process.versions.electron) {
    return describeRuntime(process.execPath, "extension host");
  }
  const onPath = findOnPath(process.platform === "win32" ? "node.exe" : "node");
  if (!onPath) {
    throw new NodeRuntimeError(
      `Hearth's language server needs Node.js ${minimumNodeMajor} or newer, and none was found on PATH. ` +
        "Install Node.js, or set hearth.server.nodePath to a node executable.",
    );
  }
  return describeRuntime(onPath, "PATH");
}

function describeRuntime(executable: string, source: NodeRuntime["source"]): NodeRuntime {
  try {
    accessSync(executable, constants.X_OK);
  } catch {
    throw new NodeRuntimeError(`${executable} (from ${source}) is not an executable file.`);
  }
  const probe = spawnSync(executable, ["-p", "process.versions.node + ' ' + process.versions.modules"], {
    encoding: "utf8",
    timeout: 10_000,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
  });
  if (probe.status !== 0) {
    throw new NodeRuntimeError(
      `${executable} (from ${source}) did not run as Node.js: ${probe.error?.message ?? probe.stderr.trim()}`,
    );
  }
  const [version = "", abi = ""] = probe.stdout.trim().split(" ");
  const major = Number.parseInt(version, 10);
  if (!(major >= minimumNodeMajor)) {
    throw new NodeRuntimeError(
      `${executable} (from ${source}) is Node.js ${version}; Hearth needs ${minimumNodeMajor} or newer.`,
    );
  }
  return { path: executable, source, version, abi };
}

function findOnPath(executableName: string): string | undefined {
  for (const directory of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!directory) continue;
    const candidate = path.join(directory, executableName);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/**
 * Node flags that open the server to a debugger, from `HEARTH_SERVER_INSPECT` (set by `.vscode/launch.json`):
 * a port (`6009`), `host:port`, or either after `brk:` to stop on the first line. Unset or empty: none.
 * The inspector listens on loopback unless a host is given.
 */
export function serverInspectArgs(environment: Record<string, string | undefined>): string[] {
  const value = environment.HEARTH_SERVER_INSPECT?.trim();
  if (!value) return [];
  const breakOnStart = value.startsWith("brk:");
  const address = breakOnStart ? value.slice("brk:".length) : value;
  const match = /^(?:([\w.-]+):)?(\d{1,5})$/.exec(address);
  const port = Number(match?.[2]);
  if (!match || !(port > 0 && port < 65536)) {
    throw new NodeRuntimeError(
      `HEARTH_SERVER_INSPECT is "${value}"; expected a port such as 6009, host:port, or brk:6009 to stop on start.`,
    );
  }
  return [`--inspect${breakOnStart ? "-brk" : ""}=${match[1] ?? "127.0.0.1"}:${port}`];
}
