/**
 * Finds credentials in text and masks them with a placeholder that says what was there, before the text
 * reaches a prompt, the index, a feedback record or an export, and before a suggestion is shown. Pure and
 * synchronous, so the completion keystroke path can call it (see `secretRules.ts` for the rule set and why
 * it is Hearth's own rather than secretlint's).
 *
 * Provider formats count on their shape (minus placeholders such as `ghp_xxxx…` or AWS's documented
 * `…EXAMPLE` key). Context rules (a value assigned to a secret-looking name, an Authorization header, a URL
 * password) also need a value that looks like a key: not a placeholder or a reference to a variable, and,
 * for keys and tokens, enough Shannon entropy.
 */

import {
  contextRules,
  formatRules,
  notSecretNamePattern,
  type SecretRule,
  secretNamePattern,
} from "./secretRules";

export interface SecretFinding {
  /** UTF-16 offsets into the scanned text. */
  start: number;
  end: number;
  rule: string;
  reason: string;
}

export interface SecretScanOptions {
  entropyThreshold: number;
  allowedValues: readonly string[];
}

export const defaultSecretScanOptions: SecretScanOptions = { entropyThreshold: 3.0, allowedValues: [] };

export interface RedactionResult {
  text: string;
  /** Offsets are into the original text, in order. */
  redactions: SecretFinding[];
}

/** The marker left where a secret was; it names the rule so the user can see why. */
export function redactionPlaceholder(rule: string): string {
  return `«redacted: ${rule}»`;
}

/** Matches the placeholder, e.g. to drop a suggestion that repeats one. */
export const redactionPlaceholderPattern = /«redacted: [a-z0-9-]+»/;

/** All secrets in `text`, in order, without overlaps (a provider format wins over a context rule). */
export function findSecrets(
  text: string,
  options: SecretScanOptions = defaultSecretScanOptions,
): SecretFinding[] {
  if (text.length < 8) return [];
  const present = presentKeywords(text);
  const active = (rule: SecretRule) =>
    rule.keywords.some((keyword) => present.some((found) => found.startsWith(keyword)));
  const candidates: SecretFinding[] = [];
  for (const rule of formatRules) if (active(rule)) collect(rule, text, options, candidates, confirmFormat);
  const formatCount = candidates.length;
  for (const rule of contextRules) if (active(rule)) collect(rule, text, options, candidates, confirmContext);
  if (candidates.length === 0) return candidates;
  // Format findings first (they are more specific), then by position; drop anything overlapping a kept one.
  const ordered = candidates
    .map((finding, index) => ({ finding, tier: index < formatCount ? 0 : 1 }))
    .sort((a, b) => a.tier - b.tier || a.finding.start - b.finding.start || b.finding.end - a.finding.end);
  const kept: SecretFinding[] = [];
  for (const { finding } of ordered) {
    if (kept.some((other) => finding.start < other.end && other.start < finding.end)) continue;
    kept.push(finding);
  }
  return kept.sort((a, b) => a.start - b.start);
}

export function containsSecret(text: string, options: SecretScanOptions = defaultSecretScanOptions): boolean {
  return findSecrets(text, options).length > 0;
}

/**
 * Replaces each secret with `«redacted: <rule>»`. A secret spanning lines (a private key) leaves its line
 * breaks after the placeholder, so line numbers after it stay right.
 */
export function redactSecrets(
  text: string,
  options: SecretScanOptions = defaultSecretScanOptions,
): RedactionResult {
  const redactions = findSecrets(text, options);
  if (redactions.length === 0) return { text, redactions };
  let result = "";
  let cursor = 0;
  for (const redaction of redactions) {
    const secret = text.slice(redaction.start, redaction.end);
    const lineBreaks = secret.split("\n").length - 1;
    result +=
      text.slice(cursor, redaction.start) + redactionPlaceholder(redaction.rule) + "\n".repeat(lineBreaks);
    cursor = redaction.end;
  }
  return { text: result + text.slice(cursor), redactions };
}

/**
 * Every rule keyword, longest first, in one case-insensitive lookahead: one pass over the text instead of one
 * `includes` per keyword (a hundred passes cost about 150 µs on a 6 KB prompt, this one about 40). At each
 * position only the longest keyword is captured, so a rule's keyword counts as present when a captured one
 * starts with it (keywords starting at one position are prefixes of each other).
 */
const keywordScanner = new RegExp(
  `(?=(${[...new Set([...formatRules, ...contextRules].flatMap((rule) => rule.keywords))]
    .sort((a, b) => b.length - a.length)
    .map((keyword) => keyword.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|")}))`,
  "gi",
);

function presentKeywords(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(keywordScanner)) found.add(match[1]!.toLowerCase());
  return [...found];
}

type Confirm = (
  rule: SecretRule,
  match: RegExpExecArray,
  value: string,
  options: SecretScanOptions,
  text: string,
) => boolean;

function collect(
  rule: SecretRule,
  text: string,
  options: SecretScanOptions,
  into: SecretFinding[],
  confirm: Confirm,
): void {
  rule.pattern.lastIndex = 0;
  for (let match = rule.pattern.exec(text); match; match = rule.pattern.exec(text)) {
    if (match[0].length === 0) rule.pattern.lastIndex++;
    const group = rule.group ?? 0;
    const value = match[group];
    if (!value) continue;
    if (options.allowedValues.includes(value) || !confirm(rule, match, value, options, text)) continue;
    const start = match.index + (group === 0 ? 0 : match[0].lastIndexOf(value));
    into.push({ start, end: start + value.length, rule: rule.id, reason: rule.reason });
  }
}

const confirmFormat: Confirm = (_rule, _match, value) => !looksLikePlaceholder(value);

const confirmContext: Confirm = (rule, match, value, options, text) => {
  if (looksLikePlaceholder(value) || looksLikeReference(value)) return false;
  switch (rule.id) {
    case "assigned-secret": {
      const name = rule.nameBefore ? nameBefore(text, match.index) : (match[1] ?? "");
      if (
        !secretNamePattern.test(name) ||
        notSecretNamePattern.test(name) ||
        /tokeni[sz]|max_?tokens/i.test(name)
      ) {
        return false;
      }
      // `"api_key", "…"` (a comma) is also how a list of words looks: there only a key-like value counts.
      if (match[0].startsWith(","))
        return !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value) && looksLikeKey(value, options);
      // An unquoted snake_case word is a variable in code (`self.passwd = password_mgr`), not a literal.
      if (!rule.nameBefore && /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/.test(value)) return false;
      return /passw(?:or)?d|passphrase|pwd|(?:^|[_.-])pass(?:[_.-]|$)/i.test(name)
        ? looksLikePassword(value)
        : looksLikeKey(value, options);
    }
    case "authorization-header":
      return match[1] === "Basic" ? looksLikeBasicCredentials(value) : looksLikeKey(value, options);
    default:
      return looksLikePassword(value);
  }
};

/** The identifier, key or header name ending just before an assignment at `index` (`apiKey"` in `"apiKey": `). */
function nameBefore(text: string, index: number): string {
  let end = index;
  while (end > 0 && (text[end - 1] === " " || text[end - 1] === "\t")) end--;
  if (end > 0 && /["'\]]/.test(text[end - 1]!)) end--;
  let start = end;
  while (start > 0 && end - start < 100 && /[\w$.-]/.test(text[start - 1]!)) start--;
  return text.slice(start, end);
}

/** Values that stand for a secret rather than being one: `xxxx`, `<your-key>`, `changeme`, `…EXAMPLE`. */
export function looksLikePlaceholder(value: string): boolean {
  if (
    /x{4,}|X{4,}|\*{3,}|\.{3}|<|>|\{\{|example|your|placeholder|change_?me|dummy|fake|sample|redacted|replace|insert|«/i.test(
      value,
    )
  ) {
    return true;
  }
  return new Set(value).size < 5;
}

/** Values that name where the secret is instead of holding it: `${TOKEN}`, `$API_KEY`, `DB_PASSWORD`, a path. */
function looksLikeReference(value: string): boolean {
  return (
    /^\$|\$\{|%\(|%s|^%[A-Z_]+%$|^arn:|^[A-Za-z_][\w.]*\(|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^(?:process\.env|os\.environ|env)\b/.test(
      value,
    ) ||
    /^[./~]|^[a-z]+:\/\/[^:@]*$/i.test(value) ||
    (/^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)+$/.test(value) && !/\d/.test(value) && value.includes("."))
  );
}

/** A human-chosen password: anything but a lone common word of type or validation vocabulary. */
function looksLikePassword(value: string): boolean {
  if (value.length < 6) return false;
  if (/^[A-Za-z]+$/.test(value) && value.length < 10) return false;
  return !/^(?:true|false|null|none|undefined|required|optional|string|password|secret|hidden|text)$/i.test(
    value,
  );
}

/** A machine-made key or token: long enough, varied characters, not a run of words. */
function looksLikeKey(value: string, options: SecretScanOptions): boolean {
  if (value.length < 12) return false;
  if (shannonEntropy(value) < options.entropyThreshold) return false;
  const wordish = /^[A-Za-z]+(?:[-_. ][A-Za-z]+)*$/.test(value);
  if (wordish)
    return value.length >= 24 && /[a-z]/.test(value) && /[A-Z]/.test(value) && !/[-_. ]/.test(value);
  return /\d/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value));
}

function looksLikeBasicCredentials(value: string): boolean {
  try {
    const decoded = atob(value);
    return /^[\x20-\x7e]+:[\x20-\x7e]{3,}$/.test(decoded);
  } catch {
    return false;
  }
}

/** Shannon entropy of the characters of `value`, in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}
