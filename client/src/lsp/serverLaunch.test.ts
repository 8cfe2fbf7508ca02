/** Tests for choosing the Node runtime that runs the server. */

import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { NodeRuntimeError, resolveNodeRuntime, serverInspectArgs } from "./serverLaunch";

test("a configured node path is used and described", () => {
  const runtime = resolveNodeRuntime(process.execPath);
  assert.equal(runtime.path, process.execPath);
  assert.equal(runtime.source, "setting hearth.server.nodePath");
  assert.equal(runtime.version, process.versions.node);
  assert.equal(runtime.abi, process.versions.modules);
});

test("without a setting, a plain-Node extension host runs the server itself", () => {
  const runtime = resolveNodeRuntime("  ");
  assert.equal(runtime.source, "extension host");
  assert.equal(runtime.path, process.execPath);
});

test("a missing executable gives an error naming the path and the setting", () => {
  assert.throws(
    () => resolveNodeRuntime("/nonexistent/node"),
    (error: Error) =>
      error instanceof NodeRuntimeError &&
      /\/nonexistent\/node/.test(error.message) &&
      /nodePath/.test(error.message),
  );
});

test("an executable that is not Node gives a clear error", () => {
  const directory = mkdtempSync(path.join(tmpdir(), "hearth-launch-"));
  const fake = path.join(directory, "node");
  writeFileSync(fake, "#!/bin/sh\necho 'not node' >&2\nexit 3\n");
  chmodSync(fake, 0o755);
  assert.throws(() => resolveNodeRuntime(fake), /did not run as Node\.js: not node/);
});

test("a Node older than 20 is refused", () => {
  const directory = mkdtempSync(path.join(tmpdir(), "hearth-launch-"));
  const old = path.join(directory, "node");
  writeFileSync(old, "#!/bin/sh\necho '18.19.0 108'\n");
  chmodSync(old, 0o755);
  assert.throws(() => resolveNodeRuntime(old), /Node\.js 18\.19\.0; Hearth needs 20 or newer/);
});

test("HEARTH_SERVER_INSPECT opens the server to a debugger on loopback, or stops on start with brk:", () => {
  assert.deepEqual(serverInspectArgs({}), []);
  assert.deepEqual(serverInspectArgs({ HEARTH_SERVER_INSPECT: " " }), []);
  assert.deepEqual(serverInspectArgs({ HEARTH_SERVER_INSPECT: "6009" }), ["--inspect=127.0.0.1:6009"]);
  assert.deepEqual(serverInspectArgs({ HEARTH_SERVER_INSPECT: "brk:6009" }), [
    "--inspect-brk=127.0.0.1:6009",
  ]);
  assert.deepEqual(serverInspectArgs({ HEARTH_SERVER_INSPECT: "0.0.0.0:9229" }), ["--inspect=0.0.0.0:9229"]);
  assert.throws(() => serverInspectArgs({ HEARTH_SERVER_INSPECT: "yes" }), NodeRuntimeError);
  assert.throws(() => serverInspectArgs({ HEARTH_SERVER_INSPECT: "70000" }), /expected a port/);
});
