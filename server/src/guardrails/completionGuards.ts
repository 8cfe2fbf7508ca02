/**
 * The synchronous output guards for an inline suggestion, in the order the completer applies them: no secret
 * (nor a redaction placeholder the model copied from its prompt), then, when enabled, the unknown-identifier
 * check. Pure. The parse check is async and lives in `parseCheck.ts`.
 */

import type { GuardCounters } from "./guardCounters";
import type { GuardrailsConfig } from "./guardrailsConfig";
import { findSecrets, redactionPlaceholderPattern } from "./secrets";
import { type IdentifierContext, unknownIdentifiers } from "./unknownIdentifiers";

export type SuggestionVerdict =
  | { show: true; unknownNames: string[] }
  | { show: false; guard: "secrets" | "unknownIdentifiers"; reason: string };

export function checkSuggestion(
  suggestion: string,
  config: GuardrailsConfig,
  counters: GuardCounters,
  identifiers?: IdentifierContext,
): SuggestionVerdict {
  if (config.secrets.enabled) {
    if (redactionPlaceholderPattern.test(suggestion)) {
      counters.add("secrets", "blocks");
      return {
        show: false,
        guard: "secrets",
        reason: "the suggestion repeats a redacted secret's placeholder",
      };
    }
    const secret = findSecrets(suggestion, config.secrets)[0];
    if (secret) {
      counters.add("secrets", "blocks");
      return { show: false, guard: "secrets", reason: `the suggestion holds ${secret.reason}` };
    }
  }
  if (config.unknownIdentifiers.enabled && identifiers) {
    const unknownNames = unknownIdentifiers(suggestion, identifiers);
    if (unknownNames.length > 0) {
      if (config.unknownIdentifiers.action === "suppress") {
        counters.add("unknownIdentifiers", "blocks");
        return {
          show: false,
          guard: "unknownIdentifiers",
          reason: `unknown names: ${unknownNames.join(", ")}`,
        };
      }
      counters.add("unknownIdentifiers", "flags");
      return { show: true, unknownNames };
    }
  }
  return { show: true, unknownNames: [] };
}
