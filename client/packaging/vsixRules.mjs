// What a Hearth VSIX may and must hold, checked on its file list after every build (client/packaging/package.mjs)
// and by the package test suite: no sources, tests or training code, no other platform's binaries, no CUDA,
// the files that make it run, and a size limit. Pure: it sees names and sizes, never the disk.

import { maxVsixBytes, vsixTargets } from "./targets.mjs";

const otherPlatformBinary = {
  linux: /\.(dll|dylib|exe)$/i,
  darwin: /\.(dll|exe|so)$/i,
  win32: /\.(so|dylib)$/i,
};

/**
 * Problems with a VSIX for `target`, as `{ rule, path?, detail }` objects (none: the VSIX is fine).
 * `entries` are the zip's files (`extension/...` paths) with their uncompressed sizes.
 *
 * @param {{ path: string, size: number }[]} entries
 * @param {string} target
 * @param {number} vsixBytes size of the .vsix file itself
 */
export function checkVsixEntries(entries, target, vsixBytes) {
  const spec = vsixTargets[target];
  if (!spec) return [{ rule: "target", detail: `unknown target ${target}` }];
  const problems = [];
  const flag = (rule, path, detail) => problems.push({ rule, path, detail });
  const llamaAllowed = new Set(spec.llamaPackages.map((name) => name.split("/")[1]));

  for (const { path } of entries) {
    if (!path.startsWith("extension/")) continue;
    const inside = path.slice("extension/".length);
    const inDependency = inside.startsWith("node_modules/");
    if (/^(client|server|packaging|scripts|samples|\.vscode)\//.test(inside)) {
      flag("no-sources", path, "Hearth's sources and tooling are bundled into out/, not shipped");
    } else if (/\.(ts|mts|cts|tsx)$/.test(inside) && !(inDependency && /\.d\.[mc]?ts$/.test(inside))) {
      flag("no-sources", path, "a TypeScript source");
    }
    if (/^(test|out\/test)\//.test(inside) || /\.(test|spec)\.[cm]?[jt]s$/.test(inside)) {
      flag("no-tests", path, "a test file");
    }
    if (inside.startsWith("native-models/train/")) flag("no-training", path, "training code");
    if (/cuda/i.test(inside)) flag("no-cuda", path, "CUDA is installed on demand, never shipped");

    const llama = /^node_modules\/@node-llama-cpp\/([^/]+)\//.exec(inside);
    if (llama && !llamaAllowed.has(llama[1]) && !/cuda/i.test(llama[1])) {
      flag("other-platform", path, `llama.cpp package ${llama[1]} is not ${target}'s`);
    }
    const prebuild = /\/prebuilds\/([^/]+)\//.exec(inside);
    if (inDependency && prebuild && prebuild[1] !== spec.prebuildsFolder) {
      flag("other-platform", path, `a ${prebuild[1]} prebuild`);
    }
    const sqliteVec = /^node_modules\/(sqlite-vec-[^/]+)\//.exec(inside);
    if (sqliteVec && sqliteVec[1] !== spec.sqliteVecPackage) {
      flag("other-platform", path, `${sqliteVec[1]} is not ${target}'s sqlite-vec`);
    }
    if (inDependency && otherPlatformBinary[spec.node.platform].test(inside)) {
      flag("other-platform", path, `a binary for another operating system than ${spec.node.platform}`);
    }
  }

  const names = new Set(entries.map((entry) => entry.path));
  for (const required of requiredFiles(target)) {
    if (!names.has(`extension/${required}`)) flag("missing", `extension/${required}`, "needed at run time");
  }
  if (vsixBytes > maxVsixBytes) {
    flag("size", undefined, `${vsixBytes} bytes is over the ${maxVsixBytes}-byte limit`);
  }
  return problems;
}

/** Files without which the extension does not run on `target`. */
export function requiredFiles(target) {
  const spec = vsixTargets[target];
  // Each prebuilt package keeps its binaries in bins/<its own name>/.
  const llamaAddon = (name) => `node_modules/${name}/bins/${name.split("/")[1]}/llama-addon.node`;
  return [
    "package.json",
    "out/client/extension.js",
    "out/cli/hearth.mjs",
    "out/client/chat/chatView.js",
    "out/client/chat/chatViewStyle.css",
    "out/client/chat/hearth-chat.svg",
    "grammars/manifest.json",
    "native-models/catalog.json",
    "native-models/hearth-tiny-code.gguf",
    "native-models/hearth-tiny-embed.gguf",
    "native-models/hearth-bugs.bin",
    "node_modules/node-llama-cpp/package.json",
    ...spec.llamaPackages.map(llamaAddon),
    "node_modules/better-sqlite3/build/Release/better_sqlite3.node",
    `node_modules/${spec.sqliteVecPackage}/package.json`,
    "node_modules/web-tree-sitter/tree-sitter.wasm",
    `node_modules/tree-sitter-python/prebuilds/${spec.prebuildsFolder}/tree-sitter-python.node`,
  ];
}
