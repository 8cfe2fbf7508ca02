/**
 * The evals report's charts as Chart.js configurations: the headline figures across every stored run (history),
 * the two runs being compared side by side, and their latencies. Pure and JSON-serialisable, like the feedback
 * dashboard's: the webview only draws them, with theme colours resolved there.
 */

import type { EvalRun } from "../../../server/src/protocol";
import type { ChartSpec } from "../feedback/dashboardCharts";

/** The figures worth a line over time: completion quality and retrieval, all shares from 0 to 1. */
export const headlineFigures: readonly { eval: string; figure: string; label: string }[] = [
  { eval: "completion", figure: "exactMatch", label: "exact match" },
  { eval: "completion", figure: "editSimilarity", label: "edit similarity" },
  { eval: "completion", figure: "identifierMatch", label: "identifier match" },
  { eval: "completion", figure: "parseValidRate", label: "parses" },
  { eval: "retrieval", figure: "recallAt10", label: "retrieval recall@10" },
  { eval: "retrieval", figure: "mrr", label: "retrieval MRR" },
];

const palette = [
  "var(--vscode-charts-blue)",
  "var(--vscode-charts-green)",
  "var(--vscode-charts-orange)",
  "var(--vscode-charts-purple)",
  "var(--vscode-charts-red)",
  "var(--vscode-charts-yellow)",
];
const foreground = "var(--vscode-charts-foreground)";
const lines = "var(--vscode-charts-lines)";

const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? null : Math.round(value * 1000) / 10;

function options(yTitle: string, max?: number): Record<string, unknown> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: "index", intersect: false },
    plugins: { legend: { labels: { color: foreground } } },
    scales: {
      x: { ticks: { color: foreground }, grid: { color: lines } },
      y: {
        beginAtZero: true,
        ...(max === undefined ? {} : { max }),
        title: { display: true, text: yTitle, color: foreground },
        ticks: { color: foreground },
        grid: { color: lines },
      },
    },
  };
}

export function runName(run: EvalRun): string {
  return `#${run.id} ${run.label}`;
}

/** `runs` newest first, as the server lists them; `a` and `b` the runs compared (b may be absent). */
export function buildEvalCharts(runs: readonly EvalRun[], a: EvalRun | null, b: EvalRun | null): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const finished = [...runs].filter((run) => run.status === "done").reverse();
  if (finished.length > 0) {
    charts.push({
      id: "history",
      title: "Across runs",
      config: {
        type: "line",
        data: {
          labels: finished.map(runName),
          datasets: headlineFigures.map((headline, index) => ({
            label: `${headline.label} %`,
            data: finished.map((run) => percent(run.figures[headline.eval]?.[headline.figure])),
            borderColor: palette[index % palette.length],
            backgroundColor: palette[index % palette.length],
            spanGaps: true,
            tension: 0.2,
          })),
        },
        options: options("%", 100),
      },
    });
  }
  const compared = [a, b].filter((run): run is EvalRun => run !== null);
  if (compared.length > 0) {
    charts.push({
      id: "compare",
      title: compared.length === 2 ? "Side by side" : "This run",
      config: {
        type: "bar",
        data: {
          labels: headlineFigures.map((headline) => headline.label),
          datasets: compared.map((run, index) => ({
            label: runName(run),
            data: headlineFigures.map((headline) => percent(run.figures[headline.eval]?.[headline.figure])),
            backgroundColor: palette[index],
            maxBarThickness: 40,
          })),
        },
        options: options("%", 100),
      },
    });
    charts.push({
      id: "latency",
      title: "Completion latency",
      config: {
        type: "bar",
        data: {
          labels: ["p50", "p90"],
          datasets: compared.map((run, index) => ({
            label: runName(run),
            data: [run.figures.completion?.p50Ms ?? null, run.figures.completion?.p90Ms ?? null],
            backgroundColor: palette[index],
            maxBarThickness: 40,
          })),
        },
        options: options("ms"),
      },
    });
  }
  return charts;
}
