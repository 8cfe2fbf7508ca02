/**
 * The review's model pass: a bounded plan, act and verify loop with a chat model. Per file, the model reads
 * the reviewed lines (numbered, wrapped as untrusted data) and answers in one JSON shape, forced by a JSON
 * schema grammar: findings, and tool calls it wants answered before its next step. Each call goes through the
 * guardrails' `authorizeToolCall`; only calls the policy allows run, and their results come back wrapped as
 * untrusted data. Steps, answer tokens, total tokens and time are all capped; findings go to the same
 * verification as the learned pass's (in `runReview`). Pure apart from the model and tools it is given.
 */

import {
  authorizeToolCall,
  generateValidated,
  parseJson,
  type ToolApprovalRule,
  type ToolCall,
  untrustedDataInstruction,
  wrapUntrusted,
} from "../guardrails";
import type { ChatMessage } from "../models/generationTypes";
import type { Finding, ReviewFile } from "./finding";
import { findingsFromModelAnswer } from "./findingSchema";
import type { ReviewPass } from "./runReview";

/** The model as the pass uses it: one schema-constrained answer per call. */
export interface ReviewModel {
  /** Rejects when `signal` fires. */
  generate(
    messages: readonly ChatMessage[],
    jsonSchema: object,
    maxTokens: number,
    signal: AbortSignal,
  ): Promise<{ text: string; generatedTokens: number; promptTokens: number }>;
  /** The model's context, in tokens, and a counter for its tokenizer. */
  contextTokens: number;
  countTokens(text: string): number;
}

/** The tools the pass may offer, by name; each answers with text (already bounded by the toolbox). */
export type ReviewToolbox = Partial<
  Record<"readRange" | "searchIndex" | "definitions" | "references" | "gitDiff", ToolRunner>
>;
type ToolRunner = (call: ToolCall, signal: AbortSignal) => Promise<string>;

export interface ModelPassLimits {
  /** Model answers per file (the last one may not call tools). */
  maxSteps: number;
  /** Tokens per answer. */
  maxAnswerTokens: number;
  /** Generated plus prompt tokens over the whole review. */
  maxTotalTokens: number;
  /** Wall time over the whole review, ms. */
  maxMilliseconds: number;
  /** Files the model reads (the first ones, in review order). */
  maxFiles: number;
  /** Tool calls answered per step. */
  maxToolCallsPerStep: number;
}

export const defaultModelPassLimits: ModelPassLimits = {
  maxSteps: 3,
  maxAnswerTokens: 384,
  maxTotalTokens: 24_000,
  maxMilliseconds: 60_000,
  maxFiles: 8,
  maxToolCallsPerStep: 2,
};

export interface ModelPassOptions {
  model: ReviewModel;
  tools: ReviewToolbox;
  /** The user's tool rules (`hearth.guardrails.toolApproval.rules`). */
  toolRules: readonly ToolApprovalRule[];
  /** Retries of an answer that is not valid JSON (`hearth.guardrails.structuredOutput.retries`). */
  retries: number;
  limits?: Partial<ModelPassLimits>;
  /** What the pass wants the user told (a refused tool call, a limit reached). */
  note(text: string): void;
  /** Applied to workspace text before it enters a prompt (the guardrails' secret redaction). */
  redact(text: string): string;
  /** Called as each file starts. */
  onFile?(path: string, index: number, total: number): void;
  now?: () => number;
}

/** The answer's JSON schema: findings about the given file, and tool calls for the next step. */
export function modelAnswerSchema(paths: readonly string[], tools: readonly string[], maxCalls: number) {
  return {
    type: "object",
    properties: {
      toolCalls: {
        type: "array",
        maxItems: maxCalls,
        items: {
          type: "object",
          properties: {
            tool: { enum: tools.length ? tools : ["none"] },
            path: { type: "string", maxLength: 200 },
            startLine: { type: "integer" },
            endLine: { type: "integer" },
            query: { type: "string", maxLength: 120 },
          },
          required: ["tool", "path", "startLine", "endLine", "query"],
        },
      },
      findings: {
        type: "array",
        maxItems: 5,
        items: {
          type: "object",
          properties: {
            file: { enum: paths },
            startLine: { type: "integer" },
            endLine: { type: "integer" },
            category: { type: "string", maxLength: 40 },
            severity: { enum: ["note", "warning", "error"] },
            message: { type: "string", maxLength: 300 },
            evidence: { type: "array", maxItems: 4, items: { type: "string", maxLength: 300 } },
            fix: {
              type: "object",
              properties: {
                startLine: { type: "integer" },
                endLine: { type: "integer" },
                replacement: { type: "string", maxLength: 600 },
              },
              required: ["startLine", "endLine", "replacement"],
            },
            confidence: { type: "number" },
          },
          required: [
            "file",
            "startLine",
            "endLine",
            "category",
            "severity",
            "message",
            "evidence",
            "fix",
            "confidence",
          ],
        },
      },
    },
    required: ["toolCalls", "findings"],
  } as const;
}

const toolHelp: Record<keyof ReviewToolbox, string> = {
  readRange: "readRange(path, startLine, endLine): lines of a workspace file",
  searchIndex: "searchIndex(query): code in the workspace matching the query",
  definitions: "definitions(query = a symbol name): where the symbol is defined",
  references: "references(query = a symbol name): code that mentions the symbol",
  gitDiff: "gitDiff(): the working tree's changes against HEAD",
};

const instructions = [
  "Review the code for real bugs (swapped arguments, wrong operator or operand, off-by-one, inverted",
  "condition, missing await). Report only what the lines show; no findings is a good answer. Evidence: lines",
  "copied exactly, without numbers. fix: replacement text for its startLine..endLine (startLine 0: no fix).",
].join(" ");
const toolInstruction =
  "To look something up first, add tool calls (unused fields: empty or 0); their results come next.";

/** Below this context the prompt has no room for tool descriptions and results. */
const minContextForTools = 4096;

export function createModelPass(options: ModelPassOptions): ReviewPass {
  return {
    name: "model",
    source: "model",
    review: (files, signal) => runModelPass(files, options, signal),
  };
}

async function runModelPass(
  files: readonly ReviewFile[],
  options: ModelPassOptions,
  signal: AbortSignal,
): Promise<Finding[]> {
  const limits = { ...defaultModelPassLimits, ...options.limits };
  const now = options.now ?? (() => performance.now());
  const deadline = now() + limits.maxMilliseconds;
  const toolNames =
    options.model.contextTokens >= minContextForTools
      ? (Object.keys(options.tools) as (keyof ReviewToolbox)[])
      : [];
  const reviewed = files.slice(0, limits.maxFiles);
  if (files.length > reviewed.length) {
    options.note(`model pass: read the first ${reviewed.length} of ${files.length} files (its limit)`);
  }
  const schema = modelAnswerSchema(
    reviewed.map((file) => file.path),
    toolNames,
    toolNames.length ? limits.maxToolCallsPerStep : 0,
  );
  const system = [
    instructions,
    untrustedDataInstruction,
    ...(toolNames.length
      ? [`${toolInstruction} Tools: ${toolNames.map((name) => toolHelp[name]).join("; ")}.`]
      : []),
  ].join("\n\n");
  let tokensUsed = 0;
  const findings: Finding[] = [];
  for (const [index, file] of reviewed.entries()) {
    signal.throwIfAborted();
    options.onFile?.(file.path, index, reviewed.length);
    const budgetLeft = () => limits.maxTotalTokens - tokensUsed;
    if (budgetLeft() <= limits.maxAnswerTokens || now() >= deadline) {
      options.note("model pass: stopped at its token or time limit; later files were not read by the model");
      break;
    }
    const room =
      options.model.contextTokens -
      limits.maxAnswerTokens -
      options.model.countTokens(system) -
      // What a retry hint, the message framing and one round of tool results may add.
      Math.min(1024, Math.floor(options.model.contextTokens / 8));
    const shown = numberedExcerpt(file, room, options.model.countTokens);
    if (!shown) {
      options.note(`model pass: ${file.path} does not fit the chat model's context; the model skipped it`);
      continue;
    }
    const messages: ChatMessage[] = [
      { role: "system", content: system },
      {
        role: "user",
        content: `Review ${file.path}, lines ${shown.startLine}-${shown.endLine} (numbered):\n${wrapUntrusted({ source: file.path, text: options.redact(shown.text) })}`,
      },
    ];
    const seen = [shown.text];
    for (let step = 1; step <= limits.maxSteps; step++) {
      if (now() >= deadline || budgetLeft() <= limits.maxAnswerTokens) break;
      const stepSignal = AbortSignal.any([
        signal,
        AbortSignal.timeout(Math.max(1, Math.ceil(deadline - now()))),
      ]);
      const answer = await generateValidated(
        "review answer",
        async (hint) => {
          const generated = await options.model.generate(
            hint ? [...messages, { role: "user", content: hint }] : messages,
            schema,
            Math.min(limits.maxAnswerTokens, budgetLeft()),
            stepSignal,
          );
          tokensUsed += generated.generatedTokens + generated.promptTokens;
          return generated.text;
        },
        parseJson,
        options.retries,
      ).catch((error) => {
        // Our own time limit ends the pass quietly; the user's cancel propagates.
        if (signal.aborted) throw error;
        if (stepSignal.aborted) return undefined;
        throw error;
      });
      if (!answer) {
        options.note("model pass: stopped at its time limit");
        return findings;
      }
      if (!answer.ok) {
        options.note(`model pass on ${file.path}: ${answer.error.message}`);
        break;
      }
      findings.push(
        ...findingsFromModelAnswer(withoutEmptyFixes(answer.value), "model").map((finding) => ({
          ...finding,
          // The prompt numbers its lines; a quote that kept the number is still a quote.
          evidence: finding.evidence.map((line) => line.replace(/^\s*\d+\| ?/, "")),
        })),
      );
      const calls = toolCallsOf(answer.value).slice(0, limits.maxToolCallsPerStep);
      if (calls.length === 0 || step === limits.maxSteps) break;
      const results: string[] = [];
      for (const call of calls) {
        const decision = authorizeToolCall(call, options.toolRules, {
          origin: "model",
          untrustedTexts: seen,
        });
        const run = options.tools[call.tool as keyof ReviewToolbox];
        if (decision.decision !== "allow" || !run) {
          const why = run ? decision.reason : `${call.tool} is not available in this review`;
          options.note(`model pass: tool call not run: ${why}`);
          results.push(`${call.tool}: not run (${why})`);
          continue;
        }
        const output = options.redact(
          await run(call, stepSignal).catch((error: unknown) =>
            signal.aborted ? Promise.reject(error) : `failed: ${(error as Error).message}`,
          ),
        );
        seen.push(output);
        results.push(
          wrapUntrusted({ source: `${call.tool} ${JSON.stringify(call.arguments)}`, text: output }),
        );
      }
      messages.push(
        { role: "assistant", content: JSON.stringify(answer.value) },
        {
          role: "user",
          content: `Tool results:\n${results.join("\n\n")}\n\nAnswer again with your findings.`,
        },
      );
    }
  }
  return findings;
}

/** The file's reviewed lines with a few lines around them, numbered, cut to fit `roomTokens`. */
function numberedExcerpt(
  file: ReviewFile,
  roomTokens: number,
  countTokens: (text: string) => number,
): { startLine: number; endLine: number; text: string } | undefined {
  const lines = file.text.split("\n");
  const context = 5;
  const regions = file.regions ?? [{ startLine: 1, endLine: lines.length }];
  let startLine = Math.max(1, Math.min(...regions.map((region) => region.startLine)) - context);
  let endLine = Math.min(lines.length, Math.max(...regions.map((region) => region.endLine)) + context);
  const render = () =>
    lines
      .slice(startLine - 1, endLine)
      .map((line, offset) => `${startLine + offset}| ${line}`)
      .join("\n");
  let text = render();
  // Shrink from the end, then from the start, by halves, until it fits (or nothing is left).
  while (countTokens(text) > roomTokens && endLine > startLine) {
    const span = endLine - startLine;
    if (endLine > Math.max(...regions.map((region) => region.startLine))) endLine -= Math.ceil(span / 2);
    else startLine += Math.ceil(span / 2);
    text = render();
  }
  if (countTokens(text) > roomTokens) return undefined;
  return { startLine, endLine, text };
}

/** The schema makes `fix` required (tiny grammars cannot skip a key); `startLine` 0 means "no fix". */
function withoutEmptyFixes(answer: unknown): unknown {
  const list = (answer as { findings?: unknown[] })?.findings;
  if (!Array.isArray(list)) return answer;
  return {
    findings: list.map((entry) => {
      const item = entry as { fix?: { startLine?: number } };
      if (item?.fix && !(typeof item.fix.startLine === "number" && item.fix.startLine >= 1)) {
        const { fix: _fix, ...rest } = item;
        return rest;
      }
      return item;
    }),
  };
}

function toolCallsOf(answer: unknown): ToolCall[] {
  const list = (answer as { toolCalls?: unknown[] })?.toolCalls;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    const item = entry as Record<string, unknown>;
    if (typeof item?.tool !== "string" || item.tool === "none") return [];
    const args: Record<string, unknown> = {};
    if (typeof item.path === "string" && item.path) args.path = item.path;
    if (typeof item.startLine === "number" && item.startLine > 0) args.startLine = item.startLine;
    if (typeof item.endLine === "number" && item.endLine > 0) args.endLine = item.endLine;
    if (typeof item.query === "string" && item.query) {
      if (item.tool === "definitions" || item.tool === "references") args.symbol = item.query;
      else args.query = item.query;
    }
    return [{ tool: item.tool, arguments: args }];
  });
}
