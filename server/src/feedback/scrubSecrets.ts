/**
 * Finds and masks secrets in code before it goes into an exported dataset: private keys, cloud and service
 * tokens with recognisable shapes, JWTs, passwords in connection strings, and quoted values assigned to
 * secret-looking names. Pure. A dataset is a file users share; a false positive costs one masked string, a
 * miss leaks a credential, so the rules lean towards masking.
 */

export interface ScrubResult {
  text: string;
  /** Kinds of the secrets found, one entry per occurrence. */
  found: string[];
}

interface SecretRule {
  kind: string;
  pattern: RegExp;
  /** Which capture group is the secret (0: the whole match). */
  group?: number;
}

const rules: SecretRule[] = [
  {
    kind: "private-key",
    pattern:
      /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g,
  },
  { kind: "aws-access-key", pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/g },
  { kind: "github-token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: "gitlab-token", pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { kind: "slack-token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { kind: "slack-webhook", pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g },
  { kind: "stripe-key", pattern: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { kind: "google-api-key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: "openai-style-key", pattern: /\bsk-(?:[A-Za-z0-9]+-)*[A-Za-z0-9_]{20,}\b/g },
  { kind: "npm-token", pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: "huggingface-token", pattern: /\bhf_[A-Za-z0-9]{30,}\b/g },
  { kind: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // user:password@host in URLs and connection strings: only the password is masked.
  { kind: "url-password", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:([^\s@/'"]{3,})@/gi, group: 1 },
  // name = "value" / name: 'value' where the name says secret; placeholders and references are left alone.
  {
    kind: "assigned-secret",
    pattern:
      /\b[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?key|credentials?)[\w.-]*["']?[ \t]*(?::=|=>|[:=])[ \t]*(["'`])([^"'`\s]{6,})\1/gi,
    group: 2,
  },
  {
    kind: "aws-secret-key",
    pattern: /\baws_secret_access_key[ \t]*[:=][ \t]*["']?([A-Za-z0-9/+=]{40})\b/gi,
    group: 1,
  },
];

const placeholder =
  /^(?:\$\{?[\w.]+\}?|<[^>]*>|\{\{[^}]*\}\}|x+|\*+|\.{3}|changeme|example|dummy|test|your[\w-]*|null|none|undefined|true|false)$/i;

export function scrubSecrets(text: string): ScrubResult {
  const found: string[] = [];
  let result = text;
  for (const rule of rules) {
    result = result.replace(rule.pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      const secret = rule.group ? (args[rule.group] as string | undefined) : match;
      if (!secret || (rule.kind === "assigned-secret" && placeholder.test(secret))) return match;
      found.push(rule.kind);
      const masked = `<secret:${rule.kind}>`;
      return rule.group ? match.replace(secret, masked) : masked;
    });
  }
  return { text: result, found };
}

/** Whether a text contains anything `scrubSecrets` would mask. */
export function containsSecret(text: string): boolean {
  return scrubSecrets(text).found.length > 0;
}
