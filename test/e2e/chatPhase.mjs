// Phase Q of the end-to-end tests: chat through the real UI of code-server. It opens the Hearth chat view in
// the sidebar and, clicking and typing in its webview:
// - asks with no chat model configured and sees the view say so and how to pick one;
// - configures the bundled chat model, asks for a long answer and stops it, then regenerates it;
// - asks about the test workspace, sees the answer stream in (the page counts its streamed renders) with a
//   citation link, clicks it and checks the editor opened at the cited lines;
// - writes a question with the @-mention list (@file: completed from the workspace's files);
// - copies a code block, rates an answer, applies a code block: the diff editor shows the change, the
//   notification's Apply writes it, and the saved file holds it;
// - lists the conversation in the history;
// - reads the stored feedback with the CLI (`hearth stats --json`, `hearth feedback show --json`): the chat
//   events are there; and shows the feedback dashboard with its chat figures.
// Screenshots go to test-output/e2e/chat-*.png.
//
// Called by run.mjs: chatPhase({ browser, base, workspace, extDir, outDir, record, log }).
// HEARTH_E2E_CHAT_MODEL overrides the chat model (default: the catalog's bundled chat model).

import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  findFeedbackDatabase,
  hearthCli,
  inlineOnlyEditorSettings,
  openFile,
  openWorkspaceFile,
  runPaletteCommand,
  stepRunner,
} from "./workbench.mjs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, timeoutMs, probe, intervalMs = 100) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Questions about the fixture workspace (test/fixtures/workspace) whose answers should cite its code. */
const citedQuestions = [
  "Where is the distance function defined?",
  "Where is the centroid function defined?",
  "What does distance return?",
];
/** Questions whose answers should show code (asked until one has a code block). */
const codeQuestions = [
  "Show the code of the distance function.",
  "How is centroid implemented? Show the code.",
  "Show the Stack class.",
];
const longQuestion =
  "Explain in detail, step by step, everything the geometry module and the Stack class do, with examples for each function.";
const placeholder = "# hearth-e2e: apply here";

export async function chatPhase({ browser, base, workspace, extDir, outDir, record, log }) {
  const root = join(dirname(workspace), "chat-workspace");
  const userData = join(dirname(workspace), "user-data");
  cpSync(workspace, root, { recursive: true });
  writeFileSync(join(root, "scratch.py"), "# A scratch file for the chat's Apply.\n");
  const chatModel = process.env.HEARTH_E2E_CHAT_MODEL || bundledChatModel(extDir);
  const writeSettings = (chat) => {
    mkdirSync(join(root, ".vscode"), { recursive: true });
    const settings = {
      ...inlineOnlyEditorSettings,
      // Chat retrieves from the index; ghost text would only get in the way of typing here.
      "hearth.index.enabled": true,
      "hearth.completion.enabled": false,
      "hearth.models.chat": chat,
    };
    writeFileSync(join(root, ".vscode", "settings.json"), `${JSON.stringify(settings, null, 2)}\n`);
  };
  writeSettings("none");

  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    permissions: ["clipboard-read", "clipboard-write"],
  });
  const page = await context.newPage();
  const step = stepRunner({ phase: "Q", page, outDir, record, failureShot: "chat-failure" });
  const shot = (name) => page.screenshot({ path: join(outDir, `chat-${name}.png`) });
  let chat;
  const turns = () => chat.locator("article.turn");
  const lastTurn = () => turns().last();

  /** Sends a question from the chat view's input and waits until its answer is complete. */
  const ask = async (question, { waitForEnd = true } = {}) => {
    const before = await turns().count();
    await chat.locator("#question").fill(question);
    await chat.locator("#question").press("Enter");
    const turn = turns().nth(before);
    await turn.waitFor({ timeout: 15_000 });
    if (waitForEnd) await answered(turn);
    return turn;
  };
  const answered = (turn) =>
    waitFor(
      "the answer to finish",
      120_000,
      async () => (await turn.getAttribute("data-state").catch(() => "streaming")) !== "streaming",
    );
  const describe = async (turn) =>
    JSON.stringify({
      state: await turn.getAttribute("data-state"),
      stopReason: await turn.getAttribute("data-stop-reason"),
      text: ((await turn.innerText()) ?? "").slice(0, 400),
    });

  log("phase Q: chat in the sidebar, through the real UI");
  await step("workbench opens pkg/geometry.py with Hearth running", () =>
    openWorkspaceFile(page, { base, root, fileName: "geometry.py", visibleText: "distance" }),
  );

  await step("the chat view opens in Hearth's sidebar container", async () => {
    await runPaletteCommand(page, "Hearth: Focus on Chat View", "Focus on Chat View");
    chat = await waitFor("the chat view's page", 30_000, async () => {
      for (const frame of page.frames()) {
        const ready = await frame.evaluate(() => document.body?.dataset.hearthChat).catch(() => undefined);
        if (ready === "ready") return frame;
      }
      return undefined;
    });
    await chat.locator("#welcome").waitFor({ timeout: 10_000 });
    await shot("01-view");
  });

  await step("without a chat model the view says so and how to pick one (no stack trace)", async () => {
    const turn = await ask("Where is the distance function defined?");
    const notice = turn.locator(".notice.no-model");
    await notice.waitFor({ timeout: 10_000 }).catch(async () => {
      throw new Error(`no "no chat model" notice: ${await describe(turn)}`);
    });
    const text = await notice.innerText();
    for (const needed of ["hearth.models.chat", "hearth models list", ".gguf"]) {
      if (!text.includes(needed)) throw new Error(`the notice does not mention ${needed}: ${text}`);
    }
    await notice.locator("button[data-open-setting]").waitFor();
    if (/\n\s+at\s|Error:/.test(await turn.innerText())) throw new Error("the turn shows an error trace");
    await shot("02-no-model");
  });

  await step(`with the bundled chat model configured (${chatModel ?? "none in the catalog"})`, async () => {
    if (!chatModel) throw new Error("the catalog names no bundled chat model (tiers.builtin.roles.chat)");
    writeSettings(chatModel);
    await chat.locator("#new-chat").click();
    await waitFor("the conversation to clear", 10_000, async () => (await turns().count()) === 0);
  });

  let stoppedText = "";
  await step("Stop halts a long answer", async () => {
    let turn;
    for (let attempt = 0; ; attempt++) {
      turn = await ask(longQuestion, { waitForEnd: false });
      // Stop once the answer is being written, so it interrupts generation rather than retrieval.
      await waitFor(
        "the first words",
        60_000,
        async () => {
          const state = await turn.getAttribute("data-state");
          return (
            state !== "streaming" || ((await turn.locator(".answer").innerText()) ?? "").trim().length > 0
          );
        },
        20,
      );
      if ((await turn.getAttribute("data-state")) === "streaming") break;
      // The new chat model reaches the server through a configuration change; until then: no model.
      if ((await turn.getAttribute("data-stop-reason")) !== "noModel" || attempt >= 5) {
        throw new Error(`the answer ended before Stop could be pressed: ${await describe(turn)}`);
      }
      await sleep(2_000);
    }
    await chat.locator("#stop").click();
    const stoppedAt = Date.now();
    await answered(turn);
    const stopReason = await turn.getAttribute("data-stop-reason");
    if (stopReason !== "cancelled") {
      throw new Error(`the answer was not stopped (stopReason ${stopReason}): ${await describe(turn)}`);
    }
    stoppedText = (await turn.locator(".answer").innerText()).trim();
    await sleep(1_000);
    const later = (await turn.locator(".answer").innerText()).trim();
    if (later !== stoppedText) throw new Error("the answer kept growing after Stop");
    if (!(await chat.locator("#send").isVisible())) throw new Error("the view still shows Stop");
    log(`phase Q: stopped after ${Date.now() - stoppedAt} ms with ${stoppedText.length} characters`);
    await shot("05-stopped");
  });

  await step("Regenerate answers the stopped question again, in place", async () => {
    const count = await turns().count();
    const before = await lastTurn().getAttribute("data-turn");
    await lastTurn().locator("button[data-regenerate]").click();
    await waitFor(
      "a new answer in place",
      10_000,
      async () => (await lastTurn().getAttribute("data-turn")) !== before,
    );
    await answered(lastTurn());
    if ((await turns().count()) !== count)
      throw new Error("Regenerate added a turn instead of replacing the answer");
    const stopReason = await lastTurn().getAttribute("data-stop-reason");
    if (stopReason !== "finished" && stopReason !== "maxTokens") {
      throw new Error(`the regenerated answer did not finish: ${await describe(lastTurn())}`);
    }
    const text = (await lastTurn().locator(".answer").innerText()).trim();
    if (text.length <= stoppedText.length) {
      throw new Error(
        `the regenerated answer (${text.length} chars) is not longer than the stopped one (${stoppedText.length})`,
      );
    }
  });

  let citedTurn;
  await step("a question about the workspace: the answer streams in with a citation link", async () => {
    const seen = [];
    for (let attempt = 0; attempt < 8 && !citedTurn; attempt++) {
      const question = citedQuestions[attempt % citedQuestions.length];
      const rendersBefore = Number(await chat.evaluate(() => document.body.dataset.streamedRenders ?? 0));
      const turn = await ask(question);
      const renders =
        Number(await chat.evaluate(() => document.body.dataset.streamedRenders ?? 0)) - rendersBefore;
      const stopReason = await turn.getAttribute("data-stop-reason");
      seen.push(`${question} -> ${stopReason}, ${renders} streamed renders: ${await describe(turn)}`);
      // Settings reach the server through a configuration change; the index may still be building.
      if (stopReason === "noModel" || (await turn.locator("a.citation").count()) === 0) {
        await sleep(2_000);
        continue;
      }
      if (renders < 1) throw new Error(`the answer arrived without streaming: ${seen.at(-1)}`);
      citedTurn = turn;
      log(`phase Q: ${question} answered with ${renders} streamed renders`);
    }
    if (!citedTurn) throw new Error(`no answer with a citation link:\n${seen.join("\n")}`);
    await shot("03-answer");
  });

  await step("clicking the citation opens the editor at the cited range", async () => {
    const citation = citedTurn.locator("a.citation").first();
    const title = (await citation.getAttribute("title")) ?? "";
    const cited = /^Open (.+), lines? (\d+)(?:–(\d+))?$/.exec(title);
    if (!cited) throw new Error(`unexpected citation title ${JSON.stringify(title)}`);
    const [, path, start, end = start] = cited;
    const name = path.split("/").pop();
    // Another file first, so the click has to open the cited one.
    await openFile(page, "stack.ts", "Stack");
    await citation.click();
    await page.locator(".tabs-container .tab.active", { hasText: name }).waitFor({ timeout: 15_000 });
    const position = page.locator('[id="status.editor.selection"]');
    const text = await waitFor("the cited lines to be selected", 10_000, async () => {
      const value = (await position.innerText().catch(() => "")).trim();
      return /selected/.test(value) ? value : undefined;
    });
    const line = Number(/Ln (\d+)/.exec(text)?.[1]);
    if (line !== Number(end) && line !== Number(start)) {
      throw new Error(`the editor is at "${text}", not at the cited lines ${start}-${end} of ${path}`);
    }
    log(`phase Q: citation ${path}:${start}-${end} opened ${name} at "${text}"`);
    await shot("04-citation-opened");
  });

  let codeTurn;
  await step(
    "@ offers the mentions; @file: completes a workspace path; the question is answered with code",
    async () => {
      const input = chat.locator("#question");
      await input.fill("");
      await input.focus();
      await chat.locator("#question").pressSequentially("@", { delay: 30 });
      const mentions = chat.locator("#mentions");
      await mentions.waitFor({ state: "visible", timeout: 5_000 });
      const offered = (await mentions.locator("li .mention-label").allInnerTexts()).join(" ");
      if (offered !== "@file @symbol @selection @diff @recent")
        throw new Error(`mentions offered: ${offered}`);
      await shot("06-mentions");
      await input.pressSequentially("fi", { delay: 30 });
      await input.press("Enter");
      await input.pressSequentially("geometr", { delay: 30 });
      await mentions.locator("li", { hasText: "pkg/geometry.py" }).waitFor({ timeout: 10_000 });
      await input.press("Enter");
      const written = await input.inputValue();
      if (written !== "@file:pkg/geometry.py ")
        throw new Error(`the mention wrote ${JSON.stringify(written)}`);
      for (const question of codeQuestions) {
        const turn = await ask(`@file:pkg/geometry.py ${question}`);
        if ((await turn.locator(".code-block").count()) > 0) {
          codeTurn = turn;
          break;
        }
      }
      if (!codeTurn) throw new Error(`no answer showed a code block: ${await describe(lastTurn())}`);
      await shot("07-code-answer");
    },
  );

  await step("Copy puts the code on the clipboard; thumbs up marks the answer", async () => {
    const block = codeTurn.locator(".code-block").first();
    await block.locator('button[data-action="copy"]').click();
    const code = (await block.locator("pre code").innerText()).trim();
    const clipboard = await waitFor("the clipboard", 10_000, async () => {
      const text = await page.evaluate(() => navigator.clipboard.readText()).catch(() => "");
      return text.trim() === code ? text : undefined;
    });
    if (!clipboard) throw new Error("the clipboard does not hold the code");
    await codeTurn.locator('button[data-rate="up"]').click();
    await codeTurn.locator('button[data-rate="up"][aria-pressed="true"]').waitFor({ timeout: 5_000 });
  });

  await step(
    "Apply shows the change as a diff; Apply in the notification writes it to the file",
    async () => {
      const block = codeTurn.locator(".code-block").first();
      const code = await block.locator("pre code").innerText();
      const label = (await block.locator('button[data-action="apply"]').innerText()).trim();
      const target = label.startsWith("Apply to ") ? label.slice("Apply to ".length) : "scratch.py";
      const file = join(root, workspacePath(root, target));
      const original = readFileSync(file, "utf8");
      // The user points at where the code goes: a placeholder line, selected, in the target file.
      await openFile(page, target, "");
      await page.locator(".monaco-editor .view-lines").first().click();
      await page.keyboard.press("Control+End");
      await page.keyboard.press("Enter");
      await page.keyboard.type(placeholder, { delay: 10 });
      await page.keyboard.press("Shift+Home");
      await block.locator('button[data-action="apply"]').click();
      await page.locator(".monaco-diff-editor").first().waitFor({ timeout: 15_000 });
      await page
        .locator(".tabs-container .tab", { hasText: "Hearth's change" })
        .first()
        .waitFor({ timeout: 10_000 });
      const toast = page
        .locator(".notifications-toasts .notification-toast", { hasText: "Apply Hearth's change" })
        .first();
      await toast.waitFor({ timeout: 10_000 });
      await shot("08-apply-diff");
      await toast.locator(".monaco-button", { hasText: /^Apply$/ }).click();
      await page.locator(".monaco-diff-editor").first().waitFor({ state: "hidden", timeout: 10_000 });
      await page
        .locator(".tabs-container .tab.active", { hasText: target.split("/").pop() })
        .waitFor({ timeout: 10_000 });
      await page.keyboard.press("Control+S");
      const saved = await waitFor("the saved file", 10_000, async () => {
        const text = readFileSync(file, "utf8");
        return text !== original && !text.includes(placeholder) ? text : undefined;
      });
      const missing = code
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line && !/^(?:#|\/\/)\s*\S+\.\w+$/.test(line))
        .filter((line) => !saved.includes(line));
      if (missing.length)
        throw new Error(`the file lacks lines of the code block: ${missing.slice(0, 3).join(" | ")}`);
      log(`phase Q: applied a ${code.split("\n").length}-line block to ${target}`);
      await shot("09-applied");
    },
  );

  await step("History lists the conversation", async () => {
    await chat.locator("#show-history").click();
    await chat.locator("#history-list li").first().waitFor({ timeout: 10_000 });
    await shot("10-history");
    await chat.locator("#history-close").click();
  });

  await step("the stored feedback holds the chat events; hearth stats --json counts them", async () => {
    await sleep(3_000); // feedback goes out every 2 s
    const databasePath = findFeedbackDatabase(userData, root);
    const { events } = hearthCli(extDir, [
      "feedback",
      "show",
      "--json",
      "--limit",
      "2000",
      "--db",
      databasePath,
    ]);
    const chatEvents = events.filter((event) => event.surface === "chat");
    writeFileSync(join(outDir, "chat-feedback-events.json"), `${JSON.stringify(chatEvents, null, 2)}\n`);
    const kinds = new Set(chatEvents.map((event) => event.type));
    for (const kind of ["answered", "copied", "applied", "regenerated", "rated"]) {
      if (!kinds.has(kind)) throw new Error(`no chat ${kind} event stored; kinds: ${[...kinds].join(", ")}`);
    }
    const stats = hearthCli(extDir, ["stats", "--json", "--db", databasePath]);
    writeFileSync(join(outDir, "chat-feedback-stats.json"), `${JSON.stringify(stats.chat, null, 2)}\n`);
    const chatFigures = stats.chat ?? {};
    const problems = [];
    if (!(chatFigures.answers >= 4)) problems.push(`answers ${chatFigures.answers}`);
    if (!(chatFigures.byStopReason?.cancelled >= 1)) problems.push("no cancelled answer");
    if (!(chatFigures.byStopReason?.noModel >= 1)) problems.push("no noModel answer");
    if (!(chatFigures.copies >= 1 && chatFigures.applies >= 1)) problems.push("copies or applies missing");
    if (!(chatFigures.regenerations >= 1)) problems.push("regenerations missing");
    if (!(chatFigures.thumbsUp >= 1)) problems.push("thumbs up missing");
    if (problems.length) throw new Error(`unexpected chat stats: ${problems.join("; ")}`);
    log(`phase Q: chat stats ${JSON.stringify(chatFigures)}`);
  });

  await step('"Hearth: Show Feedback Dashboard" shows the chat figures', async () => {
    await runPaletteCommand(page, "Hearth: Show Feedback Dashboard", "Show Feedback Dashboard");
    const dashboard = await waitFor("the dashboard", 30_000, async () => {
      for (const frame of page.frames()) {
        const ready = await frame.evaluate(() => document.body?.dataset.chartsReady).catch(() => undefined);
        if (ready) return frame;
      }
      return undefined;
    });
    const text = await dashboard.locator(".chat-figures").innerText();
    if (!/answers/.test(text) || !/copied \/ inserted \/ applied/.test(text)) {
      throw new Error(`the dashboard's chat section reads ${JSON.stringify(text)}`);
    }
    await dashboard.locator(".chat-figures").scrollIntoViewIfNeeded();
    await shot("11-dashboard");
  });

  await context.close().catch(() => {});
}

/** The chat model Hearth ships: the catalog's built-in tier's chat role, else a bundled model with that role. */
function bundledChatModel(extDir) {
  try {
    const catalog = JSON.parse(readFileSync(join(extDir, "native-models", "catalog.json"), "utf8"));
    return (
      catalog.tiers?.builtin?.roles?.chat ??
      catalog.models?.find((model) => model.bundled && model.roles?.includes("chat"))?.id
    );
  } catch {
    return undefined;
  }
}

/** The workspace-relative path of a file named by its base name (as the Apply button shows it). */
function workspacePath(root, name) {
  const walk = (folder, prefix) => {
    for (const entry of readdirSync(folder)) {
      if (entry.startsWith(".")) continue;
      const full = join(folder, entry);
      const relative = prefix ? `${prefix}/${entry}` : entry;
      if (statSync(full).isDirectory()) {
        const found = walk(full, relative);
        if (found) return found;
      } else if (entry === name || relative === name) return relative;
    }
    return undefined;
  };
  const found = walk(root, "");
  if (!found) throw new Error(`no ${name} in the workspace`);
  return found;
}
