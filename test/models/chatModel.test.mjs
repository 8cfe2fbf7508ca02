// Checks hearth-tiny-chat (native-models/) against native-models/manifest.json: the file's integrity, the chat
// template node-llama-cpp resolves from the model itself, and the golden greedy answer under the answer grammar
// (server/src/chat/chatPrompt.ts answerGrammar, stored in the manifest) through both LlamaChat and
// LlamaChatSession, citing the right block and stopping at the end of the answer.
// Run: node --test test/models/
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { getLlama, LlamaChat, LlamaChatSession, resolveChatWrapper } from "node-llama-cpp";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const manifestPath = process.env.HEARTH_MODELS_MANIFEST ?? path.join(root, "native-models", "manifest.json");
const modelsDir = path.dirname(manifestPath);
const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
const entry = manifest.models.chat;
const golden = manifest.goldenChat;

function historyOf(messages) {
  return messages.map((m) =>
    m.role === "system"
      ? { type: "system", text: m.content }
      : m.role === "user"
        ? { type: "user", text: m.content }
        : { type: "model", response: [m.content] },
  );
}

describe("hearth-tiny-chat", () => {
  let llama;
  let model;

  before(async () => {
    // The golden was recorded with this thread count; more threads than free cores is ~500x slower here.
    llama = await getLlama({ gpu: false, build: "never", maxThreads: golden.threads, logLevel: "error" });
    model = await llama.loadModel({ modelPath: path.join(modelsDir, entry.file) });
  });

  after(async () => {
    await model?.dispose();
    await llama?.dispose();
  });

  test("file matches manifest sha256 and size, within 10 MB", () => {
    const file = path.join(modelsDir, entry.file);
    assert.equal(fs.statSync(file).size, entry.bytes);
    assert.ok(entry.bytes <= 10 * 1024 * 1024);
    assert.equal(createHash("sha256").update(fs.readFileSync(file)).digest("hex"), entry.sha256);
  });

  test("the chat template comes from the model: ChatML with <|im_end|> as end of turn", async () => {
    const template = model.fileInfo.metadata.tokenizer.chat_template;
    assert.match(template, /<\|im_start\|>/);
    assert.equal(resolveChatWrapper(model).wrapperName, "ChatML");
    // the same vocabulary without a template (the code model) resolves to another wrapper
    const code = await llama.loadModel({ modelPath: path.join(modelsDir, manifest.models.code.file) });
    try {
      assert.notEqual(resolveChatWrapper(code).wrapperName, "ChatML");
    } finally {
      await code.dispose();
    }
    const [imEnd] = model.tokenize("<|im_end|>", true);
    assert.equal(imEnd, entry.chatTemplate.specialTokens["<|im_end|>"]);
    assert.ok(model.isEogToken(imEnd));
    assert.equal(model.trainContextSize, entry.contextLength);
  });

  test("LlamaChat: greedy answer to the golden conversation cites the right block and stops", async () => {
    const context = await model.createContext({ contextSize: golden.contextSize, threads: golden.threads });
    try {
      const chat = new LlamaChat({ contextSequence: context.getSequence() });
      const grammar = await llama.createGrammar({ grammar: golden.grammar });
      const result = await chat.generateResponse(
        [...historyOf(golden.messages), { type: "model", response: [] }],
        { maxTokens: golden.maxTokens, temperature: 0, grammar },
      );
      assert.equal(result.response, golden.answer);
      assert.ok(["eogToken", "stopGenerationTrigger"].includes(result.metadata.stopReason));
      const { path: file, startLine, endLine } = golden.citation;
      assert.ok(result.response.endsWith(` @ ${file}:${startLine}-${endLine}`));
    } finally {
      await context.dispose();
    }
  });

  test("LlamaChatSession gives the same answer from the system prompt and the user message", async () => {
    const context = await model.createContext({ contextSize: golden.contextSize, threads: golden.threads });
    try {
      const [system, user] = golden.messages;
      const session = new LlamaChatSession({
        contextSequence: context.getSequence(),
        systemPrompt: system.content,
      });
      const grammar = await llama.createGrammar({ grammar: golden.grammar });
      const answer = await session.prompt(user.content, {
        maxTokens: golden.maxTokens,
        temperature: 0,
        grammar,
      });
      assert.equal(answer, golden.answer);
    } finally {
      await context.dispose();
    }
  });
});
