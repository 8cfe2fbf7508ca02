/** The /proc reader behind the benchmarks' CPU and memory figures, on real processes. */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { readProcessTree } from "./processTree";

const linux = process.platform === "linux";

test(
  "a process tree's CPU includes a child's, while it runs and after it exits",
  { skip: !linux },
  async () => {
    const before = readProcessTree(process.pid)!;
    // Spins until it has used 0.4 s of CPU, however loaded the machine is.
    const child = spawn(process.execPath, ["-e", "while (process.cpuUsage().user < 400000);"]);
    // While it runs, the tree has one more process and more resident memory.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const during = readProcessTree(process.pid)!;
    assert.ok(during.processes > before.processes, "the child is counted");
    assert.ok(during.rssMb > before.rssMb);
    await new Promise((resolve) => child.on("exit", resolve));
    const after = readProcessTree(process.pid)!;
    // Once reaped, the child's time moves to this process's cutime.
    assert.ok(after.cpuSeconds - before.cpuSeconds >= 0.4, `${after.cpuSeconds - before.cpuSeconds} s`);
  },
);

test("a process that does not exist reads as null", { skip: !linux }, () => {
  assert.equal(readProcessTree(2 ** 22 + 12345), null);
});
