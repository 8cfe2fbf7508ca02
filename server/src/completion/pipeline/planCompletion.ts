/**
 * Everything about one completion request that can be decided before the model runs, in one pure step:
 * the context windows and snippets, single or multi-line, the FIM prompt, the token limit and the filter
 * context for post-processing. The orchestrator then only looks up the cache, calls the engine with
 * `prompt.text`, `prompt.stop`, `maxTokens` and an `onText` that feeds `createStreamingFilter(plan.filter)`,
 * and passes the result to `finalize`. `explainCompletionPlan` prints what was decided and why.
 */

import {
  buildCompletionContext,
  type CompletionContext,
  type ContextBudget,
  type CountTokens,
  type SnippetCandidate,
} from "./completionContext";
import {
  buildFimPrompt,
  explainFimPrompt,
  type FimFamily,
  type FimPrompt,
  type LinePlacement,
} from "./fimTemplates";
import { decideMultilineAt, type MultilineDecision } from "./multiline";
import { createFilterContext, type FilterContext } from "./postprocess";

export interface CompletionPlanInput {
  /** The whole document and the cursor (a UTF-16 offset). */
  text: string;
  offset: number;
  /** Workspace-relative path, workspace folder name and language of the document. */
  path?: string;
  repoName?: string;
  language?: string;
  family: FimFamily;
  candidates?: readonly SnippetCandidate[];
  countTokens: CountTokens;
  budget?: Partial<ContextBudget>;
  linePlacement?: LinePlacement;
  /** From the syntax layer (`emptyBlockBody`): the cursor opens an empty definition body. */
  emptyBlockBody?: boolean;
  /** Overrides the decision (a setting, or a manual trigger that asks for more). */
  multiline?: boolean;
  maxTokens?: { singleLine: number; multiline: number };
  /** Applied to what enters the prompt (windows and snippets); see `CompletionContextInput.redact`. */
  redact?: (text: string) => string;
}

export interface CompletionPlan {
  /**
   * Which prompt layout produced the suggestion (`<family>/<revision>`), stored with its feedback so a
   * change of prompt building can be compared on the user's own acceptance figures.
   */
  promptVersion: string;
  context: CompletionContext;
  decision: MultilineDecision;
  multiline: boolean;
  prompt: FimPrompt;
  maxTokens: number;
  filter: FilterContext;
}

/**
 * Revision of how prompts are laid out (windows, snippet placement, templates). Bump it with any change that
 * alters the text a model sees for the same cursor, so feedback before and after can be told apart.
 */
export const promptLayoutRevision = 1;

/** llama.vscode asks for 128 tokens; a single line rarely needs more than a third of that. */
export const defaultMaxTokens = { singleLine: 48, multiline: 128 };

export function planCompletion(input: CompletionPlanInput): CompletionPlan {
  const context = buildCompletionContext({
    text: input.text,
    offset: input.offset,
    candidates: input.candidates,
    countTokens: input.countTokens,
    budget: input.budget,
    redact: input.redact,
  });
  const decision = decideMultilineAt(input.text, input.offset, input.language, {
    emptyBlockBody: input.emptyBlockBody,
  });
  const multiline = input.multiline ?? decision.multiline;
  const prompt = buildFimPrompt(
    input.family,
    {
      prefix: context.prefix,
      suffix: context.suffix,
      path: input.path,
      repoName: input.repoName,
      language: input.language,
      snippets: context.snippets,
    },
    { linePlacement: input.linePlacement },
  );
  const limits = input.maxTokens ?? defaultMaxTokens;
  const filter = createFilterContext({
    text: input.text,
    offset: input.offset,
    multiline,
    stop: prompt.stop,
    language: input.language,
  });
  return {
    promptVersion: `${prompt.family}/${promptLayoutRevision}`,
    context,
    decision,
    multiline,
    prompt,
    maxTokens: multiline ? limits.multiline : limits.singleLine,
    filter,
  };
}

/** What was decided and why, then the prompt in labelled pieces: for `hearth complete --explain`. */
export function explainCompletionPlan(plan: CompletionPlan): string {
  const { context, decision } = plan;
  const lines = [
    `mode: ${plan.multiline ? "multi-line" : "single line"} (rule: ${decision.reason}), max ${plan.maxTokens} tokens`,
    `windows: prefix ${context.prefixTokens} tokens, suffix ${context.suffixTokens} tokens, ` +
      `snippets ${context.snippetTokens} tokens`,
  ];
  for (const snippet of context.snippets) {
    lines.push(
      `snippet ${snippet.path} (${snippet.source}, score ${snippet.score.toFixed(3)}, ${snippet.tokens} tokens` +
        `${snippet.truncated ? ", cut to fit" : ""})`,
    );
  }
  for (const { candidate, reason } of context.dropped) {
    lines.push(
      `dropped ${candidate.path} (${candidate.source}, score ${candidate.score.toFixed(3)}): ${reason}`,
    );
  }
  lines.push(explainFimPrompt(plan.prompt));
  return lines.join("\n");
}
