/** Tests for masking secrets before code goes into an exported dataset. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { containsSecret, scrubSecrets } from "./scrubSecrets";

const cases: [kind: string, text: string, secret: string][] = [
  ["aws-access-key", 'key = "AKIAIOSFODNN7EXAMPLE"', "AKIAIOSFODNN7EXAMPLE"],
  [
    "github-token",
    "token: ghp_0123456789abcdefghijABCDEFGHIJ012345",
    "ghp_0123456789abcdefghijABCDEFGHIJ012345",
  ],
  ["slack-token", "SLACK=xoxb-1234567890-abcdefghij", "xoxb-1234567890-abcdefghij"],
  ["stripe-key", "stripe.key = sk_live_abcdefghijklmnop1234", "sk_live_abcdefghijklmnop1234"],
  [
    "google-api-key",
    "const k = AIzaSyA1234567890abcdefghijklmnopqrstuv",
    "AIzaSyA1234567890abcdefghijklmnopqrstuv",
  ],
  ["openai-style-key", "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx", "sk-proj-abcdefghijklmnopqrstuvwx"],
  [
    "jwt",
    "auth = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
  ],
  ["url-password", 'DATABASE_URL = "postgres://admin:s3cr3tpass@db.local:5432/app"', "s3cr3tpass"],
  ["assigned-secret", 'db_password = "correct-horse-battery"', "correct-horse-battery"],
  ["assigned-secret", "const apiKey = 'a1b2c3d4e5f6'", "a1b2c3d4e5f6"],
  [
    "private-key",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "MIIEowIBAAKCAQEA",
  ],
];

for (const [kind, text, secret] of cases) {
  test(`masks ${kind}`, () => {
    const result = scrubSecrets(text);
    assert.ok(!result.text.includes(secret), result.text);
    assert.ok(result.found.includes(kind), `found ${result.found.join(", ")}`);
    assert.ok(result.text.includes(`<secret:${kind}>`));
  });
}

test("leaves ordinary code, placeholders and references alone", () => {
  const code = [
    "def get_token(self):",
    "    return self.token",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style reference in code, not a template
    'password = "${DB_PASSWORD}"',
    'api_key = "<your-api-key>"',
    "token = os.environ['TOKEN']",
    "secret_name = get_secret_name()",
    'url = "https://example.com/path?q=1"',
  ].join("\n");
  const result = scrubSecrets(code);
  assert.deepEqual(result.found, []);
  assert.equal(result.text, code);
  assert.equal(containsSecret(code), false);
});

test("only the password of a URL is masked, the rest stays readable", () => {
  const result = scrubSecrets("redis://user:hunter22@cache:6379");
  assert.equal(result.text, "redis://user:<secret:url-password>@cache:6379");
});
