/**
 * Remote engines' protocol: the editor hands the server an API key it keeps in its secret storage. The server
 * holds keys in memory only, for the endpoint named, and never echoes, logs or stores them.
 */

import { z } from "zod";
import { defineNotification } from "./descriptors";

/**
 * `hearth/engines/setApiKey` (notification, client to server): the key for one remote endpoint (as written in
 * `hearth.models.<role>`), or `null` to forget it. Sent when the server starts and when the user sets a key.
 */
export const setApiKeyNotification = defineNotification<SetApiKeyParams>(
  "hearth/engines/setApiKey",
  z.object({ endpoint: z.string().min(1), key: z.string().nullable() }),
);

export interface SetApiKeyParams {
  endpoint: string;
  key: string | null;
}
