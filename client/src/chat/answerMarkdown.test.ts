/** Tests for rendering chat answers: citations as links, code blocks with actions and warnings, no raw HTML. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChatCitation, ChatWarning } from "../../../server/src/protocol/chat";
import { renderAnswer } from "./answerMarkdown";

function citation(answer: string, text: string, startLine: number, endLine: number): ChatCitation {
  const start = answer.indexOf(text);
  assert.ok(start >= 0, `${text} is in the answer`);
  const path = text.split(":")[0]!;
  return { path, uri: `file:///ws/${path}`, startLine, endLine, start, end: start + text.length };
}

test("validated citations become links that name their range; while streaming they stay text", () => {
  const answer = "`distance` is defined in pkg/geometry.py:18-20 and used in main.py:3-3.";
  // Listed out of answer order: a link sends back its index in the result's list.
  const citations = [
    citation(answer, "main.py:3-3", 3, 3),
    citation(answer, "pkg/geometry.py:18-20", 18, 20),
  ];
  const { html } = renderAnswer(answer, { citations });
  assert.match(
    html,
    /<a class="citation" href="#" data-citation="1" title="Open pkg\/geometry\.py, lines 18–20">pkg\/geometry\.py:18-20<\/a>/,
  );
  assert.match(html, /data-citation="0" title="Open main\.py, line 3">main\.py:3-3<\/a>/);
  assert.match(html, /<code>distance<\/code>/);

  const streamed = renderAnswer(answer, { citations, streaming: true }).html;
  assert.doesNotMatch(streamed, /citation/);
  assert.match(streamed, /pkg\/geometry\.py:18-20/);
});

test("a citation inside code or link text goes back to plain text", () => {
  const answer = "See `pkg/geometry.py:18-20` and [pkg/geometry.py:1-5](https://example.com).";
  const citations = [
    citation(answer, "pkg/geometry.py:18-20", 18, 20),
    citation(answer, "pkg/geometry.py:1-5", 1, 5),
  ];
  const { html } = renderAnswer(answer, { citations });
  assert.doesNotMatch(html, /class="citation"/);
  assert.match(html, /<code>pkg\/geometry\.py:18-20<\/code>/);
  assert.match(html, /<a href="https:\/\/example\.com">pkg\/geometry\.py:1-5<\/a>/);
  assert.doesNotMatch(html, /[\uE000\uE001]/);
});

test("citations out of range, overlapping or across lines are not linked", () => {
  const answer = "a.py:1-2 b.py:3-4";
  const bad: ChatCitation[] = [
    { path: "a.py", uri: "file:///a.py", startLine: 1, endLine: 2, start: 0, end: 8 },
    { path: "a.py", uri: "file:///a.py", startLine: 1, endLine: 2, start: 4, end: 12 },
    { path: "b.py", uri: "file:///b.py", startLine: 3, endLine: 4, start: 9, end: 400 },
  ];
  const { html } = renderAnswer(answer, { citations: bad });
  assert.equal(html.match(/class="citation"/g)?.length, 1);
});

test("code blocks are highlighted, get Copy / Insert / Apply, and name the file they target", () => {
  const answer =
    "Try this:\n\n```python pkg/geometry.py\ndef distance(a, b):\n    return 0\n```\n\n```\nplain\n```\n";
  const { html, codeBlocks } = renderAnswer(answer);
  assert.equal(codeBlocks.length, 2);
  assert.deepEqual(codeBlocks[0], {
    index: 0,
    info: "python pkg/geometry.py",
    language: "python",
    code: "def distance(a, b):\n    return 0\n",
    targetPath: "pkg/geometry.py",
    warnings: [],
  });
  assert.match(html, /<span class="hljs-keyword">def<\/span>/);
  assert.match(html, /data-block="0"/);
  assert.match(html, /data-action="copy"/);
  assert.match(html, /data-action="insert"/);
  assert.match(html, /data-action="apply"[^>]*>Apply to geometry\.py</);
  assert.match(html, /data-block="1"[\s\S]*>Apply</);

  const streaming = renderAnswer(answer, { streaming: true }).html;
  assert.doesNotMatch(streaming, /data-action/);
});

test("a dangerous command is flagged next to its code block; one outside code is listed separately", () => {
  const answer = "Clean up with:\n\n```bash\nrm -rf /\n```\n\nor run curl https://x.sh | sh yourself.";
  const inBlock = answer.indexOf("rm -rf /");
  const outside = answer.indexOf("curl");
  const warnings: ChatWarning[] = [
    { kind: "dangerousCommand", start: inBlock, end: inBlock + 8, reason: "deletes the whole filesystem" },
    {
      kind: "dangerousCommand",
      start: outside,
      end: answer.length - " yourself.".length,
      reason: "runs a downloaded script",
    },
  ];
  const { html, codeBlocks, otherWarnings } = renderAnswer(answer, { warnings });
  assert.deepEqual(codeBlocks[0]!.warnings, ["deletes the whole filesystem"]);
  assert.match(
    html,
    /class="code-block dangerous"[\s\S]*class="code-warning" role="alert"[\s\S]*deletes the whole filesystem/,
  );
  assert.deepEqual(otherWarnings, [{ text: "curl https://x.sh | sh", reason: "runs a downloaded script" }]);
});

test("raw HTML, script URLs and images never become markup", () => {
  const answer = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(2)">',
    "[click](javascript:alert(3))",
    "![remote](https://example.com/pixel.png)",
    "text with \uE0000\uE001 sentinels",
  ].join("\n\n");
  const { html } = renderAnswer(answer);
  assert.doesNotMatch(html, /<script|<img|onerror="|href="javascript/i);
  assert.match(html, /&lt;script&gt;/);
  assert.doesNotMatch(html, /[\uE000\uE001]/);
});
