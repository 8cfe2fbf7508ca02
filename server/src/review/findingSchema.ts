/**
 * The JSON schema a model pass asks its model to answer in (node-llama-cpp's `createGrammarForJsonSchema`
 * turns it into a grammar), and the conversion of such an answer into `Finding`s. Pure.
 */

import { type Finding, isSeverity } from "./finding";

/** What a model writes per finding: a `Finding` without `source` (the pass sets it). */
export const modelFindingsSchema = {
  type: "object",
  properties: {
    findings: {
      type: "array",
      items: {
        type: "object",
        properties: {
          file: { type: "string" },
          startLine: { type: "integer" },
          endLine: { type: "integer" },
          category: { type: "string" },
          severity: { enum: ["note", "warning", "error"] },
          message: { type: "string" },
          evidence: { type: "array", items: { type: "string" } },
          fix: {
            type: "object",
            properties: {
              startLine: { type: "integer" },
              endLine: { type: "integer" },
              replacement: { type: "string" },
            },
            required: ["startLine", "endLine", "replacement"],
          },
          confidence: { type: "number" },
        },
        required: [
          "file",
          "startLine",
          "endLine",
          "category",
          "severity",
          "message",
          "evidence",
          "confidence",
        ],
      },
    },
  },
  required: ["findings"],
} as const;

/**
 * The findings of a parsed model answer, with `source` set; entries missing a required field or of the wrong
 * type are left out (verification then checks the rest against the files).
 */
export function findingsFromModelAnswer(answer: unknown, source: Finding["source"]): Finding[] {
  const list = (answer as { findings?: unknown })?.findings;
  if (!Array.isArray(list)) return [];
  const findings: Finding[] = [];
  for (const entry of list) {
    const item = entry as Record<string, unknown>;
    const integer = (value: unknown) => (Number.isInteger(value) ? (value as number) : undefined);
    const startLine = integer(item.startLine);
    const endLine = integer(item.endLine);
    if (
      typeof item.file !== "string" ||
      startLine === undefined ||
      endLine === undefined ||
      typeof item.category !== "string" ||
      typeof item.severity !== "string" ||
      !isSeverity(item.severity) ||
      typeof item.message !== "string" ||
      !Array.isArray(item.evidence) ||
      !item.evidence.every((line) => typeof line === "string") ||
      typeof item.confidence !== "number"
    ) {
      continue;
    }
    const fix = item.fix as Record<string, unknown> | undefined;
    const fixStart = integer(fix?.startLine);
    const fixEnd = integer(fix?.endLine);
    findings.push({
      file: item.file,
      startLine,
      endLine,
      category: item.category,
      severity: item.severity,
      message: item.message,
      evidence: item.evidence as string[],
      ...(fix && fixStart !== undefined && fixEnd !== undefined && typeof fix.replacement === "string"
        ? { fix: { startLine: fixStart, endLine: fixEnd, replacement: fix.replacement } }
        : {}),
      confidence: Math.min(1, Math.max(0, item.confidence)),
      source,
    });
  }
  return findings;
}
