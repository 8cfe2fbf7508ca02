// The platforms Hearth builds VSIXes for, and what each one ships: node-llama-cpp's prebuilt llama.cpp
// packages for that platform (CPU, plus Vulkan or Metal where node-llama-cpp publishes them; never CUDA, which
// is installed on demand), the folder name of its tree-sitter grammar prebuilds, and its sqlite-vec package.
//
// A target is offered only where every native piece exists as a prebuilt: node-llama-cpp also publishes
// linux-armv7l, linux-riscv64 and win-arm64 binaries, but sqlite-vec 0.1.9 has no build for them, and
// node-llama-cpp's binaries need glibc, so there is no alpine target either.

/** @typedef {{ llamaPackages: string[], prebuildsFolder: string, sqliteVecPackage: string, node: { platform: string, arch: string } }} VsixTarget */

/** @type {Record<string, VsixTarget>} */
export const vsixTargets = {
  "linux-x64": {
    llamaPackages: ["@node-llama-cpp/linux-x64", "@node-llama-cpp/linux-x64-vulkan"],
    prebuildsFolder: "linux-x64",
    sqliteVecPackage: "sqlite-vec-linux-x64",
    node: { platform: "linux", arch: "x64" },
  },
  "linux-arm64": {
    llamaPackages: ["@node-llama-cpp/linux-arm64"],
    prebuildsFolder: "linux-arm64",
    sqliteVecPackage: "sqlite-vec-linux-arm64",
    node: { platform: "linux", arch: "arm64" },
  },
  "darwin-arm64": {
    llamaPackages: ["@node-llama-cpp/mac-arm64-metal"],
    prebuildsFolder: "darwin-arm64",
    sqliteVecPackage: "sqlite-vec-darwin-arm64",
    node: { platform: "darwin", arch: "arm64" },
  },
  "darwin-x64": {
    llamaPackages: ["@node-llama-cpp/mac-x64"],
    prebuildsFolder: "darwin-x64",
    sqliteVecPackage: "sqlite-vec-darwin-x64",
    node: { platform: "darwin", arch: "x64" },
  },
  "win32-x64": {
    llamaPackages: ["@node-llama-cpp/win-x64", "@node-llama-cpp/win-x64-vulkan"],
    prebuildsFolder: "win32-x64",
    sqliteVecPackage: "sqlite-vec-windows-x64",
    node: { platform: "win32", arch: "x64" },
  },
};

/** The largest VSIX Hearth accepts for any target, in bytes (the linux-x64 goal is 60 MB). */
export const maxVsixBytes = 60 * 1024 * 1024;

/** The VSIX target of the machine this runs on, or null where Hearth offers none. */
export function hostTarget(platform = process.platform, arch = process.arch) {
  const found = Object.entries(vsixTargets).find(
    ([, target]) => target.node.platform === platform && target.node.arch === arch,
  );
  return found ? found[0] : null;
}

/**
 * Why `target` cannot be built on a machine of `host`, or null when it can. better-sqlite3 and native
 * tree-sitter are compiled by `npm ci` for the machine that runs it, and npm installs only that machine's
 * llama.cpp and sqlite-vec packages, so a VSIX can only be built on the platform it is for.
 */
export function crossBuildRefusal(target, host) {
  if (!vsixTargets[target]) {
    return `unknown target "${target}"; Hearth builds ${Object.keys(vsixTargets).join(", ")}`;
  }
  if (target === host) return null;
  return (
    `cannot build the ${target} VSIX on ${host ?? "this machine"}: its native modules (better-sqlite3, ` +
    `tree-sitter) are compiled by npm ci for the machine that runs it, and npm installs only this machine's ` +
    `llama.cpp and sqlite-vec packages. Run \`npm ci && npm run package\` on a ${target} machine.`
  );
}

/**
 * x86 CPU variants of llama.cpp left out of every VSIX. ggml loads the best-scoring `libggml-cpu-*` file it
 * finds, so a machine of one of these generations runs its nearest older variant instead (icelake, cascadelake,
 * cooperlake and cannonlake run skylakex's AVX-512 build; ivybridge and piledriver run sandybridge's AVX build),
 * losing a few percent on quantized dot products. Each variant is about 0.5 MB compressed in both the CPU and
 * the Vulkan package; leaving these six out keeps the linux-x64 VSIX, with two bundled 6 MB models, within
 * its size goal.
 */
export const omittedCpuVariants = [
  "cannonlake",
  "cascadelake",
  "cooperlake",
  "icelake",
  "ivybridge",
  "piledriver",
];

/** The .vscodeignore lines that put `target`'s own binaries back into a VSIX. */
export function targetIncludeLines(target) {
  const spec = vsixTargets[target];
  return [
    // vsce keeps a file that any `!` line matches, whatever the order, so the omitted variants are left out
    // by the negated glob itself.
    ...spec.llamaPackages.flatMap((name) => [
      `!node_modules/${name}/*`,
      `!node_modules/${name}/dist/**`,
      `!node_modules/${name}/bins/*/!(*ggml-cpu-@(${omittedCpuVariants.join("|")}).*)`,
    ]),
    `!node_modules/**/prebuilds/${spec.prebuildsFolder}/**`,
    `!node_modules/${spec.sqliteVecPackage}/**`,
  ];
}
