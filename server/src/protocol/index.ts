/**
 * Hearth's own LSP methods and their data types, one file per capability, declared once for both sides.
 *
 * This is the only server folder the client may import besides the pure `base/` helpers. It holds
 * descriptors, schemas and plain data types: no `vscode`, no `node:*`, no side effects.
 */

export * from "./chat";
export * from "./completion";
export * from "./descriptors";
export * from "./engines";
export * from "./evals";
export * from "./feedback";
export * from "./review";
export * from "./search";
export * from "./status";
