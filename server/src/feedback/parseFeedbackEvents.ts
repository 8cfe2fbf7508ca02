/**
 * Checks feedback events that arrive from an editor before anything is stored: the server trusts no client
 * with its database. Unknown kinds and malformed events are dropped (and counted); long strings are cut.
 */

import { type FeedbackEvent, type FeedbackSurface, survivalCheckpoints } from "../protocol";

/** Event types each surface may send; review types are accepted ahead of their client. */
const typesBySurface: Record<FeedbackSurface, readonly string[]> = {
  inline: ["shown", "accepted", "partiallyAccepted", "rejected", "ignored", "survival", "userText"],
  editor: ["activity"],
  chat: ["answered", "copied", "inserted", "applied", "regenerated", "rated"],
  review: ["rated", "findingAccepted", "findingDismissed"],
};

const rejectReasons = ["typedOver", "escape", "cursorMoved", "replaced"];
const ignoreReasons = ["editorChanged", "documentClosed", "timeout", "typedThrough", "stopped"];
const stopReasons = ["finished", "maxTokens", "cancelled", "error", "noModel"];

/** Longest text kept from one event (a survival region, the user's text, a suggestion). */
export const maxEventTextChars = 8_000;
const maxIdChars = 200;

export interface ParsedFeedbackEvents {
  events: FeedbackEvent[];
  invalid: number;
  /** The first few reasons, for the log. */
  problems: string[];
}

export function parseFeedbackEvents(input: unknown): ParsedFeedbackEvents {
  const result: ParsedFeedbackEvents = { events: [], invalid: 0, problems: [] };
  const list = Array.isArray(input) ? input : [];
  if (!Array.isArray(input)) {
    result.invalid++;
    result.problems.push("events is not an array");
  }
  for (const candidate of list) {
    const problem = checkEvent(candidate);
    if (problem) {
      result.invalid++;
      if (result.problems.length < 5) result.problems.push(problem);
      continue;
    }
    result.events.push(trimStrings(candidate as FeedbackEvent));
  }
  return result;
}

function checkEvent(value: unknown): string | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return "an event is not an object";
  const event = value as Record<string, unknown>;
  if (!isId(event.eventId)) return "eventId is missing or too long";
  if (!isId(event.subjectId)) return `event ${event.eventId}: subjectId is missing or too long`;
  if (!isTime(event.at)) return `event ${event.eventId}: at is not a time`;
  const surface = event.surface as FeedbackSurface;
  const types = typesBySurface[surface];
  if (!types) return `event ${event.eventId}: unknown surface ${String(event.surface)}`;
  if (typeof event.type !== "string" || !types.includes(event.type)) {
    return `event ${event.eventId}: unknown type ${String(event.type)} for ${surface}`;
  }
  const need = (ok: boolean, what: string) =>
    ok ? undefined : `event ${event.eventId} (${event.type}): ${what}`;
  switch (event.type) {
    case "shown":
      return (
        need(typeof event.language === "string", "language") ??
        need(event.trigger === "automatic" || event.trigger === "invoked", "trigger") ??
        need(isCount(event.latencyMs), "latencyMs") ??
        need(isCount(event.chars) && isCount(event.lines), "chars and lines") ??
        need(isFacts(event.facts), "facts") ??
        need(event.text === undefined || typeof event.text === "string", "text")
      );
    case "accepted":
      return need(
        isCount(event.acceptedChars) && isCount(event.partialAccepts),
        "acceptedChars and partialAccepts",
      );
    case "partiallyAccepted":
      return (
        need(["word", "line", "unknown"].includes(event.unit as string), "unit") ??
        need(isCount(event.chars) && isCount(event.acceptedChars) && isCount(event.remainingChars), "counts")
      );
    case "rejected":
    case "ignored":
      return (
        need(
          (event.type === "rejected" ? rejectReasons : ignoreReasons).includes(event.reason as string),
          "reason",
        ) ?? need(isCount(event.acceptedChars) && isCount(event.typedChars), "acceptedChars and typedChars")
      );
    case "survival":
      return (
        need(survivalCheckpoints.includes(event.checkpoint as never), "checkpoint") ??
        need(isShare(event.similarity), "similarity") ??
        need(isCount(event.acceptedChars) && isCount(event.currentChars), "counts") ??
        need(event.text === undefined || typeof event.text === "string", "text")
      );
    case "userText":
      return (
        need(survivalCheckpoints.includes(event.checkpoint as never), "checkpoint") ??
        need(typeof event.text === "string", "text") ??
        need(isShare(event.similarity), "similarity")
      );
    case "activity":
      return (
        need(typeof event.language === "string", "language") ??
        need(
          isCount(event.activeMs) &&
            isCount(event.edits) &&
            isCount(event.typedChars) &&
            isCount(event.requests),
          "counts",
        )
      );
    case "answered":
      return (
        need(stopReasons.includes(event.stopReason as string), "stopReason") ??
        need(isCount(event.chars) && isCount(event.citations), "chars and citations") ??
        need(
          (event.timeToFirstTokenMs === undefined || isCount(event.timeToFirstTokenMs)) &&
            (event.totalMs === undefined || isCount(event.totalMs)),
          "timings",
        )
      );
    case "copied":
    case "inserted":
    case "applied":
    case "regenerated":
      return need(event.chars === undefined || isCount(event.chars), "chars");
    case "rated":
      return need(event.rating === "up" || event.rating === "down", "rating");
    default:
      return undefined;
  }
}

function trimStrings(event: FeedbackEvent): FeedbackEvent {
  const copy = { ...event } as Record<string, unknown>;
  for (const [key, value] of Object.entries(copy)) {
    if (typeof value === "string" && value.length > maxEventTextChars)
      copy[key] = value.slice(0, maxEventTextChars);
  }
  if (typeof copy.language === "string") copy.language = (copy.language as string).slice(0, 64);
  return copy as unknown as FeedbackEvent;
}

function isFacts(value: unknown): boolean {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const facts = value as Record<string, unknown>;
  const optionalString = (key: string) => facts[key] === undefined || typeof facts[key] === "string";
  const optionalNumber = (key: string) => facts[key] === undefined || isCount(facts[key]);
  return (
    optionalString("model") &&
    optionalString("template") &&
    optionalString("promptVersion") &&
    (facts.source === undefined || ["cache", "model", "inFlight"].includes(facts.source as string)) &&
    (facts.contextSources === undefined ||
      (Array.isArray(facts.contextSources) &&
        facts.contextSources.every((source) => typeof source === "string"))) &&
    optionalNumber("serverLatencyMs") &&
    optionalNumber("promptTokens") &&
    optionalNumber("reusedPromptTokens") &&
    (facts.gateFeatures === undefined ||
      (Array.isArray(facts.gateFeatures) &&
        facts.gateFeatures.length <= 64 &&
        facts.gateFeatures.every((feature) => typeof feature === "number" && Number.isFinite(feature))))
  );
}

const isId = (value: unknown): value is string =>
  typeof value === "string" && value.length > 0 && value.length <= maxIdChars;
const isTime = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value > 0;
const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0;
const isShare = (value: unknown): value is number => isCount(value) && (value as number) <= 1;
