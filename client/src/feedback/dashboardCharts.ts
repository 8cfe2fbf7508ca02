/**
 * The feedback dashboard's charts as Chart.js configurations built from `FeedbackStats`: acceptance over
 * time, the survival curve and the latency histogram. Pure and JSON-serialisable: the webview only draws
 * them. Colours are VS Code theme variables (`var(--vscode-charts-*)`), resolved in the webview.
 */

import { type FeedbackStats, survivalCheckpoints } from "../../../server/src/protocol";

/** The subset of Chart.js's configuration these charts use. */
export interface ChartSpec {
  id: string;
  title: string;
  config: {
    type: "bar" | "line";
    data: { labels: string[]; datasets: Record<string, unknown>[] };
    options: Record<string, unknown>;
  };
}

const colors = {
  blue: "var(--vscode-charts-blue)",
  green: "var(--vscode-charts-green)",
  orange: "var(--vscode-charts-orange)",
  purple: "var(--vscode-charts-purple)",
  foreground: "var(--vscode-charts-foreground)",
  lines: "var(--vscode-charts-lines)",
};

const percent = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 10);

function axes(left: string, right?: string): Record<string, unknown> {
  const scale = (title: string, position: "left" | "right", max?: number) => ({
    position,
    beginAtZero: true,
    ...(max === undefined ? {} : { max }),
    title: { display: true, text: title, color: colors.foreground },
    ticks: { color: colors.foreground },
    grid: { color: colors.lines, drawOnChartArea: position === "left" },
  });
  return {
    x: { ticks: { color: colors.foreground }, grid: { color: colors.lines } },
    y: scale(left, "left", left.endsWith("%") ? 100 : undefined),
    ...(right ? { y1: scale(right, "right") } : {}),
  };
}

const baseOptions = (scales: Record<string, unknown>) => ({
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  interaction: { mode: "index", intersect: false },
  plugins: { legend: { labels: { color: colors.foreground } } },
  scales,
});

export function buildDashboardCharts(stats: FeedbackStats): ChartSpec[] {
  const daily = stats.daily;
  const acceptanceOverTime: ChartSpec = {
    id: "acceptance",
    title: "Acceptance over time",
    config: {
      type: "bar",
      data: {
        labels: daily.map((entry) => entry.day),
        datasets: [
          {
            type: "line",
            label: "accepted %",
            data: daily.map((entry) => percent(entry.acceptanceRate)),
            borderColor: colors.green,
            backgroundColor: colors.green,
            yAxisID: "y",
            tension: 0.2,
            pointRadius: 4,
          },
          {
            type: "line",
            label: "accepted in part or whole %",
            data: daily.map((entry) =>
              percent(entry.shown ? (entry.accepted + entry.partiallyAccepted) / entry.shown : null),
            ),
            borderColor: colors.purple,
            backgroundColor: colors.purple,
            borderDash: [4, 4],
            yAxisID: "y",
            tension: 0.2,
            pointRadius: 4,
          },
          {
            type: "bar",
            label: "shown",
            data: daily.map((entry) => entry.shown),
            backgroundColor: colors.blue,
            maxBarThickness: 48,
            yAxisID: "y1",
          },
        ],
      },
      options: baseOptions(axes("acceptance %", "suggestions shown")),
    },
  };

  const survivalCurve: ChartSpec = {
    id: "survival",
    title: "Survival of accepted text",
    config: {
      type: "line",
      data: {
        labels: ["accept", ...survivalCheckpoints],
        datasets: [
          {
            label: "mean similarity %",
            data: [
              100,
              ...survivalCheckpoints.map((checkpoint) => percent(stats.survival[checkpoint].meanSimilarity)),
            ],
            borderColor: colors.green,
            backgroundColor: colors.green,
            spanGaps: true,
          },
          {
            label: "accepted characters retained %",
            data: [
              100,
              ...survivalCheckpoints.map((checkpoint) => percent(stats.survival[checkpoint].retainedShare)),
            ],
            borderColor: colors.orange,
            backgroundColor: colors.orange,
            borderDash: [4, 4],
            spanGaps: true,
          },
        ],
      },
      options: baseOptions(axes("survival %")),
    },
  };

  const buckets = stats.latency.buckets;
  const latencyHistogram: ChartSpec = {
    id: "latency",
    title: "Latency and acceptance",
    config: {
      type: "bar",
      data: {
        labels: buckets.map((bucket) =>
          bucket.toMs === null ? `≥ ${bucket.fromMs} ms` : `${bucket.fromMs}–${bucket.toMs} ms`,
        ),
        datasets: [
          {
            type: "line",
            label: "accepted %",
            data: buckets.map((bucket) => percent(bucket.acceptanceRate)),
            borderColor: colors.green,
            backgroundColor: colors.green,
            yAxisID: "y",
            spanGaps: true,
          },
          {
            type: "bar",
            label: "shown",
            data: buckets.map((bucket) => bucket.shown),
            backgroundColor: colors.blue,
            maxBarThickness: 48,
            yAxisID: "y1",
          },
        ],
      },
      options: baseOptions(axes("acceptance %", "suggestions shown")),
    },
  };

  return [acceptanceOverTime, survivalCurve, latencyHistogram];
}
