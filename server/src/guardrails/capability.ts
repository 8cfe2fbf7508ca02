/**
 * The guardrails capability: reads `hearth.guardrails.*` into the core's `GuardrailsPolicy` (in place: the
 * capabilities that use the policy keep running) and reports what each guard did in `hearth/status`.
 */

import type { CapabilityModule } from "../capability/capability";
import type { GuardrailsStatus } from "../protocol";
import { type GuardrailsConfig, resolveGuardrailsConfig } from "./guardrailsConfig";
import type { GuardrailsPolicy } from "./guardrailsPolicy";

export interface GuardrailsServices {
  guardrails: GuardrailsPolicy;
}

export const guardrailsCapability: CapabilityModule<GuardrailsServices, GuardrailsConfig> = {
  name: "guardrails",
  settingsSections: ["guardrails"],
  resolveSettings: (raw, warn) =>
    resolveGuardrailsConfig((raw as { guardrails?: unknown } | undefined)?.guardrails, warn),
  start({ guardrails }, config) {
    guardrails.reconfigure(config);
    return {
      status: (): { guardrails: GuardrailsStatus } => ({ guardrails: guardrails.counters.snapshot() }),
      dispose: () => {},
    };
  },
};
