// Runs a GGUF through node-llama-cpp (CPU) on a JSON job and prints JSON results.
// Usage: node probe.mjs job.json  (job: {model, threads, contextSize, tokenize:[str],
//   greedy:[{tokens:[ids], maxTokens}], infill:[{prefix, suffix, maxTokens}], embed:[str]})
import fs from "node:fs";
import { DraftSequenceTokenPredictor, getLlama, LlamaCompletion } from "node-llama-cpp";

const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const threads = job.threads ?? 2;
const llama = await getLlama({ gpu: false, build: "never", maxThreads: threads, logLevel: "error" });
const model = await llama.loadModel({ modelPath: job.model });
const out = { tokenize: [], greedy: [], infill: [], embed: [] };
out.infillTokens = {
  prefix: model.tokens.infill.prefix ?? null,
  suffix: model.tokens.infill.suffix ?? null,
  middle: model.tokens.infill.middle ?? null,
};
out.trainContextSize = model.trainContextSize;
out.embeddingVectorSize = model.embeddingVectorSize;
for (const s of job.tokenize ?? []) out.tokenize.push(Array.from(model.tokenize(s)));
out.detokenize = (job.detokenize ?? []).map((ids) => model.detokenize(ids));
if ((job.greedy ?? []).length || (job.infill ?? []).length) {
  const ctx = await model.createContext({
    contextSize: job.contextSize ?? 1024,
    threads,
    batchSize: job.contextSize ?? 1024,
  });
  const seq = ctx.getSequence();
  for (const g of job.greedy ?? []) {
    await seq.clearHistory();
    const res = [];
    for await (const t of seq.evaluate(g.tokens, { temperature: 0 })) {
      res.push(t);
      if (res.length >= g.maxTokens) break;
    }
    out.greedy.push(res);
  }
  if ((job.infill ?? []).length) {
    await seq.clearHistory();
    const comp = new LlamaCompletion({ contextSequence: seq });
    out.infillSupported = comp.infillSupported;
    const t0 = Date.now();
    for (const f of job.infill) {
      const text = await comp.generateInfillCompletion(f.prefix, f.suffix, {
        maxTokens: f.maxTokens,
        temperature: 0,
      });
      out.infill.push(text);
    }
    out.infillMs = Date.now() - t0;
  }
  await ctx.dispose();
}
if ((job.embed ?? []).length) {
  const ectx = await model.createEmbeddingContext({
    contextSize: job.embedContextSize ?? 1024,
    threads,
    batchSize: job.embedContextSize ?? 1024,
  });
  for (const s of job.embed) out.embed.push(Array.from((await ectx.getEmbeddingFor(s)).vector));
  await ectx.dispose();
}
if (job.speculative) {
  // job.speculative: {draft, infill:[{prefix,suffix,maxTokens}], minTokens, maxTokens}
  const sp = job.speculative;
  const draft = await llama.loadModel({ modelPath: sp.draft });
  const dctx = await draft.createContext({
    contextSize: job.contextSize ?? 1024,
    threads,
    batchSize: job.contextSize ?? 1024,
  });
  const ctx = await model.createContext({
    contextSize: job.contextSize ?? 1024,
    threads,
    batchSize: job.contextSize ?? 1024,
  });
  const runAll = async (seq) => {
    const comp = new LlamaCompletion({ contextSequence: seq });
    const texts = [];
    const t0 = Date.now();
    for (const f of sp.infill) {
      await seq.clearHistory();
      texts.push(
        await comp.generateInfillCompletion(f.prefix, f.suffix, { maxTokens: f.maxTokens, temperature: 0 }),
      );
    }
    return { texts, ms: Date.now() - t0 };
  };
  const seqSpec = ctx.getSequence({
    tokenPredictor: new DraftSequenceTokenPredictor(dctx.getSequence(), {
      minTokens: sp.minTokens ?? 4,
      maxTokens: sp.maxTokens ?? 8,
      minConfidence: sp.minConfidence,
    }),
  });
  const withDraft = await runAll(seqSpec);
  out.speculative = { stats: { ...seqSpec.tokenPredictions }, ms: withDraft.ms, texts: withDraft.texts };
  seqSpec.dispose();
  const plain = await runAll(ctx.getSequence());
  out.speculative.plainMs = plain.ms;
  out.speculative.sameOutput = plain.texts.every((t, i) => t === withDraft.texts[i]);
  await ctx.dispose();
  await dctx.dispose();
  await draft.dispose();
}
await model.dispose();
console.log(JSON.stringify(out));
