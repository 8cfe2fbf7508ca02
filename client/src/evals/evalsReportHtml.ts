/**
 * The evals report page: the run being looked at (what produced it: models with checksums, commit, notes),
 * every figure next to a second run with the delta and its 95 % paired bootstrap interval, charts (across runs,
 * side by side, latency), and the history of runs with a picker for any two to compare, plus Export JSON.
 * Pure (no `vscode`): the panel passes the webview's URIs and CSP source in.
 *
 * Like the feedback dashboard, it loads Chart.js from the extension's own files and nothing else (the CSP
 * allows no other origin); the one inline script is allowed by a nonce. Figure cells carry their raw value
 * (`data-figure`, `data-run`, `data-value`) so tests read exactly what is shown.
 */

import type { EvalComparison, EvalFigureDelta, EvalRun } from "../../../server/src/protocol";
import { escapeHtml } from "../escapeHtml";
import { chartDrawingScript } from "../feedback/dashboardHtml";
import { buildEvalCharts, runName } from "./evalsCharts";

export interface EvalsReportPage {
  /** Newest first. */
  runs: EvalRun[];
  /** The run looked at, and the one it is compared with (its baseline, `b` minus `a`). */
  a: EvalRun | null;
  b: EvalRun | null;
  comparison: EvalComparison | null;
  databasePath: string;
  chartScriptUri: string;
  cspSource: string;
  nonce: string;
}

export function renderEvalsReportHtml(page: EvalsReportPage): string {
  const { runs, a, b, comparison, nonce } = page;
  const charts = buildEvalCharts(runs, a, b);
  const focus = b ?? a;
  const header = focus ? runHeader(focus) : `<p class="empty">No eval runs yet: run "Hearth: Run Evals".</p>`;
  const figureRows = a ? figureTable(a, b, comparison) : "";
  const chartSections = charts
    .map(
      (chart) =>
        `<section class="chart"><h2>${escapeHtml(chart.title)}</h2><div class="canvas"><canvas id="chart-${chart.id}"></canvas></div></section>`,
    )
    .join("");
  const chartData = JSON.stringify(charts.map((chart) => ({ id: chart.id, config: chart.config }))).replace(
    /</g,
    "\\u003c",
  );
  const options = (selected: EvalRun | null, allowNone: boolean) =>
    (allowNone ? `<option value="">none</option>` : "") +
    runs
      .map(
        (run) =>
          `<option value="${run.id}"${selected?.id === run.id ? " selected" : ""}>${escapeHtml(runName(run))} (${run.status})</option>`,
      )
      .join("");
  const history = runs
    .map(
      (run) =>
        `<tr><td>#${run.id}</td><td>${escapeHtml(new Date(run.startedAt).toLocaleString())}</td><td>${escapeHtml(run.label)}</td><td>${escapeHtml(
          run.commit?.slice(0, 8) ?? "–",
        )}${run.dirty ? "*" : ""}</td><td>${run.status}</td>${[
          "exactMatch",
          "editSimilarity",
          "identifierMatch",
        ]
          .map((figure) => `<td>${formatValue(run.figures.completion?.[figure])}</td>`)
          .join("")}<td>${formatValue(run.figures.retrieval?.recallAt10)}</td></tr>`,
    )
    .join("");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${page.cspSource} data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}' ${page.cspSource};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Hearth evals</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 20px 20px; }
  h1 { font-size: 1.4em; font-weight: 600; margin: 16px 0 4px; }
  h2 { font-size: 1.05em; font-weight: 600; margin: 14px 0 8px; }
  .sub, .note, footer { color: var(--vscode-descriptionForeground); }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 14px; margin: 12px 0 18px; }
  .chart .canvas { position: relative; height: 240px; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 16px; }
  th, td { text-align: right; padding: 3px 8px; border-bottom: 1px solid var(--vscode-panel-border); }
  th:first-child, td:first-child { text-align: left; }
  tr.eval td { font-weight: 600; text-align: left; padding-top: 10px; }
  .better { color: var(--vscode-charts-green); }
  .worse { color: var(--vscode-charts-red); }
  .controls { margin: 10px 0; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border: 1px solid var(--vscode-dropdown-border); }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 10px; cursor: pointer; }
  .empty { font-style: italic; }
  code { font-family: var(--vscode-editor-font-family); }
</style>
</head>
<body data-run="${focus?.id ?? ""}">
<h1>Hearth evals on your code</h1>
<div class="sub">Figures from this workspace's own history; deltas carry a 95 % paired bootstrap interval (* when it leaves out 0).</div>
<div class="controls">
  <label>Run <select id="run-b">${options(b ?? a, false)}</select></label>
  <label>compared with <select id="run-a">${options(b ? a : null, true)}</select></label>
  <button id="compare">Compare</button>
  <button id="export">Export JSON</button>
</div>
${header}
<div class="charts">${chartSections}</div>
${figureRows}
<h2>History</h2>
<table class="history"><thead><tr><th>run</th><th>started</th><th>label</th><th>commit</th><th>status</th><th>exact</th><th>similarity</th><th>identifiers</th><th>recall@10</th></tr></thead><tbody>${
    history || `<tr><td colspan="9">no runs</td></tr>`
  }</tbody></table>
<footer>Local data only: ${escapeHtml(page.databasePath)}. Nothing leaves this machine.</footer>
<script type="application/json" id="hearth-charts">${chartData}</script>
<script nonce="${nonce}" src="${page.chartScriptUri}"></script>
<script nonce="${nonce}">${pageScript}</script>
</body>
</html>`;
}

function runHeader(run: EvalRun): string {
  const models = Object.entries(run.models)
    .map(([role, model]) =>
      model
        ? `<tr><td>${escapeHtml(role)}</td><td>${escapeHtml(model.id ?? model.file)}</td><td><code>${escapeHtml(
            model.sha256?.slice(0, 16) ?? "missing",
          )}</code></td></tr>`
        : `<tr><td>${escapeHtml(role)}</td><td>none</td><td></td></tr>`,
    )
    .join("");
  const notes = run.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join("");
  return `<h2>${escapeHtml(runName(run))}: ${run.status}</h2>
<div class="note">Commit <code>${escapeHtml(run.commit ?? "none (not a git repository)")}</code>${
    run.dirty ? " with uncommitted changes" : ""
  }, started ${escapeHtml(new Date(run.startedAt).toLocaleString())}.${run.error ? ` Error: ${escapeHtml(run.error)}` : ""}</div>
<table class="models"><thead><tr><th>model</th><th></th><th>sha256</th></tr></thead><tbody>${models}</tbody></table>
${notes ? `<ul class="notes">${notes}</ul>` : ""}`;
}

function figureTable(a: EvalRun, b: EvalRun | null, comparison: EvalComparison | null): string {
  const deltas = new Map<string, EvalFigureDelta>(
    (comparison?.figures ?? []).map((figure) => [`${figure.eval}.${figure.figure}`, figure]),
  );
  // The run looked at is `b` when there are two (the newer one compared with its baseline), else `a`.
  const shown = b ? [a, b] : [a];
  const evals = [...new Set(shown.flatMap((run) => Object.keys(run.figures)))];
  const rows = evals
    .map((evalName) => {
      const names = [...new Set(shown.flatMap((run) => Object.keys(run.figures[evalName] ?? {})))];
      const figureRows = names
        .map((name) => {
          const key = `${evalName}.${name}`;
          const cells = shown
            .map((run) => {
              const value = run.figures[evalName]?.[name];
              return `<td data-run="${run.id}" data-figure="${escapeHtml(key)}" data-value="${value ?? ""}">${formatValue(value)}</td>`;
            })
            .join("");
          const delta = deltas.get(key);
          return `<tr><td>${escapeHtml(name)}</td>${cells}${b ? deltaCells(delta) : ""}</tr>`;
        })
        .join("");
      return `<tr class="eval"><td colspan="${b ? 5 : 2}">${escapeHtml(evalName)}</td></tr>${figureRows}`;
    })
    .join("");
  const head = `<tr><th>figure</th>${shown.map((run) => `<th>${escapeHtml(runName(run))}</th>`).join("")}${
    b ? "<th>Δ</th><th>95 % interval</th>" : ""
  }</tr>`;
  return `<table class="figures"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

function deltaCells(delta: EvalFigureDelta | undefined): string {
  if (!delta || delta.delta === null) return "<td>–</td><td></td>";
  const interval = delta.interval;
  const direction =
    interval?.significant === true ? (delta.delta > 0 !== delta.lowerIsBetter ? "better" : "worse") : "";
  const sign = delta.delta > 0 ? "+" : "";
  return `<td class="${direction}">${sign}${formatValue(delta.delta)}</td><td>${
    interval
      ? `[${formatValue(interval.low)}, ${formatValue(interval.high)}]${interval.significant ? " *" : ""} n=${interval.pairs}`
      : ""
  }</td>`;
}

function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  return Number.isInteger(value) ? String(value) : value.toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
}

/** Draws the charts and wires the controls; runs in the webview. */
const pageScript = `
${chartDrawingScript}
(() => {
  const vscode = acquireVsCodeApi();
  const value = (id) => document.getElementById(id).value;
  document.getElementById("compare").addEventListener("click", () =>
    vscode.postMessage({ type: "compare", b: Number(value("run-b")), a: value("run-a") ? Number(value("run-a")) : null }),
  );
  document.getElementById("export").addEventListener("click", () => vscode.postMessage({ type: "export" }));
  document.body.dataset.chartsReady = String(drawHearthCharts());
  document.body.dataset.reportReady = document.body.dataset.run || "empty";
})();
`;
