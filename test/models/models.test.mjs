// Checks Hearth's own models (native-models/) against native-models/manifest.json:
// file integrity, loading on CPU through node-llama-cpp, the golden greedy infill of the code
// model, embedding shape and ranking, and the draft model sharing the code model's vocabulary.
// Run: node --test test/models/
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { getLlama, LlamaCompletion } from "node-llama-cpp";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
// HEARTH_MODELS_MANIFEST points the test at another manifest (model files sit next to it).
const manifestPath = process.env.HEARTH_MODELS_MANIFEST ?? path.join(root, "native-models", "manifest.json");
const modelsDir = path.dirname(manifestPath);
const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
// node-llama-cpp defaults to more threads than a 2-core machine has, which is ~500x slower.
const threads = Math.max(1, Math.min(2, os.availableParallelism()));

function sha256(file) {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function cosine(a, b) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

describe("native models", () => {
  let llama;
  const loaded = {};

  before(async () => {
    llama = await getLlama({ gpu: false, build: "never", maxThreads: threads, logLevel: "error" });
  });

  after(async () => {
    for (const m of Object.values(loaded)) await m.dispose();
    await llama?.dispose();
  });

  async function load(name) {
    loaded[name] ??= await llama.loadModel({ modelPath: path.join(modelsDir, manifest.models[name].file) });
    return loaded[name];
  }

  for (const name of ["code", "draft", "embed"]) {
    test(`${name}: file matches manifest sha256 and size`, () => {
      const entry = manifest.models[name];
      const file = path.join(modelsDir, entry.file);
      assert.equal(fs.statSync(file).size, entry.bytes);
      assert.equal(sha256(file), entry.sha256);
    });
  }

  test("code: loads with the manifest's context length and FIM tokens", async () => {
    const model = await load("code");
    const entry = manifest.models.code;
    assert.equal(model.trainContextSize, entry.contextLength);
    assert.ok(entry.contextLength >= 1024);
    const special = manifest.tokenizer.specialTokens;
    assert.equal(model.tokens.infill.prefix, special["<fim_prefix>"]);
    assert.equal(model.tokens.infill.suffix, special["<fim_suffix>"]);
    // SPM models: no middle token, so node-llama-cpp builds <fim_suffix>S<fim_prefix>P (manifest.fimTemplate)
    assert.equal(manifest.fimTemplate.order, "SPM");
    assert.equal(model.tokens.infill.middle ?? null, null);
    assert.deepEqual(
      model.tokenize(manifest.tokenizer.nodeAgreement.sample.text),
      manifest.tokenizer.nodeAgreement.sample.ids,
    );
  });

  test("code: greedy infill reproduces the golden completion", async () => {
    const model = await load("code");
    const golden = manifest.goldenInfill;
    const context = await model.createContext({ contextSize: golden.contextSize, threads });
    try {
      const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
      assert.equal(completion.infillSupported, true);
      const text = await completion.generateInfillCompletion(golden.prefix, golden.suffix, {
        maxTokens: golden.maxTokens,
        temperature: 0,
      });
      assert.equal(text, golden.expected);
    } finally {
      await context.dispose();
    }
  });

  test("draft: loads and shares the code model's vocabulary", async () => {
    const draft = await load("draft");
    const code = await load("code");
    const sample = "const answer = compute(\"\\t\", 42);\n\tif (x) {\n  return 'ü→✓';\n}\n";
    assert.deepEqual(draft.tokenize(sample), code.tokenize(sample));
    assert.deepEqual(
      draft.tokenize(manifest.tokenizer.nodeAgreement.sample.text),
      manifest.tokenizer.nodeAgreement.sample.ids,
    );
    assert.deepEqual(draft.tokens.infill.prefix, code.tokens.infill.prefix);
    assert.deepEqual(draft.tokens.infill.suffix, code.tokens.infill.suffix);
    assert.equal(
      draft.fileInfo.metadata.tokenizer.ggml.tokens.length,
      code.fileInfo.metadata.tokenizer.ggml.tokens.length,
    );
    assert.ok(manifest.models.code.parameters >= 8 * manifest.models.draft.parameters);
  });

  test("embed: vectors have the recorded size and rank the matching code first", async () => {
    const model = await load("embed");
    const golden = manifest.goldenEmbedding;
    const context = await model.createEmbeddingContext({
      contextSize: golden.contextSize,
      batchSize: golden.contextSize,
      threads,
    });
    try {
      const v = (await context.getEmbeddingFor(golden.text)).vector;
      assert.equal(v.length, manifest.models.embed.embeddingDimension);
      assert.equal(v.length, golden.dimension);
      for (let i = 0; i < 4; i++)
        assert.ok(Math.abs(v[i] - golden.first4[i]) <= 2e-3, `dim ${i}: ${v[i]} vs ${golden.first4[i]}`);

      const { query, positive, negative } = golden.retrievalCheck;
      const eq = (await context.getEmbeddingFor(query)).vector;
      const ep = (await context.getEmbeddingFor(positive)).vector;
      const en = (await context.getEmbeddingFor(negative)).vector;
      assert.ok(
        cosine(eq, ep) > cosine(eq, en),
        `query closer to other code (${cosine(eq, ep)} <= ${cosine(eq, en)})`,
      );

      // texts of at least 512 tokens must embed (the context is larger than the input)
      const long = "x = compute(value)\n".repeat(40);
      assert.ok(model.tokenize(long).length >= 512);
      const lv = (await context.getEmbeddingFor(long)).vector;
      assert.equal(lv.length, golden.dimension);
      assert.ok(lv.every(Number.isFinite));
    } finally {
      await context.dispose();
    }
  });
});
