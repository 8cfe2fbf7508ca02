/** Tests for the evals report page and its chart configurations. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { EvalComparison, EvalRun } from "../../../server/src/protocol";
import { buildEvalCharts } from "./evalsCharts";
import { renderEvalsReportHtml } from "./evalsReportHtml";

function run(id: number, exactMatch: number, overrides: Partial<EvalRun> = {}): EvalRun {
  return {
    id,
    label: "hearth-tiny-code",
    status: "done",
    startedAt: Date.UTC(2025, 0, id),
    finishedAt: Date.UTC(2025, 0, id) + 60_000,
    workspace: "/work/repo",
    commit: "0123456789abcdef0123456789abcdef01234567",
    dirty: false,
    evals: ["completion", "retrieval"],
    models: {
      completion: {
        setting: "hearth-tiny-code",
        id: "hearth-tiny-code",
        file: "/m/c.gguf",
        sizeBytes: 10,
        sha256: "ab".repeat(32),
      },
      draft: null,
    },
    settings: {},
    figures: {
      completion: { cases: 12, exactMatch, editSimilarity: 0.41, p50Ms: 120, p90Ms: 300 },
      retrieval: { recallAt10: 0.8, mrr: 0.6 },
    },
    notes: ["completion: time travel over 3 commits, 12 cases"],
    error: null,
    ...overrides,
  };
}

const page = {
  databasePath: "/storage/evals.sqlite",
  chartScriptUri: "vscode-resource:/chart.umd.js",
  cspSource: "vscode-resource:",
  nonce: "n0nce",
};

test("one run: every figure carries its run, name and raw value; models with checksums; notes", () => {
  const only = run(1, 0.25);
  const html = renderEvalsReportHtml({ ...page, runs: [only], a: only, b: null, comparison: null });
  assert.match(html, /data-run="1" data-figure="completion.exactMatch" data-value="0.25">0.25</);
  assert.match(html, /data-figure="retrieval.recallAt10" data-value="0.8"/);
  assert.match(html, /abababababababab/);
  assert.match(html, /time travel over 3 commits/);
  assert.match(html, /<body data-run="1">/);
  assert.doesNotMatch(html, /95 % interval<\/th>/, "no comparison columns for a single run");
  assert.match(html, /script-src 'nonce-n0nce' vscode-resource:/);
});

test("two runs: deltas with their interval, better or worse by the figure's direction", () => {
  const before = run(1, 0.25);
  const after = run(2, 0.5, {
    label: "candidate: qwen",
    figures: {
      ...run(2, 0.5).figures,
      completion: { cases: 12, exactMatch: 0.5, editSimilarity: 0.41, p50Ms: 240, p90Ms: 500 },
    },
  });
  const comparison: EvalComparison = {
    a: { id: 1, label: before.label, commit: before.commit },
    b: { id: 2, label: after.label, commit: after.commit },
    figures: [
      {
        eval: "completion",
        figure: "exactMatch",
        a: 0.25,
        b: 0.5,
        delta: 0.25,
        interval: { delta: 0.25, low: 0.05, high: 0.45, pairs: 12, significant: true },
        lowerIsBetter: false,
      },
      {
        eval: "completion",
        figure: "p50Ms",
        a: 120,
        b: 240,
        delta: 120,
        interval: null,
        lowerIsBetter: true,
      },
    ],
  };
  const html = renderEvalsReportHtml({ ...page, runs: [after, before], a: before, b: after, comparison });
  assert.match(html, /<td class="better">\+0.25<\/td><td>\[0.05, 0.45\] \* n=12<\/td>/);
  assert.match(html, /<td class="">\+120<\/td><td><\/td>/, "no interval: no verdict");
  assert.match(html, /data-run="2" data-figure="completion.exactMatch" data-value="0.5"/);
  assert.match(html, /<body data-run="2">/);
});

test("text from runs is escaped, and chart data cannot close its script element", () => {
  const hostile = run(1, 0.1, { label: "</script><img src=x onerror=alert(1)>", notes: ["<b>note</b>"] });
  const html = renderEvalsReportHtml({ ...page, runs: [hostile], a: hostile, b: null, comparison: null });
  assert.doesNotMatch(html, /<img src=x/);
  assert.doesNotMatch(html, /<b>note<\/b>/);
  const chartJson =
    /<script type="application\/json" id="hearth-charts">(.*?)<\/script>/s.exec(html)?.[1] ?? "";
  assert.doesNotMatch(chartJson, /<\//);
});

test("charts: history over finished runs oldest first, side by side and latency for the compared runs", () => {
  const runs = [run(3, 0.5), run(2, 0.4, { status: "cancelled" }), run(1, 0.25)];
  const charts = buildEvalCharts(runs, runs[2]!, runs[0]!);
  assert.deepEqual(
    charts.map((chart) => chart.id),
    ["history", "compare", "latency"],
  );
  const history = charts[0]!.config;
  assert.deepEqual(history.data.labels, ["#1 hearth-tiny-code", "#3 hearth-tiny-code"]);
  assert.deepEqual((history.data.datasets[0] as { data: unknown[] }).data, [25, 50]);
  assert.equal(charts[2]!.config.data.datasets.length, 2);
  assert.deepEqual(buildEvalCharts([], null, null), []);
});
