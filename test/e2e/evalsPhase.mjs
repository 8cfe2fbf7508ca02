// Phase E of the end-to-end tests: `Hearth: Run Evals` through the real UI of code-server. The phase builds a
// small git repository (a few commits that add Python and TypeScript code to the fixture workspace), opens it,
// runs the command from the palette, waits for the progress notification to end and the report webview to draw,
// saves a screenshot, and checks the report's figures against `hearth eval all --json` run by the CLI on the same
// repository with the same (default) settings: every figure but latencies must be equal. It also checks that the
// run the report shows is the one stored in the workspace's evals database.
//
// Called by run.mjs with its context: evalsPhase({ browser, base, workspace, extDir, outDir, record, log }).

import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  inlineOnlyEditorSettings,
  openWorkspaceFile,
  runPaletteCommand,
  sleep,
  stepRunner,
  waitFor,
} from "./workbench.mjs";

/** Figures that measure time, not quality: they differ between any two runs. */
const timings = new Set(["p50Ms", "p90Ms", "meanMs", "answerP50Ms", "ttftP50Ms"]);

const commits = [
  [
    "circle and square",
    "pkg/geometry.py",
    `

def circle_area(radius):
    """Area of a circle with the given radius."""
    return 3.14159 * radius * radius


def square_area(side):
    """Area of a square with the given side."""
    return side * side
`,
  ],
  [
    "peek",
    "src/stack.ts",
    `
/** Returns the top item without removing it, or undefined when the stack is empty. */
export function peekTop<T>(items: T[]): T | undefined {
  if (items.length === 0) {
    return undefined;
  }
  return items[items.length - 1];
}
`,
  ],
  [
    "describe shapes",
    "main.py",
    `

def describe_shapes(width, height, radius):
    rectangle = width * height
    circle = 3.14159 * radius * radius
    print("rectangle", rectangle, "circle", circle)
    return rectangle + circle
`,
  ],
];

export async function evalsPhase({ browser, base, workspace, extDir, outDir, record, log }) {
  const root = join(dirname(workspace), "evals-workspace");
  const userData = join(dirname(workspace), "user-data");
  cpSync(workspace, root, { recursive: true });
  const git = (...args) =>
    execFileSync("git", ["-c", "user.name=Hearth e2e", "-c", "user.email=e2e@hearth.invalid", ...args], {
      cwd: root,
      encoding: "utf8",
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "fixture workspace");
  for (const [message, file, added] of commits) {
    appendFileSync(join(root, file), added);
    git("commit", "-q", "-a", "-m", message);
  }
  // Settings in .git/info/exclude, not committed: the working tree stays as the last commit left it.
  mkdirSync(join(root, ".vscode"), { recursive: true });
  writeFileSync(
    join(root, ".vscode", "settings.json"),
    `${JSON.stringify(inlineOnlyEditorSettings, null, 2)}\n`,
  );
  appendFileSync(join(root, ".git", "info", "exclude"), ".vscode/\n");

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const step = stepRunner({ phase: "E", page, outDir, record, failureShot: "evals-failure" });
  const reportFrame = async () => {
    for (const frame of page.frames()) {
      const ready = await frame.evaluate(() => document.body?.dataset.reportReady).catch(() => undefined);
      if (ready && ready !== "empty") return { frame, runId: Number(ready) };
    }
    return undefined;
  };

  log("phase E: Hearth: Run Evals on a small git repository");
  await step("workbench opens the repository with Hearth running", () =>
    openWorkspaceFile(page, { base, root, fileName: "main.py", visibleText: "describe_shapes" }),
  );

  let shown;
  await step('"Hearth: Run Evals" shows progress, then the report with its charts', async () => {
    await runPaletteCommand(page, "Hearth: Run Evals", "Run Evals");
    const progress = page
      .locator(".notifications-toasts .notification-toast", { hasText: "running evals" })
      .first();
    await progress.waitFor({ state: "visible", timeout: 30_000 });
    await page.screenshot({ path: join(outDir, "evals-01-progress.png") });
    const found = await waitFor("the eval report", 420_000, reportFrame, 1000);
    await waitFor(
      "the report's charts",
      30_000,
      async () =>
        Number(await found.frame.evaluate(() => document.body.dataset.chartsReady).catch(() => 0)) >= 2,
    );
    shown = {
      runId: found.runId,
      figures: await found.frame.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll(`td[data-run="${document.body.dataset.run}"][data-figure]`)].map(
            (cell) => [cell.dataset.figure, cell.dataset.value === "" ? null : Number(cell.dataset.value)],
          ),
        ),
      ),
    };
    await sleep(500);
    await page.screenshot({ path: join(outDir, "evals-report.png") });
    writeFileSync(join(outDir, "evals-report-figures.json"), `${JSON.stringify(shown, null, 2)}\n`);
    log(`phase E: the report shows run #${shown.runId} with ${Object.keys(shown.figures).length} figures`);
    if (!(shown.figures["completion.cases"] > 0)) throw new Error("the report shows no completion cases");
    if (shown.figures["completion.timeTravel"] !== 1)
      throw new Error("the completion eval did not time-travel");
  });

  await step("the report's run is the one stored in the workspace's evals database", async () => {
    const databasePath = findDatabase(userData);
    const { runs } = hearth(extDir, ["eval", "runs", "--json", "--db", databasePath]);
    const stored = runs.find((run) => run.id === shown.runId);
    if (!stored) throw new Error(`run #${shown.runId} is not in ${databasePath}`);
    if (stored.status !== "done") throw new Error(`run #${shown.runId} is ${stored.status}: ${stored.error}`);
    const head = git("rev-parse", "HEAD").trim();
    if (stored.commit !== head) throw new Error(`the run names commit ${stored.commit}, HEAD is ${head}`);
    const differences = differingFigures(shown.figures, stored.figures, () => false);
    if (differences.length)
      throw new Error(`the report differs from the stored run: ${differences.join("; ")}`);
  });

  await step("its figures match `hearth eval all --json` on the same repository and settings", async () => {
    const cliRun = hearth(
      extDir,
      ["eval", "all", root, "--json", "--db", join(dirname(workspace), "cli-evals.sqlite")],
      600_000,
    );
    writeFileSync(join(outDir, "evals-cli-run.json"), `${JSON.stringify(cliRun, null, 2)}\n`);
    const differences = differingFigures(shown.figures, cliRun.figures, (figure) =>
      timings.has(figure.split(".").pop()),
    );
    if (differences.length) throw new Error(`report and CLI differ: ${differences.join("; ")}`);
    log(`phase E: report and CLI agree on ${Object.keys(shown.figures).length} figures (latencies aside)`);
  });

  await context.close().catch(() => {});
}

/** `eval.figure` entries of the report that differ from a run's figures (or are missing on either side). */
function differingFigures(shownFigures, runFigures, ignored) {
  const expected = {};
  for (const [evalName, figures] of Object.entries(runFigures)) {
    for (const [name, value] of Object.entries(figures)) expected[`${evalName}.${name}`] = value;
  }
  const keys = new Set([...Object.keys(shownFigures), ...Object.keys(expected)]);
  return [...keys]
    .filter((key) => !ignored(key))
    .filter((key) => !(key in shownFigures) || !(key in expected) || !same(shownFigures[key], expected[key]))
    .map((key) => `${key}: report ${shownFigures[key]}, expected ${expected[key]}`);
}

function same(left, right) {
  if (left === null || right === null) return left === right;
  return Math.abs(left - right) < 1e-9;
}

/**
 * The evals database of the phase's workspace. code-server names workspace storage folders by a hash, so this
 * is the most recently written of the workspaces' databases: only this phase runs evals.
 */
function findDatabase(userData) {
  const storage = join(userData, "User", "workspaceStorage");
  const written = (file) =>
    Math.max(
      ...[file, `${file}-wal`]
        .filter((candidate) => existsSync(candidate))
        .map((candidate) => statSync(candidate).mtimeMs),
    );
  const found = (existsSync(storage) ? readdirSync(storage) : [])
    .map((entry) => join(storage, entry, "hearth.hearth", "evals.sqlite"))
    .filter((file) => existsSync(file))
    .sort((left, right) => written(right) - written(left));
  if (found.length === 0) throw new Error(`no evals.sqlite under ${storage}`);
  return found[0];
}

/** Runs the built CLI with this Node (the one Hearth's native modules were built for). */
function hearth(extDir, args, timeout = 60_000) {
  const stdout = execFileSync(process.execPath, [join(extDir, "out", "cli", "hearth.mjs"), ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}
