/**
 * The capabilities the server runs, in start order. Adding one is one line here (and its folder); the LSP
 * layer, status and settings changes pick it up from this table.
 */

import { chatCapability } from "../chat/capability";
import { completionCapability } from "../completion/capability";
import { enginesCapability } from "../engines/capability";
import { evalsCapability } from "../eval/capability";
import { feedbackCapability } from "../feedback/capability";
import { guardrailsCapability } from "../guardrails/capability";
import { healthCapability } from "../health/capability";
import { indexingCapability } from "../index/capability";
import { searchCapability } from "../retrieval/capability";
import { reviewCapability } from "../review/capability";

export const capabilityModules = [
  healthCapability,
  enginesCapability,
  guardrailsCapability,
  indexingCapability,
  searchCapability,
  feedbackCapability,
  completionCapability,
  chatCapability,
  evalsCapability,
  reviewCapability,
] as const;
