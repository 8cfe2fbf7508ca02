/**
 * One chat turn, end to end: the conversation's history, a standalone query for retrieval, the context
 * (retrieved code, @-mentions, the repository map), a budget that never overflows the model's context, a
 * generation that streams and stops within a token when cancelled, then the answer checked (citations that
 * point outside the given context removed and counted; dangerous shell commands flagged) and stored.
 *
 * Prompt caching: the system message (instructions and the repository map, fixed for the conversation) comes
 * first and the turns after it, so turn N+1 reuses turn N's KV cache on the conversation's sequence; the
 * system message's tokens are kept resident and saved as a state file per workspace and model, so even a
 * conversation's first turn reloads them instead of evaluating them.
 */

import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { messageOf } from "../base/errors";
import type { Logger } from "../base/logger";
import type { FeedbackService } from "../feedback";
import { findDangerousCommands, type GuardrailsPolicy } from "../guardrails";
import type { WorkspaceFolders } from "../index/workspaceFolders";
import { GenerationAbortedError, type ModelEngine } from "../models";
import type {
  ChatCitation,
  ChatContextItem,
  ChatParams,
  ChatResult,
  ChatWarning,
  ConversationSummary,
  ConversationTurn,
} from "../protocol";
import { type BudgetItem, fitMap, planChatBudget } from "./chatBudget";
import type { ChatContext } from "./chatContext";
import {
  answerGrammar,
  type ChatTurn,
  type ContextBlock,
  type DefinitionEntry,
  givenContext,
  renderChatMessages,
  renderSystemMessage,
  validateCitations,
} from "./chatPrompt";
import { parseMentions } from "./mentions";
import { standaloneQuery } from "./standaloneQuery";

export interface ChatSettings {
  /** The chat model as written in `hearth.models.chat` (restarts chat when it changes). */
  model: string | null | undefined;
  /** Most tokens an answer may take; capped at a quarter of the model's context. */
  maxAnswerTokens: number;
  /** Share of the context the repository map may take. */
  mapShare: number;
  temperature: number;
  /**
   * Constrain answers to the forms Hearth's tiny chat model was trained on (`chatPrompt.ts`'s
   * `answerGrammar`), so each holds a citation of a definition it was given. `auto`: for that model only.
   */
  constrainAnswers: "auto" | "always" | "never";
}

export interface ChatServices {
  logger: Logger;
  engine: ModelEngine;
  folders: WorkspaceFolders;
  feedback: FeedbackService;
  guardrails: GuardrailsPolicy;
}

/** What a stored turn keeps besides its question and answer: enough to show it again and to re-prompt. */
interface TurnRecord {
  citations: ChatCitation[];
  contextUsed: ChatContextItem[];
  blocks: ContextBlock[];
  map?: DefinitionEntry[];
}

interface Conversation {
  id: string;
  /** Fixed at the first turn so the prompt's start stays the same turn after turn. */
  map: DefinitionEntry[] | undefined;
  turns: (ChatTurn & { id: string; answer: string })[];
  /** Whether this process has made the conversation's prefix resident on its sequence. */
  prefixReady: boolean;
}

export type DeltaSink = (text: string, ids: { conversationId: string; turnId: string }) => void;

export class ChatService {
  private readonly conversations = new Map<string, Conversation>();

  constructor(
    private readonly services: ChatServices,
    private readonly context: ChatContext,
    private readonly settings: ChatSettings,
    private readonly recentUris: () => string[],
  ) {}

  async ask(params: ChatParams, signal: AbortSignal, onDelta: DeltaSink): Promise<ChatResult> {
    const started = performance.now();
    const { engine } = this.services;
    const conversation = this.conversation(params.conversationId);
    const history = params.regenerate ? conversation.turns.slice(0, -1) : conversation.turns;
    const turnId = params.regenerate ? (conversation.turns.at(-1)?.id ?? randomUUID()) : randomUUID();
    const result = (partial: Partial<ChatResult>): ChatResult => ({
      conversationId: conversation.id,
      turnId,
      answer: "",
      citations: [],
      removedCitations: 0,
      contextUsed: [],
      leftOut: [],
      notes: [],
      warnings: [],
      stopReason: "finished",
      model: engine.configuredModelId("chat"),
      timings: {
        timeToFirstTokenMs: null,
        totalMs: Math.round(performance.now() - started),
        promptTokens: 0,
        reusedPromptTokens: 0,
        generatedTokens: 0,
      },
      ...partial,
    });
    if (!engine.configuredModelId("chat")) {
      return result({
        stopReason: "noModel",
        notes: [
          "No chat model is configured. Set `hearth.models.chat` to a catalog id (`hearth models list` shows them, " +
            "for example qwen2.5-coder-1.5b-instruct) or to the path of a local .gguf file.",
        ],
      });
    }

    const mentions = parseMentions(params.question);
    const previous = history.at(-1);
    const query = standaloneQuery(
      params.question,
      previous && {
        question: previous.question,
        citedPaths: [...new Set(previous.blocks.map((block) => block.path))],
      },
    );
    const gathered = await this.context.gather(query, mentions, params.selection, this.recentUris(), signal);
    let countTokens: (text: string) => number;
    let contextSize: number;
    try {
      countTokens = await engine.tokenCounter("chat");
      contextSize = await engine.contextSize("chat");
    } catch (error) {
      return result({
        stopReason: "error",
        notes: [...gathered.notes, `The chat model did not load: ${messageOf(error)}`],
      });
    }
    // A constrained answer is one citation (plus a short `returns ...`): the rest of the context goes to code.
    const answerLimit = this.constrained() ? constrainedAnswerTokens : this.settings.maxAnswerTokens;
    const answerTokens = Math.max(32, Math.min(answerLimit, Math.floor(contextSize / 4)));
    conversation.map ??= fitMap(
      await this.context.repositoryMap(),
      Math.floor(contextSize * this.settings.mapShare),
      countTokens,
    );
    const plan = planChatBudget({
      contextSize,
      answerTokens,
      countTokens,
      map: conversation.map,
      history,
      mentioned: gathered.mentioned,
      retrieved: gathered.retrieved,
      question: params.question,
    });
    const notes = [...gathered.notes, ...summarizeLeftOut(plan.leftOut)];
    const contextUsed = this.contextUsed(plan.map, plan.history, plan.blocks, countTokens);
    const leftOut = plan.leftOut.map(toContextItem);
    if (!plan.fits) {
      return result({
        stopReason: "error",
        notes: [...notes, `The question is too long for the chat model's context of ${contextSize} tokens.`],
        contextUsed,
        leftOut,
      });
    }

    const turns: ChatTurn[] = [...plan.history, { blocks: plan.blocks, question: params.question }];
    const messages = renderChatMessages({ map: plan.map, turns });
    let prefixSource: string | undefined;
    try {
      // A remote engine reuses the conversation's prompt in its own KV cache (one slot per conversation).
      if (!conversation.prefixReady && !engine.isRemote("chat")) {
        const tokens = await engine.chatPrefixTokens("chat", renderSystemMessage(plan.map));
        const prepared = await engine.preparePrefix(
          { role: "chat", prefix: { tokens }, sequenceKey: conversation.id, priority: "user" },
          signal,
        );
        prefixSource = prepared.source;
        conversation.prefixReady = true;
      }
    } catch (error) {
      if (signal.aborted) return result({ stopReason: "cancelled", notes, contextUsed, leftOut });
      this.services.logger.warn(`chat: the prompt prefix was not prepared: ${messageOf(error)}`);
    }

    const ids = { conversationId: conversation.id, turnId };
    // From the question to the first token the user sees: retrieval and the prompt's prefix included.
    let firstTokenAt: number | undefined;
    let text = "";
    let stopReason: ChatResult["stopReason"] = "finished";
    let metrics: Awaited<ReturnType<ModelEngine["generate"]>>["metrics"] | undefined;
    try {
      const generated = await engine.generate(
        {
          role: "chat",
          prompt: { messages },
          maxTokens: answerTokens,
          temperature: this.settings.temperature,
          priority: "user",
          sequenceKey: conversation.id,
          ...(this.constrained() ? { grammar: constrainedAnswer(plan.map, turns) } : {}),
          onText: (soFar) => {
            firstTokenAt ??= performance.now();
            onDelta(soFar, ids);
            return "continue";
          },
        },
        signal,
      );
      text = generated.text;
      metrics = generated.metrics;
      if (metrics.stopReason === "maxTokens" || metrics.stopReason === "contextFull")
        stopReason = "maxTokens";
    } catch (error) {
      if (error instanceof GenerationAbortedError) {
        text = error.partial?.text ?? "";
        metrics = error.partial?.metrics;
        stopReason = "cancelled";
      } else {
        this.services.logger.error("chat: the model failed while answering", error);
        notes.push(`The chat model failed while answering: ${messageOf(error)}`);
        stopReason = "error";
      }
    }

    const validated = validateCitations(text.trim(), givenContext({ map: plan.map, turns }));
    const citations = validated.citations.map((citation) => this.toCitation(citation));
    const dangerous = this.services.guardrails.config.dangerousCommands;
    const warnings: ChatWarning[] = (
      dangerous.enabled ? findDangerousCommands(validated.text, dangerous) : []
    ).map((found) => ({
      kind: "dangerousCommand",
      start: found.start,
      end: found.end,
      reason: found.reason,
    }));
    this.services.guardrails.counters.add("dangerousCommands", "flags", warnings.length);
    if (prefixSource) this.services.logger.debug(`chat: prompt prefix ${prefixSource}`);

    if (stopReason !== "error" || text) {
      const turn = { id: turnId, blocks: plan.blocks, question: params.question, answer: validated.text };
      conversation.turns = [...history, turn];
      this.services.feedback.conversations()?.saveTurn<TurnRecord>(conversation.id, {
        id: turnId,
        at: Date.now(),
        question: params.question,
        answer: validated.text,
        record: {
          citations,
          contextUsed,
          blocks: plan.blocks,
          ...(history.length === 0 ? { map: plan.map } : {}),
        },
      });
    }
    return result({
      answer: validated.text,
      citations,
      removedCitations: validated.removed.length,
      contextUsed,
      leftOut,
      notes,
      warnings,
      stopReason,
      timings: {
        timeToFirstTokenMs: firstTokenAt === undefined ? null : Math.round(firstTokenAt - started),
        totalMs: Math.round(performance.now() - started),
        promptTokens: metrics?.promptTokens ?? 0,
        reusedPromptTokens: metrics?.reusedPromptTokens ?? 0,
        generatedTokens: metrics?.generatedTokens ?? 0,
      },
    });
  }

  list(): ConversationSummary[] {
    return this.services.feedback.conversations()?.list() ?? [];
  }

  turns(conversationId: string): ConversationTurn[] | null {
    const stored = this.services.feedback.conversations()?.turns<TurnRecord>(conversationId);
    if (!stored) return null;
    return stored.map((turn) => ({
      turnId: turn.id,
      at: turn.at,
      question: turn.question,
      answer: turn.answer,
      citations: turn.record.citations,
      contextUsed: turn.record.contextUsed,
      warnings: this.warnings(turn.answer),
    }));
  }

  delete(conversationId?: string): number {
    if (conversationId === undefined) this.conversations.clear();
    else this.conversations.delete(conversationId);
    return this.services.feedback.conversations()?.delete(conversationId) ?? 0;
  }

  /** Dangerous shell commands in an answer, as warnings the view shows next to them (never run). */
  private warnings(answer: string): ChatWarning[] {
    const dangerous = this.services.guardrails.config.dangerousCommands;
    if (!dangerous.enabled) return [];
    return findDangerousCommands(answer, dangerous).map((found) => ({
      kind: "dangerousCommand",
      start: found.start,
      end: found.end,
      reason: found.reason,
    }));
  }

  private constrained(): boolean {
    const setting = this.settings.constrainAnswers;
    return (
      setting === "always" ||
      (setting === "auto" && this.services.engine.configuredModelId("chat") === tinyChatModel)
    );
  }

  /** The conversation in memory, else resumed from the store, else a new one. */
  private conversation(id: string | undefined): Conversation {
    if (id) {
      const known = this.conversations.get(id);
      if (known) return known;
      const stored = this.services.feedback.conversations()?.turns<TurnRecord>(id);
      if (stored) {
        const resumed: Conversation = {
          id,
          map: stored[0]?.record.map,
          turns: stored.map((turn) => ({
            id: turn.id,
            blocks: turn.record.blocks,
            question: turn.question,
            answer: turn.answer,
          })),
          prefixReady: false,
        };
        this.conversations.set(id, resumed);
        return resumed;
      }
    }
    const created: Conversation = { id: id ?? randomUUID(), map: undefined, turns: [], prefixReady: false };
    this.conversations.set(created.id, created);
    return created;
  }

  private contextUsed(
    map: readonly DefinitionEntry[],
    history: readonly ChatTurn[],
    blocks: readonly ContextBlock[],
    countTokens: (text: string) => number,
  ): ChatContextItem[] {
    const items: ChatContextItem[] = [
      { kind: "system", tokens: countTokens(renderSystemMessage([]).content) },
    ];
    if (map.length)
      items.push({ kind: "map", tokens: countTokens(renderSystemMessage(map).content) - items[0]!.tokens });
    for (const turn of history) {
      items.push({ kind: "history", tokens: countTokens(`${turn.question}\n${turn.answer ?? ""}`) });
    }
    for (const block of blocks) {
      items.push({
        kind: block.path === "git diff HEAD" ? "diff" : "retrieved",
        path: block.path,
        startLine: block.startLine,
        endLine: block.endLine,
        tokens: countTokens(block.text),
      });
    }
    return items;
  }

  private toCitation(citation: {
    path: string;
    startLine: number;
    endLine: number;
    start: number;
    end: number;
  }): ChatCitation {
    const root = this.services.folders.roots.find(
      (candidate) => !path.relative(candidate, path.join(candidate, citation.path)).startsWith(".."),
    );
    return {
      ...citation,
      uri: root ? pathToFileURL(path.join(root, citation.path)).href : "",
    };
  }
}

/** Hearth's own chat model: tiny, trained to answer by citing a given definition (see native-models/README.md). */
const tinyChatModel = "hearth-tiny-chat";
const constrainedAnswerTokens = 160;

/** The answer grammar for a turn: cite a given definition, or say it was not found when none was given. */
function constrainedAnswer(map: readonly DefinitionEntry[], turns: readonly ChatTurn[]): string {
  const input = { map, turns };
  try {
    return answerGrammar(input, { allowNotFound: false });
  } catch {
    return answerGrammar(input, { allowNotFound: true });
  }
}

function toContextItem(item: BudgetItem): ChatContextItem {
  return {
    kind: item.kind === "mentioned" ? "file" : item.kind,
    ...(item.path === undefined ? {} : { path: item.path }),
    ...(item.startLine === undefined ? {} : { startLine: item.startLine }),
    ...(item.endLine === undefined ? {} : { endLine: item.endLine }),
    tokens: item.tokens,
    ...(item.note === undefined ? {} : { note: item.note }),
  };
}

/** One note for everything the budget left out or cut (the details are in the result's `leftOut`). */
function summarizeLeftOut(items: readonly BudgetItem[]): string[] {
  if (items.length === 0) return [];
  const cut = items.filter((item) => item.note?.startsWith("cut")).length;
  const left = items.length - cut;
  const parts = [left ? `${left} piece(s) of context left out` : "", cut ? `${cut} cut short` : ""].filter(
    Boolean,
  );
  return [`To fit the chat model's context: ${parts.join(", ")} (see the context details).`];
}
