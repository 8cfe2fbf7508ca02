/**
 * Hearth's own LSP methods and their data types, declared once for both sides.
 *
 * This is the only server folder the client may import. It holds plain data and method names:
 * no `vscode`, no `node:*`, no side effects.
 */

/** `hearth/status`: a snapshot of the server's state, for the status bar, `hearth status` and tests. */
export const statusMethod = "hearth/status";

export interface HearthStatus {
  version: string;
  server: ServerProcessStatus;
  /** Native modules the server needs, and whether they loaded in this runtime. */
  nativeModules: NativeModuleStatus[];
  /** The inference backend (GPU kind, threads); `null` until an engine has been asked for. */
  backend: BackendStatus | null;
  /** One entry per configured model role; `null` until the inference engine exists. */
  models: ModelStatus[] | null;
  /** The workspace index; `null` while no workspace is indexed. */
  index: IndexStatus | null;
}

export interface ServerProcessStatus {
  pid: number;
  node: string;
  /** `process.versions.modules`: the ABI that native modules must have been built for. */
  nodeAbi: string;
  platform: string;
  arch: string;
  startedAt: string;
  uptimeMs: number;
}

export interface NativeModuleStatus {
  name: string;
  ok: boolean;
  error?: string;
}

export interface BackendStatus {
  /** `false` when running on the CPU. */
  gpu: string | false;
  threads: number;
  devices: string[];
}

export type ModelRole = "completion" | "draft" | "chat" | "embedding";

export interface ModelStatus {
  role: ModelRole;
  id: string | null;
  path: string | null;
  state: "absent" | "loading" | "ready" | "error";
  error?: string;
}

export interface IndexStatus {
  state: "idle" | "indexing" | "error";
  files: number;
  chunks: number;
  databasePath: string;
  error?: string;
}
