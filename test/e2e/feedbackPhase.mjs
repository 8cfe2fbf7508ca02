// Phase F of the end-to-end tests: implicit feedback through the real UI of code-server, driven with
// real keystrokes. For each way of answering a suggestion it shows one (Alt+\ in a Python file, the tiny
// completion model answering) and answers it: Tab (accepted), Ctrl+Right then Escape (partially accepted),
// a different character (rejected: typed over), Escape (rejected: escape). Then it waits for the survival
// checkpoints, which the workspace's test-only clock (`hearth.test.feedbackClockFactor`, honoured because the
// harness sets HEARTH_E2E=1) shortens 100 times, opens "Hearth: Show Feedback Dashboard" and saves its
// screenshot, and checks the stored events and `hearth stats --json` with the CLI on the workspace's
// feedback database.
//
// Called by run.mjs with its context: feedbackPhase({ browser, base, workspace, extDir, outDir, record, log }).
// The phase uses its own copy of the workspace, so its feedback database starts empty.

import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  findFeedbackDatabase,
  hearthCli,
  inlineOnlyEditorSettings,
  openWorkspaceFile,
  readGhostText,
  runPaletteCommand,
  sleep,
  stepRunner,
  waitFor,
} from "./workbench.mjs";

// No docstring: a tiny model primed with one tends to answer just \`"""\`, a single word.
const demo = `import math


def area(width, height):
    return width * height


def perimeter(width, height):
    return 2 * (width + height)
`;

const settings = {
  ...inlineOnlyEditorSettings,
  // Test-only: 30 s, 2, 5 and 10 min become 0.3, 1.2, 3 and 6 s (ignored outside tests).
  "hearth.test.feedbackClockFactor": 0.01,
};

export async function feedbackPhase({ browser, base, workspace, extDir, outDir, record, log }) {
  const root = join(dirname(workspace), "feedback-workspace");
  const userData = join(dirname(workspace), "user-data");
  cpSync(workspace, root, { recursive: true });
  mkdirSync(join(root, ".vscode"), { recursive: true });
  writeFileSync(join(root, ".vscode", "settings.json"), `${JSON.stringify(settings, null, 2)}\n`);
  writeFileSync(join(root, "shapes.py"), demo);

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const ghost = page.locator(".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text").first();
  const step = stepRunner({ phase: "F", page, outDir, record, failureShot: "feedback-failure" });

  /**
   * Opens a new line at the end of the file, types `text`, asks for a suggestion and returns its ghost text;
   * retries with the start of a statement in place of the last one (the tiny model often opens a docstring
   * it cannot close at the top of a body, which the parse check withholds) until one appears that `wanted`
   * accepts.
   */
  const showSuggestion = async (text, wanted = (ghostText) => ghostText.trim().length > 0) => {
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await page.keyboard.type(text, { delay: 25 });
    const starters = ["", "return ", "total = ", "result = width", "size = ", "return width"];
    let typed = "";
    for (const starter of starters) {
      for (let index = 0; index < typed.length; index++) await page.keyboard.press("Backspace");
      await page.keyboard.type(starter, { delay: 25 });
      typed = starter;
      await page.keyboard.press("Alt+Backslash");
      const shown = await ghost.waitFor({ state: "visible", timeout: 20_000 }).then(
        () => true,
        () => false,
      );
      if (shown) {
        await sleep(300); // let a newer answer for the same position settle
        const ghostText = await readGhostText(page);
        log(`phase F: after ${JSON.stringify(text + starter)}: ${JSON.stringify(ghostText.slice(0, 60))}`);
        if (wanted(ghostText)) return ghostText;
        await page.keyboard.press("Escape");
        await ghostGone();
      }
    }
    throw new Error(
      `no suitable suggestion appeared after typing ${JSON.stringify(text)} and ${starters.length - 1} statement starts`,
    );
  };
  const ghostGone = () => ghost.waitFor({ state: "hidden", timeout: 10_000 });

  log("phase F: opening a workspace with a Python file; implicit feedback through the real UI");
  // Every step below needs real ghost text: first make sure the completion model answers at all, so a missing
  // or broken model fails here with the server's own explanation instead of as a timeout.
  await step("the completion model answers (hearth complete)", async () => {
    const probe = join(dirname(workspace), "probe.py");
    writeFileSync(probe, `${demo}\n\ndef diagonal(width, height):\n    return `);
    const lines = readFileSync(probe, "utf8").split("\n");
    const position = `${probe}:${lines.length}:${lines.at(-1).length + 1}`;
    let result;
    try {
      result = hearthCli(extDir, [
        "complete",
        position,
        "--root",
        dirname(workspace),
        "--no-context",
        "--json",
      ]);
    } catch (error) {
      throw new Error(`hearth complete failed: ${String(error.stderr ?? error.message).slice(-800)}`);
    }
    if (!result.completion)
      throw new Error(`the completion model gave no suggestion: ${JSON.stringify(result)}`);
  });
  await step("workbench opens shapes.py with Hearth running", () =>
    openWorkspaceFile(page, { base, root, fileName: "shapes.py", visibleText: "perimeter" }),
  );

  await step("show then Tab: the suggestion is inserted", async () => {
    const text = await showSuggestion("def volume(width, height, depth):\n");
    log(`phase F: suggestion for Tab: ${JSON.stringify(text.slice(0, 60))}`);
    await page.screenshot({ path: join(outDir, "feedback-01-ghost-text.png") });
    await page.keyboard.press("Tab");
    await ghostGone();
  });

  await step("show then accept the next word (Ctrl+Right), then Escape", async () => {
    // Accepting a word leaves some of the suggestion only when it has more than one word.
    const text = await showSuggestion("def diagonal(width, height):\n", (ghostText) =>
      /\w+\W+\w/.test(ghostText),
    );
    log(`phase F: suggestion for Ctrl+Right: ${JSON.stringify(text.slice(0, 60))}`);
    await page.keyboard.press("Control+ArrowRight");
    await sleep(400);
    await page.keyboard.press("Escape");
    await ghostGone();
  });

  await step("show then type over it with something else", async () => {
    const text = await showSuggestion("def scale(width, factor):\n");
    const first = text.trimStart()[0];
    await page.keyboard.type(first === "#" ? "@" : "#", { delay: 25 });
    await sleep(300);
  });

  await step("show then Escape", async () => {
    await showSuggestion("def ratio(width, height):\n");
    await page.keyboard.press("Escape");
    await ghostGone();
  });

  // The accepted text's last checkpoint (10 min) comes after 6 s on the test clock; events go out every 2 s.
  await step("survival checkpoints pass on the test clock", () => sleep(9_000));

  await step('"Hearth: Show Feedback Dashboard" draws its charts', async () => {
    await runPaletteCommand(page, "Hearth: Show Feedback Dashboard", "Show Feedback Dashboard");
    await waitFor("the dashboard's charts", 30_000, async () => {
      for (const frame of page.frames()) {
        const ready = await frame.evaluate(() => document.body?.dataset.chartsReady).catch(() => undefined);
        if (ready === "3") return true;
      }
      return false;
    });
    await sleep(500);
    await page.screenshot({ path: join(outDir, "feedback-dashboard.png") });
  });

  await step("stored events include shown, accepted, partiallyAccepted, rejected and survival", async () => {
    const databasePath = findFeedbackDatabase(userData, root);
    log(`phase F: feedback database ${databasePath}`);
    const { events } = hearthCli(extDir, [
      "feedback",
      "show",
      "--json",
      "--limit",
      "2000",
      "--db",
      databasePath,
    ]);
    const kinds = new Set(
      events.map((event) => (event.type === "rejected" ? `rejected:${event.reason}` : event.type)),
    );
    log(`phase F: stored event kinds ${[...kinds].sort().join(", ")}`);
    for (const kind of ["shown", "accepted", "partiallyAccepted", "rejected:typedOver", "rejected:escape"]) {
      if (!kinds.has(kind)) throw new Error(`no ${kind} event stored; kinds: ${[...kinds].join(", ")}`);
    }
    const checkpoints = new Set(
      events.filter((event) => event.type === "survival").map((event) => event.checkpoint),
    );
    if (!checkpoints.has("30s"))
      throw new Error(`no survival checkpoint stored; have ${[...checkpoints].join(", ")}`);
    const shown = events.find((event) => event.type === "shown");
    if (shown.language !== "python" || typeof shown.latencyMs !== "number") {
      throw new Error(`shown event lacks language or latency: ${JSON.stringify(shown)}`);
    }
    writeFileSync(join(outDir, "feedback-events.json"), `${JSON.stringify(events, null, 2)}\n`);
  });

  await step("hearth stats --json reports the answers and survival", async () => {
    const stats = hearthCli(extDir, ["stats", "--json", "--db", findFeedbackDatabase(userData, root)]);
    writeFileSync(join(outDir, "feedback-stats.json"), `${JSON.stringify(stats, null, 2)}\n`);
    const problems = [];
    if (!(stats.shown >= 4)) problems.push(`shown ${stats.shown}`);
    if (!(stats.accepted >= 1)) problems.push(`accepted ${stats.accepted}`);
    if (!(stats.partiallyAccepted >= 1)) problems.push(`partiallyAccepted ${stats.partiallyAccepted}`);
    if (!(stats.rejected >= 2)) problems.push(`rejected ${stats.rejected}`);
    if (typeof stats.acceptanceRate !== "number") problems.push(`acceptanceRate ${stats.acceptanceRate}`);
    for (const checkpoint of ["30s", "2m", "5m", "10m"]) {
      if (!stats.survival?.[checkpoint]) problems.push(`survival.${checkpoint} missing`);
    }
    if (!(stats.survival?.["30s"]?.tracked >= 1)) problems.push("no survival measured at 30s");
    if (!(stats.byLanguage?.python?.shown >= 4)) problems.push("byLanguage.python missing");
    if (problems.length) throw new Error(`unexpected stats: ${problems.join("; ")}`);
  });

  await context.close().catch(() => {});
}
