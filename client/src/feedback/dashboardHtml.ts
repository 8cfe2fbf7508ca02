/**
 * The feedback dashboard's page: headline figures, the three charts, the breakdown tables and what happened
 * to chat answers, from local statistics only. Pure (no `vscode`): the panel passes the webview's URIs and CSP source in.
 *
 * The page loads Chart.js from the extension's own files and nothing else (the CSP allows no other origin);
 * the one inline script is allowed by a nonce and only draws the precomputed chart configurations.
 */

import type { FeedbackFigures, FeedbackSliceFigures, FeedbackStats } from "../../../server/src/protocol";
import { escapeHtml } from "../escapeHtml";
import { buildDashboardCharts } from "./dashboardCharts";

export interface DashboardPage {
  stats: FeedbackStats;
  /** Webview URI of Chart.js's UMD build. */
  chartScriptUri: string;
  cspSource: string;
  nonce: string;
}

export function renderDashboardHtml(page: DashboardPage): string {
  const { stats, nonce } = page;
  const charts = buildDashboardCharts(stats);
  const percent = (value: number | null | undefined) =>
    value === null || value === undefined ? "–" : `${(value * 100).toFixed(1)}%`;
  const number = (value: number | null | undefined, digits = 0) =>
    value === null || value === undefined ? "–" : value.toFixed(digits);
  const tile = (label: string, value: string, note = "") =>
    `<div class="tile"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div>${
      note ? `<div class="note">${escapeHtml(note)}</div>` : ""
    }</div>`;
  const rejectedBy = Object.entries(stats.rejectedBy)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(", ");
  const tiles = [
    tile("shown", String(stats.shown), `${number(stats.shownPerHour, 1)} per hour of typing`),
    tile("shown rate", percent(stats.shownRate), `of ${stats.requests} answers while typing`),
    tile("accepted", percent(stats.acceptanceRate), `${stats.accepted} of ${stats.shown} shown`),
    tile(
      "partially accepted",
      String(stats.partiallyAccepted),
      `${stats.partialAcceptEvents} word/line accepts`,
    ),
    tile("rejected", String(stats.rejected), rejectedBy || "none"),
    tile(
      "accepted chars / hour",
      number(stats.acceptedCharsPerHour),
      `${duration(stats.typingHours)} of typing`,
    ),
    tile(
      "survival at 5 min",
      percent(stats.survival["5m"].meanSimilarity),
      `${stats.survival["5m"].tracked} measured`,
    ),
    tile("latency p50 / p90", `${number(stats.latency.p50Ms)} / ${number(stats.latency.p90Ms)} ms`),
  ].join("");
  const table = (
    title: string,
    slices: Record<string, FeedbackSliceFigures | FeedbackFigures>,
    withShownRate: boolean,
  ) => {
    const rows = Object.entries(slices)
      .sort(([, left], [, right]) => right.shown - left.shown)
      .map(
        ([name, figures]) =>
          `<tr><td>${escapeHtml(name)}</td><td>${figures.shown}</td>${
            withShownRate ? `<td>${percent((figures as FeedbackSliceFigures).shownRate)}</td>` : ""
          }<td>${percent(figures.acceptanceRate)}</td><td>${percent(figures.anyAcceptanceRate)}</td><td>${
            figures.rejected
          }</td><td>${figures.acceptedChars}</td><td>${percent(figures.survival5m)}</td><td>${number(
            figures.medianLatencyMs,
          )}</td></tr>`,
      )
      .join("");
    return `<section><h2>${escapeHtml(title)}</h2><table><thead><tr><th></th><th>shown</th>${
      withShownRate ? "<th>shown rate</th>" : ""
    }<th>accepted</th><th>any accept</th><th>rejected</th><th>accepted chars</th><th>survival 5m</th><th>p50 ms</th></tr></thead><tbody>${
      rows || `<tr><td colspan="9">no data</td></tr>`
    }</tbody></table></section>`;
  };
  const chat = stats.chat;
  const stopped = Object.entries(chat.byStopReason)
    .filter(([reason]) => reason !== "finished")
    .map(([reason, count]) => `${reason} ${count}`)
    .join(", ");
  const chatTiles = [
    tile("answers", String(chat.answers), stopped ? `not finished: ${stopped}` : "all finished"),
    tile("code used", percent(chat.usedRate), `${chat.usedAnswers} answers`),
    tile("copied / inserted / applied", `${chat.copies} / ${chat.inserts} / ${chat.applies}`),
    tile("regenerated", String(chat.regenerations)),
    tile("thumbs up / down", `${chat.thumbsUp} / ${chat.thumbsDown}`),
    tile(
      "first token / answer p50",
      `${number(chat.medianTimeToFirstTokenMs)} / ${number(chat.medianAnswerMs)} ms`,
    ),
  ].join("");
  const review = stats.review;
  const reviewTiles = [
    tile("findings accepted", String(review.accepted), `${percent(review.acceptedRate)} of answered`),
    tile("findings dismissed", String(review.dismissed)),
  ].join("");
  const empty =
    stats.shown === 0
      ? `<p class="empty">No suggestions recorded yet${stats.enabled ? "" : " (collection is off: hearth.feedback.enabled)"}.</p>`
      : "";
  const chartSections = charts
    .map(
      (chart) =>
        `<section class="chart"><h2>${escapeHtml(chart.title)}</h2><div class="canvas"><canvas id="chart-${chart.id}"></canvas></div></section>`,
    )
    .join("");
  // JSON inside a script element: "<" is escaped so no text in the data can close the element.
  const chartData = JSON.stringify(charts.map((chart) => ({ id: chart.id, config: chart.config }))).replace(
    /</g,
    "\\u003c",
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${page.cspSource} data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}' ${page.cspSource};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Hearth feedback</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 20px 20px; }
  h1 { font-size: 1.4em; font-weight: 600; margin: 16px 0 4px; }
  h2 { font-size: 1.05em; font-weight: 600; margin: 0 0 8px; }
  .sub { color: var(--vscode-descriptionForeground); margin-bottom: 16px; }
  .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin-bottom: 18px; }
  .tile { border: 1px solid var(--vscode-panel-border); border-radius: 4px; padding: 10px; }
  .tile .value { font-size: 1.5em; font-weight: 600; }
  .tile .label { color: var(--vscode-descriptionForeground); }
  .tile .note { font-size: 0.85em; color: var(--vscode-descriptionForeground); margin-top: 2px; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 14px; margin-bottom: 18px; }
  .chart .canvas { position: relative; height: 240px; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 16px; }
  th, td { text-align: right; padding: 3px 8px; border-bottom: 1px solid var(--vscode-panel-border); }
  th:first-child, td:first-child { text-align: left; }
  .empty { font-style: italic; }
  footer { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 10px; cursor: pointer; }
</style>
</head>
<body>
<h1>Hearth: what happens to suggestions</h1>
<div class="sub">Acceptance is shown next to the shown rate: showing fewer suggestions cannot pass for better ones. <button id="refresh">Refresh</button></div>
${empty}
<div class="tiles">${tiles}</div>
<div class="charts">${chartSections}</div>
${table("By language", stats.byLanguage, true)}
${table("By model", stats.byModel, false)}
${table("By context source", stats.byContextSource, false)}
<section class="chat-figures"><h2>Chat</h2><div class="tiles">${chatTiles}</div></section>
<section class="review-figures"><h2>Review</h2><div class="tiles">${reviewTiles}</div></section>
<footer>Local data only: ${escapeHtml(stats.databasePath ?? "not stored")}, ${stats.storedEvents} events. Nothing leaves this machine. Updated ${escapeHtml(
    new Date(stats.generatedAt).toLocaleString(),
  )}.</footer>
<script type="application/json" id="hearth-charts">${chartData}</script>
<script nonce="${nonce}" src="${page.chartScriptUri}"></script>
<script nonce="${nonce}">${drawScript}</script>
</body>
</html>`;
}

/**
 * Defines `drawHearthCharts()` in the webview: draws every configuration in `#hearth-charts` into its
 * `chart-<id>` canvas with Chart.js, theme colours (`var(--vscode-*)`) resolved first, and returns how many it
 * drew. Shared with the evals report.
 */
export const chartDrawingScript = `
function drawHearthCharts() {
  const style = getComputedStyle(document.body);
  const resolve = (value) => {
    if (typeof value === "string" && value.startsWith("var(")) {
      return style.getPropertyValue(value.slice(4, -1)).trim() || "#888";
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner)]));
    }
    return value;
  };
  const charts = JSON.parse(document.getElementById("hearth-charts").textContent);
  for (const chart of charts) {
    new Chart(document.getElementById("chart-" + chart.id), resolve(chart.config));
  }
  return charts.length;
}
`;

/** Draws the charts; runs in the webview. Then marks the page ready for tests. */
const drawScript = `
${chartDrawingScript}
(() => {
  const vscode = acquireVsCodeApi();
  document.getElementById("refresh").addEventListener("click", () => vscode.postMessage({ type: "refresh" }));
  document.body.dataset.chartsReady = String(drawHearthCharts());
})();
`;

/** Hours as people read them: "45 s", "12 min", "3.5 h". */
function duration(hours: number): string {
  const seconds = hours * 3600;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${hours.toFixed(1)} h`;
}
