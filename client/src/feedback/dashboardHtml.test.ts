/** Tests for the dashboard page and its chart configurations. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { FeedbackStats } from "../../../server/src/protocol";
import { buildDashboardCharts } from "./dashboardCharts";
import { renderDashboardHtml } from "./dashboardHtml";

const figures = {
  shown: 10,
  accepted: 4,
  partiallyAccepted: 2,
  rejected: 3,
  ignored: 1,
  pending: 0,
  acceptanceRate: 0.4,
  anyAcceptanceRate: 0.6,
  acceptedChars: 120,
  medianLatencyMs: 210,
  survival5m: 0.9,
};

const stats: FeedbackStats = {
  ...figures,
  databasePath: "/storage/feedback.sqlite",
  enabled: true,
  sinceMs: null,
  generatedAt: Date.UTC(2025, 0, 2),
  requests: 40,
  shownRate: 0.25,
  partialAcceptEvents: 3,
  rejectedBy: { typedOver: 2, escape: 1, cursorMoved: 0, replaced: 0 },
  ignoredBy: { editorChanged: 1, documentClosed: 0, timeout: 0, typedThrough: 0, stopped: 0 },
  typingHours: 0.5,
  shownPerHour: 20,
  acceptedCharsPerHour: 240,
  survival: {
    "30s": { tracked: 5, meanSimilarity: 1, unchanged: 5, retainedChars: 120, retainedShare: 1 },
    "2m": { tracked: 5, meanSimilarity: 0.95, unchanged: 4, retainedChars: 110, retainedShare: 0.92 },
    "5m": { tracked: 4, meanSimilarity: 0.9, unchanged: 3, retainedChars: 100, retainedShare: 0.88 },
    "10m": { tracked: 0, meanSimilarity: null, unchanged: 0, retainedChars: 0, retainedShare: null },
  },
  latency: {
    p50Ms: 210,
    p90Ms: 700,
    buckets: [
      { fromMs: 0, toMs: 300, shown: 6, accepted: 3, acceptanceRate: 0.5 },
      { fromMs: 300, toMs: null, shown: 4, accepted: 1, acceptanceRate: 0.25 },
    ],
  },
  byLanguage: { "<script>": { ...figures, requests: 40, shownRate: 0.25 } },
  byModel: { tiny: figures },
  byContextSource: { retrieval: figures },
  daily: [{ day: "2025-01-02", shown: 10, accepted: 4, partiallyAccepted: 2, acceptanceRate: 0.4 }],
  chat: {
    answers: 6,
    byStopReason: { finished: 5, cancelled: 1 },
    copies: 2,
    inserts: 1,
    applies: 3,
    regenerations: 1,
    usedAnswers: 4,
    usedRate: 0.6667,
    thumbsUp: 3,
    thumbsDown: 1,
    medianTimeToFirstTokenMs: 180,
    medianAnswerMs: 2400,
  },
  review: {
    accepted: 2,
    dismissed: 1,
    acceptedRate: 0.6667,
    byCategory: { "off-by-one": { accepted: 2, dismissed: 1 } },
  },
  storedEvents: 55,
};

test("three charts: acceptance over time, survival curve starting at 100 %, latency histogram", () => {
  const charts = buildDashboardCharts(stats);
  assert.deepEqual(
    charts.map((chart) => chart.id),
    ["acceptance", "survival", "latency"],
  );
  const survival = charts[1]!.config.data;
  assert.deepEqual(survival.labels, ["accept", "30s", "2m", "5m", "10m"]);
  assert.deepEqual(survival.datasets[0]!.data, [100, 100, 95, 90, null]);
  assert.deepEqual(charts[2]!.config.data.labels, ["0–300 ms", "≥ 300 ms"]);
  assert.equal(JSON.stringify(charts).includes("undefined"), false);
});

test("the page loads nothing but the extension's Chart.js, and escapes data", () => {
  const html = renderDashboardHtml({
    stats,
    chartScriptUri:
      "https://file+.vscode-resource.vscode-cdn.net/ext/node_modules/chart.js/dist/chart.umd.js",
    cspSource: "https://file+.vscode-resource.vscode-cdn.net",
    nonce: "abc123",
  });
  assert.match(html, /default-src 'none'/);
  assert.match(html, /script-src 'nonce-abc123' https:\/\/file\+\.vscode-resource\.vscode-cdn\.net;/);
  assert.ok(!html.includes("<script>"), "a language name must not become markup");
  assert.ok(html.includes("&lt;script&gt;"));
  for (const id of ["acceptance", "survival", "latency"]) assert.ok(html.includes(`id="chart-${id}"`));
  assert.match(html, /Nothing leaves this machine/);
  assert.match(html, /25\.0%/); // the shown rate sits next to the acceptance rate
  assert.match(html, /<h2>Chat<\/h2>/);
  assert.match(html, /not finished: cancelled 1/);
  assert.match(html, /2 \/ 1 \/ 3/); // copied / inserted / applied
  assert.match(html, /3 \/ 1<\/div><div class="label">thumbs up \/ down/);
});
