// Writes the bug detector's training rows from real files, through Hearth's own site extraction
// (server/src/review/candidateSites.ts), so the trainer sees exactly the features inference computes.
// For each file: natural sites (label 0) and bugs seeded by the same edits the review eval plants,
// re-parsed and re-extracted (label 1); a seeded row and the natural row it came from share a pair id.
// Usage (train_bug_detector.py bundles and runs it):
//   node dumpBugSites.mjs <files.json> <out.jsonl> <buckets> <seed>
//   files.json: [{"path", "index", "repairs"}]; out rows: {"k": kind, "y": 0|1, "f": file index,
//   "p": pair id or -1, "t": [[embedding ids] per slot], "n": [numbers]}, plus one {"stats": ...} row per
//   file. Rows of files marked "repairs" (validation and held-out) also carry "r": the [t, n] features of
//   each repair the learned pass would weigh (bugEdits.repairsOf), for choosing its thresholds.
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { seededRandom } from "../../../server/src/bench/typingTrace";
import {
  applyEdit,
  extentAfter,
  removeAwaitEdit,
  repairsOf,
  seedEdit,
} from "../../../server/src/review/bugEdits";
import {
  type BugKind,
  bugKinds,
  type CandidateSite,
  extractSites,
  type FunctionSpan,
  type TextEdit,
} from "../../../server/src/review/candidateSites";
import { fnv1a, tokenIds } from "../../../server/src/review/identifierTokens";
import { createParserBackend } from "../../../server/src/syntax/createParserBackend";
import { languageForPath } from "../../../server/src/syntax/languages";

const [filesPath, outPath, bucketsText, seedText] = process.argv.slice(2);
if (!filesPath || !outPath || !bucketsText || !seedText) {
  process.stderr.write("usage: dumpBugSites.mjs <files.json> <out.jsonl> <buckets> <seed>\n");
  process.exit(2);
}
const buckets = Number(bucketsText);
const seed = Number(seedText);
/** Natural sites kept per file and kind (label 0), and bugs seeded per file and kind (label 1). */
const naturalPerKind = 40;
const seededPerKind = 14;
/** Awaits are rarer than the other sites (much of node_modules is compiled to ES5), so all are used. */
const seededAwaitsPerFile = 60;

const files: { path: string; index: number; repairs: boolean }[] = JSON.parse(
  readFileSync(filesPath, "utf8"),
);
const parser = createParserBackend({ backend: "native" });
// Synchronous writes: the loop never yields to the event loop for long, so a stream would only buffer.
const outFile = openSync(outPath, "w");
const out = { write: (text: string) => writeSync(outFile, text) };
let pairId = 0;
const totals = { natural: 0, seeded: 0, lost: 0 };
const started = Date.now();

const ids = (tokens: string[]) => tokens.map((token) => tokenIds(token, buckets));
const rounded = (numbers: number[]) => numbers.map((value) => Math.round(value * 1e4) / 1e4);

function row(
  site: CandidateSite,
  label: number,
  file: { index: number; repairs: boolean },
  pair: number,
  text: string,
): string {
  const fields: Record<string, unknown> = {
    k: bugKinds.indexOf(site.kind),
    y: label,
    f: file.index,
    p: pair,
    t: ids(site.tokens),
    n: rounded(site.numbers),
  };
  if (file.repairs) {
    fields.r = repairsOf(site, text).flatMap((repair) =>
      repair.features ? [[ids(repair.features.tokens), rounded(repair.features.numbers)]] : [],
    );
  }
  return `${JSON.stringify(fields)}\n`;
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

interface Seeding {
  kind: BugKind;
  /** The natural site it came from (none for a removed await). */
  natural: CandidateSite | undefined;
  edit: TextEdit;
  extent: { start: number; end: number };
  /** Seedings in one function (or in one file for awaits of one callee) go to different re-parses. */
  group: string;
}

/**
 * Re-parsing a file per seeded bug costs too much, so each re-parse carries several, at most one per
 * outermost function: a function's features (identifier counts, parameters) then see only its own bug. Awaits
 * of one callee also go to different re-parses (a site counts how often its callee is awaited in the file).
 */
function batches(seedings: Seeding[]): Seeding[][] {
  const result: { items: Seeding[]; groups: Set<string> }[] = [];
  for (const seeding of seedings) {
    const fits = result.find(
      (batch) =>
        !batch.groups.has(seeding.group) &&
        batch.items.every(
          (other) => seeding.edit.end <= other.extent.start || other.extent.end <= seeding.edit.start,
        ),
    );
    const batch = fits ?? { items: [], groups: new Set<string>() };
    if (!fits) result.push(batch);
    batch.items.push(seeding);
    batch.groups.add(seeding.group);
  }
  return result.map((batch) => batch.items);
}

/** Applies a batch's edits and says where each seeded site lies in the new text. */
function applyBatch(
  text: string,
  batch: Seeding[],
): { text: string; extents: { start: number; end: number }[] } {
  const extents = batch.map((seeding) => {
    let shift = 0;
    for (const other of batch) {
      if (other !== seeding && other.edit.end <= seeding.extent.start) {
        shift += other.edit.text.length - (other.edit.end - other.edit.start);
      }
    }
    const own = extentAfter(seeding.extent, seeding.edit);
    return { start: own.start + shift, end: own.end + shift };
  });
  let changed = text;
  for (const seeding of [...batch].sort((a, b) => b.edit.start - a.edit.start))
    changed = applyEdit(changed, seeding.edit);
  return { text: changed, extents };
}

function outermostFunction(functions: FunctionSpan[], offset: number): string {
  const outer = functions.find((span) => !span.nested && span.start <= offset && offset < span.end);
  return outer ? `function:${outer.start}` : "module";
}

for (const [position, file] of files.entries()) {
  // Native trees are freed by finalizers, which only run when the event loop gets a turn.
  await new Promise((resolve) => setImmediate(resolve));
  const language = languageForPath(file.path);
  if (!language) continue;
  const text = readFileSync(file.path, "utf8");
  const tree = await parser.parse(language, text);
  const extracted = extractSites(tree);
  tree.dispose();
  const random = seededRandom(seed ^ fnv1a(file.path));
  const counts = Object.fromEntries(bugKinds.map((kind) => [kind, 0]));
  for (const site of extracted.sites) counts[site.kind]!++;
  out.write(
    `${JSON.stringify({ stats: { f: file.index, functions: extracted.functions.length, sites: counts } })}\n`,
  );
  const seedings: Seeding[] = [];
  for (const kind of bugKinds) {
    const natural = shuffled(
      extracted.sites.filter((site) => site.kind === kind),
      random,
    );
    for (const site of natural.slice(0, naturalPerKind)) {
      out.write(row(site, 0, file, -1, text));
      totals.natural++;
    }
    if (kind === "missing-await") {
      for (const call of shuffled(extracted.awaitedCalls, random).slice(0, seededAwaitsPerFile)) {
        seedings.push({
          kind,
          natural: undefined,
          edit: removeAwaitEdit(call),
          extent: { start: call.awaitStart, end: call.callEnd },
          group: `await:${call.callee}`,
        });
      }
      continue;
    }
    let planned = 0;
    for (const site of natural) {
      if (planned >= seededPerKind) break;
      const edit = seedEdit(site, text, random);
      if (!edit) continue;
      seedings.push({
        kind,
        natural: site,
        edit,
        extent: site,
        group: outermostFunction(extracted.functions, site.start),
      });
      planned++;
    }
  }
  for (const batch of batches(seedings)) {
    const applied = applyBatch(text, batch);
    const seededTree = await parser.parse(language, applied.text);
    const seededSites = extractSites(seededTree).sites;
    seededTree.dispose();
    for (const [index, seeding] of batch.entries()) {
      const extent = applied.extents[index]!;
      // A changed operator can regroup the expression (`a and b and c` -> `a and b or c`): then the site is
      // the operation whose operator is the changed one.
      const operatorAt = extent.start + (seeding.edit.start - seeding.extent.start);
      const seeded =
        seededSites.find(
          (site) => site.kind === seeding.kind && site.start === extent.start && site.end === extent.end,
        ) ??
        seededSites.find(
          (site) =>
            site.kind === seeding.kind &&
            (seeding.kind === "wrong-operator" || seeding.kind === "off-by-one") &&
            site.detail.layout === "binary" &&
            site.detail.operatorSpan.start === operatorAt,
        );
      if (!seeded) {
        totals.lost++;
        if (process.env.HEARTH_DUMP_DEBUG) {
          const context = applied.text.slice(extent.start, extent.end + 20);
          process.stderr.write(`lost ${seeding.kind} in ${file.path}: ${JSON.stringify(context)}\n`);
        }
        continue;
      }
      const pair = seeding.natural ? pairId++ : -1;
      if (seeding.natural) out.write(row(seeding.natural, 0, file, pair, text));
      out.write(row(seeded, 1, file, pair, applied.text));
      totals.seeded++;
    }
  }
  if ((position + 1) % 200 === 0) {
    process.stderr.write(
      `dumpBugSites: ${position + 1}/${files.length} files, ${JSON.stringify(totals)}, ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
  }
}
closeSync(outFile);
process.stderr.write(
  `dumpBugSites: done ${JSON.stringify(totals)} in ${Math.round((Date.now() - started) / 1000)} s\n`,
);
