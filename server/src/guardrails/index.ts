/**
 * Hearth's guardrails: one policy module for the server and the VS Code client. Input guards (secrets,
 * prompt injection), the review agent's tool-call approval, and output guards (dangerous shell commands,
 * secrets and unknown names in suggestions, structured-output retries). Everything exported here is pure and
 * imports no Node module; the parse check (`parseCheck.ts`, needs `syntax/`) and the corpus eval
 * (`guardrailsEval.ts`) are imported from their own files.
 */

export type { SuggestionVerdict } from "./completionGuards";
export { checkSuggestion } from "./completionGuards";
export type { DangerousCommand, DangerousCommandOptions } from "./dangerousCommands";
export { defaultDangerousCommandOptions, findDangerousCommands } from "./dangerousCommands";
export type { GuardName, GuardOutcome, GuardTally } from "./guardCounters";
export { GuardCounters, guardNames } from "./guardCounters";
export type { GuardrailsConfig } from "./guardrailsConfig";
export { defaultGuardrailsConfig, resolveGuardrailsConfig } from "./guardrailsConfig";
export { GuardrailsPolicy } from "./guardrailsPolicy";
export type { InjectionFinding, InjectionSignal, InjectionVerdict, UntrustedChunk } from "./injection";
export {
  classifyInjection,
  hiddenCharacters,
  revealHiddenCharacters,
  untrustedDataInstruction,
  wrapUntrusted,
} from "./injection";
export { languageBuiltins } from "./languageBuiltins";
export type { RedactionResult, SecretFinding, SecretScanOptions } from "./secrets";
export {
  containsSecret,
  defaultSecretScanOptions,
  findSecrets,
  redactionPlaceholder,
  redactionPlaceholderPattern,
  redactSecrets,
  shannonEntropy,
} from "./secrets";
export type { StructuredResult, Validation } from "./structuredOutput";
export { generateValidated, parseJson, StructuredOutputError } from "./structuredOutput";
export type {
  ReviewToolName,
  ToolApprovalRule,
  ToolCall,
  ToolCallProvenance,
  ToolDecision,
} from "./toolApproval";
export { authorizeToolCall, reviewTools } from "./toolApproval";
export type { IdentifierContext } from "./unknownIdentifiers";
export { stripStringsAndComments, unknownIdentifiers } from "./unknownIdentifiers";
