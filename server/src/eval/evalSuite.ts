/**
 * `hearth eval all`: the suite, a list of named evals run in order on one workspace. Each eval reports its
 * figures and each case's outcome under a key stable across runs, and says which figures are means over
 * cases (so two runs can be compared with a paired bootstrap). Adding an eval is one entry in `suiteEvals`;
 * a review eval joins it when that capability lands.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { messageOf } from "../base/errors";
import type { Logger } from "../base/logger";
import { round } from "../base/numbers";
import type { GateExample, ShowGateModel } from "../completion/pipeline";
import { resolveGuardrailsConfig } from "../guardrails";
import { runGuardrailsEval } from "../guardrails/guardrailsEval";
import { type ChatOutcome, runChatEval } from "./chatEval";
import type { EvalCoreFactory } from "./evalCore";
import { feedbackGateExamples } from "./feedbackGateExamples";
import { evaluateGate, type GateReport } from "./gateEval";
import { openGitHistory } from "./gitHistory";
import { type CompletionOutcome, runTimeTravelEval } from "./timeTravelEval";
import { TreeSnapshot } from "./treeSnapshot";
import { type RetrievalOutcome, runWorkspaceRetrievalEval } from "./workspaceRetrievalEval";

export interface SuiteOptions {
  /** Time-travel completion: commits after this date or commit, and how many. */
  since?: string | undefined;
  commits: number;
  /** Labelled retrieval queries to sample from the workspace. */
  retrievalQueries: number;
  /** Questions the chat eval asks. */
  chatQuestions: number;
}

export const defaultSuiteOptions: SuiteOptions = { commits: 20, retrievalQueries: 60, chatQuestions: 20 };

export interface SuiteContext {
  root: string;
  /** The raw `hearth` settings evaluated (never written back anywhere). */
  settings: unknown;
  createCore: EvalCoreFactory;
  logger: Logger;
  options: SuiteOptions;
  signal?: AbortSignal | undefined;
  progress(done: number, total: number, label: string): void;
  /** What the evals before this one in the run reported (the gate trains on the completion eval's cases). */
  earlier: Readonly<Record<string, EvalOutput>>;
  /** The user's feedback database, whose labelled suggestions also train the gate. */
  feedbackDatabase?: string | undefined;
  /** Keeps a trained show/abstain gate for the workspace; absent when the run must not (a candidate model). */
  saveGate?: (model: ShowGateModel, report: GateReport) => void;
}

export interface EvalOutput {
  figures: Record<string, number | null>;
  cases: { key: string; outcome: unknown }[];
  /** Said to the user next to the figures (e.g. why the completion eval fell back to masked spans). */
  notes: string[];
}

export interface SuiteEval {
  name: string;
  description: string;
  run(context: SuiteContext): Promise<EvalOutput>;
  /** Figures that are means over cases, each with the per-case value it averages (`null`: not counted). */
  caseMetrics: Record<string, (outcome: never) => number | null>;
  /** Figures where lower is better (latency, violation rates); the rest are better higher. */
  lowerIsBetter: readonly string[];
}

const completionEval: SuiteEval = {
  name: "completion",
  description: "time-travel completion on the workspace's recent commits (masked spans without history)",
  async run(context) {
    const result = await runTimeTravelEval({
      root: context.root,
      settings: context.settings,
      createCore: context.createCore,
      logger: context.logger,
      since: context.options.since,
      commits: context.options.commits,
      signal: context.signal,
      onProgress: context.progress,
    });
    const notes =
      result.mode === "timeTravel"
        ? [`time travel over ${result.commits.length} commits, ${result.cases} cases`]
        : [
            `no time travel (${result.fallbackReason}): masked spans of the working tree, ${result.cases} cases`,
          ];
    return {
      figures: {
        ...result.figures,
        timeTravel: result.mode === "timeTravel" ? 1 : 0,
        commits: result.commits.length,
      },
      cases: result.outcomes.map((outcome) => ({ key: outcome.key, outcome })),
      notes,
    };
  },
  caseMetrics: {
    exactMatch: (outcome: CompletionOutcome) => (outcome.exact ? 1 : 0),
    editSimilarity: (outcome: CompletionOutcome) => outcome.similarity,
    identifierMatch: (outcome: CompletionOutcome) => outcome.identifierF1,
    parseValidRate: (outcome: CompletionOutcome) => (outcome.parses === null ? null : outcome.parses ? 1 : 0),
    suggestionRate: (outcome: CompletionOutcome) => (outcome.chars > 0 ? 1 : 0),
    acceptedCharsPerCase: (outcome: CompletionOutcome) => outcome.acceptedChars,
    meanMs: (outcome: CompletionOutcome) => outcome.ms,
  },
  lowerIsBetter: ["p50Ms", "p90Ms", "meanMs"],
};

const retrievalEval: SuiteEval = {
  name: "retrieval",
  description:
    "hybrid search with queries labelled from the workspace (docstring → function, name → definition)",
  async run(context) {
    const result = await runWorkspaceRetrievalEval({
      root: context.root,
      settings: context.settings,
      createCore: context.createCore,
      logger: context.logger,
      maxQueries: context.options.retrievalQueries,
      signal: context.signal,
      onProgress: context.progress,
    });
    return {
      figures: { ...result.figures, vectors: result.vectors ? 1 : 0 },
      cases: result.outcomes.map((outcome) => ({ key: outcome.key, outcome })),
      notes: result.vectors ? [] : ["no embedding model: lexical and symbol retrieval only"],
    };
  },
  caseMetrics: {
    recallAt5: (outcome: RetrievalOutcome) => outcome.recallAt5,
    recallAt10: (outcome: RetrievalOutcome) => outcome.recallAt10,
    mrr: (outcome: RetrievalOutcome) => outcome.reciprocalRank,
    ndcgAt10: (outcome: RetrievalOutcome) => outcome.ndcgAt10,
  },
  lowerIsBetter: [],
};

const chatEval: SuiteEval = {
  name: "chat",
  description:
    "questions about the workspace's definitions (where is X defined; which function does <doc summary>) asked through chat: retrieval recall@5, citation recall and precision",
  async run(context): Promise<EvalOutput> {
    // Like retrieval, the questions are about the commit the run names: a temporary copy of HEAD.
    const scratch = mkdtempSync(path.join(tmpdir(), "hearth-chat-eval-"));
    try {
      const history = openGitHistory(context.root);
      let folder = context.root;
      if (history.usable) {
        const snapshot = new TreeSnapshot(history.repository, path.join(scratch, "tree"));
        await snapshot.moveTo(history.repository.head());
        folder = snapshot.folder;
      }
      const result = await runChatEval({
        root: folder,
        databasePath: path.join(scratch, "index.sqlite"),
        tasks: context.options.chatQuestions,
        seed: 1,
        settings: context.settings,
        createCore: context.createCore,
        logger: context.logger,
        signal: context.signal,
        onProgress: context.progress,
      });
      if (result.model === null) {
        context.progress(1, 1, "chat");
        return { figures: {}, cases: [], notes: ["no chat model (hearth.models.chat is none): not run"] };
      }
      return {
        figures: {
          questions: result.tasks,
          retrievalRecallAt5: result.retrievalRecallAt5,
          citationRecall: result.citationRecall,
          citationPrecision: result.citationPrecision,
          citationToRetrievalRatio: result.citationToRetrievalRatio,
          removedCitations: result.removedCitations,
          answerP50Ms: result.answerP50Ms,
          ttftP50Ms: result.ttftP50Ms,
        },
        cases: result.outcomes.map((outcome) => ({ key: outcome.key, outcome })),
        notes: [`chat model ${result.model}, ${result.outcomes.length} questions`],
      };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
  caseMetrics: {
    retrievalRecallAt5: (outcome: ChatOutcome) => (outcome.retrieved ? 1 : 0),
    citationRecall: (outcome: ChatOutcome) => (outcome.cited ? 1 : 0),
  },
  lowerIsBetter: ["answerP50Ms", "ttftP50Ms", "removedCitations"],
};

const guardrailsEval: SuiteEval = {
  name: "guardrails",
  description:
    "each guard's violation and false-refusal rate on the seeded corpora, with the user's settings",
  async run(context) {
    const config = resolveGuardrailsConfig(
      (context.settings as { guardrails?: unknown } | undefined)?.guardrails,
      (message) => context.logger.warn(message),
    );
    const result = runGuardrailsEval(config);
    const figures: Record<string, number | null> = {};
    for (const [guard, row] of Object.entries(result.guards)) {
      figures[`${guard}.violationRate`] = round(row.violationRate, 4);
      figures[`${guard}.falseRefusalRate`] = round(row.falseRefusalRate, 4);
    }
    context.progress(1, 1, "guardrails");
    return { figures, cases: [], notes: [`corpora seed ${result.seed}`] };
  },
  caseMetrics: {},
  lowerIsBetter: [
    "secrets.violationRate",
    "secrets.falseRefusalRate",
    "injection.violationRate",
    "injection.falseRefusalRate",
    "dangerousCommands.violationRate",
    "dangerousCommands.falseRefusalRate",
    "unknownIdentifiers.violationRate",
    "unknownIdentifiers.falseRefusalRate",
  ],
};

const gateEval: SuiteEval = {
  name: "gate",
  description:
    "the learned show/abstain gate trained on the older commits' suggestions, measured on the newest third",
  async run(context) {
    const completion = context.earlier.completion;
    if (!completion) return { figures: {}, cases: [], notes: ["needs the completion eval in the same run"] };
    const outcomes = completion.cases.map((item) => item.outcome as CompletionOutcome);
    const notes: string[] = [];
    let fromFeedback: GateExample[] = [];
    try {
      fromFeedback = context.saveGate ? feedbackGateExamples(context.feedbackDatabase) : [];
    } catch (error) {
      notes.push(`the feedback database was not read (${messageOf(error)})`);
    }
    const { report, model } = evaluateGate(outcomes, fromFeedback);
    if (model) context.saveGate?.(model, report);
    context.progress(1, 1, "gate");
    if (model && context.saveGate) notes.push("gate stored for this workspace (trained on every commit)");
    return { figures: { ...report }, cases: [], notes };
  },
  caseMetrics: {},
  lowerIsBetter: [],
};

/**
 * The suite, in run order. A review eval joins here as one more entry when that capability lands (its cases
 * keyed like the others, its per-case metrics named after its figures).
 */
export const suiteEvals: readonly SuiteEval[] = [
  completionEval,
  retrievalEval,
  chatEval,
  guardrailsEval,
  gateEval,
];

export function findSuiteEval(name: string): SuiteEval | undefined {
  return suiteEvals.find((candidate) => candidate.name === name);
}
