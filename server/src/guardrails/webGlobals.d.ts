/**
 * The two web-platform globals the guardrails use, which Node and every browser (the VS Code client) provide,
 * declared for the build without Node's or the DOM's types (`tsconfig.pure.json`).
 */

declare function atob(data: string): string;
declare function btoa(data: string): string;
