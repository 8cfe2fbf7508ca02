/** Tests for the pure rules of remote-engine API keys. */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  configuredEndpoints,
  endpointKey,
  endpointProblem,
  secretName,
  tracingWouldLogKeys,
} from "./remoteKeyRules";

test("only address settings are endpoints, each once, /v1 and trailing slashes folded", () => {
  assert.deepEqual(
    configuredEndpoints({
      completion: "http://gpu:8080/v1/",
      chat: "http://gpu:8080",
      embedding: "hearth-tiny-embed",
      draft: "http://other:1",
    }),
    ["http://gpu:8080"],
  );
  assert.deepEqual(configuredEndpoints({ completion: " https://team.example:8443 " }), [
    "https://team.example:8443",
  ]);
  assert.deepEqual(configuredEndpoints({}), []);
});

test("the secret's name follows the endpoint's canonical form", () => {
  assert.equal(endpointKey(" http://gpu:8080/v1 "), "http://gpu:8080");
  assert.equal(secretName("http://gpu:8080/"), "hearth.remoteApiKey:http://gpu:8080");
});

test("addresses with credentials or another scheme are refused with a reason", () => {
  assert.equal(endpointProblem("http://127.0.0.1:8080"), null);
  assert.match(endpointProblem("http://me:pw@gpu:8080") ?? "", /user name and password/);
  assert.match(endpointProblem("ftp://gpu") ?? "", /http/);
  assert.match(endpointProblem("gpu:8080 x") ?? "", /address/);
});

test("verbose message tracing withholds keys; other trace levels do not", () => {
  assert.equal(tracingWouldLogKeys("verbose"), true);
  assert.equal(tracingWouldLogKeys("messages"), false);
  assert.equal(tracingWouldLogKeys(undefined), false);
});
