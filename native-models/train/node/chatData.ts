// Training and held-out conversations for hearth-tiny-chat, made from the corpus files (corpus-lock.json) with
// Hearth's own parts: tree-sitter definitions (server/src/syntax), chunks as the index cuts them, doc summaries
// (server/src/chat/docSummary.ts) and the chat layout (server/src/chat/chatPrompt.ts). Each conversation is
// tokenized through the chat wrapper node-llama-cpp resolves from the model file, so the ids trained on are the
// ids the server sends. Held-out conversations use held-out files only, for targets and distractors alike.
//
// Bundled and run by chat.py:
//   node chatData.mjs <job.json>   job: {lock, model, out, train, heldOut, seed, trainChars: [min, max], heldOutChars}
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { getLlama, LlamaLogLevel, resolveChatWrapper } from "node-llama-cpp";
import {
  type ChatMessage,
  type ChatTurn,
  type ContextBlock,
  type DefinitionEntry,
  formatCitation,
  formatDefinition,
  givenContext,
  renderChatMessages,
} from "../../../server/src/chat/chatPrompt";
import { docSummary } from "../../../server/src/chat/docSummary";
import {
  chunkFile,
  createParserBackend,
  definitions,
  isLanguageId,
  languageForPath,
} from "../../../server/src/syntax";

interface Job {
  lock: string;
  model: string;
  out: string;
  train: number;
  heldOut: number;
  seed: number;
  trainChars: [number, number];
  /** Conversations without code blocks: questions about the repository map only (the cheapest to learn from). */
  mapOnly?: boolean;
  heldOutChars: number;
}

type Kind = "where" | "doc" | "returns";

interface Def extends DefinitionEntry {
  kind: string;
  returns?: string;
  file: number;
  chunk: number;
}

interface SourceFile {
  path: string;
  language: string;
  defs: Def[];
  blocks: ContextBlock[];
}

const job: Job = JSON.parse(fs.readFileSync(process.argv[2]!, "utf8"));
const repo = path.resolve(path.dirname(job.lock), "..", "..");
const chunkChars = 384; // the index's default chunk budget (indexDefaults.ts), in tiny-model tokens ~ characters

// ----------------------------------------------------------------------------- corpus
function readLocked(): { train: { rel: string; text: string }[]; heldOut: { rel: string; text: string }[] } {
  const lock = JSON.parse(fs.readFileSync(job.lock, "utf8")) as { files: [string, string, number, string][] };
  const train: { rel: string; text: string }[] = [];
  const heldOut: { rel: string; text: string }[] = [];
  let changed = 0;
  for (const [rel, digest, held] of lock.files) {
    const file = rel.startsWith("python3.11/") ? path.join("/usr/lib", rel) : path.join(repo, rel);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      changed++;
      continue;
    }
    if (!createHash("sha256").update(text).digest("hex").startsWith(digest)) {
      changed++;
      continue;
    }
    (held ? heldOut : train).push({ rel, text });
  }
  if (changed > lock.files.length * 0.05) throw new Error(`${changed} corpus files missing or changed`);
  return { train, heldOut };
}

const identifier = /^[A-Za-z_$][\w$]{2,39}$/;

/** The path shown to the model: relative to the package or stdlib root, as short as a workspace's own paths. */
function displayPath(rel: string): string {
  return rel.replace(/^(node_modules|python3\.11)\//, "");
}

async function outline(files: { rel: string; text: string }[]): Promise<SourceFile[]> {
  const backend = createParserBackend();
  const out: SourceFile[] = [];
  for (const { rel, text } of files) {
    const language = languageForPath(rel);
    if (!language || !isLanguageId(language)) continue;
    const tree = await backend.parse(language, text);
    try {
      const lines = text.split("\n").map((line) => line.replace(/\r$/, ""));
      const shown = displayPath(rel);
      const chunks = chunkFile(
        { path: shown, language, text, tree },
        { maxTokens: chunkChars, countTokens: (s) => s.length },
      );
      const all = definitions(tree);
      const fileIndex = out.length;
      const defs: Def[] = [];
      const blocks: ContextBlock[] = chunks.map((chunk) => ({
        path: shown,
        startLine: chunk.startLine + 1,
        endLine: chunk.endLine + 1,
        text: chunk.text,
        language,
        definitions: [],
      }));
      all.forEach((definition, index) => {
        const chunk = chunks.findIndex((c) =>
          c.symbols.some((s) => s.line === definition.nameLine && s.name === definition.name),
        );
        if (chunk < 0 || !identifier.test(definition.name)) return;
        const summary = docSummary(lines, definition);
        const def: Def = {
          name: definition.name,
          path: shown,
          startLine: definition.startLine + 1,
          endLine: definition.endLine + 1,
          kind: definition.kind,
          file: fileIndex,
          chunk,
        };
        if (summary) def.summary = summary.replaceAll('"', "'");
        const children = all.filter((d) => d.parent === index);
        const returned = returnedExpression(lines, definition, children);
        if (returned && (definition.kind === "function" || definition.kind === "method"))
          def.returns = returned;
        defs.push(def);
        (blocks[chunk]!.definitions as DefinitionEntry[]).push(entryOf(def));
      });
      if (defs.length > 0) out.push({ path: shown, language, defs, blocks });
    } finally {
      tree.dispose();
    }
  }
  return out;
}

function entryOf(def: Def): DefinitionEntry {
  const entry: DefinitionEntry = {
    name: def.name,
    path: def.path,
    startLine: def.startLine,
    endLine: def.endLine,
  };
  if (def.summary) entry.summary = def.summary;
  return entry;
}

/** The expression of the one `return` statement of a function (not counting nested definitions), if short. */
function returnedExpression(
  lines: string[],
  def: { nameLine: number; endLine: number },
  children: { startLine: number; endLine: number }[],
): string | undefined {
  const found: string[] = [];
  for (let line = def.nameLine; line <= def.endLine; line++) {
    if (children.some((c) => c.startLine <= line && line <= c.endLine)) continue;
    const match = /^\s*return\s+(.+?);?\s*$/.exec(lines[line] ?? "");
    if (match) found.push(match[1]!);
  }
  if (found.length !== 1) return undefined;
  const expression = found[0]!;
  if (expression.length > 48 || /#|\/\/|\/\*/.test(expression) || !balanced(expression)) return undefined;
  return expression;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch) && --depth < 0) return false;
  }
  return depth === 0;
}

// ----------------------------------------------------------------------------- conversations
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Target {
  kind: Kind;
  def: Def;
  absent: boolean;
  placement: "map" | "block" | "both" | "none";
}

interface Example {
  map: DefinitionEntry[];
  turns: ChatTurn[];
  targets: Target[];
  distractorBlocks: number[];
  questionStyle: string[];
}

const questions: Record<Kind, ((x: string) => string)[]> = {
  where: [
    (x) => `Where is ${x} defined?`,
    (x) => `Where is ${x}?`,
    (x) => `Find the definition of ${x}.`,
    (x) => `Which file defines ${x}?`,
    (x) => `where is ${x} defined`,
  ],
  doc: [
    (s) => `Which function does this: "${s}"`,
    (s) => `Find the function that does this: "${s}"`,
    (s) => `What is documented as "${s}"?`,
  ],
  returns: [(x) => `What does ${x} return?`, (x) => `What is the return value of ${x}?`],
};

function answerFor(target: Target): string {
  const { def, kind } = target;
  if (target.absent) {
    const subject = kind === "doc" ? `"${def.summary}"` : def.name;
    return `${subject}: not found in the given context.`;
  }
  if (kind === "doc") return formatDefinition(entryOf(def));
  const cited = `${def.name} @ ${formatCitation(def)}`;
  return kind === "returns" ? `${cited} returns ${def.returns}` : cited;
}

class Generator {
  constructor(
    private readonly files: SourceFile[],
    private readonly rnd: () => number,
  ) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rnd() * items.length)]!;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.rnd() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  weighted<T>(choices: [T, number][]): T {
    const total = choices.reduce((s, [, w]) => s + w, 0);
    let r = this.rnd() * total;
    for (const [value, w] of choices) {
      r -= w;
      if (r < 0) return value;
    }
    return choices.at(-1)![0];
  }

  candidates(kind: Kind, files: SourceFile[]): Def[] {
    const defs = files.flatMap((f) => f.defs);
    if (kind === "doc")
      return defs.filter((d) => d.summary && (d.kind === "function" || d.kind === "method"));
    if (kind === "returns") return defs.filter((d) => d.returns);
    return defs.filter((d) => !/^__\w+__$/.test(d.name) && d.name !== "constructor");
  }

  /**
   * One conversation. `options.kind`, `options.absent` and `options.distractors` fix the first turn (held-out
   * evaluation); otherwise everything is drawn.
   */
  example(
    maxChars: number,
    options: { kind?: Kind; absent?: boolean; distractors?: number; turns?: number; mapOnly?: boolean } = {},
  ): Example | null {
    const rnd = this.rnd;
    const inPlay = [this.pick(this.files)];
    const others = this.int(2, 5);
    for (let i = 0; i < others; i++) inPlay.push(this.pick(this.files));
    // many questions per conversation: each answer is a training signal, the context is paid for once
    // a turn costs ~220 characters at least (~160 about the map alone); the system message ~350
    const fits = Math.max(1, Math.floor(options.mapOnly ? (maxChars - 350) / 160 : (maxChars - 400) / 220));
    const nTurns =
      options.turns ??
      Math.min(
        fits,
        options.mapOnly
          ? this.weighted([
              [4, 1],
              [6, 2],
              [8, 2],
            ])
          : this.weighted([
              [1, 1],
              [2, 1],
              [3, 1],
              [4, 2],
              [6, 2],
              [8, 2],
            ]),
      );
    const targets: Target[] = [];
    const used = new Set<string>();
    for (let t = 0; t < nTurns; t++) {
      const kind =
        t === 0 && options.kind
          ? options.kind
          : this.weighted<Kind>([
              ["where", 0.45],
              ["doc", 0.3],
              ["returns", options.mapOnly ? 0 : 0.25],
            ]);
      const absent = t === 0 && options.absent !== undefined ? options.absent : rnd() < 0.15;
      // an absent target comes from a file in play half of the time (its name may still be called elsewhere)
      const source = absent && rnd() < 0.5 ? [this.pick(this.files)] : inPlay;
      const pool = this.candidates(kind, source).filter(
        (d) => !used.has(d.name) && !used.has(d.summary ?? "\0"),
      );
      if (pool.length === 0) return null;
      const def = this.pick(pool);
      used.add(def.name);
      if (def.summary) used.add(def.summary);
      // after the first two turns, targets go to the map (where they cost one line) unless their code is needed
      const mapWeight = t < 2 ? 0.3 : 1.2;
      const placement = absent
        ? "none"
        : options.mapOnly
          ? "map"
          : kind === "returns"
            ? this.weighted<Target["placement"]>([
                ["block", 1],
                ["both", 1],
              ])
            : this.weighted<Target["placement"]>([
                ["map", mapWeight],
                ["block", 0.35],
                ["both", 0.35],
              ]);
      targets.push({ kind, def, absent, placement });
    }
    const targetNames = new Set(targets.map((t) => t.def.name));
    const targetSummaries = new Set(targets.map((t) => t.def.summary).filter(Boolean));
    const absentChunks = new Set(targets.filter((t) => t.absent).map((t) => `${t.def.file}:${t.def.chunk}`));
    const clashes = (entry: DefinitionEntry) =>
      targetNames.has(entry.name) || (entry.summary !== undefined && targetSummaries.has(entry.summary));
    const blockClashes = (file: number, chunk: number) =>
      absentChunks.has(`${file}:${chunk}`) ||
      (this.files[file]!.blocks[chunk]!.definitions ?? []).some(clashes);

    // the map: targets placed there, then other definitions of the files in play, grouped by file
    const map: Def[] = targets
      .filter((t) => t.placement === "map" || t.placement === "both")
      .map((t) => t.def);
    if (rnd() < 0.9) {
      const extra = this.int(1, 14);
      const pool = inPlay.flatMap((f) => f.defs).filter((d) => !clashes(d));
      for (let i = 0; i < extra && pool.length > 0; i++) {
        const d = this.pick(pool);
        if (!map.includes(d)) map.push(d);
      }
    }
    map.sort((a, b) => a.file - b.file || a.startLine - b.startLine);

    // blocks per turn: the target's chunk where placed there, and distractor chunks
    const turnBlocks: { file: number; chunk: number; distractor: boolean }[][] = [];
    const distractorCounts: number[] = [];
    for (let t = 0; t < nTurns; t++) {
      const target = targets[t]!;
      const blocks: { file: number; chunk: number; distractor: boolean }[] = [];
      if (target.placement === "block" || target.placement === "both")
        blocks.push({ file: target.def.file, chunk: target.def.chunk, distractor: false });
      const followUp = options.mapOnly || (t > 0 && blocks.length === 0 && rnd() < 0.5);
      const wanted = followUp
        ? 0
        : t === 0 && options.distractors !== undefined
          ? options.distractors
          : t < 2
            ? this.weighted([
                [0, 2],
                [1, 3],
                [2, 3],
                [3, 2],
                [4, 1],
              ])
            : this.weighted([
                [0, 3],
                [1, 1],
              ]);
      for (let tries = 0; blocks.filter((b) => b.distractor).length < wanted && tries < 40; tries++) {
        const file = rnd() < 0.6 ? this.pick(inPlay) : this.pick(this.files);
        const fileIndex = this.files.indexOf(file);
        const chunk = Math.floor(rnd() * file.blocks.length);
        if (blockClashes(fileIndex, chunk)) continue;
        if (
          turnBlocks
            .flat()
            .concat(blocks)
            .some((b) => b.file === fileIndex && b.chunk === chunk)
        )
          continue;
        blocks.push({ file: fileIndex, chunk, distractor: true });
      }
      turnBlocks.push(this.shuffle(blocks));
      distractorCounts.push(blocks.filter((b) => b.distractor).length);
    }

    const questionStyle: string[] = [];
    const example: Example = {
      map: map.map(entryOf),
      turns: targets.map((target, t) => {
        const styles = questions[target.kind];
        const style = options.kind !== undefined || rnd() < 0.5 ? 0 : this.int(0, styles.length - 1);
        questionStyle.push(`${target.kind}${style}`);
        return {
          blocks: turnBlocks[t]!.map((b) => this.files[b.file]!.blocks[b.chunk]!),
          question: styles[style]!(target.kind === "doc" ? target.def.summary! : target.def.name),
          answer: answerFor(target),
        };
      }),
      targets,
      distractorBlocks: distractorCounts,
      questionStyle,
    };
    // over budget: drop distractor blocks from the last turn back, then map entries that are not targets
    while (chars(example) > maxChars) {
      const t = [...example.turns.keys()].reverse().find((i) => turnBlocks[i]!.some((b) => b.distractor));
      if (t !== undefined) {
        const at = turnBlocks[t]!.findIndex((b) => b.distractor);
        turnBlocks[t]!.splice(at, 1);
        example.turns[t] = {
          ...example.turns[t]!,
          blocks: turnBlocks[t]!.map((b) => this.files[b.file]!.blocks[b.chunk]!),
        };
        example.distractorBlocks[t]!--;
        continue;
      }
      const removable = example.map.findIndex((e) => !targetNames.has(e.name));
      if (removable < 0) return null;
      example.map.splice(removable, 1);
    }
    return example;
  }
}

function chars(example: Example): number {
  return renderChatMessages(example).reduce((n, m) => n + m.content.length, 0);
}

// ----------------------------------------------------------------------------- tokens
type Wrapper = NonNullable<ReturnType<typeof resolveChatWrapper>>;

function history(messages: ChatMessage[], openAnswer: boolean) {
  const items = messages.map((m) =>
    m.role === "system"
      ? { type: "system" as const, text: m.content }
      : m.role === "user"
        ? { type: "user" as const, text: m.content }
        : { type: "model" as const, response: [m.content] },
  );
  if (openAnswer) items.push({ type: "model" as const, response: [""] });
  return items;
}

/** The conversation's token ids and, per answer, the span [start, end) of its tokens and the end marker after. */
function tokenize(
  model: Awaited<ReturnType<Awaited<ReturnType<typeof getLlama>>["loadModel"]>>,
  wrapper: Wrapper,
  messages: ChatMessage[],
  imEnd: number,
): { ids: number[]; spans: [number, number][]; prompt: number } {
  const render = (upTo: number) =>
    Array.from(
      wrapper
        .generateContextState({ chatHistory: history(messages.slice(0, upTo), true) })
        .contextText.tokenize(model.tokenizer),
    );
  const spans: [number, number][] = [];
  let ids: number[] = [];
  let prompt = 0;
  messages.forEach((message, i) => {
    if (message.role !== "assistant") return;
    const before = render(i);
    if (ids.length > 0 && !ids.every((id, k) => before[k] === id))
      throw new Error("the chat wrapper does not render earlier turns as a prefix of later ones");
    const answer = Array.from(model.tokenize(message.content));
    spans.push([before.length, before.length + answer.length + 1]);
    prompt = before.length;
    ids = [...before, ...answer, imEnd];
  });
  return { ids, spans, prompt };
}

// ----------------------------------------------------------------------------- main
const { train, heldOut } = readLocked();
const trainFiles = await outline(train);
const heldFiles = await outline(heldOut);
const llama = await getLlama({ gpu: false, build: "never", maxThreads: 1, logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath: job.model });
const wrapper = resolveChatWrapper(model);
const imEnd = model.tokenize("<|im_end|>", true)[0]!;
if (wrapper?.wrapperName !== "ChatML")
  throw new Error(`expected the ChatML wrapper, got ${wrapper?.wrapperName}`);

function write(file: string, rows: object[]) {
  fs.writeFileSync(path.join(job.out, file), `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
}

const trainGen = new Generator(trainFiles, random(job.seed));
const trainRows: object[] = [];
while (trainRows.length < job.train) {
  const [lo, hi] = job.trainChars;
  const example = trainGen.example(trainGen.int(lo, hi), { mapOnly: job.mapOnly ?? false });
  if (!example) continue;
  const messages = renderChatMessages(example);
  const { ids, spans } = tokenize(model, wrapper, messages, imEnd);
  trainRows.push({ ids, spans, kinds: example.targets.map((t) => (t.absent ? `${t.kind}:absent` : t.kind)) });
}
write("chat-train.jsonl", trainRows);

// held out: one-turn conversations, kinds x (present with 0..4 distractor blocks | absent), canonical questions
const heldGen = new Generator(heldFiles, random(job.seed + 1));
const heldRows: object[] = [];
const kinds: Kind[] = ["where", "doc", "returns"];
for (let i = 0; heldRows.length < job.heldOut && i < job.heldOut * 50; i++) {
  // cycles: kind every item, absent one triple in five, the number of distractor blocks every 15 items
  const n = heldRows.length;
  const kind = kinds[n % 3]!;
  const absent = Math.floor(n / 3) % 5 === 4;
  const distractors = Math.floor(n / 15) % 5;
  const example = heldGen.example(job.heldOutChars, { kind, absent, distractors, turns: 1 });
  if (!example || (!absent && example.distractorBlocks[0] !== distractors)) continue;
  const target = example.targets[0]!;
  const messages = renderChatMessages(example);
  const { ids, spans } = tokenize(model, wrapper, messages, imEnd);
  const given = givenContext(example);
  heldRows.push({
    ids,
    spans,
    kind,
    absent,
    placement: target.placement,
    distractorBlocks: example.distractorBlocks[0],
    mapEntries: example.map.length,
    chars: chars(example),
    messages,
    // the layout's input without the answer: renderChatMessages(input) is messages without its last one
    input: { map: example.map, turns: example.turns.map(({ blocks, question }) => ({ blocks, question })) },
    expected: {
      answer: example.turns[0]!.answer,
      name: target.def.name,
      citation: { path: target.def.path, startLine: target.def.startLine, endLine: target.def.endLine },
      returns: target.def.returns ?? null,
    },
    given,
  });
}
write("chat-heldout.jsonl", heldRows);
console.log(
  JSON.stringify({
    trainFiles: trainFiles.length,
    heldOutFiles: heldFiles.length,
    trainDefinitions: trainFiles.reduce((n, f) => n + f.defs.length, 0),
    heldOutDefinitions: heldFiles.reduce((n, f) => n + f.defs.length, 0),
    trainConversations: trainRows.length,
    heldOutConversations: heldRows.length,
    wrapper: wrapper.wrapperName,
  }),
);
await model.dispose();
await llama.dispose();
