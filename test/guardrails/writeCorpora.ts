/**
 * Writes the generated guardrails corpora (`server/src/guardrails/testdata/corpora.json`). Run after changing
 * `generateCorpora.ts`:
 *   npx esbuild test/guardrails/writeCorpora.ts --bundle --platform=node --format=esm \
 *     --outfile=/tmp/writeCorpora.mjs && node /tmp/writeCorpora.mjs server/src/guardrails/testdata
 */

import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { generateCorpora, serializeCorpora } from "../../server/src/guardrails/testdata/generateCorpora";

const folder = process.argv[2];
if (!folder) {
  process.stderr.write("usage: node writeCorpora.mjs <folder>\n");
  process.exit(2);
}
writeFileSync(path.join(folder, "corpora.json"), serializeCorpora(generateCorpora()));
