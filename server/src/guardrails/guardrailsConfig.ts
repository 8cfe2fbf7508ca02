/**
 * The guardrails' typed config, its defaults, and the resolver from the raw `hearth.guardrails.*` settings
 * object. Pure: shared by the server and the VS Code client. Unknown keys are ignored and a value of the
 * wrong type falls back to its default with a warning, so a typo never turns a guard off silently.
 */

import type { ToolApprovalRule } from "./toolApproval";

export interface GuardrailsConfig {
  secrets: {
    /** Redact credentials before text reaches a prompt, the index, feedback or an export; drop suggestions holding one. */
    enabled: boolean;
    /** Shannon entropy (bits per character) a value assigned to a secret-looking name needs to count as a key. */
    entropyThreshold: number;
    /** Literal values never redacted (a team's documented test keys). */
    allowedValues: string[];
  };
  injection: {
    /** Mark workspace text carrying instructions for the assistant or hidden Unicode as untrusted in prompts. */
    enabled: boolean;
    /** Score at which a chunk counts as an injection attempt (see `classifyInjection`). */
    threshold: number;
  };
  toolApproval: {
    /** The user's rules, first match wins; calls no rule matches get each tool's default. */
    rules: ToolApprovalRule[];
  };
  dangerousCommands: {
    /** Flag destructive shell commands in chat answers and review fixes (never blocks, never runs them). */
    enabled: boolean;
    /** Force-pushing to these branches is flagged. */
    protectedBranches: string[];
  };
  completionParseCheck: {
    /** Drop an inline suggestion that makes a cleanly parsing file fail to parse. */
    enabled: boolean;
  };
  unknownIdentifiers: {
    /** Check inline suggestions for names defined nowhere Hearth can see. */
    enabled: boolean;
    /** `flag` only counts them; `suppress` drops the suggestion. */
    action: "flag" | "suppress";
  };
  structuredOutput: {
    /** Times a model answer that fails its schema is asked for again before a clear error. */
    retries: number;
  };
}

export const defaultGuardrailsConfig: GuardrailsConfig = {
  secrets: { enabled: true, entropyThreshold: 3.0, allowedValues: [] },
  // 2 = one strong signal (an override phrase, hidden bidi controls) or two weaker ones together.
  injection: { enabled: true, threshold: 2 },
  toolApproval: { rules: [] },
  dangerousCommands: { enabled: true, protectedBranches: ["main", "master", "trunk", "develop", "release"] },
  completionParseCheck: { enabled: true },
  // Off by default: measured on the tiny model's completions it flags real names too often (see the report
  // of `hearth eval guardrails`, guard `unknownIdentifiers`).
  unknownIdentifiers: { enabled: false, action: "flag" },
  structuredOutput: { retries: 1 },
};

/** Resolves `hearth.guardrails` (the object under that key) into a full config. */
export function resolveGuardrailsConfig(raw: unknown, warn: (message: string) => void): GuardrailsConfig {
  const root = asRecord(raw);
  const defaults = defaultGuardrailsConfig;
  const section = (name: string) => asRecord(root[name]);
  const read = <T>(
    record: Record<string, unknown>,
    key: string,
    check: (value: unknown) => value is T,
    fallback: T,
  ): T => {
    const value = record[key.split(".").at(-1)!];
    if (value === undefined || value === null) return fallback;
    if (check(value)) return value;
    warn(`setting hearth.guardrails.${key} has an invalid value ${JSON.stringify(value)}; using the default`);
    return fallback;
  };
  const secrets = section("secrets");
  const injection = section("injection");
  const toolApproval = section("toolApproval");
  const commands = section("dangerousCommands");
  const parse = section("completionParseCheck");
  const identifiers = section("unknownIdentifiers");
  const structured = section("structuredOutput");
  return {
    secrets: {
      enabled: read(secrets, "secrets.enabled", isBoolean, defaults.secrets.enabled),
      entropyThreshold: read(
        secrets,
        "secrets.entropyThreshold",
        isNumberIn(1, 6),
        defaults.secrets.entropyThreshold,
      ),
      allowedValues: read(secrets, "secrets.allowedValues", isStringArray, defaults.secrets.allowedValues),
    },
    injection: {
      enabled: read(injection, "injection.enabled", isBoolean, defaults.injection.enabled),
      threshold: read(injection, "injection.threshold", isNumberIn(1, 10), defaults.injection.threshold),
    },
    toolApproval: {
      rules: read(toolApproval, "toolApproval.rules", isRuleList, defaults.toolApproval.rules),
    },
    dangerousCommands: {
      enabled: read(commands, "dangerousCommands.enabled", isBoolean, defaults.dangerousCommands.enabled),
      protectedBranches: read(
        commands,
        "dangerousCommands.protectedBranches",
        isStringArray,
        defaults.dangerousCommands.protectedBranches,
      ),
    },
    completionParseCheck: {
      enabled: read(parse, "completionParseCheck.enabled", isBoolean, defaults.completionParseCheck.enabled),
    },
    unknownIdentifiers: {
      enabled: read(
        identifiers,
        "unknownIdentifiers.enabled",
        isBoolean,
        defaults.unknownIdentifiers.enabled,
      ),
      action: read(
        identifiers,
        "unknownIdentifiers.action",
        (value): value is "flag" | "suppress" => value === "flag" || value === "suppress",
        defaults.unknownIdentifiers.action,
      ),
    },
    structuredOutput: {
      retries: read(
        structured,
        "structuredOutput.retries",
        isIntegerIn(0, 3),
        defaults.structuredOutput.retries,
      ),
    },
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === "boolean";
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isNumberIn(low: number, high: number) {
  return (value: unknown): value is number =>
    typeof value === "number" && Number.isFinite(value) && value >= low && value <= high;
}

function isIntegerIn(low: number, high: number) {
  return (value: unknown): value is number => isNumberIn(low, high)(value) && Number.isInteger(value);
}

const decisions = new Set(["allow", "ask", "deny"]);

function isRuleList(value: unknown): value is ToolApprovalRule[] {
  return (
    Array.isArray(value) &&
    value.every((rule) => {
      const record = asRecord(rule);
      return (
        typeof record.tool === "string" &&
        typeof record.decision === "string" &&
        decisions.has(record.decision) &&
        (record.pathPrefix === undefined || typeof record.pathPrefix === "string")
      );
    })
  );
}
