/**
 * The chat view's page: a fixed skeleton (conversation, history panel, input with its @-mention list) under a
 * strict Content Security Policy. Nothing is inline but data: the one script (Hearth's bundled
 * `out/client/chat/chatView.js`, with markdown-it, DOMPurify and highlight.js inside) is allowed by a nonce,
 * the one stylesheet comes from the extension's own files, and no other origin is allowed for anything.
 * Pure (no `vscode`): the view passes the webview's URIs and CSP source in.
 */

import { escapeHtml } from "../escapeHtml";

export interface ChatViewPage {
  scriptUri: string;
  styleUri: string;
  cspSource: string;
  nonce: string;
}

export function chatViewCsp(page: Pick<ChatViewPage, "cspSource" | "nonce">): string {
  return [
    "default-src 'none'",
    `style-src ${page.cspSource}`,
    `script-src 'nonce-${page.nonce}'`,
    `img-src ${page.cspSource}`,
    `font-src ${page.cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export function renderChatViewHtml(page: ChatViewPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(chatViewCsp(page))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(page.styleUri)}">
<title>Hearth chat</title>
</head>
<body>
<main id="conversation" aria-live="polite">
  <div id="welcome">
    <p><strong>Ask about this workspace.</strong> Answers come from a model on this machine and cite the code they use.</p>
    <p>Type <kbd>@</kbd> to add context: <code>@file</code>, <code>@symbol</code>, <code>@selection</code>, <code>@diff</code>, <code>@recent</code>.</p>
  </div>
  <div id="turns"></div>
</main>
<section id="history" hidden aria-label="Conversations">
  <div class="history-header"><strong>Conversations</strong><span class="spacer"></span><button type="button" id="history-delete-all" class="secondary">Delete all</button><button type="button" id="history-close" class="secondary">Close</button></div>
  <p id="history-status"></p>
  <ul id="history-list"></ul>
</section>
<form id="composer" autocomplete="off">
  <ul id="mentions" role="listbox" hidden></ul>
  <textarea id="question" rows="3" placeholder="Ask about your code (@ adds context; Enter sends, Shift+Enter for a new line)" aria-label="Question"></textarea>
  <div class="composer-actions">
    <button type="button" id="new-chat" class="secondary" title="Start a new conversation">New chat</button>
    <button type="button" id="show-history" class="secondary" title="Earlier conversations">History</button>
    <span class="spacer"></span>
    <button type="button" id="stop" hidden title="Stop the answer">Stop</button>
    <button type="submit" id="send">Send</button>
  </div>
</form>
<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>`;
}
