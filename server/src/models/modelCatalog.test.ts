/** The shipped catalog is valid and consistent, and the configuration defaults point into it. */

import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import {
  catalogProblems,
  findCatalogEntry,
  loadModelCatalog,
  modelRoles,
  parseModelUri,
} from "./modelCatalog";
import { ModelCatalogError } from "./modelErrors";
import { resolveModelFile } from "./modelFiles";
import { defaultModelsDirectory, defaultThreadCount, resolveModelsConfig } from "./modelsConfig";

test("native-models/catalog.json is valid, and every tier names models that suit the role", () => {
  const catalog = loadModelCatalog();
  assert.deepEqual(catalogProblems(catalog), []);
  for (const [name, tier] of Object.entries(catalog.tiers)) {
    for (const role of modelRoles) {
      const id = tier.roles[role];
      if (id === null) continue;
      const entry = findCatalogEntry(catalog, id)!;
      assert.ok(entry.roles.includes(role), `tier ${name}: ${id} is not a ${role} model`);
    }
  }
  for (const entry of catalog.models) {
    if (entry.bundled) continue;
    assert.ok(parseModelUri(entry.uri!), `${entry.id}: bad uri`);
    assert.ok(entry.uri!.endsWith(entry.file), `${entry.id}: uri and file disagree`);
    if (entry.roles.includes("completion"))
      assert.ok(entry.fimTemplate, `${entry.id}: completion model without FIM`);
  }
});

test("catalogProblems words what is wrong", () => {
  const problems = catalogProblems({
    version: 1,
    tiers: { x: { description: "", roles: { completion: "nope", draft: null, chat: null } } },
    models: [
      { id: "a", roles: ["teleport"], bundled: false, uri: "ftp://x", sha256: "XYZ", contextLength: 0 },
    ],
  });
  assert.ok(problems.some((problem) => problem.includes("`roles`")));
  assert.ok(problems.some((problem) => problem.includes("hf: or https:")));
  assert.ok(problems.some((problem) => problem.includes("sha256")));
  assert.ok(problems.some((problem) => problem.includes("unknown model nope")));
  assert.ok(problems.some((problem) => problem.includes("no entry for role embedding")));
});

test("hf: URIs become Hugging Face resolve URLs", () => {
  assert.equal(
    parseModelUri("hf:ggml-org/Qwen2.5-Coder-1.5B-Q8_0-GGUF/qwen2.5-coder-1.5b-q8_0.gguf")?.href,
    "https://huggingface.co/ggml-org/Qwen2.5-Coder-1.5B-Q8_0-GGUF/resolve/main/qwen2.5-coder-1.5b-q8_0.gguf",
  );
  assert.equal(
    parseModelUri("hf:o/r/dir/f.gguf#dev")?.href,
    "https://huggingface.co/o/r/resolve/dev/dir/f.gguf",
  );
  assert.equal(parseModelUri("hf:only-owner/repo"), null);
  assert.equal(parseModelUri("file:///etc/passwd"), null);
});

test("defaults: Hearth's tiny models (the tiny chat model included), explicit threads, XDG cache directory", () => {
  const config = resolveModelsConfig({}, { XDG_CACHE_HOME: "/xdg" });
  assert.equal(config.roles.completion?.model, "hearth-tiny-code");
  assert.equal(config.roles.draft?.model, "hearth-tiny-draft");
  assert.equal(config.roles.embedding?.model, "hearth-tiny-embed");
  assert.equal(config.roles.chat?.model, "hearth-tiny-chat");
  assert.equal(config.modelsDirectory, path.join("/xdg", "hearth", "models"));
  assert.ok(config.threads >= 1);
  assert.ok(config.roles.completion!.draft.maxTokens > 0);
  assert.equal(config.roles.completion!.draft.adaptive, true);
  assert.equal(defaultModelsDirectory({ XDG_CACHE_HOME: "relative" }).startsWith("relative"), false);
  assert.equal(defaultThreadCount(2), 1);
  assert.equal(defaultThreadCount(1), 1);
  assert.equal(defaultThreadCount(16), 8);
});

test("a role set to a path or an id resolves to a file; an unknown id is an error naming the known ones", () => {
  const config = resolveModelsConfig({
    models: { completion: "./some/model.gguf", chat: "qwen2.5-coder-7b-instruct" },
  });
  assert.equal(config.roles.completion?.model, path.resolve("some/model.gguf"));
  const chat = resolveModelFile(config.roles.chat!.model, "chat", config);
  assert.equal(chat.path, path.join(config.modelsDirectory, "qwen2.5-coder-7b-instruct-q4_k_m.gguf"));
  assert.match(chat.remedy, /hearth models pull qwen2\.5-coder-7b-instruct/);
  const tiny = resolveModelFile("hearth-tiny-code", "completion", config);
  assert.equal(tiny.path, path.join(config.nativeModelsDirectory, "hearth-tiny-code.gguf"));
  assert.throws(
    () => resolveModelFile("gpt-17", "chat", config),
    (error: Error) => {
      assert.ok(error instanceof ModelCatalogError);
      assert.match(error.message, /unknown model id "gpt-17".*hearth-tiny-code/);
      return true;
    },
  );
});
