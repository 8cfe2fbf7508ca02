/** How an unknown thrown value is put into words for logs and error answers. */

/** The message of an `Error`, or the value itself as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
