/** Tests for when the CUDA offer shows, what the consent dialog says, and how install progress reads. */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  consentText,
  describeProgress,
  type GpuStatusReport,
  parseProgressLine,
  shouldOfferCuda,
} from "./cudaOffer";

const status: GpuStatusReport = {
  platform: "linux",
  arch: "x64",
  nodeLlamaCppVersion: "3.21.1",
  nvidiaGpu: true,
  cuda: {
    packages: ["@node-llama-cpp/linux-x64-cuda", "@node-llama-cpp/linux-x64-cuda-ext"],
    installed: [],
    ready: false,
    folder: "/home/u/.cache/hearth/gpu/node-llama-cpp-3.21.1",
  },
};

test("CUDA is offered only with an NVIDIA GPU, a CUDA build for the platform, nothing installed, not dismissed", () => {
  assert.equal(shouldOfferCuda(status, false), true);
  assert.equal(shouldOfferCuda(status, true), false);
  assert.equal(shouldOfferCuda({ ...status, nvidiaGpu: false }, false), false);
  assert.equal(shouldOfferCuda({ ...status, cuda: { ...status.cuda, ready: true } }, false), false);
  assert.equal(shouldOfferCuda({ ...status, cuda: { ...status.cuda, packages: null } }, false), false);
});

test("the consent dialog names the packages, the size, the source, the destination and the privacy promise", () => {
  const { detail } = consentText(status, "registry.npmjs.org");
  assert.match(detail, /@node-llama-cpp\/linux-x64-cuda, @node-llama-cpp\/linux-x64-cuda-ext 3\.21\.1/);
  assert.match(detail, /about 320 MB/);
  assert.match(detail, /from registry\.npmjs\.org into \/home\/u\/\.cache\/hearth\/gpu/);
  assert.match(detail, /only network connection/);
});

test("progress lines are read from the CLI's stderr; other lines are not", () => {
  const line = JSON.stringify({
    progress: {
      package: "@node-llama-cpp/linux-x64-cuda",
      step: "download",
      downloadedBytes: 50e6,
      totalBytes: 100e6,
    },
  });
  const progress = parseProgressLine(line);
  assert.ok(progress);
  assert.deepEqual(describeProgress(progress, 0, 2), {
    message: "Downloading linux-x64-cuda: 50 of 100 MB",
    fraction: 0.25,
  });
  assert.deepEqual(describeProgress({ ...progress, step: "installed" }, 1, 2).fraction, 1);
  assert.equal(parseProgressLine("[hearth warn] something"), null);
  assert.equal(parseProgressLine('{"progress": broken'), null);
});
