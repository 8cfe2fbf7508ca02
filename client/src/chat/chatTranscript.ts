/**
 * The chat view's conversation as the extension keeps it: the turns shown, which one is streaming, and how
 * `hearth/chat/delta` notifications, final results, failures, Stop, Regenerate and stored conversations change
 * them. Pure (no `vscode`, no LSP): the view provider feeds it and posts its snapshots to the webview, so a
 * webview that was hidden and rebuilt shows the same conversation.
 */

import type { ChatDeltaParams, ChatResult, ConversationTurn } from "../../../server/src/protocol/chat";
import type { ChatViewState, TurnView } from "./chatMessages";

export class ChatTranscript {
  private conversation: string | undefined;
  private turns: TurnView[] = [];
  /** The turn being answered (its client id). */
  private active: string | undefined;

  get conversationId(): string | undefined {
    return this.conversation;
  }

  get busy(): boolean {
    return this.active !== undefined;
  }

  get activeTurnId(): string | undefined {
    return this.active;
  }

  snapshot(): ChatViewState {
    return {
      ...(this.conversation ? { conversationId: this.conversation } : {}),
      turns: this.turns.map((turn) => ({ ...turn })),
      busy: this.busy,
    };
  }

  turn(id: string): TurnView | undefined {
    return this.turns.find((turn) => turn.id === id);
  }

  /** Adds a question being answered; `undefined` while another answer is still streaming. */
  ask(question: string, id: string): TurnView | undefined {
    if (this.busy) return undefined;
    const turn = emptyTurn(id, question);
    this.turns.push(turn);
    this.active = id;
    return turn;
  }

  /**
   * Starts answering the last turn's question again in place. Returns that question and the id of the answer
   * it replaces (for the `regenerated` event); `undefined` unless `turnId` is the last, finished turn.
   */
  regenerate(turnId: string, newId: string): { question: string; replacedAnswerId?: string } | undefined {
    const last = this.turns.at(-1);
    if (this.busy || !last || last.id !== turnId || !this.conversation) return undefined;
    const replacedAnswerId = last.answerId;
    this.turns[this.turns.length - 1] = emptyTurn(newId, last.question);
    this.active = newId;
    return replacedAnswerId ? { question: last.question, replacedAnswerId } : { question: last.question };
  }

  /** Applies a streamed text; returns the turn when it changed. */
  delta(params: ChatDeltaParams): TurnView | undefined {
    if (!params.clientTurnId || params.clientTurnId !== this.active) return undefined;
    const turn = this.turn(params.clientTurnId);
    if (!turn || turn.state !== "streaming" || turn.text === params.text) return undefined;
    turn.text = params.text;
    turn.answerId = params.turnId;
    this.conversation ??= params.conversationId;
    return turn;
  }

  /** The server's final answer for a turn (finished, stopped, no model or a model error). */
  finish(id: string, result: ChatResult): TurnView | undefined {
    const turn = this.turn(id);
    if (!turn || turn.state !== "streaming") return undefined;
    Object.assign(turn, {
      answerId: result.turnId,
      text: result.answer,
      state: "done",
      citations: result.citations,
      warnings: result.warnings,
      notes: result.notes,
      contextUsed: result.contextUsed,
      leftOut: result.leftOut,
      removedCitations: result.removedCitations,
      stopReason: result.stopReason,
      model: result.model,
      timings: result.timings,
    } satisfies Partial<TurnView>);
    this.conversation = result.conversationId;
    if (this.active === id) this.active = undefined;
    return turn;
  }

  /** The request failed (server gone, bad input, Stop not confirmed): the text so far stays. */
  fail(id: string, message: string): TurnView | undefined {
    const turn = this.turn(id);
    if (!turn || turn.state !== "streaming") return undefined;
    turn.state = "failed";
    turn.error = message;
    if (this.active === id) this.active = undefined;
    return turn;
  }

  /** Records a thumbs up or down; returns the answer's id (the feedback subject) when it has one. */
  rate(id: string, rating: "up" | "down"): string | undefined {
    const turn = this.turn(id);
    if (!turn?.answerId || turn.state === "streaming") return undefined;
    turn.rating = rating;
    return turn.answerId;
  }

  /** Shows a stored conversation (from `hearth/chat/conversation`). */
  load(conversationId: string, stored: readonly ConversationTurn[]): void {
    this.conversation = conversationId;
    this.active = undefined;
    this.turns = stored.map((turn) => ({
      ...emptyTurn(turn.turnId, turn.question),
      answerId: turn.turnId,
      text: turn.answer,
      state: "done",
      citations: turn.citations,
      contextUsed: turn.contextUsed,
      warnings: turn.warnings ?? [],
      fromHistory: true,
    }));
  }

  /** New chat: the next question starts a new conversation. */
  clear(): void {
    this.conversation = undefined;
    this.turns = [];
    this.active = undefined;
  }
}

function emptyTurn(id: string, question: string): TurnView {
  return {
    id,
    question,
    text: "",
    state: "streaming",
    citations: [],
    warnings: [],
    notes: [],
    contextUsed: [],
    leftOut: [],
    removedCitations: 0,
  };
}
