// Builds Hearth's three bundles (extension, CLI+server, test files) into out/.
// Native and wasm-carrying packages stay external: they must be loaded from node_modules by the runtime
// they were built for (see ARCHITECTURE.md, "Where the server runs").
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL(".", import.meta.url));
const manifest = JSON.parse(readFileSync(new URL("package.json", import.meta.url), "utf8"));

export const serverExternals = [
  "node-llama-cpp",
  "@node-llama-cpp/*",
  "better-sqlite3",
  "sqlite-vec",
  "tree-sitter",
  "tree-sitter-*",
  "web-tree-sitter",
];

const define = { __HEARTH_VERSION__: JSON.stringify(manifest.version) };

// ESM bundles of CommonJS dependencies need a real `require` for Node built-ins.
const esmRequireBanner =
  'import { createRequire as __hearthCreateRequire } from "node:module"; const require = __hearthCreateRequire(import.meta.url);';

/** Options for a Node ESM bundle of server code (the CLI, the server, and server-side tests). */
export function serverBundleOptions(entryPoints, outdir, extra = {}) {
  return {
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outExtension: { ".js": ".mjs" },
    sourcemap: "linked",
    external: serverExternals,
    banner: { js: esmRequireBanner },
    define,
    logLevel: "warning",
    ...extra,
  };
}

/** Options for a CommonJS bundle that runs inside the VS Code extension host. */
export function extensionHostBundleOptions(entryPoints, outdir, extra = {}) {
  return {
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: "linked",
    external: ["vscode"],
    define,
    logLevel: "warning",
    ...extra,
  };
}

/**
 * The chat view's page script and stylesheet, for the webview (a browser): markdown-it, DOMPurify and
 * highlight.js are bundled in, so the page loads nothing but these files. The view container's icon is
 * copied beside them (the VSIX ships out/, not client/).
 */
export function chatWebviewBundleOptions(extra = {}) {
  return {
    absWorkingDir: root,
    entryPoints: {
      chatView: "client/src/chat/webview/chatView.ts",
      chatViewStyle: "client/src/chat/webview/chatView.css",
      "hearth-chat": "client/src/chat/webview/hearth-chat.svg",
    },
    outdir: "out/client/chat",
    bundle: true,
    platform: "browser",
    target: ["chrome120"],
    format: "iife",
    minify: true,
    sourcemap: "linked",
    loader: { ".svg": "copy" },
    logLevel: "warning",
    ...extra,
  };
}

async function buildAll() {
  await Promise.all([
    esbuild.build(extensionHostBundleOptions({ extension: "client/src/extension.ts" }, "out/client")),
    esbuild.build(chatWebviewBundleOptions()),
    esbuild.build(
      serverBundleOptions({ hearth: "server/src/cli/hearth.ts" }, "out/cli", {
        banner: { js: `#!/usr/bin/env node\n${esmRequireBanner}` },
      }),
    ),
  ]);
}

/** The end-to-end test module that runs inside VS Code's extension host (built by test/run.mjs, not shipped). */
export async function buildExtensionHostTests() {
  await esbuild.build(extensionHostBundleOptions({ suite: "test/e2e/suite.ts" }, "out/test/e2e"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildAll();
  // `--tests` (the F5 test configuration in .vscode/launch.json) also builds the in-editor test suite.
  if (process.argv.includes("--tests")) await buildExtensionHostTests();
}
