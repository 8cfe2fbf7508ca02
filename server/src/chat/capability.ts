/**
 * The chat capability: `hearth/chat` (one turn, its answer streamed as `hearth/chat/delta`, cancellable within
 * a token), and the conversations kept in the workspace's feedback database (list, resume, delete). It reads
 * `hearth.chat.*` and restarts when the chat model changes.
 */

import { SettingsSection, type WarnSetting } from "../base/settingsReader";
import {
  type Capability,
  type CapabilityModule,
  type ClientPort,
  type OpenDocuments,
  onRequest,
} from "../capability/capability";
import type { IndexedWorkspaces } from "../index/indexedWorkspaces";
import { readModelsSettings } from "../models";
import {
  type ChatParams,
  type ChatResult,
  chatDeltaNotification,
  chatRequest,
  deleteConversationsRequest,
  getConversationRequest,
  listConversationsRequest,
} from "../protocol";
import type { WorkspaceSearch } from "../retrieval/workspaceSearch";
import { createParserBackend } from "../syntax";
import { ChatContext } from "./chatContext";
import { ChatService, type ChatServices, type ChatSettings } from "./chatService";

export interface ChatCapabilityServices extends ChatServices {
  indexes: IndexedWorkspaces;
  search: WorkspaceSearch;
  documents: OpenDocuments;
  client: ClientPort;
}

export interface ChatCapability extends Capability {
  /** One turn outside the editor (CLI, evals, benchmarks); `onText` sees the answer as it is written. */
  ask(params: ChatParams, signal?: AbortSignal, onText?: (text: string) => void): Promise<ChatResult>;
  /** Builds the repository map now (it is otherwise built by the first question after the index changed). */
  prepare(): Promise<void>;
}

/** Deltas go out at most this often: the answer so far, so none is lost by skipping some. */
const deltaIntervalMs = 40;
const recentLimit = 3;

export function resolveChatSettings(raw: unknown, warn: WarnSetting): ChatSettings {
  const section = SettingsSection.of(raw, "chat", warn);
  return {
    model: readModelsSettings(raw, () => {}).models?.chat,
    maxAnswerTokens: section.positiveInteger("maxAnswerTokens", 512),
    mapShare: section.boundedNumber("mapSharePercent", 0, 50, 25) / 100,
    temperature: 0,
    constrainAnswers: section.oneOf("constrainAnswers", ["auto", "always", "never"] as const, "auto"),
  };
}

export const chatCapability: CapabilityModule<ChatCapabilityServices, ChatSettings, ChatCapability> = {
  name: "chat",
  settingsSections: ["chat", "models"],
  resolveSettings: resolveChatSettings,
  start(services, settings) {
    const recent = new Map<string, number>();
    const context = new ChatContext(services, createParserBackend({ logger: services.logger }));
    const chat = new ChatService(services, context, settings, () =>
      [...recent.entries()]
        .sort((left, right) => right[1] - left[1])
        .slice(0, recentLimit)
        .map(([uri]) => uri),
    );
    return {
      requests: [
        onRequest(chatRequest, (params, { signal }) => {
          let lastSent = 0;
          return chat.ask(params, signal, (text, ids) => {
            const now = performance.now();
            if (now - lastSent < deltaIntervalMs) return;
            lastSent = now;
            services.client.notify(chatDeltaNotification, {
              ...ids,
              clientTurnId: params.clientTurnId,
              text,
            });
          });
        }),
        onRequest(listConversationsRequest, () => chat.list()),
        onRequest(getConversationRequest, (params) => chat.turns(params.conversationId)),
        onRequest(deleteConversationsRequest, (params) => ({ deleted: chat.delete(params.conversationId) })),
      ],
      ask: (params, signal = new AbortController().signal, onText) =>
        chat.ask(params, signal, (text) => onText?.(text)),
      prepare: async () => {
        await context.repositoryMap();
      },
      documentChanged(uri) {
        if (uri.startsWith("file:")) recent.set(uri, Date.now());
      },
      documentClosed(uri) {
        recent.delete(uri);
      },
      dispose: () => {},
    };
  },
};
