#!/usr/bin/env node
// `npm run package`: builds the platform-specific VSIX for this machine (or `--target T`, refused unless it is
// this machine's platform), checks its file list (client/packaging/vsixRules.mjs) and prints one JSON summary on
// stdout; vsce's and esbuild's output go to stderr.
//
//   npm run package                        # dist/hearth-<target>-<version>.vsix for this machine
//   npm run package -- --target linux-x64  # the same, refused on another platform
//   npm run package -- --out <dir>
//
// Exit codes: 0 built and clean, 1 built but the file list breaks a rule, 2 could not build.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import yauzl from "yauzl";
import { crossBuildRefusal, hostTarget, targetIncludeLines, vsixTargets } from "./targets.mjs";
import { checkVsixEntries } from "./vsixRules.mjs";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export class PackagingError extends Error {
  name = "PackagingError";
}

/**
 * Builds and checks one VSIX. Returns `{ target, vsix, sizeBytes, files, uncompressedBytes, problems, seconds }`.
 * @param {{ target?: string, outDir?: string, log?: (line: string) => void }} options
 */
export async function buildVsix(options = {}) {
  const started = Date.now();
  const log = options.log ?? ((line) => process.stderr.write(`[package] ${line}\n`));
  const host = hostTarget();
  const target = options.target ?? host;
  if (!target) {
    throw new PackagingError(
      `Hearth has no VSIX target for ${process.platform}-${process.arch}; it builds ${Object.keys(vsixTargets).join(", ")}`,
    );
  }
  const refusal = crossBuildRefusal(target, host);
  if (refusal) throw new PackagingError(refusal);

  const spec = vsixTargets[target];
  const missing = [...spec.llamaPackages, spec.sqliteVecPackage].filter(
    (name) => !existsSync(path.join(repoRoot, "node_modules", name, "package.json")),
  );
  if (missing.length) {
    throw new PackagingError(
      `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not installed; run \`npm ci\` without --omit=optional`,
    );
  }

  log("building out/ (esbuild)");
  run(process.execPath, ["esbuild.config.mjs"], "the build");

  const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8"));
  const workDir = path.join(repoRoot, "out", "package");
  mkdirSync(workDir, { recursive: true });
  const ignoreFile = path.join(workDir, `${target}.vscodeignore`);
  const common = readFileSync(path.join(repoRoot, ".vscodeignore"), "utf8");
  writeFileSync(
    ignoreFile,
    `${common}\n# ${target}: its own binaries (client/packaging/targets.mjs)\n${targetIncludeLines(target).join("\n")}\n`,
  );

  const outDir = path.resolve(options.outDir ?? path.join(repoRoot, "dist"));
  mkdirSync(outDir, { recursive: true });
  const vsix = path.join(outDir, `${manifest.name}-${target}-${manifest.version}.vsix`);
  log(`vsce package --target ${target} -> ${vsix}`);
  run(
    process.execPath,
    [
      path.join(repoRoot, "node_modules", "@vscode", "vsce", "vsce"),
      "package",
      "--target",
      target,
      "--ignoreFile",
      ignoreFile,
      "--out",
      vsix,
      "--skip-license",
    ],
    "vsce package",
  );

  const entries = await listVsix(vsix);
  const sizeBytes = statSync(vsix).size;
  return {
    target,
    vsix,
    sizeBytes,
    sizeMiB: Math.round((sizeBytes / 1024 / 1024) * 100) / 100,
    files: entries.length,
    uncompressedBytes: entries.reduce((sum, entry) => sum + entry.size, 0),
    problems: checkVsixEntries(entries, target, sizeBytes),
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** The files in a VSIX (a zip), with their uncompressed sizes. */
export async function listVsix(file) {
  const zip = await yauzl.openPromise(file);
  const entries = [];
  try {
    for await (const entry of zip.eachEntry()) {
      if (!entry.fileName.endsWith("/")) entries.push({ path: entry.fileName, size: entry.uncompressedSize });
    }
  } finally {
    zip.close();
  }
  return entries;
}

function run(command, args, what) {
  const child = spawnSync(command, args, { cwd: repoRoot, stdio: ["ignore", 2, 2] });
  if (child.status !== 0) {
    throw new PackagingError(`${what} failed (${child.error?.message ?? `exit code ${child.status}`})`);
  }
}

function parseArguments(argv) {
  const options = {};
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = argv[index + 1];
    if ((flag === "--target" || flag === "--out") && value && !value.startsWith("--")) {
      options[flag === "--target" ? "target" : "outDir"] = value;
      index++;
    } else {
      throw new PackagingError(
        `unknown argument ${flag}; usage: npm run package -- [--target T] [--out DIR]`,
      );
    }
  }
  return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const summary = await buildVsix(parseArguments(process.argv.slice(2)));
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    for (const problem of summary.problems) {
      process.stderr.write(`[package] ${problem.rule}: ${problem.path ?? ""} ${problem.detail}\n`);
    }
    process.exitCode = summary.problems.length ? 1 : 0;
  } catch (error) {
    process.stderr.write(`[package] ${error instanceof PackagingError ? error.message : error.stack}\n`);
    process.exitCode = 2;
  }
}
