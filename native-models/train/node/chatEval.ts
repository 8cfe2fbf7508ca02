// Held-out evaluation of hearth-tiny-chat through node-llama-cpp, the way the server runs it: the chat wrapper
// resolved from the model file, LlamaChat, greedy decoding, explicit threads. Prints one JSON document.
//
// Bundled and run by chat.py:
//   node chatEval.mjs <job.json>   job: {model, heldOut (jsonl from chatData), threads, contextSize, maxTokens, limit}
import fs from "node:fs";
import { getLlama, LlamaChat, LlamaLogLevel, resolveChatWrapper } from "node-llama-cpp";
import {
  answerGrammar,
  type ChatMessage,
  type ChatPromptInput,
  type CodeRange,
  type GivenContext,
  parseCitations,
  validateCitations,
} from "../../../server/src/chat/chatPrompt";

interface Row {
  kind: "where" | "doc" | "returns";
  absent: boolean;
  placement: string;
  distractorBlocks: number;
  mapEntries: number;
  chars: number;
  ids: number[];
  spans: [number, number][];
  messages: ChatMessage[];
  expected: { answer: string; name: string; citation: CodeRange; returns: string | null };
  given: GivenContext;
  input: ChatPromptInput;
}

interface Job {
  model: string;
  heldOut: string;
  threads: number;
  contextSize: number;
  maxTokens: number;
  limit?: number;
  /**
   * Decode under a grammar that allows only the answer forms with the definitions actually given (a choice the
   * server can make): every citation is then valid, and the model only chooses which definition.
   */
  constrained?: boolean;
  /** With `constrained`: whether the grammar also allows the not-found sentence. */
  allowNotFound?: boolean;
}

const job: Job = JSON.parse(fs.readFileSync(process.argv[2]!, "utf8"));
const rows: Row[] = fs
  .readFileSync(job.heldOut, "utf8")
  .split("\n")
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as Row)
  // a grammar without the not-found sentence cannot answer a question whose definition is absent
  .filter((row) => !(job.constrained && job.allowNotFound === false && row.absent))
  .slice(0, job.limit ?? undefined);

const llama = await getLlama({
  gpu: false,
  build: "never",
  maxThreads: job.threads,
  logLevel: LlamaLogLevel.error,
});
const model = await llama.loadModel({ modelPath: job.model });
const chatWrapper = resolveChatWrapper(model);
const context = await model.createContext({ contextSize: job.contextSize, threads: job.threads });
const sequence = context.getSequence();
const chat = new LlamaChat({ contextSequence: sequence, chatWrapper });

function historyOf(messages: ChatMessage[]) {
  return messages.map((m) =>
    m.role === "system"
      ? { type: "system" as const, text: m.content }
      : m.role === "user"
        ? { type: "user" as const, text: m.content }
        : { type: "model" as const, response: [m.content] },
  );
}

const overlaps = (a: CodeRange, b: CodeRange) =>
  a.path === b.path && a.startLine <= b.endLine && b.startLine <= a.endLine;

interface Result {
  kind: string;
  absent: boolean;
  placement: string;
  distractorBlocks: number;
  promptTokens: number;
  chars: number;
  answer: string;
  expected: string;
  stop: string | undefined;
  citations: number;
  validCitations: number;
  removedCitations: number;
  rightCitation: boolean;
  exactCitation: boolean;
  exactAnswer: boolean;
  returnsRight: boolean;
  saidNotFound: boolean;
  ms: number;
  ttftMs: number | null;
  /** Probability that a uniformly random choice among the given definitions cites the right lines. */
  chance: number;
}

/** Among the distinct definitions given (map and blocks), the share whose citation overlaps the expected one. */
function chanceOfRightPick(row: Row): number {
  const cited = new Map<string, CodeRange>();
  const entries = [
    ...row.input.map,
    ...row.input.turns.flatMap((t) => t.blocks.flatMap((b) => b.definitions ?? [])),
  ];
  for (const entry of entries) cited.set(`${entry.path}:${entry.startLine}-${entry.endLine}`, entry);
  if (cited.size === 0) return 0;
  return [...cited.values()].filter((c) => overlaps(c, row.expected.citation)).length / cited.size;
}

const results: Result[] = [];
for (const row of rows) {
  const prompt = row.messages.slice(0, -1);
  await sequence.clearHistory();
  const started = performance.now();
  let firstToken: number | null = null;
  const grammar = job.constrained
    ? await llama.createGrammar({
        grammar: answerGrammar(row.input, { allowNotFound: job.allowNotFound ?? true }),
      })
    : undefined;
  const response = await chat.generateResponse([...historyOf(prompt), { type: "model", response: [] }], {
    maxTokens: job.maxTokens,
    temperature: 0,
    ...(grammar ? { grammar } : {}),
    onTextChunk: () => {
      firstToken ??= performance.now() - started;
    },
  });
  const ms = performance.now() - started;
  const answer = response.response;
  const raw = parseCitations(answer);
  const validated = validateCitations(answer, row.given);
  const right = validated.citations.some((c) => overlaps(c, row.expected.citation));
  const exact = validated.citations.some(
    (c) =>
      c.path === row.expected.citation.path &&
      c.startLine === row.expected.citation.startLine &&
      c.endLine === row.expected.citation.endLine,
  );
  results.push({
    kind: row.kind,
    absent: row.absent,
    placement: row.placement,
    distractorBlocks: row.distractorBlocks,
    promptTokens: row.spans[0]![0],
    chars: row.chars,
    answer,
    expected: row.expected.answer,
    stop: response.metadata.stopReason,
    citations: raw.length,
    validCitations: validated.citations.length,
    removedCitations: validated.removed.length,
    rightCitation: right,
    exactCitation: exact,
    exactAnswer: answer === row.expected.answer,
    returnsRight: row.expected.returns !== null && answer.endsWith(` returns ${row.expected.returns}`),
    saidNotFound: /not found/.test(answer) && raw.length === 0,
    ms,
    ttftMs: firstToken,
    chance: chanceOfRightPick(row),
  });
}

const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 1000);
function summarize(items: typeof results) {
  const present = items.filter((r) => !r.absent);
  const absent = items.filter((r) => r.absent);
  const citations = items.reduce((n, r) => n + r.citations, 0);
  return {
    n: items.length,
    present: present.length,
    citationAccuracy: rate(present.filter((r) => r.rightCitation).length, present.length),
    chanceCitationAccuracy: rate(
      present.reduce((n, r) => n + r.chance, 0),
      present.length,
    ),
    exactCitation: rate(present.filter((r) => r.exactCitation).length, present.length),
    exactAnswer: rate(items.filter((r) => r.exactAnswer).length, items.length),
    citationPrecisionBeforeValidation: rate(
      items.reduce((n, r) => n + r.validCitations, 0),
      citations,
    ),
    removedCitations: items.reduce((n, r) => n + r.removedCitations, 0),
    absent: absent.length,
    absentSaidNotFound: rate(absent.filter((r) => r.saidNotFound).length, absent.length),
    presentSaidNotFound: rate(present.filter((r) => r.saidNotFound).length, present.length),
    stoppedAtEndToken: rate(
      items.filter((r) => r.stop === "eogToken" || r.stop === "stopGenerationTrigger").length,
      items.length,
    ),
  };
}
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
};

const byKind: Record<string, unknown> = {};
for (const kind of ["where", "doc", "returns"]) {
  const items = results.filter((r) => r.kind === kind);
  const byDistractors: Record<string, unknown> = {};
  for (let n = 0; n <= 4; n++) {
    const cell = items.filter((r) => r.distractorBlocks === n && !r.absent);
    byDistractors[n] = {
      n: cell.length,
      citationAccuracy: rate(cell.filter((r) => r.rightCitation).length, cell.length),
    };
  }
  byKind[kind] = {
    ...summarize(items),
    byDistractorBlocks: byDistractors,
    ...(kind === "returns"
      ? {
          returnsExpressionRight: rate(
            items.filter((r) => !r.absent && r.returnsRight).length,
            items.filter((r) => !r.absent).length,
          ),
        }
      : {}),
  };
}
const byPlacement: Record<string, unknown> = {};
for (const placement of ["map", "block", "both"]) {
  const cell = results.filter((r) => r.placement === placement);
  byPlacement[placement] = {
    n: cell.length,
    citationAccuracy: rate(cell.filter((r) => r.rightCitation).length, cell.length),
  };
}
const byLength: Record<string, unknown> = {};
for (const [lo, hi] of [
  [0, 1000],
  [1000, 1500],
  [1500, 2000],
  [2000, 2600],
]) {
  const cell = results.filter((r) => !r.absent && r.chars >= lo! && r.chars < hi!);
  byLength[`${lo}-${hi} chars`] = {
    n: cell.length,
    citationAccuracy: rate(cell.filter((r) => r.rightCitation).length, cell.length),
  };
}

console.log(
  JSON.stringify({
    wrapper: chatWrapper.wrapperName,
    constrained: job.constrained ?? false,
    allowNotFound: job.constrained ? (job.allowNotFound ?? true) : null,
    threads: job.threads,
    contextSize: job.contextSize,
    all: summarize(results),
    byKind,
    byPlacement,
    byPromptLength: byLength,
    answerMs: {
      p50: percentile(
        results.map((r) => r.ms),
        50,
      ),
      p90: percentile(
        results.map((r) => r.ms),
        90,
      ),
    },
    ttftMs: {
      p50: percentile(
        results.map((r) => r.ttftMs ?? r.ms),
        50,
      ),
      p90: percentile(
        results.map((r) => r.ttftMs ?? r.ms),
        90,
      ),
    },
    samples: results.slice(0, 12).map((r) => ({ kind: r.kind, answer: r.answer, expected: r.expected })),
    results,
  }),
);
await context.dispose();
await model.dispose();
await llama.dispose();
