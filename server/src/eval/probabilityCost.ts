/**
 * What asking the model for token probabilities costs (the learned gate's features): the same completions,
 * each asked once without and once with them (which first alternates, so load changes hit both alike), through
 * the completion capability without cross-file context (so only the model's work differs). Reports the
 * medians side by side.
 */

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "../base/logger";
import { percentile, ratio, seededRandom } from "../base/numbers";
import { completionCapability } from "../completion/capability";
import { languageForPath } from "../syntax";
import { sampleFiles } from "./completionEval";
import { completionEvalSettings, type EvalCore, type EvalCoreFactory } from "./evalCore";

export async function measureProbabilityCost(options: {
  root: string;
  settings: unknown;
  createCore: EvalCoreFactory;
  logger: Logger;
  completions: number;
}) {
  const random = seededRandom(5);
  const requests = sampleFiles(options.root, options.completions, random).map((file, index) => {
    const text = readFileSync(file, "utf8");
    const relative = path.relative(options.root, file).split(path.sep).join("/");
    const offset = text.indexOf("\n", Math.floor(text.length * (0.3 + 0.4 * random())));
    return {
      uri: `${pathToFileURL(file).href}#cost-${index}`,
      path: relative,
      repoName: path.basename(options.root),
      language: languageForPath(relative) ?? "plaintext",
      text,
      offset: offset < 0 ? text.length : offset + 1,
      trigger: "invoked" as const,
    };
  });
  const coreWith = (tokenProbabilities: boolean) => {
    const settings = completionEvalSettings(options.settings);
    const completion = settings.completion as Record<string, unknown>;
    return options.createCore({
      roots: [options.root],
      settings: { ...settings, completion: { ...completion, crossFileContext: false, tokenProbabilities } },
      logger: options.logger,
      indexDatabases: {},
      embedQueries: false,
      feedbackDatabase: null,
      excludeOwnFileFromRetrieval: true,
    });
  };
  const cores: EvalCore[] = [await coreWith(false), await coreWith(true)];
  const times: [number[], number[]] = [[], []];
  try {
    // Each core has its own engine: load both models before timing anything.
    for (const core of cores)
      if (requests[0]) await core.capability(completionCapability)!.completeOnce(requests[0]);
    for (const [index, request] of requests.entries()) {
      // Which goes first alternates, so a warm cache or a load change favours neither.
      for (const which of index % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) {
        const completion = cores[which]!.capability(completionCapability)!;
        const started = performance.now();
        await completion.completeOnce(request);
        times[which].push(performance.now() - started);
      }
    }
  } finally {
    for (const core of cores) await core.dispose();
  }
  const without = percentile(times[0], 0.5, 1);
  const withProbabilities = percentile(times[1], 0.5, 1);
  return {
    completions: requests.length,
    p50MsWithout: without,
    p50MsWith: withProbabilities,
    ratio: without && withProbabilities ? ratio(withProbabilities, without) : null,
  };
}
