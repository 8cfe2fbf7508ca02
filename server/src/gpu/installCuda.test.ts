// Installing CUDA support without the network: a local HTTP server on 127.0.0.1 stands in for the npm registry
// (the one thing a test cannot have), serving npm's abbreviated metadata and real gzip tarballs of small packages
// named like node-llama-cpp's CUDA packages. Everything else is real: the download, the sha512 check, the
// extraction, the cache layout, and the module-resolution hook that makes a bare import find the cache copy.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import * as tar from "tar";
import { nodeLlamaCppVersion } from "./cudaPackages";
import { gpuPackageFolder, installedGpuPackages, registerInstalledGpuPackages } from "./gpuPackageStore";
import { type GpuInstallProgress, GpuSupportError, installCudaSupport } from "./installCuda";

const names = ["@node-llama-cpp/linux-x64-cuda", "@node-llama-cpp/linux-x64-cuda-ext"];
let workDir: string;
let server: Server;
let registry: string;
const tarballs = new Map<string, Buffer>();
const requests: string[] = [];
/** Test switches: a wrong integrity for every package, or no release of the pinned version. */
const serve = { corruptIntegrity: false, missingVersion: false };

before(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), "hearth-gpu-"));
  for (const name of names) tarballs.set(name, await packTarball(name));
  server = createServer((request, response) => {
    requests.push(request.url ?? "");
    const url = new URL(request.url ?? "/", "http://localhost");
    const tarball = [...tarballs].find(([name]) => url.pathname === `/tarballs/${name.split("/")[1]}.tgz`);
    if (tarball) {
      response.writeHead(200, { "content-length": tarball[1].length });
      response.end(tarball[1]);
      return;
    }
    const name = decodeURIComponent(url.pathname.slice(1));
    const bytes = tarballs.get(name);
    if (!bytes) {
      response.writeHead(404).end();
      return;
    }
    const integrity = `sha512-${createHash("sha512")
      .update(serve.corruptIntegrity ? Buffer.from("other") : bytes)
      .digest("base64")}`;
    const version = serve.missingVersion ? "0.0.1" : nodeLlamaCppVersion;
    response.writeHead(200, { "content-type": "application/vnd.npm.install-v1+json" });
    response.end(
      JSON.stringify({
        name,
        versions: {
          [version]: { dist: { tarball: `${registry}tarballs/${name.split("/")[1]}.tgz`, integrity } },
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

after(() => {
  server?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** A package shaped like node-llama-cpp's binaries packages: `getBinsDir()` and a bins/ folder. */
async function packTarball(name: string): Promise<Buffer> {
  const source = mkdtempSync(path.join(tmpdir(), "hearth-gpu-pkg-"));
  const packageDir = path.join(source, "package");
  mkdirSync(path.join(packageDir, "dist"), { recursive: true });
  mkdirSync(path.join(packageDir, "bins", "linux-x64-cuda"), { recursive: true });
  writeFileSync(
    path.join(packageDir, "package.json"),
    JSON.stringify({ name, version: nodeLlamaCppVersion, type: "module", main: "dist/index.js" }),
  );
  writeFileSync(
    path.join(packageDir, "dist", "index.js"),
    'import path from "node:path"; import { fileURLToPath } from "node:url";\n' +
      `export function getBinsDir() { return { binsDir: path.join(fileURLToPath(import.meta.url), "..", "..", "bins"), packageVersion: "${nodeLlamaCppVersion}" }; }\n`,
  );
  writeFileSync(path.join(packageDir, "bins", "linux-x64-cuda", "libggml-cuda.so"), "not a real library");
  const file = path.join(source, "package.tgz");
  await tar.c({ gzip: true, file, cwd: source }, ["package"]);
  const bytes = readFileSync(file);
  rmSync(source, { recursive: true, force: true });
  return bytes;
}

const linux = { platform: "linux", arch: "x64" };

test("installs both packages into the cache with progress, verified and unpacked", async () => {
  const cacheFolder = path.join(workDir, "install");
  const progress: GpuInstallProgress[] = [];
  const result = await installCudaSupport({
    registry,
    cacheFolder,
    ...linux,
    onProgress: (p) => progress.push(p),
  });
  assert.deepEqual(
    result.packages.map((entry) => [entry.name, entry.alreadyInstalled]),
    names.map((name) => [name, false]),
  );
  assert.deepEqual(
    installedGpuPackages(names, cacheFolder).map((entry) => entry.name),
    names,
  );
  const steps = progress.filter((p) => p.package === names[0]).map((p) => p.step);
  assert.deepEqual([...new Set(steps)], ["metadata", "download", "verify", "extract", "installed"]);
  const lastDownload = progress.filter((p) => p.step === "download" && p.package === names[0]).at(-1)!;
  assert.equal(lastDownload.downloadedBytes, tarballs.get(names[0]!)!.length);
  // The archives are gone; only the unpacked packages remain.
  assert.deepEqual(readdirSync(path.join(result.folder, "downloads")), []);

  const before = requests.length;
  const again = await installCudaSupport({ registry, cacheFolder, ...linux });
  assert.ok(again.packages.every((entry) => entry.alreadyInstalled));
  assert.equal(requests.length, before, "an installed package is not fetched again");
});

test("a download that does not match the registry's integrity is deleted and nothing is installed", async () => {
  const cacheFolder = path.join(workDir, "corrupt");
  serve.corruptIntegrity = true;
  try {
    await assert.rejects(
      installCudaSupport({ registry, cacheFolder, ...linux }),
      (error: Error) =>
        error instanceof GpuSupportError && /does not match the registry's integrity/.test(error.message),
    );
  } finally {
    serve.corruptIntegrity = false;
  }
  assert.deepEqual(installedGpuPackages(names, cacheFolder), []);
});

test("a registry without the pinned version fails before downloading anything", async () => {
  const cacheFolder = path.join(workDir, "missing");
  serve.missingVersion = true;
  const before = requests.length;
  try {
    await assert.rejects(
      installCudaSupport({ registry, cacheFolder, ...linux }),
      new RegExp(`no @node-llama-cpp/linux-x64-cuda@${nodeLlamaCppVersion}`),
    );
  } finally {
    serve.missingVersion = false;
  }
  assert.ok(requests.slice(before).every((url) => !url.includes("tarballs")));
});

test("offline, it fails at once and says the machine looks offline", async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const started = Date.now();
  await assert.rejects(
    installCudaSupport({
      registry: `http://127.0.0.1:${port}/`,
      cacheFolder: path.join(workDir, "offline"),
      ...linux,
    }),
    (error: Error) => error instanceof GpuSupportError && /looks offline/.test(error.message),
  );
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
});

test("a platform without CUDA builds gets a clear answer", async () => {
  await assert.rejects(
    installCudaSupport({
      registry,
      cacheFolder: path.join(workDir, "mac"),
      platform: "darwin",
      arch: "arm64",
    }),
    /no CUDA build for darwin-arm64; Hearth uses Metal there/,
  );
});

test(
  "once registered, a bare import of the CUDA package (as node-llama-cpp does) finds the cache copy",
  {
    skip:
      process.platform !== "linux" || process.arch !== "x64"
        ? "the hook maps this platform's packages"
        : false,
  },
  async () => {
    const cacheFolder = path.join(workDir, "install");
    assert.deepEqual(registerInstalledGpuPackages(cacheFolder), names);
    const specifier = names[0]!; // a variable, so the bundler leaves the import to run time
    const found = (await import(specifier)) as { getBinsDir(): { binsDir: string; packageVersion: string } };
    const { binsDir, packageVersion } = found.getBinsDir();
    assert.equal(binsDir, path.join(gpuPackageFolder(specifier, cacheFolder), "bins"));
    assert.equal(packageVersion, nodeLlamaCppVersion);
  },
);
