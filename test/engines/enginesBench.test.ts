/**
 * `hearth bench engines` end to end on a small workload: simulated users against a real llama-server and the
 * in-process engine in one run. Checks what the command promises (both engines measured with the same
 * requests, figures present, loopback only, bounds), never how fast anything is.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, test } from "node:test";
import { Logger } from "../../server/src/base/logger";
import { checkEnginesBenchOptions, runEnginesBench } from "../../server/src/bench/enginesBench";
import { type LlamaServer, startLlamaServer } from "./llamaServer";

let server: LlamaServer | undefined;
after(async () => {
  await server?.kill();
});

test("the engines benchmark measures the same workload on the server and in-process", async () => {
  // Two slots of 1024 tokens each, one per simulated user.
  server = await startLlamaServer({
    model: "hearth-tiny-code.gguf",
    args: ["--parallel", "2", "--ctx-size", "2048"],
  });
  const file = { path: "enginesBench.ts", text: readFileSync("server/src/bench/enginesBench.ts", "utf8") };
  const result = await runEnginesBench({
    endpoint: server.url,
    provider: "llama-server",
    users: 2,
    requestsPerUser: 3,
    seconds: 120,
    maxTokens: 8,
    files: [file],
    logger: new Logger("error"),
  });
  assert.equal(result.engines.length, 2);
  const [local, remote] = result.engines;
  assert.equal(local!.engine, "in-process");
  assert.match(remote!.engine, /^http:\/\/127\.0\.0\.1:\d+ \(llama-server\)$/);
  for (const figures of result.engines) {
    assert.equal(figures.errors, 0, figures.firstError);
    assert.equal(figures.requests, 6);
    assert.equal(figures.fimFamily, "hearth");
    assert.ok(
      (figures.latencyMs.p50 ?? 0) > 0 && (figures.latencyMs.p95 ?? 0) >= (figures.latencyMs.p50 ?? 0),
    );
    assert.ok(figures.requestsPerSecond > 0);
  }
  assert.ok(result.remoteVersusInProcess.latencyP50 !== null);
});

test("the engines benchmark refuses other machines and unbounded workloads", () => {
  const ok = { endpoint: "http://127.0.0.1:8012", users: 4, requestsPerUser: 8, seconds: 60 };
  assert.doesNotThrow(() => checkEnginesBenchOptions(ok));
  assert.throws(
    () => checkEnginesBenchOptions({ ...ok, endpoint: "http://gpu-box:8012" }),
    /not on this machine/,
  );
  assert.throws(() => checkEnginesBenchOptions({ ...ok, users: 17 }), /--users must be 1 to 16/);
  assert.throws(() => checkEnginesBenchOptions({ ...ok, seconds: 0 }), /--seconds/);
});
