/**
 * The credential shapes Hearth recognises: one rule per provider format (prefixes and lengths as the
 * providers document them), then rules keyed on context (headers, URLs, connection strings, secret-looking
 * names) that `secrets.ts` confirms with placeholder and entropy checks. Pure data.
 *
 * Every rule has `keywords`: lowercase literals one of which must occur in the text for the rule to run at
 * all, so a prompt with no `ghp_` in it never pays for the GitHub pattern. This is what keeps a scan of a
 * completion prompt in microseconds.
 */

export interface SecretRule {
  /** Shown in the placeholder: `«redacted: <id>»`. */
  id: string;
  /** Lowercase literals; the rule runs only when the lowercased text contains one of them. */
  keywords: readonly string[];
  /** Global regex. */
  pattern: RegExp;
  /** Capture group holding the secret; 0 (default) is the whole match. */
  group?: number;
  /** The secret-looking name is the identifier just before the match (see the quoted assigned-secret rule). */
  nameBefore?: boolean;
  /** `context` rules are confirmed by `secrets.ts` (placeholders, entropy); `format` rules by shape alone. */
  kind: "format" | "context";
  reason: string;
}

const b = "(?<![A-Za-z0-9_])"; // start boundary that also works before `-`, `.` and `_`
const e = "(?![A-Za-z0-9_])";

function format(id: string, keywords: string[], source: string, reason: string, flags = "g"): SecretRule {
  return { id, keywords, pattern: new RegExp(`${b}${source}${e}`, flags), kind: "format", reason };
}

export const formatRules: readonly SecretRule[] = [
  {
    id: "private-key",
    keywords: ["private key"],
    pattern:
      /-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    kind: "format",
    reason: "a PEM, OpenSSH or PGP private key",
  },
  format(
    "aws-access-key",
    ["akia", "asia", "abia", "acca", "a3t"],
    "(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}",
    "an AWS access key id",
  ),
  format(
    "github-token",
    ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    "gh[pousr]_[A-Za-z0-9]{36,251}",
    "a GitHub token",
  ),
  format("github-token", ["github_pat_"], "github_pat_[A-Za-z0-9_]{60,251}", "a GitHub fine-grained token"),
  format(
    "gitlab-token",
    ["glpat-", "gldt-", "glptt-", "glrt-", "glcbt-", "gloas-"],
    "(?:glpat|gldt|glptt|glrt|glcbt|gloas)-[A-Za-z0-9_-]{20,}",
    "a GitLab token",
  ),
  format("slack-token", ["xox", "xapp-"], "(?:xox[abposre]|xapp)-[0-9A-Za-z-]{10,}", "a Slack token"),
  {
    id: "slack-webhook",
    keywords: ["hooks.slack.com"],
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]{20,}/g,
    kind: "format",
    reason: "a Slack webhook URL",
  },
  {
    id: "discord-webhook",
    keywords: ["discord"],
    pattern: /https:\/\/(?:canary\.|ptb\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{40,}/g,
    kind: "format",
    reason: "a Discord webhook URL",
  },
  format(
    "stripe-key",
    ["sk_live_", "sk_test_", "rk_live_", "rk_test_"],
    "[rs]k_(?:live|test)_[0-9A-Za-z]{16,}",
    "a Stripe secret key",
  ),
  format("stripe-webhook-secret", ["whsec_"], "whsec_[A-Za-z0-9+/=]{24,}", "a Stripe webhook signing secret"),
  format("google-api-key", ["aiza"], "AIza[0-9A-Za-z_-]{35}", "a Google API key"),
  format("google-oauth-secret", ["gocspx-"], "GOCSPX-[A-Za-z0-9_-]{28}", "a Google OAuth client secret"),
  format(
    "openai-key",
    ["sk-"],
    "sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}",
    "an OpenAI API key",
  ),
  format(
    "openai-key",
    ["sk-proj-", "sk-svcacct-", "sk-admin-"],
    "sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}",
    "an OpenAI API key",
  ),
  format(
    "anthropic-key",
    ["sk-ant-"],
    "sk-ant-(?:api|admin|sid)\\d{2}-[A-Za-z0-9_-]{80,}",
    "an Anthropic API key",
  ),
  format("groq-key", ["gsk_"], "gsk_[A-Za-z0-9]{48,56}", "a Groq API key"),
  format("huggingface-token", ["hf_"], "hf_[A-Za-z0-9]{34,40}", "a Hugging Face token"),
  format("huggingface-token", ["api_org_"], "api_org_[A-Za-z0-9]{34}", "a Hugging Face organisation token"),
  format("npm-token", ["npm_"], "npm_[A-Za-z0-9]{36}", "an npm access token"),
  format("pypi-token", ["pypi-"], "pypi-AgE[A-Za-z0-9_-]{50,}", "a PyPI upload token"),
  format("sendgrid-key", ["sg."], "SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}", "a SendGrid API key"),
  format("twilio-key", ["sk"], "SK[0-9a-f]{32}", "a Twilio API key"),
  format("mailgun-key", ["key-"], "key-[0-9a-f]{32}", "a Mailgun API key"),
  format("mailchimp-key", ["-us"], "[0-9a-f]{32}-us[0-9]{1,2}", "a Mailchimp API key"),
  format(
    "shopify-token",
    ["shpat_", "shpss_", "shpca_", "shppa_"],
    "shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}",
    "a Shopify token",
  ),
  format("linear-key", ["lin_api_"], "lin_api_[A-Za-z0-9]{40}", "a Linear API key"),
  format("notion-token", ["secret_"], "secret_[A-Za-z0-9]{43}", "a Notion integration token"),
  format("notion-token", ["ntn_"], "ntn_[0-9]{11}[A-Za-z0-9]{35}", "a Notion integration token"),
  format("databricks-token", ["dapi"], "dapi[a-f0-9]{32}(?:-\\d)?", "a Databricks token"),
  format(
    "digitalocean-token",
    ["dop_v1_", "doo_v1_", "dor_v1_"],
    "do[opr]_v1_[a-f0-9]{64}",
    "a DigitalOcean token",
  ),
  format("doppler-token", ["dp."], "dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44}", "a Doppler token"),
  format("vault-token", ["hvs.", "hvb."], "hv[sb]\\.[A-Za-z0-9_-]{24,}", "a HashiCorp Vault token"),
  format(
    "terraform-token",
    ["atlasv1"],
    "[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}",
    "a Terraform Cloud token",
  ),
  format("docker-hub-token", ["dckr_pat_"], "dckr_pat_[A-Za-z0-9_-]{27}", "a Docker Hub access token"),
  format("figma-token", ["figd_"], "figd_[A-Za-z0-9_-]{40,}", "a Figma access token"),
  format(
    "tailscale-key",
    ["tskey-"],
    "tskey-(?:api|auth|client|scim|webhook)-[A-Za-z0-9]{8,}-[A-Za-z0-9]{20,}",
    "a Tailscale key",
  ),
  format(
    "grafana-token",
    ["glsa_"],
    "glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}",
    "a Grafana service account token",
  ),
  format("grafana-token", ["glc_"], "glc_[A-Za-z0-9+/]{32,400}={0,2}", "a Grafana Cloud token"),
  format("1password-token", ["ops_ey"], "ops_eyJ[A-Za-z0-9+/=_-]{100,}", "a 1Password service account token"),
  format("postman-key", ["pmak-"], "PMAK-[a-f0-9]{24}-[a-f0-9]{34}", "a Postman API key"),
  format("atlassian-token", ["atatt3"], "ATATT3[A-Za-z0-9_=-]{180,}", "an Atlassian API token"),
  format(
    "square-token",
    ["sq0atp-", "sq0csp-"],
    "sq0(?:atp-[0-9A-Za-z_-]{22}|csp-[0-9A-Za-z_-]{43})",
    "a Square token",
  ),
  format("newrelic-key", ["nrak-", "nrjs-", "nrii-"], "NR(?:AK|JS|II)-[A-Za-z0-9]{19,32}", "a New Relic key"),
  format("sentry-token", ["sntrys_", "sntryu_"], "sntry[su]_[A-Za-z0-9+/=_-]{40,}", "a Sentry auth token"),
  format("telegram-bot-token", [":aa"], "[0-9]{8,10}:AA[0-9A-Za-z_-]{33}", "a Telegram bot token"),
  format(
    "discord-bot-token",
    ["."],
    "[MN][A-Za-z0-9]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}",
    "a Discord bot token",
  ),
  format(
    "age-secret-key",
    ["age-secret-key-1"],
    "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
    "an age encryption key",
  ),
  format("alibaba-key", ["ltai"], "LTAI[A-Za-z0-9]{12,20}", "an Alibaba Cloud access key"),
  format("rubygems-key", ["rubygems_"], "rubygems_[a-f0-9]{48}", "a RubyGems API key"),
  format("pulumi-token", ["pul-"], "pul-[a-f0-9]{40}", "a Pulumi access token"),
  format("supabase-token", ["sbp_"], "sbp_[a-f0-9]{40}", "a Supabase access token"),
  format(
    "planetscale-token",
    ["pscale_"],
    "pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}",
    "a PlanetScale token",
  ),
  format("contentful-token", ["cfpat-"], "CFPAT-[A-Za-z0-9_-]{43}", "a Contentful token"),
  format(
    "mapbox-token",
    ["sk.ey"],
    "sk\\.eyJ[A-Za-z0-9_-]{40,}\\.[A-Za-z0-9_-]{20,}",
    "a Mapbox secret token",
  ),
  format(
    "flyio-token",
    ["fo1_", "fm2_"],
    "(?:fo1_[A-Za-z0-9_-]{43}|fm2_[A-Za-z0-9+/=_-]{60,})",
    "a Fly.io token",
  ),
  format("gitea-token", ["gta_"], "gta_[A-Za-z0-9]{40}", "a Gitea token"),
  format(
    "jwt",
    ["eyj"],
    "eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{16,}",
    "a signed JSON Web Token",
  ),
  {
    id: "azure-storage-key",
    keywords: ["accountkey="],
    pattern: /AccountKey=([A-Za-z0-9+/]{86}==)/g,
    group: 1,
    kind: "format",
    reason: "an Azure storage account key",
  },
];

/**
 * Names that say "secret": matched against the identifier, key or header a value is assigned to.
 * `auth` alone is too common (author, authority) and needs a suffix.
 */
export const secretNamePattern =
  /(?:passw(?:or)?d|passphrase|pwd|(?:^|[_.-])pass(?:[_.-]|$)|secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|auth[_.-]?(?:key|token|code)|credentials?|session[_.-]?key|client[_.-]?secret|x-api-key|bearer)/i;

/** Names that say "secret" but hold something else (a hash, a field name, a length). */
export const notSecretNamePattern =
  /(?:hash|digest|checksum|sha\d*|md5|etag|fingerprint|commit|_?name$|names?$|_?field|_?label|_?header|_?type|_?path|_?file|_?url|_?uri|_?env|_?var|_?len(?:gth)?|_?count|_?size|_?id$|_?ids$|_?prefix|_?format|_?pattern|_?regex|_?hint|_?placeholder|_?expir|_?ttl|_?timeout|_?endpoint|_?route|_?policy|_?version|_?mode|_?enabled|_?required|public|_?kind|_?source|arn$)/i;

/**
 * Context rules: a value assigned to a secret-looking name (code, JSON, YAML, `.env`), an Authorization
 * header, a URL with a password, a connection-string password. `group` is the candidate value; group 1 is
 * the name where there is one (or read before the match, `nameBefore`).
 */
export const contextRules: readonly SecretRule[] = [
  {
    id: "assigned-secret",
    keywords: ["pass", "pwd", "secret", "token", "key", "credential", "bearer"],
    // An assignment operator (or a comma: `("api_key", "...")`) and a quoted value; the name before the
    // operator is read backwards by `secrets.ts` (`nameBefore`): a regex starting at every identifier was
    // the slowest rule by far (about 1 ms on a 6 KB prompt), one starting at operators is not.
    pattern: /(?::=|=>|\?\?=|\|\|=|[:=,])[ \t]*[rbfu]?(["'`])([^"'`\s\\]{6,200})\1/g,
    nameBefore: true,
    group: 2,
    kind: "context",
    reason: "a key or password assigned to a secret-looking name",
  },
  {
    id: "assigned-secret",
    keywords: ["pass", "pwd", "secret", "token", "key", "credential"],
    // .env, shell exports, YAML and properties: NAME=value / name: value with no quotes, to the end of the value.
    pattern:
      /^[ \t]*(?:export[ \t]+|-[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*[:=][ \t]*([^\s"'`#,;()[\]{}]{6,200})[ \t]*(?:#.*)?$/gm,
    group: 2,
    kind: "context",
    reason: "a key or password assigned to a secret-looking name",
  },
  {
    id: "authorization-header",
    keywords: ["bearer", "token ", "basic "],
    pattern: /\b(Bearer|Token|Basic)[ \t]+([A-Za-z0-9._~+/-]{12,}=*)/g,
    group: 2,
    kind: "context",
    reason: "a credential in an Authorization header",
  },
  {
    id: "url-credentials",
    keywords: ["://"],
    pattern: /:\/\/([^\s:/@'"`<>{}]*):([^\s@/'"`<>]{3,})@/g,
    group: 2,
    kind: "context",
    reason: "a password in a URL or connection string",
  },
  {
    id: "connection-string-password",
    keywords: ["password=", "pwd="],
    // Inside a `key=value;` string: the value ends at `;`, a quote or the line's end (not `pwd=None)` in code).
    pattern: /(?:^|[;"'`\s])(Password|Pwd)[ \t]*=[ \t]*([^;'"`\s()[\]{}]{4,})(?=;|["'`]|$)/gim,
    group: 2,
    kind: "context",
    reason: "a password in a connection string",
  },
];
