/** Tests for remote endpoint settings: the canonical address, refusals with reasons, loopback detection. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveModelsConfig } from "../modelsConfig";
import { readModelsSettings } from "../modelsSettings";
import { isEndpoint, isLoopbackEndpoint, normaliseEndpoint } from "./remoteConfig";
import { RemoteCredentials } from "./remoteCredentials";

test("an endpoint is normalised: no trailing slash, no /v1, path prefixes kept", () => {
  assert.equal(normaliseEndpoint(" http://127.0.0.1:8080/ "), "http://127.0.0.1:8080");
  assert.equal(normaliseEndpoint("https://gpu.example/v1"), "https://gpu.example");
  assert.equal(normaliseEndpoint("http://proxy.example/llm/v1/"), "http://proxy.example/llm");
});

test("credentials, queries and other schemes are refused with what to do instead", () => {
  assert.throws(() => normaliseEndpoint("http://me:secret@gpu:8080"), /Set API Key for Remote Engine/);
  assert.throws(() => normaliseEndpoint("http://gpu:8080/?key=1"), /query/);
  assert.throws(() => normaliseEndpoint("not a url"), /http:\/\/host:port/);
  assert.equal(isEndpoint("hearth-tiny-code"), false);
  assert.equal(isEndpoint("./models/x.gguf"), false);
  assert.equal(isEndpoint("HTTPS://gpu"), true);
});

test("loopback addresses are told apart from the rest", () => {
  assert.equal(isLoopbackEndpoint("http://127.0.0.1:8080"), true);
  assert.equal(isLoopbackEndpoint("http://localhost:11434"), true);
  assert.equal(isLoopbackEndpoint("http://[::1]:8000"), true);
  assert.equal(isLoopbackEndpoint("http://127.0.0.1.evil.example"), false);
  assert.equal(isLoopbackEndpoint("http://10.0.0.5:8080"), false);
});

test("settings: an address makes a remote role with its provider, model and options; a remote draft is refused", () => {
  const warnings: string[] = [];
  const settings = readModelsSettings(
    {
      models: {
        completion: "http://gpu:8000/v1",
        chat: "http://gpu:11434",
        draft: "http://gpu:8000",
        providers: { completion: "openai-compatible", chat: "ollama", embedding: "nonsense" },
        remoteModels: { completion: "Qwen/Qwen2.5-Coder-7B", chat: "qwen2.5-coder:7b-instruct" },
        remote: { timeoutSeconds: 5, fimTemplate: "qwen" },
      },
    },
    (message) => warnings.push(message),
  );
  const config = resolveModelsConfig(settings);
  assert.deepEqual(config.roles.completion?.remote, {
    endpoint: "http://gpu:8000",
    provider: "openai-compatible",
    model: "Qwen/Qwen2.5-Coder-7B",
    fimTemplate: "qwen",
    timeoutMs: 5000,
    caFile: null,
  });
  assert.equal(config.roles.chat?.remote?.provider, "ollama");
  assert.equal(config.roles.draft, null);
  assert.equal(config.roles.embedding?.remote, undefined, "the embedding role stays local");
  assert.ok(warnings.some((warning) => warning.includes("hearth.models.draft")));
  assert.ok(warnings.some((warning) => warning.includes("hearth.models.providers.embedding")));
});

test("a malformed address turns the role off with a warning instead of failing the server", () => {
  const warnings: string[] = [];
  const settings = readModelsSettings({ models: { completion: "http://u:p@gpu:1" } }, (message) =>
    warnings.push(message),
  );
  assert.equal(settings.models?.completion, null);
  assert.match(warnings[0] ?? "", /hearth\.models\.completion/);
});

test("credentials are found under the canonical endpoint, the environment's key is the fallback", () => {
  const credentials = new RemoteCredentials("from-env");
  credentials.set("http://gpu:8080/v1/", "team");
  assert.equal(credentials.get("http://gpu:8080"), "team");
  assert.equal(credentials.get("http://other:1"), "from-env");
  credentials.set("http://gpu:8080", null);
  assert.equal(credentials.get("http://gpu:8080"), "from-env");
  assert.equal(RemoteCredentials.fromEnvironment({ HEARTH_REMOTE_API_KEY: " k " }).get("http://x"), "k");
  assert.equal(RemoteCredentials.fromEnvironment({}).get("http://x"), undefined);
});
