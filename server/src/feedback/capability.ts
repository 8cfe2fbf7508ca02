/**
 * The feedback capability: events from the editor (`hearth/feedback/events`), the figures behind `hearth stats`
 * and the dashboard (`hearth/feedback/stats`), and deleting everything (`hearth/feedback/delete`). The
 * `FeedbackService` itself belongs to the core, because completion reads its policy; settings changes
 * reconfigure it without losing what it learned.
 */

import { type CapabilityModule, onNotification, onRequest } from "../capability/capability";
import { feedbackDeleteRequest, feedbackEventsNotification, feedbackStatsRequest } from "../protocol";
import { type FeedbackConfig, resolveFeedbackConfig } from "./feedbackConfig";
import type { FeedbackService } from "./feedbackService";

export interface FeedbackServices {
  feedback: FeedbackService;
}

export const feedbackCapability: CapabilityModule<FeedbackServices, FeedbackConfig> = {
  name: "feedback",
  settingsSections: ["feedback"],
  resolveSettings: resolveFeedbackConfig,
  start({ feedback }, config) {
    feedback.reconfigure(config);
    return {
      notifications: [onNotification(feedbackEventsNotification, (params) => feedback.record(params.events))],
      requests: [
        onRequest(feedbackStatsRequest, (params) => feedback.stats(params ?? {})),
        onRequest(feedbackDeleteRequest, () => feedback.deleteAll()),
      ],
      dispose: () => {},
    };
  },
};
