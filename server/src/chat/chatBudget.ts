/**
 * Fits a chat turn into the model's context: never over it, and when something has to go, in this order (the
 * first items go first):
 * 1. retrieved code blocks, lowest ranked first: each is cut to half its lines (keeping its start, where its
 *    definitions begin) until it is `minRetrievedLines` long, then left out;
 * 2. the code blocks of earlier turns (their questions and answers stay);
 * 3. earlier turns, oldest first (the last one stays while anything else can go);
 * 4. repository-map entries, least important first;
 * 5. what the user pointed at (`@file`, `@symbol`, `@selection`, `@diff`, `@recent`): cut to its first lines
 *    that fit, with a note, and dropped only when not even a line fits.
 * The question itself is never dropped. Everything left out or cut is listed with a reason, so the answer can
 * say what it did not see. Pure: token counts come from the caller (the chat model's tokenizer).
 */

import {
  type ChatTurn,
  type ContextBlock,
  type DefinitionEntry,
  renderChatMessages,
  renderSystemMessage,
} from "./chatPrompt";

export interface BudgetItem {
  kind: "map" | "retrieved" | "mentioned" | "history";
  path?: string;
  startLine?: number;
  endLine?: number;
  tokens: number;
  note?: string;
}

export interface ChatBudgetInput {
  contextSize: number;
  /** Kept free for the answer. */
  answerTokens: number;
  countTokens(text: string): number;
  /** The repository map, most important first. */
  map: readonly DefinitionEntry[];
  /** Earlier turns with their answers, oldest first. */
  history: readonly ChatTurn[];
  /** Code the user pointed at, in the order they named it. */
  mentioned: readonly ContextBlock[];
  /** Code retrieval found, best first. */
  retrieved: readonly ContextBlock[];
  question: string;
}

export interface ChatBudgetPlan {
  /** In the order the prompt shows them (by file, then line), as the chat model was trained. */
  map: DefinitionEntry[];
  history: ChatTurn[];
  blocks: ContextBlock[];
  leftOut: BudgetItem[];
  /** The prompt's tokens as counted here (the template's markers estimated). */
  promptTokens: number;
  fits: boolean;
}

/** A retrieved block is never cut shorter than this: a definition's header and first lines. */
export const minRetrievedLines = 4;

/** Tokens a chat template adds around one message (role markers, separators); generous on purpose. */
export const perMessageOverheadTokens = 8;

export function planChatBudget(input: ChatBudgetInput): ChatBudgetPlan {
  const limit = input.contextSize - input.answerTokens;
  const leftOut: BudgetItem[] = [];
  const map = [...input.map];
  const history = input.history.map((turn) => ({ ...turn, blocks: [...turn.blocks] }));
  const mentioned = [...input.mentioned];
  const retrieved = [...input.retrieved];

  const promptTokens = () => {
    const messages = renderChatMessages({
      map: displayOrder(map),
      turns: [...history, { blocks: [...mentioned, ...retrieved], question: input.question }],
    });
    return (
      messages.reduce((sum, message) => sum + input.countTokens(message.content), 0) +
      perMessageOverheadTokens * (messages.length + 1)
    );
  };
  const blockItem = (kind: BudgetItem["kind"], block: ContextBlock, note: string): BudgetItem => ({
    kind,
    path: block.path,
    startLine: block.startLine,
    endLine: block.endLine,
    tokens: input.countTokens(block.text),
    note,
  });

  let total = promptTokens();
  for (let index = retrieved.length - 1; index >= 0 && total > limit; index--) {
    const original = retrieved[index]!;
    let lines = original.text.split("\n");
    while (total > limit && lines.length > minRetrievedLines) {
      lines = lines.slice(0, Math.max(minRetrievedLines, Math.ceil(lines.length / 2)));
      retrieved[index] = cutBlock(original, lines.length);
      total = promptTokens();
    }
    if (total > limit) {
      retrieved.splice(index, 1);
      leftOut.push(blockItem("retrieved", original, "left out: the model's context is full"));
      total = promptTokens();
    } else if (lines.length < original.text.split("\n").length) {
      leftOut.push({
        ...blockItem(
          "retrieved",
          original,
          `cut to its first ${lines.length} lines to fit the model's context`,
        ),
        startLine: original.startLine + lines.length,
      });
    }
  }
  for (const turn of history) {
    while (total > limit && turn.blocks.length > 0) {
      leftOut.push(blockItem("history", turn.blocks.pop()!, "an earlier turn's code, left out to make room"));
      total = promptTokens();
    }
  }
  while (total > limit && history.length > 1) {
    const dropped = history.shift()!;
    leftOut.push({
      kind: "history",
      tokens: input.countTokens(`${dropped.question}\n${dropped.answer ?? ""}`),
      note: `an earlier turn ("${dropped.question.slice(0, 40)}") left out to make room`,
    });
    total = promptTokens();
  }
  while (total > limit && map.length > 0) {
    const dropped = map.pop()!;
    leftOut.push({
      kind: "map",
      path: dropped.path,
      startLine: dropped.startLine,
      endLine: dropped.endLine,
      tokens: input.countTokens(dropped.name),
      note: "repository map entry left out to make room",
    });
    total = promptTokens();
  }
  if (total > limit && history.length > 0) {
    const dropped = history.shift()!;
    leftOut.push({
      kind: "history",
      tokens: input.countTokens(`${dropped.question}\n${dropped.answer ?? ""}`),
      note: "the previous turn left out to make room",
    });
    total = promptTokens();
  }
  for (let index = mentioned.length - 1; index >= 0 && total > limit; index--) {
    const block = mentioned[index]!;
    const lines = block.text.split("\n");
    let keep = lines.length;
    while (keep > 0 && total > limit) {
      keep = Math.max(0, keep - Math.max(1, Math.ceil((keep * (total - limit)) / Math.max(1, total))));
      mentioned[index] = cutBlock(block, keep);
      total = promptTokens();
    }
    if (keep === 0) {
      mentioned.splice(index, 1);
      leftOut.push(blockItem("mentioned", block, "too large for the model's context even alone: left out"));
      total = promptTokens();
    } else if (keep < lines.length) {
      leftOut.push({
        ...blockItem(
          "mentioned",
          block,
          `cut to its first ${keep} of ${lines.length} lines to fit the model's context`,
        ),
        startLine: block.startLine + keep,
      });
    }
  }
  return {
    map: displayOrder(map),
    history,
    blocks: [...mentioned, ...retrieved],
    leftOut,
    promptTokens: total,
    fits: total <= limit,
  };
}

/** Map entries of the repository map that fit `budgetTokens` in the system message, most important first. */
export function fitMap(
  ranked: readonly DefinitionEntry[],
  budgetTokens: number,
  countTokens: (text: string) => number,
): DefinitionEntry[] {
  const chosen: DefinitionEntry[] = [];
  const base = countTokens(renderSystemMessage([]).content);
  for (const entry of ranked) {
    const next = [...chosen, entry];
    if (countTokens(renderSystemMessage(displayOrder(next)).content) - base > budgetTokens) break;
    chosen.push(entry);
  }
  return chosen;
}

/** The block's first `lines` lines, with the definitions that start in them. */
function cutBlock(block: ContextBlock, lines: number): ContextBlock {
  return {
    ...block,
    text: block.text.split("\n").slice(0, lines).join("\n"),
    endLine: block.startLine + Math.max(0, lines - 1),
    definitions: (block.definitions ?? []).filter(
      (definition) => definition.startLine < block.startLine + lines,
    ),
  };
}

function displayOrder(map: readonly DefinitionEntry[]): DefinitionEntry[] {
  return [...map].sort(
    (left, right) => left.path.localeCompare(right.path) || left.startLine - right.startLine,
  );
}
