/**
 * The learned gate's examples from the user's own feedback: suggestions shown while the gate was on carry the
 * gate's features (`SuggestionFacts.gateFeatures`), and the feedback database knows how many of their
 * characters the user took (accepted whole or word by word). Read-only; none when there is no database or no
 * such suggestion yet.
 */

import { existsSync } from "node:fs";
import { type GateExample, gateFeatureNames } from "../completion/pipeline";
import { FeedbackStore } from "../store/feedbackStore";

/** At most this many recent events are read (the default retention keeps up to 300,000). */
const eventLimit = 300_000;

export function feedbackGateExamples(databasePath: string | undefined): GateExample[] {
  if (!databasePath || !existsSync(databasePath)) return [];
  const store = FeedbackStore.open(databasePath, { readonly: true });
  try {
    const features = new Map<string, number[]>();
    for (const { event } of store.recentEvents(eventLimit)) {
      if (event.surface !== "inline" || event.type !== "shown") continue;
      const gateFeatures = event.facts?.gateFeatures;
      if (Array.isArray(gateFeatures) && gateFeatures.length === gateFeatureNames.length) {
        features.set(event.subjectId, gateFeatures);
      }
    }
    if (features.size === 0) return [];
    const examples: GateExample[] = [];
    for (const row of store.exportRows()) {
      const found = features.get(row.id);
      // Still shown or unanswered: nothing to learn yet.
      if (found && row.outcome !== null) examples.push({ features: found, acceptedChars: row.acceptedChars });
    }
    return examples;
  } finally {
    store.close();
  }
}
