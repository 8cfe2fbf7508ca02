// Runs secretlint's core with its recommended preset over the committed secrets corpus and a prompt-sized
// text, and prints the same figures `hearth eval guardrails` prints for Hearth's rules: the measurement behind
// choosing a synchronous rule set of Hearth's own. secretlint is not a Hearth dependency; install it elsewhere:
//   mkdir -p /tmp/sl && cd /tmp/sl && npm init -y && \
//     npm i -E @secretlint/core@13.0.7 @secretlint/secretlint-rule-preset-recommend@13.0.7
//   node test/guardrails/compareSecretlint.mjs /tmp/sl
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

const installed = process.argv[2];
if (!installed) {
  process.stderr.write("usage: node compareSecretlint.mjs <folder where secretlint is installed>\n");
  process.exit(2);
}
const resolve = createRequire(path.join(path.resolve(installed), "package.json")).resolve;
const { lintSource } = await import(resolve("@secretlint/core"));
const { creator } = await import(resolve("@secretlint/secretlint-rule-preset-recommend"));
const corpora = JSON.parse(
  readFileSync(new URL("../../server/src/guardrails/testdata/corpora.json", import.meta.url), "utf8"),
);
const config = { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: creator }] };
const lint = (content) =>
  lintSource({
    source: { filePath: "/corpus.txt", content, contentType: "text", ext: ".txt" },
    options: { config, noPhysicFilePath: true },
  });

const times = [];
const timed = async (content) => {
  const started = performance.now();
  const result = await lint(content);
  times.push(performance.now() - started);
  return result;
};
const missed = {};
const refused = {};
for (const item of corpora.secrets.positives) {
  const { messages } = await timed(item.text);
  const covered = messages.some((message) => {
    const found = item.text.slice(message.range[0], message.range[1]);
    return found.includes(item.secret) || (found.length > 8 && item.secret.includes(found));
  });
  if (!covered) missed[item.category] = (missed[item.category] ?? 0) + 1;
}
for (const item of corpora.secrets.negatives) {
  if ((await timed(item.text)).messages.length) refused[item.category] = (refused[item.category] ?? 0) + 1;
}

// The same prompt-sized text as guardrailsEval.ts's promptRedaction.
const parts = [];
for (let index = 0, length = 0; length < 6000; index += 7) {
  const text = corpora.secrets.negatives[index % corpora.secrets.negatives.length].text;
  parts.push(text);
  length += text.length;
}
parts.splice(parts.length >> 1, 0, corpora.secrets.positives[0].text);
const prompt = parts.join("");
const promptTimes = [];
for (let run = 0; run < 200; run++) {
  const started = performance.now();
  await lint(prompt);
  promptTimes.push(performance.now() - started);
}

const sum = (counts) => Object.values(counts).reduce((total, count) => total + count, 0);
const median = (values, p = 0.5) => [...values].sort((a, b) => a - b)[Math.floor(values.length * p)];
process.stdout.write(
  `${JSON.stringify(
    {
      positives: corpora.secrets.positives.length,
      negatives: corpora.secrets.negatives.length,
      violationRate: Math.round((sum(missed) / corpora.secrets.positives.length) * 10000) / 10000,
      falseRefusalRate: Math.round((sum(refused) / corpora.secrets.negatives.length) * 10000) / 10000,
      p50Us: Math.round(median(times) * 10000) / 10,
      promptChars: prompt.length,
      promptP50Us: Math.round(median(promptTimes) * 10000) / 10,
      promptP90Us: Math.round(median(promptTimes, 0.9) * 10000) / 10,
      missedByCategory: missed,
      refusedByCategory: refused,
    },
    null,
    2,
  )}\n`,
);
