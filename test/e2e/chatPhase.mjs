// Phase Q of the end-to-end tests: chat through the real UI of code-server. It opens the Hearth chat view in
// the sidebar and, clicking and typing in its webview:
// - asks with no chat model configured and sees the view say so and how to pick one;
// - configures the bundled chat model (its answers constrained to citations, as for users), asks about the
//   test workspace, sees the answer stream in (the page counts its streamed renders) with a citation link,
//   clicks it and checks the editor opened at the cited lines;
// - writes a question with the @-mention list (@file: completed from the workspace's files) and sees the
//   mentioned file in the answer's context;
// - turns the answer grammar off (the tiny model then writes to its token limit), stops a long answer while
//   it is written, and regenerates it, watching the new answer grow in the page;
// - opens a stored conversation from the history (seeded into the workspace's feedback database: the tiny
//   model cannot be relied on to write a given code block), sees the guardrail warning on its dangerous shell
//   command, copies a code block, rates the answer, and applies a code block: the diff editor shows the
//   change, the notification's Apply writes it, and the saved file holds exactly it;
// - reads the stored feedback with the CLI (`hearth stats --json`, `hearth feedback show --json`): the chat
//   events are there; and shows the feedback dashboard with its chat figures.
// Every step waits on a condition with a generous timeout (the CI machine is small and busy), never a fixed
// sleep standing in for one. Screenshots go to test-output/e2e/chat-*.png.
//
// Called by run.mjs: chatPhase({ browser, base, workspace, extDir, outDir, record, log }).
// HEARTH_E2E_CHAT_MODEL overrides the chat model (default: the catalog's bundled chat model).

import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import {
  findFeedbackDatabase,
  hearthCli,
  inlineOnlyEditorSettings,
  openFile,
  openWorkspaceFile,
  runPaletteCommand,
  sleep,
  stepRunner,
  waitFor,
} from "./workbench.mjs";

/** Questions about the fixture workspace (test/fixtures/workspace) whose answers should cite its code. */
const citedQuestions = [
  "Where is the distance function defined?",
  "Where is the centroid function defined?",
  "What does distance return?",
];
const longQuestion =
  "Explain in detail, step by step, everything the geometry module and the Stack class do, with examples for each function.";
/** The fixture's distance() and the stored answer's version of it (see `seeded`). */
const seededOldDistance = `def distance(a: Point, b: Point) -> float:
    """Euclidean distance between two points."""
    return math.hypot(a.x - b.x, a.y - b.y)
`;
const seededNewDistance = `def distance(a: Point, b: Point) -> float:
    """Euclidean distance between two points; 0.0 for the same point."""
    if a == b:
        return 0.0
    return math.hypot(a.x - b.x, a.y - b.y)
`;
/** A stored conversation of one turn whose answer holds a code block to apply and a dangerous command. */
const seeded = {
  conversationId: "e2e-seeded-conversation",
  turnId: "e2e-seeded-turn",
  question: "How can distance return 0.0 early for the same point, and how do I clean up before a rebuild?",
  answer: `Check for the same point first:

\`\`\`python pkg/geometry.py
${seededNewDistance}\`\`\`

Then clean up before the rebuild:

\`\`\`bash
rm -rf "$HOME"/
\`\`\`
`,
};

export async function chatPhase({ browser, base, workspace, extDir, outDir, record, log }) {
  const root = join(dirname(workspace), "chat-workspace");
  const userData = join(dirname(workspace), "user-data");
  cpSync(workspace, root, { recursive: true });
  const chatModel = process.env.HEARTH_E2E_CHAT_MODEL || bundledChatModel(extDir);
  const writeSettings = (chat, constrainAnswers = "auto") => {
    mkdirSync(join(root, ".vscode"), { recursive: true });
    const settings = {
      ...inlineOnlyEditorSettings,
      // Chat retrieves from the index; ghost text would only get in the way of typing here.
      "hearth.index.enabled": true,
      "hearth.completion.enabled": false,
      "hearth.models.chat": chat,
      "hearth.chat.constrainAnswers": constrainAnswers,
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
    await turn.waitFor({ timeout: 30_000 });
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
    chat = await waitFor("the chat view's page", 60_000, async () => {
      for (const frame of page.frames()) {
        const ready = await frame.evaluate(() => document.body?.dataset.hearthChat).catch(() => undefined);
        if (ready === "ready") return frame;
      }
      return undefined;
    });
    await chat.locator("#welcome").waitFor({ timeout: 30_000 });
    await shot("01-view");
  });

  await step("without a chat model the view says so and how to pick one (no stack trace)", async () => {
    const turn = await ask("Where is the distance function defined?");
    const notice = turn.locator(".notice.no-model");
    await notice.waitFor({ timeout: 30_000 }).catch(async () => {
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
    await waitFor("the conversation to clear", 30_000, async () => (await turns().count()) === 0);
  });

  let citedTurn;
  await step("a question about the workspace: the answer streams in with a citation link", async () => {
    const seen = [];
    // The model setting reaches the server through a configuration change (until then: noModel), and the
    // index may still be building: ask again until an answer cites, for up to two minutes.
    const until = Date.now() + 120_000;
    for (let attempt = 0; !citedTurn && Date.now() < until; attempt++) {
      const question = citedQuestions[attempt % citedQuestions.length];
      const rendersBefore = Number(await chat.evaluate(() => document.body.dataset.streamedRenders ?? 0));
      const turn = await ask(question);
      const renders =
        Number(await chat.evaluate(() => document.body.dataset.streamedRenders ?? 0)) - rendersBefore;
      const stopReason = await turn.getAttribute("data-stop-reason");
      seen.push(`${question} -> ${stopReason}, ${renders} streamed renders: ${await describe(turn)}`);
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
    await page.locator(".tabs-container .tab.active", { hasText: name }).waitFor({ timeout: 30_000 });
    const position = page.locator('[id="status.editor.selection"]');
    const text = await waitFor("the cited lines to be selected", 30_000, async () => {
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

  await step(
    "@ offers the mentions; @file: completes a workspace path; the answer uses the mentioned file",
    async () => {
      const input = chat.locator("#question");
      await input.fill("");
      await input.focus();
      await input.pressSequentially("@", { delay: 30 });
      const mentions = chat.locator("#mentions");
      await mentions.waitFor({ state: "visible", timeout: 15_000 });
      const offered = (await mentions.locator("li .mention-label").allInnerTexts()).join(" ");
      if (offered !== "@file @symbol @selection @diff @recent")
        throw new Error(`mentions offered: ${offered}`);
      await shot("06-mentions");
      await input.pressSequentially("fi", { delay: 30 });
      await input.press("Enter");
      await input.pressSequentially("stac", { delay: 30 });
      // The list is filtered as the answer for "stac" comes back: wait until that answer's first item is chosen.
      await mentions
        .locator('li[aria-selected="true"]', { hasText: "src/stack.ts" })
        .waitFor({ timeout: 30_000 });
      await input.press("Enter");
      const written = await input.inputValue();
      if (written !== "@file:src/stack.ts ") throw new Error(`the mention wrote ${JSON.stringify(written)}`);
      await input.pressSequentially("Where is the push method defined?", { delay: 10 });
      const before = await turns().count();
      await input.press("Enter");
      const turn = turns().nth(before);
      await turn.waitFor({ timeout: 30_000 });
      await answered(turn);
      const asked = (await turn.locator(".question").innerText()).trim();
      if (!asked.startsWith("@file:src/stack.ts ")) throw new Error(`the question sent was ${asked}`);
      const stopReason = await turn.getAttribute("data-stop-reason");
      if (stopReason !== "finished" && stopReason !== "maxTokens")
        throw new Error(`the mention's question was not answered: ${await describe(turn)}`);
      const context = (await turn.locator("details.context").textContent()) ?? "";
      if (!context.includes("src/stack.ts"))
        throw new Error(`the answer's context does not list src/stack.ts: ${context}`);
      await shot("07-mention-answer");
    },
  );

  // Under the answer grammar the tiny model writes one short citation, done before anyone could press Stop.
  // Unconstrained it writes to its token limit (hearth.chat.maxAnswerTokens, 512): a long answer to stop.
  await step("with unconstrained answers (hearth.chat.constrainAnswers: never), New chat", async () => {
    writeSettings(chatModel, "never");
    await chat.locator("#new-chat").click();
    await waitFor("the conversation to clear", 30_000, async () => (await turns().count()) === 0);
  });

  let stoppedText = "";
  await step("Stop halts a long answer", async () => {
    const tried = [];
    // The setting reaches the server through a configuration change: until then answers stay short and end
    // before Stop lands. So does an answer that outruns the click on a busy machine (512 tokens take 1-2 s):
    // ask again, for up to three minutes; Stop itself must stop one of them.
    const until = Date.now() + 180_000;
    for (;;) {
      const turn = await ask(longQuestion, { waitForEnd: false });
      // Stop once the answer is being written, so it interrupts generation rather than retrieval. Waited on
      // in the view's page (each animation frame), so Stop is clicked at the first words.
      const index = (await turns().count()) - 1;
      await chat.waitForFunction(
        (at) => {
          const article = document.querySelectorAll("article.turn")[at];
          return (
            article &&
            (article.dataset.state !== "streaming" ||
              (article.querySelector(".answer")?.textContent ?? "").trim().length > 0)
          );
        },
        index,
        { timeout: 120_000 },
      );
      // Stop shows only while an answer runs: a click that finds it gone lost the race to the answer's end.
      const clicked =
        (await turn.getAttribute("data-state")) === "streaming" &&
        (await chat
          .locator("#stop")
          .click({ force: true, timeout: 5_000 })
          .then(
            () => true,
            async (error) => {
              if ((await turn.getAttribute("data-state")) === "streaming") throw error;
              return false;
            },
          ));
      if (clicked) {
        const clickedAt = Date.now();
        await answered(turn);
        const stopReason = await turn.getAttribute("data-stop-reason");
        const tokens = Number(/(\d+) tokens/.exec(await turn.locator(".turn-footer").innerText())?.[1]);
        if (stopReason === "cancelled") {
          if (!(tokens < 512))
            throw new Error(`a stopped answer with ${tokens} tokens: ${await describe(turn)}`);
          await turn.locator(".status", { hasText: "Stopped." }).waitFor({ timeout: 10_000 });
          stoppedText = (await turn.locator(".answer").innerText()).trim();
          await sleep(1_000);
          if ((await turn.locator(".answer").innerText()).trim() !== stoppedText)
            throw new Error("the answer kept growing after Stop");
          if (!(await chat.locator("#send").isVisible())) throw new Error("the view still shows Stop");
          log(
            `phase Q: stopped ${Date.now() - clickedAt} ms after the click, at ${tokens} tokens (${stoppedText.length} characters shown; ${tried.length} earlier answers outran Stop)`,
          );
          break;
        }
        tried.push(`${stopReason} after the click, ${tokens} tokens`);
      } else {
        tried.push(`${await turn.getAttribute("data-stop-reason")} before Stop could be clicked`);
      }
      if (Date.now() > until) throw new Error(`Stop never stopped an answer: ${tried.join("; ")}`);
      await sleep(1_000);
    }
    await shot("05-stopped");
  });

  await step("Regenerate streams a new answer to the stopped question, in place", async () => {
    const count = await turns().count();
    const before = await lastTurn().getAttribute("data-turn");
    // The lengths of the answer the page shows while it streams, seen from the page itself.
    await chat.evaluate(() => {
      const lengths = new Set();
      window.hearthE2eLengths = lengths;
      new MutationObserver(() => {
        const article = [...document.querySelectorAll("article.turn")].at(-1);
        if (article?.dataset.state !== "streaming") return;
        const length = (article.querySelector(".answer")?.textContent ?? "").trim().length;
        if (length > 0) lengths.add(length);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await lastTurn().locator("button[data-regenerate]").click();
    await waitFor(
      "a new answer in place",
      30_000,
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
    const lengths = await chat.evaluate(() => [...window.hearthE2eLengths]);
    if (lengths.length < 2)
      throw new Error(`the answer did not grow while streaming: lengths seen ${JSON.stringify(lengths)}`);
    log(`phase Q: the regenerated answer streamed through ${lengths.length} lengths to ${text.length}`);
  });

  // The tiny model cannot be relied on to write a given code block, so the code actions run on a stored
  // conversation: written into the workspace's feedback database the way the chat capability stores turns,
  // then opened from History. The server reads it back and flags its dangerous command itself.
  let codeTurn;
  await step("History lists the conversations; a stored one opens with its code blocks", async () => {
    seedConversation(findFeedbackDatabase(userData, root), seeded);
    await chat.locator("#show-history").click();
    const entry = chat.locator("#history-list li", { hasText: seeded.question.slice(0, 40) });
    await entry.waitFor({ timeout: 30_000 });
    const listed = await chat.locator("#history-list li").count();
    if (listed < 2) throw new Error(`History lists ${listed} conversation(s), expected this one and more`);
    await shot("10-history");
    await entry.locator("button[data-open-conversation]").click();
    codeTurn = turns().first();
    await codeTurn.locator(".code-block").nth(1).waitFor({ timeout: 30_000 });
    if ((await turns().count()) !== 1)
      throw new Error(`the stored conversation shows ${await turns().count()} turns`);
  });

  await step("the dangerous command in a stored answer carries a visible guardrail warning", async () => {
    const shell = codeTurn.locator(".code-block.dangerous");
    await shell.waitFor({ timeout: 10_000 });
    const warning = shell.locator(".code-warning");
    if (!(await warning.isVisible())) throw new Error("the warning is not visible");
    const text = (await warning.innerText()).trim();
    if (!/Dangerous command/.test(text) || !/home/i.test(text))
      throw new Error(`the warning reads ${JSON.stringify(text)}`);
    if (!(await shell.locator("pre code").innerText()).includes("rm -rf"))
      throw new Error("the warning is not on the block with the command");
    if ((await codeTurn.locator(".code-block.dangerous").count()) !== 1)
      throw new Error("a block without a dangerous command is flagged");
    log(`phase Q: guardrail warning "${text}"`);
    await shot("08-dangerous-warning");
  });

  await step("Copy puts the code on the clipboard; thumbs up marks the answer", async () => {
    const block = codeTurn.locator(".code-block").first();
    await block.locator('button[data-action="copy"]').click();
    const code = (await block.locator("pre code").innerText()).trim();
    await waitFor("the clipboard", 15_000, async () => {
      const text = await page.evaluate(() => navigator.clipboard.readText()).catch(() => "");
      return text.trim() === code;
    });
    await codeTurn.locator('button[data-rate="up"]').click();
    await codeTurn.locator('button[data-rate="up"][aria-pressed="true"]').waitFor({ timeout: 15_000 });
  });

  await step(
    "Apply shows the change as a diff; Apply in the notification writes it to the file",
    async () => {
      const block = codeTurn.locator(".code-block").first();
      const label = (await block.locator('button[data-action="apply"]').innerText()).trim();
      if (label !== "Apply to geometry.py")
        throw new Error(`the Apply button reads ${JSON.stringify(label)}`);
      const file = join(root, "pkg", "geometry.py");
      const original = readFileSync(file, "utf8");
      // Another file active, so no selection in geometry.py decides where the code goes: Hearth finds it.
      await openFile(page, "main.py", "");
      await block.locator('button[data-action="apply"]').click();
      await page.locator(".monaco-diff-editor").first().waitFor({ timeout: 30_000 });
      await page
        .locator(".tabs-container .tab", { hasText: "Hearth's change" })
        .first()
        .waitFor({ timeout: 30_000 });
      const toast = page
        .locator(".notifications-toasts .notification-toast", { hasText: "Apply Hearth's change" })
        .first();
      await toast.waitFor({ timeout: 30_000 });
      await shot("09-apply-diff");
      if (readFileSync(file, "utf8") !== original) throw new Error("the file changed before Apply");
      await toast.locator(".monaco-button", { hasText: /^Apply$/ }).click();
      await page.locator(".monaco-diff-editor").first().waitFor({ state: "hidden", timeout: 30_000 });
      await page
        .locator(".tabs-container .tab.active", { hasText: "geometry.py" })
        .waitFor({ timeout: 30_000 });
      await page.keyboard.press("Control+S");
      const saved = await waitFor("the saved file", 30_000, async () => {
        const text = readFileSync(file, "utf8");
        return text !== original ? text : undefined;
      });
      const expected = original.replace(seededOldDistance, seededNewDistance);
      if (expected === original) throw new Error("the fixture's distance function changed; update the seed");
      if (saved !== expected) {
        writeFileSync(join(outDir, "chat-applied-geometry.py"), saved);
        throw new Error(
          "geometry.py does not hold exactly the applied change (see chat-applied-geometry.py)",
        );
      }
      log("phase Q: applied the stored answer's distance() to pkg/geometry.py");
      await shot("09-applied");
    },
  );

  await step("the stored feedback holds the chat events; hearth stats --json counts them", async () => {
    const databasePath = findFeedbackDatabase(userData, root);
    const wanted = ["answered", "copied", "applied", "regenerated", "rated"];
    let kinds = new Set();
    // Feedback goes out in batches (every 2 s): read until the last actions' events are stored.
    await waitFor(
      "the chat events in the feedback database",
      60_000,
      async () => {
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
        kinds = new Set(chatEvents.map((event) => event.type));
        return wanted.every((kind) => kinds.has(kind));
      },
      1_000,
    ).catch(() => {
      throw new Error(`chat events stored: ${[...kinds].join(", ")}; wanted ${wanted.join(", ")}`);
    });
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
    const dashboard = await waitFor("the dashboard", 60_000, async () => {
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

/**
 * Writes a conversation into the feedback database the way the chat capability's ConversationStore does (the
 * server has the file open in WAL mode; SQLite's locking lets this second writer in).
 */
function seedConversation(databasePath, { conversationId, turnId, question, answer }) {
  const database = new Database(databasePath);
  try {
    database.pragma("busy_timeout = 30000");
    const at = Date.now();
    database
      .prepare("insert into conversations (id, title, created_at, updated_at) values (?, ?, ?, ?)")
      .run(conversationId, question.slice(0, 80), at, at);
    database
      .prepare(
        "insert into chat_turns (id, conversation_id, at, question, answer, record) values (?, ?, ?, ?, ?, ?)",
      )
      .run(
        turnId,
        conversationId,
        at,
        question,
        answer,
        JSON.stringify({ citations: [], contextUsed: [], blocks: [] }),
      );
  } finally {
    database.close();
  }
}
