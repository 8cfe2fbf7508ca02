/**
 * The guardrails as the server applies them: the current settings, the counters, and the calls the other
 * capabilities make (redact what enters a prompt, judge a suggestion before it is shown). One instance lives
 * in the core; a settings change swaps the config in place, so nobody holding the policy needs to restart.
 */

import { checkSuggestion, type SuggestionVerdict } from "./completionGuards";
import { GuardCounters } from "./guardCounters";
import { defaultGuardrailsConfig, type GuardrailsConfig } from "./guardrailsConfig";
import { redactSecrets } from "./secrets";
import type { IdentifierContext } from "./unknownIdentifiers";

export class GuardrailsPolicy {
  readonly counters = new GuardCounters();

  constructor(private current: GuardrailsConfig = defaultGuardrailsConfig) {}

  get config(): GuardrailsConfig {
    return this.current;
  }

  reconfigure(config: GuardrailsConfig): void {
    this.current = config;
  }

  /** Text about to enter a prompt, with credentials replaced by a placeholder naming the rule (counted). */
  redactForPrompt(text: string): string {
    if (!this.current.secrets.enabled) return text;
    const result = redactSecrets(text, this.current.secrets);
    this.counters.add("secrets", "redactions", result.redactions.length);
    return result.text;
  }

  /**
   * Text about to be sent to a remote engine: credentials are always replaced there, whatever
   * `secrets.enabled` says for local prompts, because this text leaves the machine (counted like the rest).
   */
  redactForRemote(text: string): string {
    const result = redactSecrets(text, this.current.secrets);
    this.counters.add("secrets", "redactions", result.redactions.length);
    return result.text;
  }

  /** Whether an inline suggestion may be shown (no secret; known names when that check is on). */
  judgeSuggestion(text: string, identifiers?: IdentifierContext): SuggestionVerdict {
    return checkSuggestion(text, this.current, this.counters, identifiers);
  }
}
