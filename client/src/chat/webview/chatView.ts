/**
 * The chat view's page script (bundled by esbuild into out/client/chat/chatView.js with markdown-it, DOMPurify
 * and highlight.js; it runs in the webview, never in the extension host). It draws the conversation the
 * extension sends, re-renders the streaming answer once per frame, and turns clicks into messages: citations,
 * code-block actions, thumbs, Regenerate, Stop, history. Every piece of HTML it inserts comes from
 * `renderAnswer` or from `escapeHtml`'d text and goes through DOMPurify first.
 */

import DOMPurify from "dompurify";
import type { ChatContextItem, ConversationSummary } from "../../../../server/src/protocol/chat";
import { escapeHtml } from "../../escapeHtml";
import { type RenderedAnswer, renderAnswer } from "../answerMarkdown";
import type { ChatViewState, HostMessage, MentionItem, TurnView, ViewMessage } from "../chatMessages";
import {
  completeMention,
  type MentionQuery,
  matchingOptions,
  mentionAt,
  optionText,
  valueText,
} from "../mentions";

declare function acquireVsCodeApi(): {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
};

const vscode = acquireVsCodeApi();
const post = (message: ViewMessage) => vscode.postMessage(message);

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const conversation = element<HTMLElement>("conversation");
const turnsElement = element<HTMLDivElement>("turns");
const welcome = element<HTMLDivElement>("welcome");
const composer = element<HTMLFormElement>("composer");
const question = element<HTMLTextAreaElement>("question");
const sendButton = element<HTMLButtonElement>("send");
const stopButton = element<HTMLButtonElement>("stop");
const mentionList = element<HTMLUListElement>("mentions");
const historyPanel = element<HTMLElement>("history");
const historyList = element<HTMLUListElement>("history-list");
const historyStatus = element<HTMLParagraphElement>("history-status");

const maxOpenNotes = 3;

let state: ChatViewState = { turns: [], busy: false };
/** What each turn's answer was last rendered from, and the code blocks it produced. */
const rendered = new Map<string, { text: string; answer: RenderedAnswer }>();
/** Streamed texts waiting for the next frame. */
const pendingDeltas = new Map<string, string>();
let frameRequested = false;

function sanitize(html: string): string {
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input"] });
}

// ---------------------------------------------------------------------------------------------- rendering

function renderState(): void {
  const stick = isAtBottom();
  welcome.hidden = state.turns.length > 0;
  const last = state.turns.at(-1);
  turnsElement.replaceChildren(...state.turns.map((turn) => renderTurn(turn, turn === last)));
  for (const id of [...rendered.keys()]) if (!state.turns.some((turn) => turn.id === id)) rendered.delete(id);
  sendButton.hidden = state.busy;
  stopButton.hidden = !state.busy;
  document.body.dataset.busy = String(state.busy);
  if (stick) scrollToBottom();
}

function renderTurn(turn: TurnView, isLast: boolean): HTMLElement {
  const article = document.createElement("article");
  article.className = "turn";
  article.dataset.turn = turn.id;
  article.dataset.state = turn.state;
  if (turn.stopReason) article.dataset.stopReason = turn.stopReason;

  const asked = document.createElement("div");
  asked.className = "question";
  asked.textContent = turn.question;
  article.append(asked);

  const answer = document.createElement("div");
  answer.className = "answer";
  article.append(answer);
  fillAnswer(turn, answer);

  const parts: string[] = [];
  if (turn.state === "streaming") {
    parts.push(`<div class="status streaming">${turn.text ? "Answering…" : "Reading the code…"}</div>`);
  }
  if (turn.error) parts.push(`<div class="notice error" role="alert">${escapeHtml(turn.error)}</div>`);
  if (turn.stopReason === "noModel") {
    // The server's note says how to pick a model; the view adds the way to the setting.
    const advice = turn.notes.length
      ? turn.notes.map((note) => `<p>${noteText(note)}</p>`).join("")
      : "<p><strong>No chat model is configured.</strong> Set <code>hearth.models.chat</code> to a catalog id (see <code>hearth models list</code>) or to the path of a <code>.gguf</code> file.</p>";
    parts.push(
      `<div class="notice no-model" role="alert">${advice}<button type="button" data-open-setting>Open the hearth.models.chat setting</button></div>`,
    );
  } else {
    parts.push(notesHtml(turn.notes));
  }
  if (turn.stopReason === "cancelled") parts.push(`<div class="status">Stopped.</div>`);
  const otherWarnings = rendered.get(turn.id)?.answer.otherWarnings ?? [];
  for (const warning of otherWarnings) {
    parts.push(
      `<div class="notice warning" role="alert"><strong>Dangerous command:</strong> <code>${escapeHtml(
        warning.text,
      )}</code>: ${escapeHtml(warning.reason)}. Hearth never runs it.</div>`,
    );
  }
  if (turn.state !== "streaming") parts.push(contextDetails(turn));
  if (turn.state !== "streaming") parts.push(footer(turn, isLast));
  const extra = document.createElement("div");
  extra.className = "turn-extra";
  extra.innerHTML = sanitize(parts.join(""));
  article.append(extra);
  return article;
}

function fillAnswer(turn: TurnView, target: HTMLElement): void {
  const streaming = turn.state === "streaming";
  const answer = renderAnswer(turn.text, {
    citations: turn.citations,
    warnings: turn.warnings,
    streaming,
  });
  rendered.set(turn.id, { text: turn.text, answer });
  target.classList.toggle("streaming", streaming);
  target.innerHTML = sanitize(answer.html);
}

/** A note's text as HTML: escaped, with `backticked` words as code (the server writes setting names so). */
function noteText(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

/** Notes for the user; beyond a few (one per piece of context left out, say) the rest fold away. */
function notesHtml(notes: readonly string[]): string {
  const note = (text: string) => `<div class="note">${noteText(text)}</div>`;
  if (notes.length <= maxOpenNotes) return notes.map(note).join("");
  const rest = notes.slice(maxOpenNotes - 1);
  return `${notes
    .slice(0, maxOpenNotes - 1)
    .map(note)
    .join("")}<details class="notes"><summary>${rest.length} more notes</summary>${rest
    .map(note)
    .join("")}</details>`;
}

function contextDetails(turn: TurnView): string {
  if (turn.contextUsed.length === 0 && turn.leftOut.length === 0) return "";
  const item = (entry: ChatContextItem) => {
    const where = entry.path
      ? `${entry.path}${entry.startLine ? `:${entry.startLine}-${entry.endLine ?? entry.startLine}` : ""}`
      : "";
    return `<li><span class="context-kind">${escapeHtml(entry.kind)}</span> ${escapeHtml(where)} <span class="muted">${
      entry.tokens
    } tokens${entry.note ? `, ${escapeHtml(entry.note)}` : ""}</span></li>`;
  };
  const removed =
    turn.removedCitations > 0
      ? `<p class="muted">${turn.removedCitations} citation${turn.removedCitations === 1 ? "" : "s"} to code the model was not given ${
          turn.removedCitations === 1 ? "was" : "were"
        } removed.</p>`
      : "";
  return `<details class="context"><summary>Context: ${turn.contextUsed.length} used${
    turn.leftOut.length ? `, ${turn.leftOut.length} left out` : ""
  }</summary><ul>${turn.contextUsed.map(item).join("")}</ul>${
    turn.leftOut.length ? `<p class="muted">Left out:</p><ul>${turn.leftOut.map(item).join("")}</ul>` : ""
  }${removed}</details>`;
}

function footer(turn: TurnView, isLast: boolean): string {
  const timings = turn.timings;
  const facts: string[] = [];
  if (timings && (timings.generatedTokens > 0 || timings.promptTokens > 0)) {
    if (timings.timeToFirstTokenMs !== null)
      facts.push(`first token ${Math.round(timings.timeToFirstTokenMs)} ms`);
    facts.push(`${(timings.totalMs / 1000).toFixed(1)} s`);
    facts.push(`${timings.generatedTokens} tokens`);
    if (timings.promptTokens > 0) {
      facts.push(`prompt ${timings.promptTokens} (${timings.reusedPromptTokens} reused)`);
    }
  }
  if (turn.model) facts.push(turn.model);
  const rated = (rating: "up" | "down") =>
    turn.rating === rating ? ' aria-pressed="true"' : ' aria-pressed="false"';
  // An answer with no text (no model, a failure before the first word) has nothing to rate.
  const ratings =
    turn.answerId && turn.text.trim()
      ? `<button type="button" class="icon" data-rate="up" title="A good answer"${rated("up")}>Good</button><button type="button" class="icon" data-rate="down" title="A bad answer"${rated("down")}>Bad</button>`
      : "";
  const regenerate =
    turn.answerId && isLast && turn.state !== "streaming"
      ? '<button type="button" class="secondary" data-regenerate>Regenerate</button>'
      : "";
  return `<div class="turn-footer"><span class="timings muted">${escapeHtml(facts.join(" · "))}</span><span class="spacer"></span>${ratings}${regenerate}</div>`;
}

function applyPendingDeltas(): void {
  frameRequested = false;
  const stick = isAtBottom();
  for (const [id, text] of pendingDeltas) {
    const turn = state.turns.find((candidate) => candidate.id === id);
    if (!turn || turn.state !== "streaming") continue;
    turn.text = text;
    const article = turnsElement.querySelector<HTMLElement>(`article[data-turn="${CSS.escape(id)}"]`);
    const answer = article?.querySelector<HTMLElement>(".answer");
    if (answer) fillAnswer(turn, answer);
    const status = article?.querySelector(".status.streaming");
    if (status) status.textContent = "Answering…";
  }
  pendingDeltas.clear();
  // Streamed renders so far: lets the end-to-end test see that an answer streamed rather than arrived whole.
  document.body.dataset.streamedRenders = String(Number(document.body.dataset.streamedRenders ?? 0) + 1);
  if (stick) scrollToBottom();
}

function isAtBottom(): boolean {
  return conversation.scrollHeight - conversation.scrollTop - conversation.clientHeight < 40;
}

function scrollToBottom(): void {
  conversation.scrollTop = conversation.scrollHeight;
}

function renderHistory(conversations: ConversationSummary[], error?: string): void {
  historyStatus.textContent = error ?? (conversations.length === 0 ? "No stored conversations." : "");
  historyList.replaceChildren(
    ...conversations.map((entry) => {
      const item = document.createElement("li");
      item.dataset.conversation = entry.id;
      if (entry.id === state.conversationId) item.classList.add("current");
      item.innerHTML = sanitize(
        `<button type="button" class="link" data-open-conversation>${escapeHtml(entry.title || "(untitled)")}</button><span class="muted">${escapeHtml(
          new Date(entry.updatedAt).toLocaleString(),
        )} · ${entry.turns} turn${entry.turns === 1 ? "" : "s"}</span><button type="button" class="icon" data-delete-conversation title="Delete this conversation">Delete</button>`,
      );
      return item;
    }),
  );
}

// ---------------------------------------------------------------------------------------------- messages

window.addEventListener("message", (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message?.type) {
    case "state":
      state = message.state;
      renderState();
      break;
    case "delta":
      pendingDeltas.set(message.turn, message.text);
      if (!frameRequested) {
        frameRequested = true;
        requestAnimationFrame(applyPendingDeltas);
      }
      break;
    case "history":
      renderHistory(message.conversations, message.error);
      break;
    case "showHistory":
      openHistory();
      break;
    case "mentionItems":
      if (message.requestId === mentionRequest) showValueItems(message.items);
      break;
    case "prefill":
      question.value = question.value ? `${question.value.trimEnd()} ${message.text}` : message.text;
      question.focus();
      saveDraft();
      break;
  }
});

conversation.addEventListener("click", (event) => {
  const target = event.target as HTMLElement;
  const article = target.closest<HTMLElement>("article.turn");
  const turn = article?.dataset.turn;
  const anchor = target.closest("a");
  if (anchor) {
    event.preventDefault();
    if (!turn) return;
    if (anchor.classList.contains("citation")) {
      post({ type: "openCitation", turn, citation: Number(anchor.dataset.citation) });
    } else if (anchor.getAttribute("href")) {
      post({ type: "openLink", href: anchor.getAttribute("href")! });
    }
    return;
  }
  const button = target.closest("button");
  if (!button || !turn) return;
  const action = button.dataset.action;
  if (action === "copy" || action === "insert" || action === "apply") {
    const index = Number(button.closest<HTMLElement>(".code-block")?.dataset.block);
    const block = rendered.get(turn)?.answer.codeBlocks[index];
    if (!block) return;
    post({ type: "codeAction", action, turn, block: index, code: block.code, info: block.info });
    if (action === "copy") flash(button, "Copied");
  } else if (button.dataset.rate === "up" || button.dataset.rate === "down") {
    post({ type: "rate", turn, rating: button.dataset.rate });
  } else if (button.hasAttribute("data-regenerate")) {
    post({ type: "regenerate", turn });
  } else if (button.hasAttribute("data-open-setting")) {
    post({ type: "openChatModelSetting" });
  }
});

function flash(button: HTMLButtonElement, text: string): void {
  const original = button.textContent;
  button.textContent = text;
  setTimeout(() => {
    button.textContent = original;
  }, 1200);
}

// ---------------------------------------------------------------------------------------------- composer

function submit(): void {
  const text = question.value.trim();
  if (!text || state.busy) return;
  post({ type: "ask", question: text });
  question.value = "";
  closeMentions();
  saveDraft();
}

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});
stopButton.addEventListener("click", () => post({ type: "stop" }));
element<HTMLButtonElement>("new-chat").addEventListener("click", () => post({ type: "newChat" }));
element<HTMLButtonElement>("show-history").addEventListener("click", () => openHistory());
element<HTMLButtonElement>("history-close").addEventListener("click", () => {
  historyPanel.hidden = true;
});
element<HTMLButtonElement>("history-delete-all").addEventListener("click", () =>
  post({ type: "deleteConversation" }),
);
historyList.addEventListener("click", (event) => {
  const target = event.target as HTMLElement;
  const id = target.closest<HTMLElement>("li")?.dataset.conversation;
  if (!id) return;
  if (target.closest("[data-open-conversation]")) {
    post({ type: "openConversation", conversationId: id });
    historyPanel.hidden = true;
  } else if (target.closest("[data-delete-conversation]")) {
    post({ type: "deleteConversation", conversationId: id });
  }
});

function openHistory(): void {
  historyPanel.hidden = false;
  historyStatus.textContent = "Loading…";
  historyList.replaceChildren();
  post({ type: "listHistory" });
}

// @-mentions: a list under the cursor's word; arrows move, Enter or Tab picks, Escape closes.
interface MentionChoice {
  label: string;
  detail: string;
  insert: string;
}
let mention: MentionQuery | undefined;
let choices: MentionChoice[] = [];
let selected = 0;
let mentionRequest = 0;
let mentionTimer: ReturnType<typeof setTimeout> | undefined;

function updateMentions(): void {
  mention = mentionAt(question.value, question.selectionStart ?? question.value.length);
  if (!mention) {
    closeMentions();
    return;
  }
  if (mention.stage === "kind") {
    showChoices(
      matchingOptions(mention.query).map((option) => ({
        label: option.label,
        detail: option.detail,
        insert: optionText(option),
      })),
    );
    return;
  }
  const { kind, query } = mention;
  if (mentionTimer) clearTimeout(mentionTimer);
  mentionTimer = setTimeout(() => {
    mentionRequest++;
    post({ type: "mentionQuery", requestId: mentionRequest, kind, query });
  }, 120);
}

function showValueItems(items: MentionItem[]): void {
  if (mention?.stage !== "value") return;
  const kind = mention.kind;
  showChoices(
    items.map((item) => ({
      label: item.value,
      detail: item.detail ?? "",
      insert: valueText(kind, item.value),
    })),
  );
}

function showChoices(next: MentionChoice[]): void {
  choices = next;
  selected = 0;
  if (choices.length === 0) {
    closeMentions();
    return;
  }
  mentionList.replaceChildren(
    ...choices.map((choice, index) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.dataset.index = String(index);
      const label = document.createElement("span");
      label.className = "mention-label";
      label.textContent = choice.label;
      const detail = document.createElement("span");
      detail.className = "muted";
      detail.textContent = choice.detail;
      item.append(label, detail);
      return item;
    }),
  );
  mentionList.hidden = false;
  highlightChoice();
}

function highlightChoice(): void {
  for (const [index, item] of [...mentionList.children].entries()) {
    item.setAttribute("aria-selected", String(index === selected));
  }
}

function closeMentions(): void {
  mentionList.hidden = true;
  choices = [];
}

function pick(index: number): void {
  const choice = choices[index];
  if (!choice || !mention) return;
  const result = completeMention(question.value, mention, choice.insert);
  question.value = result.text;
  question.setSelectionRange(result.cursor, result.cursor);
  question.focus();
  closeMentions();
  saveDraft();
  updateMentions();
}

question.addEventListener("input", () => {
  updateMentions();
  saveDraft();
});
question.addEventListener("click", updateMentions);
question.addEventListener("keydown", (event) => {
  if (!mentionList.hidden && choices.length > 0) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      selected = (selected + (event.key === "ArrowDown" ? 1 : choices.length - 1)) % choices.length;
      highlightChoice();
      return;
    }
    if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      pick(selected);
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      closeMentions();
      return;
    }
  }
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit();
  }
});
mentionList.addEventListener("mousedown", (event) => {
  const item = (event.target as HTMLElement).closest<HTMLElement>("li");
  if (!item) return;
  event.preventDefault();
  pick(Number(item.dataset.index));
});

function saveDraft(): void {
  vscode.setState({ draft: question.value });
}

const saved = vscode.getState() as { draft?: unknown } | undefined;
if (typeof saved?.draft === "string") question.value = saved.draft;
post({ type: "ready" });
document.body.dataset.hearthChat = "ready";
