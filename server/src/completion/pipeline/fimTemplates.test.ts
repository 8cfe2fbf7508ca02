/** Golden prompts for every FIM family, the KV-stable part, `--explain` output and family detection. */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildFimPrompt,
  detectFimFamily,
  explainFimPrompt,
  type FimFamily,
  type FimInput,
  fimFamilies,
  fimTemplate,
  type ModelFimInfo,
} from "./fimTemplates";

const input: FimInput = {
  prefix: "import os\n\ndef main():\n    pri",
  suffix: "nt()\n    return 0\n",
  path: "src/app.py",
  repoName: "demo",
  language: "python",
  // Least relevant first: db.py is the most relevant and must end up nearest the cursor.
  snippets: [
    { path: "src/util.py", text: "def helper():\n    pass" },
    { path: "src/db.py", text: "class Db:\n    pass\n" },
  ],
};

const golden: Record<FimFamily, string> = {
  qwen:
    "<|repo_name|>demo\n<|file_sep|>src/util.py\ndef helper():\n    pass\n<|file_sep|>src/db.py\nclass Db:\n    pass\n" +
    "<|file_sep|>src/app.py\n<|fim_prefix|>import os\n\ndef main():\n<|fim_suffix|>nt()\n    return 0\n<|fim_middle|>    pri",
  starcoder2:
    "<repo_name>demo<file_sep>src/util.py\ndef helper():\n    pass\n<file_sep>src/db.py\nclass Db:\n    pass\n" +
    "<file_sep><fim_prefix>src/app.py\nimport os\n\ndef main():\n    pri<fim_suffix>nt()\n    return 0\n<fim_middle>",
  codellama:
    "<PRE> # Path: src/util.py\n# def helper():\n#     pass\n# Path: src/db.py\n# class Db:\n#     pass\n" +
    "# Path: src/app.py\nimport os\n\ndef main():\n    pri <SUF>nt()\n    return 0\n <MID>",
  deepseek:
    "<｜fim▁begin｜># src/util.py\ndef helper():\n    pass\n# src/db.py\nclass Db:\n    pass\n# src/app.py\n" +
    "import os\n\ndef main():\n    pri<｜fim▁hole｜>nt()\n    return 0\n<｜fim▁end｜>",
  codestral:
    "[SUFFIX]nt()\n    return 0\n[PREFIX]+++++ src/util.py\ndef helper():\n    pass\n\n+++++ src/db.py\n" +
    "class Db:\n    pass\n\n+++++ src/app.py\nimport os\n\ndef main():\n    pri",
  codegemma:
    "<|file_separator|>src/util.py\ndef helper():\n    pass\n<|file_separator|>src/db.py\nclass Db:\n    pass\n" +
    "<|file_separator|>src/app.py\n<|fim_prefix|>import os\n\ndef main():\n    pri<|fim_suffix|>nt()\n    return 0\n" +
    "<|fim_middle|>",
  hearth:
    "<fim_suffix>nt()\n    return 0\n<fim_prefix>def helper():\n    pass\n<file_sep>class Db:\n    pass\n<file_sep>" +
    "import os\n\ndef main():\n    pri",
};

for (const family of fimFamilies) {
  test(`${family}: the repository-level prompt with snippets matches the golden text`, () => {
    const prompt = buildFimPrompt(family, input);
    assert.equal(prompt.text, golden[family]);
    assert.equal(
      prompt.parts.map((part) => part.text).join(""),
      prompt.text,
      "the parts add up to the prompt",
    );
    assert.deepEqual(prompt.stop, fimTemplate(family).stop);
  });

  test(`${family}: the stable part survives typing on the cursor line`, () => {
    const before = buildFimPrompt(family, input);
    const typed = buildFimPrompt(family, { ...input, prefix: `${input.prefix}nt(` });
    assert.equal(typed.stableLength, before.stableLength);
    assert.equal(typed.text.slice(0, typed.stableLength), before.text.slice(0, before.stableLength));
    // Only the cursor line's prefix lies beyond the stable part for suffix-after families in afterMiddle.
    assert.ok(before.text.slice(before.stableLength).startsWith("    pri"));
  });
}

test("qwen with the cursor line in the prefix: the trained layout, stable up to the cursor line", () => {
  const prompt = buildFimPrompt("qwen", input, { linePlacement: "inPrefix" });
  assert.ok(
    prompt.text.endsWith(
      "<|fim_prefix|>import os\n\ndef main():\n    pri<|fim_suffix|>nt()\n    return 0\n<|fim_middle|>",
    ),
  );
  assert.equal(prompt.linePlacement, "inPrefix");
  assert.equal(prompt.text.slice(prompt.stableLength, prompt.stableLength + 7), "    pri");
});

test("codestral puts the cursor line last whatever the placement asked for", () => {
  const prompt = buildFimPrompt("codestral", input, { linePlacement: "afterMiddle" });
  assert.equal(prompt.linePlacement, "inPrefix");
  assert.ok(prompt.text.endsWith("def main():\n    pri"));
});

test("without snippets, path or repository every family writes its file-level prompt", () => {
  const plain = { prefix: "a = 1\nb = ", suffix: "\nc = 3" };
  const expected: Record<FimFamily, string> = {
    qwen: "<|fim_prefix|>a = 1\n<|fim_suffix|>\nc = 3<|fim_middle|>b = ",
    starcoder2: "<fim_prefix>a = 1\nb = <fim_suffix>\nc = 3<fim_middle>",
    codellama: "<PRE> a = 1\nb =  <SUF>\nc = 3 <MID>",
    deepseek: "<｜fim▁begin｜>a = 1\nb = <｜fim▁hole｜>\nc = 3<｜fim▁end｜>",
    codestral: "[SUFFIX]\nc = 3[PREFIX]a = 1\nb = ",
    codegemma: "<|fim_prefix|>a = 1\nb = <|fim_suffix|>\nc = 3<|fim_middle|>",
    hearth: "<fim_suffix>\nc = 3<fim_prefix>a = 1\nb = ",
  };
  for (const family of fimFamilies)
    assert.equal(buildFimPrompt(family, plain).text, expected[family], family);
});

test("a path alone gives Qwen its file header but CodeGemma its documented file-level form", () => {
  const withPath = { prefix: "x", suffix: "", path: "a.ts" };
  assert.equal(
    buildFimPrompt("qwen", withPath).text,
    "<|file_sep|>a.ts\n<|fim_prefix|><|fim_suffix|><|fim_middle|>x",
  );
  assert.equal(buildFimPrompt("codegemma", withPath).text, "<|fim_prefix|>x<|fim_suffix|><|fim_middle|>");
});

test("snippets as comments follow the language's comment syntax", () => {
  const prompt = buildFimPrompt("codellama", {
    prefix: "let x = ",
    suffix: "",
    path: "b.ts",
    language: "typescript",
    snippets: [{ path: "a.ts", text: "export const y = 1;\n\nexport const z = 2;" }],
  });
  assert.equal(
    prompt.text,
    "<PRE> // Path: a.ts\n// export const y = 1;\n//\n// export const z = 2;\n// Path: b.ts\nlet x =  <SUF> <MID>",
  );
});

test("every family stops on its end-of-text and its own markers", () => {
  const required: Record<FimFamily, string[]> = {
    qwen: ["<|endoftext|>", "<|fim_pad|>", "<|file_sep|>", "<|repo_name|>", "<|fim_prefix|>"],
    starcoder2: ["<|endoftext|>", "<file_sep>", "<repo_name>", "<fim_prefix>"],
    codellama: ["<EOT>"],
    deepseek: ["<｜end▁of▁sentence｜>", "<｜fim▁begin｜>"],
    codestral: ["[PREFIX]", "[SUFFIX]"],
    codegemma: ["<|file_separator|>", "<|fim_prefix|>"],
    hearth: ["</s>", "<file_sep>"],
  };
  for (const family of fimFamilies) {
    for (const stop of required[family])
      assert.ok(fimTemplate(family).stop.includes(stop), `${family} ${stop}`);
  }
});

test("explainFimPrompt labels every part with its length", () => {
  const prompt = buildFimPrompt("hearth", {
    prefix: "a\nb",
    suffix: "c",
    snippets: [{ path: "x.py", text: "y" }],
  });
  assert.equal(
    explainFimPrompt(prompt),
    [
      "family: hearth, cursor line: inPrefix, 40 chars, 39 stable while typing on the line",
      'stop: "</s>" "<file_sep>" "<fim_prefix>" "<fim_suffix>" "<pad>"',
      "--- marker (12 chars) ---",
      "<fim_suffix>",
      "--- suffix (1 chars) ---",
      "c",
      "--- marker (12 chars) ---",
      "<fim_prefix>",
      "--- snippet x.py (2 chars) ---",
      "y\n",
      "--- marker (10 chars) ---",
      "<file_sep>",
      "--- prefix (2 chars) ---",
      "a\n",
      "--- linePrefix (1 chars) ---",
      "b",
    ].join("\n"),
  );
});

const detection: [string, ModelFimInfo, FimFamily | null][] = [
  [
    "Qwen2.5-Coder vocabulary",
    {
      architecture: "qwen2",
      specialTokens: ["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|file_sep|>"],
    },
    "qwen",
  ],
  [
    "CodeGemma vocabulary",
    {
      architecture: "gemma",
      specialTokens: ["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|file_separator|>"],
    },
    "codegemma",
  ],
  [
    "StarCoder2 vocabulary",
    {
      architecture: "starcoder2",
      specialTokens: ["<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<|endoftext|>", "<file_sep>"],
    },
    "starcoder2",
  ],
  [
    "Hearth's tiny model (llama architecture, </s>)",
    {
      architecture: "llama",
      name: "tiny",
      specialTokens: ["<fim_prefix>", "<fim_suffix>", "<fim_middle>", "</s>", "<file_sep>"],
    },
    "hearth",
  ],
  [
    "DeepSeek-Coder vocabulary",
    { architecture: "llama", specialTokens: ["<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"] },
    "deepseek",
  ],
  [
    "CodeLlama's SentencePiece markers",
    { architecture: "llama", specialTokens: ["▁<PRE>", "▁<SUF>", "▁<MID>", "▁<EOT>"] },
    "codellama",
  ],
  [
    "CodeLlama markers detokenized with a space",
    { specialTokens: [" <PRE>", " <SUF>", " <MID>"] },
    "codellama",
  ],
  [
    "Codestral vocabulary",
    { architecture: "llama", specialTokens: ["[SUFFIX]", "[PREFIX]", "[MIDDLE]"] },
    "codestral",
  ],
  ["Codestral by name only", { name: "Codestral-22B-v0.1", specialTokens: [] }, "codestral"],
  ["Qwen coder by name only", { name: "Qwen2.5-Coder-1.5B", specialTokens: [] }, "qwen"],
  ["DeepSeek coder by name only", { name: "deepseek-coder-1.3b-base", specialTokens: [] }, "deepseek"],
  [
    "a chat model without FIM",
    { architecture: "llama", name: "Llama-3-8B-Instruct", specialTokens: [] },
    null,
  ],
  [
    "the catalog's template wins",
    { catalogTemplate: "hearth", specialTokens: ["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"] },
    "hearth",
  ],
  [
    "an unknown catalog template falls back to evidence",
    { catalogTemplate: "mystery", specialTokens: [] },
    null,
  ],
];

for (const [name, info, expected] of detection) {
  test(`detectFimFamily: ${name} → ${expected}`, () => {
    assert.equal(detectFimFamily(info), expected);
  });
}
