/**
 * Review findings as a SARIF 2.1.0 log, the format CI systems read (GitHub code scanning among them): one run,
 * a rule per category, one result per finding with its relative location, a fingerprint that survives line
 * shifts, and the suggested fix as a SARIF fix. Pure.
 */

import type * as Sarif from "sarif";
import { bugKindTitles } from "./bugEdits";
import { type BugKind, bugKinds } from "./candidateSites";
import type { Finding } from "./finding";
import { fnv1a } from "./identifierTokens";

export interface SarifOptions {
  toolVersion: string;
  /** Findings' `file` paths are relative to this folder; it becomes the run's `%SRCROOT%` when given. */
  rootUri?: string;
}

const ruleDescriptions: Record<BugKind, string> = {
  "swapped-arguments": "Two arguments of a call look like they are in the wrong order.",
  "wrong-operator": "A binary operator looks wrong for its operands and context.",
  "wrong-operand": "An operand of a binary operation looks like the wrong variable.",
  "off-by-one": "A comparison may include or exclude its bound by mistake (< versus <=).",
  "inverted-condition": "The test of an if, while or conditional expression may be the wrong way round.",
  "missing-await": "A call in an async function returns a promise that is never awaited.",
};

export function toSarif(findings: readonly Finding[], options: SarifOptions): Sarif.Log {
  const categories = [...new Set([...bugKinds, ...findings.map((finding) => finding.category)])];
  const rules: Sarif.ReportingDescriptor[] = categories.map((category) => {
    const known = (bugKinds as readonly string[]).includes(category) ? (category as BugKind) : undefined;
    return {
      id: category,
      name: ruleName(category),
      shortDescription: { text: known ? bugKindTitles[known] : category },
      ...(known ? { fullDescription: { text: ruleDescriptions[known] } } : {}),
      defaultConfiguration: { level: "warning" },
    };
  });
  const ruleIndex = new Map(categories.map((category, index) => [category, index]));
  const results: Sarif.Result[] = findings.map((finding) => {
    const artifactLocation: Sarif.ArtifactLocation = {
      uri: encodeURI(finding.file),
      ...(options.rootUri ? { uriBaseId: "%SRCROOT%" } : {}),
    };
    const result: Sarif.Result = {
      ruleId: finding.category,
      ruleIndex: ruleIndex.get(finding.category)!,
      level: finding.severity,
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation,
            region: {
              startLine: finding.startLine,
              endLine: finding.endLine,
              snippet: { text: finding.evidence.join("\n") },
            },
          },
        },
      ],
      partialFingerprints: { "hearthFindingHash/v1": fingerprint(finding) },
      properties: { confidence: finding.confidence, source: finding.source },
    };
    if (finding.fix) {
      result.fixes = [
        {
          description: { text: "Hearth's suggested change" },
          artifactChanges: [
            {
              artifactLocation,
              replacements: [
                {
                  deletedRegion: { startLine: finding.fix.startLine, endLine: finding.fix.endLine },
                  insertedContent: { text: finding.fix.replacement },
                },
              ],
            },
          ],
        },
      ];
    }
    return result;
  });
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: "Hearth",
        version: options.toolVersion,
        rules,
      },
    },
    results,
    columnKind: "utf16CodeUnits",
  };
  if (options.rootUri) {
    run.originalUriBaseIds = {
      "%SRCROOT%": { uri: options.rootUri.endsWith("/") ? options.rootUri : `${options.rootUri}/` },
    };
  }
  return { $schema: "https://json.schemastore.org/sarif-2.1.0.json", version: "2.1.0", runs: [run] };
}

/** `wrong-operand` -> `WrongOperand` (SARIF rule names are identifier-like). */
function ruleName(category: string): string {
  return category
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("");
}

/**
 * Rule, file and the quoted lines with their spacing normalised: stable when lines above move, different when
 * the flagged code changes. Two 32-bit FNV-1a hashes of differently salted inputs make 16 hex digits.
 */
export function fingerprint(finding: Finding): string {
  const key = `${finding.category}\n${finding.file}\n${finding.evidence.map((line) => line.trim().replace(/\s+/g, " ")).join("\n")}`;
  const hex = (value: number) => value.toString(16).padStart(8, "0");
  return `${hex(fnv1a(`a:${key}`))}${hex(fnv1a(`b:${key}`))}`;
}
