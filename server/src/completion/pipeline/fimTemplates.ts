/**
 * Fill-in-the-middle prompts per model family, each with the stop strings that end its completions, and the
 * detection of a model's family from its GGUF metadata and special tokens.
 *
 * Token spellings follow the models' own documentation and llama.cpp's `llama-vocab.cpp` FIM token lists
 * (Qwen `<|fim_prefix|>`, StarCoder `<fim_prefix>`, DeepSeek `<｜fim▁begin｜>`, CodeLlama `<PRE>`, CodeGemma
 * `<|file_separator|>`); the repository-level forms follow the Qwen2.5-Coder report (figure 4) and the
 * StarCoder2 paper (section 5.1).
 *
 * Order matters twice. For KV-cache reuse the stable parts come first and what changes on every keystroke
 * last: snippets, then the prefix up to the cursor line, with the cursor line's own prefix as the volatile
 * tail. With `afterMiddle` placement (llama.cpp's `/infill` "prompt", used by llama.vscode) the cursor line's
 * prefix goes after the middle marker, so typing on one line re-evaluates only that line's tokens instead of
 * the whole suffix. For the model, the most relevant snippet sits nearest the cursor: snippets arrive sorted
 * least relevant first. `FimPrompt.stableLength` says how much of the text survives typing on the line.
 */

import { lineCommentPrefix } from "./languageSyntax";

export const fimFamilies = [
  "qwen",
  "starcoder2",
  "codellama",
  "deepseek",
  "codestral",
  "codegemma",
  "hearth",
] as const;

export type FimFamily = (typeof fimFamilies)[number];

export function isFimFamily(value: string): value is FimFamily {
  return (fimFamilies as readonly string[]).includes(value);
}

/**
 * Where the cursor line's prefix goes: at the end of the prefix section (`inPrefix`, the trained layout), or
 * after the middle marker (`afterMiddle`), as if the model had already written it.
 */
export type LinePlacement = "inPrefix" | "afterMiddle";

export interface FimTokens {
  prefix: string;
  suffix: string;
  middle: string;
  /** Separates files in repository-level prompts; null where the family has none. */
  fileSeparator: string | null;
  repoName: string | null;
  endOfText: string;
}

/** How a family writes cross-file snippets into its prompt. */
export type SnippetStyle =
  /** `<sep>{path}\n{text}` before the file, as the model was trained on repositories. */
  | "fileSeparator"
  /** Each snippet's text followed by the separator, inside the prefix section (Hearth's tiny models). */
  | "separatorAfter"
  /** A `# path` comment line, then the snippet's code (DeepSeek-Coder's repository-level example). */
  | "pathComment"
  /** Every line commented out under a `// Path: ...` header (Tabby's way, for models without file tokens). */
  | "commentedLines"
  /** `+++++ path` headers (Continue's Codestral multi-file prompt). */
  | "plusHeader";

export interface FimTemplate {
  family: FimFamily;
  tokens: FimTokens;
  /** The exact text written for each marker: the token, plus the spaces CodeLlama's format puts around it. */
  markers: { prefix: string; suffix: string; middle: string };
  /** Strings that end a completion. The engine stops before them; the post-processing cuts at them too. */
  stop: readonly string[];
  snippetStyle: SnippetStyle;
  /** Suffix before prefix (Codestral); then the cursor line's prefix is last whatever the placement. */
  suffixFirst: boolean;
  defaultLinePlacement: LinePlacement;
}

const templates: Record<FimFamily, FimTemplate> = {
  qwen: {
    family: "qwen",
    tokens: {
      prefix: "<|fim_prefix|>",
      suffix: "<|fim_suffix|>",
      middle: "<|fim_middle|>",
      fileSeparator: "<|file_sep|>",
      repoName: "<|repo_name|>",
      endOfText: "<|endoftext|>",
    },
    markers: { prefix: "<|fim_prefix|>", suffix: "<|fim_suffix|>", middle: "<|fim_middle|>" },
    stop: [
      "<|endoftext|>",
      "<|fim_prefix|>",
      "<|fim_suffix|>",
      "<|fim_middle|>",
      "<|fim_pad|>",
      "<|file_sep|>",
      "<|repo_name|>",
      "<|im_start|>",
      "<|im_end|>",
    ],
    snippetStyle: "fileSeparator",
    suffixFirst: false,
    // llama.vscode runs Qwen2.5-Coder this way through llama.cpp's /infill.
    defaultLinePlacement: "afterMiddle",
  },
  starcoder2: {
    family: "starcoder2",
    tokens: {
      prefix: "<fim_prefix>",
      suffix: "<fim_suffix>",
      middle: "<fim_middle>",
      fileSeparator: "<file_sep>",
      repoName: "<repo_name>",
      endOfText: "<|endoftext|>",
    },
    markers: { prefix: "<fim_prefix>", suffix: "<fim_suffix>", middle: "<fim_middle>" },
    stop: ["<|endoftext|>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<file_sep>", "<repo_name>"],
    snippetStyle: "fileSeparator",
    suffixFirst: false,
    defaultLinePlacement: "inPrefix",
  },
  codellama: {
    family: "codellama",
    tokens: {
      prefix: "<PRE>",
      suffix: "<SUF>",
      middle: "<MID>",
      fileSeparator: null,
      repoName: null,
      endOfText: "<EOT>",
    },
    markers: { prefix: "<PRE> ", suffix: " <SUF>", middle: " <MID>" },
    stop: ["<EOT>", "<PRE>", "<SUF>", "<MID>", "</s>"],
    snippetStyle: "commentedLines",
    suffixFirst: false,
    defaultLinePlacement: "inPrefix",
  },
  deepseek: {
    family: "deepseek",
    tokens: {
      prefix: "<｜fim▁begin｜>",
      suffix: "<｜fim▁hole｜>",
      middle: "<｜fim▁end｜>",
      fileSeparator: null,
      repoName: null,
      endOfText: "<｜end▁of▁sentence｜>",
    },
    markers: { prefix: "<｜fim▁begin｜>", suffix: "<｜fim▁hole｜>", middle: "<｜fim▁end｜>" },
    stop: ["<｜end▁of▁sentence｜>", "<|EOT|>", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"],
    snippetStyle: "pathComment",
    suffixFirst: false,
    defaultLinePlacement: "inPrefix",
  },
  codestral: {
    family: "codestral",
    tokens: {
      prefix: "[PREFIX]",
      suffix: "[SUFFIX]",
      middle: "[MIDDLE]",
      fileSeparator: null,
      repoName: null,
      endOfText: "</s>",
    },
    markers: { prefix: "[PREFIX]", suffix: "[SUFFIX]", middle: "[MIDDLE]" },
    stop: ["</s>", "[PREFIX]", "[SUFFIX]", "[MIDDLE]"],
    snippetStyle: "plusHeader",
    suffixFirst: true,
    defaultLinePlacement: "inPrefix",
  },
  codegemma: {
    family: "codegemma",
    tokens: {
      prefix: "<|fim_prefix|>",
      suffix: "<|fim_suffix|>",
      middle: "<|fim_middle|>",
      fileSeparator: "<|file_separator|>",
      repoName: null,
      endOfText: "<eos>",
    },
    markers: { prefix: "<|fim_prefix|>", suffix: "<|fim_suffix|>", middle: "<|fim_middle|>" },
    stop: [
      "<|file_separator|>",
      "<|fim_prefix|>",
      "<|fim_suffix|>",
      "<|fim_middle|>",
      "<eos>",
      "<end_of_turn>",
    ],
    snippetStyle: "fileSeparator",
    suffixFirst: false,
    defaultLinePlacement: "inPrefix",
  },
  hearth: {
    family: "hearth",
    tokens: {
      prefix: "<fim_prefix>",
      suffix: "<fim_suffix>",
      middle: "",
      fileSeparator: "<file_sep>",
      repoName: null,
      endOfText: "</s>",
    },
    // SPM: `<fim_suffix>S<fim_prefix>P`, the middle follows the prefix directly (no middle token). At this size the
    // model could not learn PSM's jump back to the prefix (native-models/README.md).
    markers: { prefix: "<fim_prefix>", suffix: "<fim_suffix>", middle: "" },
    stop: ["</s>", "<file_sep>", "<fim_prefix>", "<fim_suffix>", "<pad>"],
    snippetStyle: "separatorAfter",
    suffixFirst: true,
    defaultLinePlacement: "inPrefix",
  },
};

export function fimTemplate(family: FimFamily): FimTemplate {
  return templates[family];
}

export interface FimSnippet {
  /** Workspace-relative path of the snippet's file. */
  path: string;
  text: string;
}

export interface FimInput {
  /** The document text before the cursor (the prefix window), ending with the cursor line's prefix. */
  prefix: string;
  /** The document text after the cursor (the suffix window), starting with the rest of the cursor line. */
  suffix: string;
  /** Workspace-relative path of the document; used by repository-level forms and snippet headers. */
  path?: string;
  /** The workspace folder's name, for `<|repo_name|>` / `<repo_name>`. */
  repoName?: string;
  /** Language id, to write snippets as comments where a family needs that. */
  language?: string;
  /** Cross-file snippets, least relevant first (the most relevant ends up nearest the cursor). */
  snippets?: readonly FimSnippet[];
}

export interface FimPromptOptions {
  /** Default: the family's `defaultLinePlacement`. */
  linePlacement?: LinePlacement;
}

export type PromptPartKind =
  | "marker"
  | "repoName"
  | "fileHeader"
  | "snippet"
  | "prefix"
  | "linePrefix"
  | "suffix";

export interface PromptPart {
  kind: PromptPartKind;
  text: string;
  /** For `snippet` and `fileHeader`: whose file. */
  path?: string;
}

export interface FimPrompt {
  family: FimFamily;
  linePlacement: LinePlacement;
  /** The prompt, special tokens as text (the engine tokenizes it with special tokens recognised). */
  text: string;
  /** The same text in labelled pieces, for `hearth complete --explain`. */
  parts: PromptPart[];
  stop: readonly string[];
  /**
   * Characters at the start of `text` that stay the same while the user types on the cursor line (snippets,
   * prefix lines and, for `afterMiddle` or suffix-first families, the suffix): the KV cache keeps them.
   */
  stableLength: number;
}

/** Builds a family's FIM prompt. Snippets and headers appear only when there is something to put in them. */
export function buildFimPrompt(
  family: FimFamily,
  input: FimInput,
  options: FimPromptOptions = {},
): FimPrompt {
  const template = templates[family];
  const placement = template.suffixFirst
    ? "inPrefix"
    : (options.linePlacement ?? template.defaultLinePlacement);
  const lineStart = input.prefix.lastIndexOf("\n") + 1;
  const prefixLines = input.prefix.slice(0, lineStart);
  const linePrefix = input.prefix.slice(lineStart);
  const snippets = input.snippets ?? [];
  const parts: PromptPart[] = [];
  const marker = (text: string) => parts.push({ kind: "marker", text });

  const context = contextParts(template, input, snippets);
  const fimPrefixSection = (): void => {
    marker(template.markers.prefix);
    parts.push(...context.insidePrefix);
    parts.push({ kind: "prefix", text: prefixLines });
    if (placement === "inPrefix") parts.push({ kind: "linePrefix", text: linePrefix });
  };

  if (template.suffixFirst) {
    parts.push(...context.beforePrefix);
    marker(template.markers.suffix);
    parts.push({ kind: "suffix", text: input.suffix });
    fimPrefixSection();
  } else {
    parts.push(...context.beforePrefix);
    fimPrefixSection();
    marker(template.markers.suffix);
    parts.push({ kind: "suffix", text: input.suffix });
    marker(template.markers.middle);
    if (placement === "afterMiddle") parts.push({ kind: "linePrefix", text: linePrefix });
  }

  const kept = parts.filter((part) => part.text !== "" || part.kind === "linePrefix");
  let text = "";
  let stableLength = 0;
  for (const part of kept) {
    if (part.kind === "linePrefix") stableLength = text.length;
    text += part.text;
  }
  return { family, linePlacement: placement, text, parts: kept, stop: template.stop, stableLength };
}

interface ContextParts {
  /** Before the first FIM marker (repository header, snippets as files). */
  beforePrefix: PromptPart[];
  /** Inside the prefix section, before the document's own prefix. */
  insidePrefix: PromptPart[];
}

function contextParts(template: FimTemplate, input: FimInput, snippets: readonly FimSnippet[]): ContextParts {
  const beforePrefix: PromptPart[] = [];
  const insidePrefix: PromptPart[] = [];
  const { tokens } = template;
  const currentPath = input.path ?? "untitled";
  const header = (text: string, path?: string): PromptPart => ({ kind: "fileHeader", text, path });
  const snippet = (text: string, path: string): PromptPart => ({ kind: "snippet", text, path });

  switch (template.snippetStyle) {
    case "fileSeparator": {
      const separator = tokens.fileSeparator!;
      if (tokens.repoName && input.repoName !== undefined) {
        beforePrefix.push({ kind: "marker", text: tokens.repoName });
        // Qwen writes a newline after the repository name; StarCoder2 goes straight to `<file_sep>`.
        const repo = template.family === "qwen" ? `${input.repoName}\n` : input.repoName;
        beforePrefix.push({ kind: "repoName", text: repo });
      }
      for (const item of snippets) {
        beforePrefix.push(header(`${separator}${item.path}\n`, item.path));
        beforePrefix.push(snippet(withFinalNewline(item.text), item.path));
      }
      const repositoryForm =
        snippets.length > 0 ||
        (template.family !== "codegemma" && (input.path !== undefined || input.repoName !== undefined));
      if (!repositoryForm) break;
      if (template.family === "starcoder2") {
        // StarCoder2 puts the FIM'd file's path inside the prefix section: `<file_sep><fim_prefix>path\n`.
        beforePrefix.push(header(separator, currentPath));
        insidePrefix.push(header(`${currentPath}\n`, currentPath));
      } else {
        beforePrefix.push(header(`${separator}${currentPath}\n`, currentPath));
      }
      break;
    }
    case "separatorAfter":
      for (const item of snippets) {
        insidePrefix.push(snippet(withFinalNewline(item.text), item.path));
        insidePrefix.push({ kind: "marker", text: tokens.fileSeparator! });
      }
      break;
    case "pathComment": {
      if (snippets.length === 0) break;
      const comment = lineCommentPrefix(input.language);
      for (const item of snippets) {
        insidePrefix.push(header(`${comment} ${item.path}\n`, item.path));
        insidePrefix.push(snippet(withFinalNewline(item.text), item.path));
      }
      insidePrefix.push(header(`${comment} ${currentPath}\n`, currentPath));
      break;
    }
    case "commentedLines": {
      if (snippets.length === 0) break;
      const comment = lineCommentPrefix(input.language);
      for (const item of snippets) {
        insidePrefix.push(header(`${comment} Path: ${item.path}\n`, item.path));
        const commented = withFinalNewline(item.text)
          .split("\n")
          .slice(0, -1)
          .map((line) => (line === "" ? comment : `${comment} ${line}`))
          .join("\n");
        insidePrefix.push(snippet(`${commented}\n`, item.path));
      }
      insidePrefix.push(header(`${comment} Path: ${currentPath}\n`, currentPath));
      break;
    }
    case "plusHeader": {
      if (snippets.length === 0) break;
      for (const item of snippets) {
        insidePrefix.push(header(`+++++ ${item.path}\n`, item.path));
        insidePrefix.push(snippet(`${withFinalNewline(item.text)}\n`, item.path));
      }
      insidePrefix.push(header(`+++++ ${currentPath}\n`, currentPath));
      break;
    }
  }
  return { beforePrefix, insidePrefix };
}

function withFinalNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

/** The prompt in labelled pieces, each with its length, for people reading what the model saw. */
export function explainFimPrompt(prompt: FimPrompt): string {
  const lines = [
    `family: ${prompt.family}, cursor line: ${prompt.linePlacement}, ${prompt.text.length} chars, ` +
      `${prompt.stableLength} stable while typing on the line`,
    `stop: ${prompt.stop.map((stop) => JSON.stringify(stop)).join(" ")}`,
  ];
  for (const part of prompt.parts) {
    const label = part.path !== undefined ? `${part.kind} ${part.path}` : part.kind;
    lines.push(`--- ${label} (${part.text.length} chars) ---`);
    lines.push(part.text);
  }
  return lines.join("\n");
}

/** What is known of a model when choosing its FIM family. */
export interface ModelFimInfo {
  /** GGUF `general.architecture` (`qwen2`, `starcoder2`, `llama`, `gemma`, ...). */
  architecture?: string;
  /** GGUF `general.name`, or the file name. */
  name?: string;
  /** Texts of special tokens the vocabulary has (for example the engine's `InfillTokens` strings). */
  specialTokens: readonly string[];
  /** The catalog's `fimTemplate`; it wins when it names a family. */
  catalogTemplate?: string | null;
}

/**
 * The FIM family of a model, or null when nothing says it can fill in the middle. The catalog's word comes
 * first, then the vocabulary (the most reliable evidence: the tokens the prompt will use), then names.
 */
export function detectFimFamily(info: ModelFimInfo): FimFamily | null {
  if (info.catalogTemplate && isFimFamily(info.catalogTemplate)) return info.catalogTemplate;
  // CodeLlama's SentencePiece vocabulary spells its markers `▁<PRE>`; a detokenized id may come with a space.
  const tokens = new Set(info.specialTokens.map((token) => token.replace(/^▁/, "").trim()));
  const architecture = (info.architecture ?? "").toLowerCase();
  const name = (info.name ?? "").toLowerCase();
  const has = (token: string) => tokens.has(token);

  if (has("<|fim_prefix|>")) {
    if (has("<|file_separator|>") || architecture.startsWith("gemma") || name.includes("gemma")) {
      return "codegemma";
    }
    return "qwen";
  }
  if (has("<fim_prefix>")) {
    const starcoder =
      architecture.startsWith("starcoder") ||
      has("<repo_name>") ||
      has("<|endoftext|>") ||
      name.includes("starcoder");
    if (starcoder) return "starcoder2";
    return "hearth";
  }
  if (has("<｜fim▁begin｜>")) return "deepseek";
  if (has("[SUFFIX]") && has("[PREFIX]")) return "codestral";
  if (has("<PRE>") && has("<SUF>") && has("<MID>")) return "codellama";

  if (name.includes("hearth")) return "hearth";
  if (name.includes("qwen") && name.includes("coder")) return "qwen";
  if (name.includes("starcoder") || architecture.startsWith("starcoder")) return "starcoder2";
  if (name.includes("codegemma")) return "codegemma";
  if (name.includes("codestral")) return "codestral";
  if (name.includes("deepseek") && name.includes("coder")) return "deepseek";
  if (name.includes("codellama") || name.includes("code llama") || name.includes("code-llama"))
    return "codellama";
  return null;
}
