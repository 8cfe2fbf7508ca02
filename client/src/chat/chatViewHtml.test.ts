/** Tests for the chat view's page skeleton and its Content Security Policy. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { chatViewCsp, renderChatViewHtml } from "./chatViewHtml";

const page = {
  scriptUri: "https://file+.vscode-resource.vscode-cdn.net/ext/out/client/chat/chatView.js",
  styleUri: "https://file+.vscode-resource.vscode-cdn.net/ext/out/client/chat/chatView.css",
  cspSource: "https://*.vscode-cdn.net",
  nonce: "abc123",
};

test("the policy allows only the nonce'd script and the extension's own files", () => {
  const csp = chatViewCsp(page);
  assert.match(csp, /^default-src 'none';/);
  assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!\*\.vscode-cdn\.net)|\*(?!\.vscode-cdn)/);
});

test("the page has one script, with the nonce, and no inline handlers or inline code", () => {
  const html = renderChatViewHtml(page);
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.deepEqual(scripts, [`<script nonce="abc123" src="${page.scriptUri}">`]);
  assert.match(html, /<script[^>]*><\/script>/, "the script element is empty");
  assert.doesNotMatch(html, /\son[a-z]+=/i);
  assert.doesNotMatch(html, /<style/);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
  for (const id of ["turns", "question", "send", "stop", "mentions", "history-list", "new-chat"]) {
    assert.match(html, new RegExp(`id="${id}"`));
  }
});
