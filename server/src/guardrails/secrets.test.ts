/** Tests for finding and redacting credentials: formats, context rules, placeholders and offsets. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { containsSecret, findSecrets, redactSecrets, shannonEntropy } from "./secrets";

// Built at run time so this file holds no credential-shaped literal (scanners, including Hearth's, skip it).
const token = (prefix: string, body: string) => prefix + body;
const github = token("ghp_", "R7pQ2xL9mZ4vT8nK3wY6bH1cJ5dF0gS2aE4u");

test("a GitHub token in an Authorization header is replaced by a placeholder naming the rule", () => {
  const text = `const headers = { "Authorization": "Bearer ${github}" };`;
  const result = redactSecrets(text);
  assert.equal(result.text, 'const headers = { "Authorization": "Bearer «redacted: github-token»" };');
  assert.equal(result.redactions.length, 1);
  const [redaction] = result.redactions;
  assert.equal(text.slice(redaction!.start, redaction!.end), github, "offsets point into the original text");
  assert.equal(redaction!.reason, "a GitHub token");
});

test("an opaque bearer token in an ordinary source file is caught by its header context", () => {
  const opaque = "q8Zr2LmT5vXw9KpB3nYc7HdJ4sFg6QaE";
  const text = `fetch(url, {\n  headers: { "Authorization": "Bearer ${opaque}" },\n});\n`;
  const result = redactSecrets(text);
  assert.ok(!result.text.includes(opaque), result.text);
  assert.equal(result.redactions[0]?.rule, "authorization-header");
});

test("secrets assigned to secret-looking names are redacted in code, JSON, YAML and .env", () => {
  const password = "Harbor-velvet2291!";
  const key = "9f4c2a7e1b8d3f6a0c5e9b2d7a4f1c8e";
  for (const text of [
    `db_password = "${password}"`,
    `{"apiKey": "${key}"}`,
    `smtp_password: ${password}`,
    `API_KEY=${key}`,
    `export CLIENT_SECRET='${key}'`,
  ]) {
    const result = redactSecrets(text);
    assert.equal(result.redactions.length, 1, text);
    assert.ok(!result.text.includes(password) && !result.text.includes(key), result.text);
  }
});

test("a URL keeps its user and host, only the password goes", () => {
  assert.equal(
    redactSecrets("redis://cache:Tiger-maple88@cache.local:6379/0").text,
    "redis://cache:«redacted: url-credentials»@cache.local:6379/0",
  );
});

test("a private key keeps its line count, so later line numbers stay right", () => {
  const body = [
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
  ];
  const text = `key = """-----BEGIN RSA PRIVATE KEY-----\n${body.join("\n")}\n-----END RSA PRIVATE KEY-----"""\nnext_line()`;
  const result = redactSecrets(text);
  assert.equal(result.text.split("\n").length, text.split("\n").length);
  assert.ok(result.text.startsWith('key = """«redacted: private-key»\n'));
  assert.ok(result.text.endsWith('"""\nnext_line()'));
});

test("placeholders, references, hashes and public material are left alone", () => {
  const benign = [
    token("ghp_", "x".repeat(36)),
    "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    'api_key = "<your-api-key>"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style reference in code, not a template
    'password = "${DB_PASSWORD}"',
    "token = os.environ['TOKEN']",
    'headers["Authorization"] = f"Bearer {token}"',
    `"integrity": "sha512-${"Zm9vYmFy".repeat(11)}"`,
    'checksum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"',
    'request_id = "3f2b8c1e-7d4a-4e9b-a6c5-0f1e2d3c4b5a"',
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ8f2vG4hQ7kL1mN3pR5tW9xY2zA4bC6dE8fH0jK2lM4 ada@laptop",
    "tokenizer = AutoTokenizer.from_pretrained('bert-base-uncased')",
    'password = "changeme"',
    "secret = secrets.token_urlsafe(32)",
  ];
  for (const text of benign) assert.deepEqual(findSecrets(text), [], text);
  assert.equal(containsSecret(benign.join("\n")), false);
});

test("allowed values are never redacted", () => {
  const fixture = token("sk_test_", "TeamFixtureKey0123456789ab");
  assert.equal(containsSecret(`stripe_key = "${fixture}"`), true);
  assert.equal(
    containsSecret(`stripe_key = "${fixture}"`, { entropyThreshold: 3, allowedValues: [fixture] }),
    false,
  );
});

test("the entropy threshold decides for generic keys", () => {
  const value = "a1b2c3a1b2c3a1b2c3";
  const text = `api_key = "${value}"`;
  assert.ok(Math.abs(shannonEntropy(value) - Math.log2(6)) < 1e-9);
  assert.equal(containsSecret(text, { entropyThreshold: 3, allowedValues: [] }), false);
  assert.equal(containsSecret(text, { entropyThreshold: 2, allowedValues: [] }), true);
});

test("redaction is idempotent: a placeholder is not a secret", () => {
  const once = redactSecrets(`GITHUB_TOKEN=${github}`).text;
  assert.deepEqual(redactSecrets(once).redactions, []);
});

test("every credential the feedback exports' old scrubber masked is still masked", () => {
  const cases: [rule: string, text: string, secret: string][] = [
    ["aws-access-key", 'key = "AKIAQ4MZ7VXKT2PLR6WB"', "AKIAQ4MZ7VXKT2PLR6WB"],
    ["github-token", `token: ${github}`, github],
    [
      "slack-token",
      `SLACK=${token("xoxb-", "1234567890-abcdefghij")}`,
      token("xoxb-", "1234567890-abcdefghij"),
    ],
    [
      "stripe-key",
      `stripe.key = ${token("sk_live_", "abcdefghijklmnop1234")}`,
      token("sk_live_", "abcdefghijklmnop1234"),
    ],
    [
      "google-api-key",
      `const k = ${token("AIza", "SyA1234567890abcdefghijklmnopqrstuv")}`,
      token("AIza", "SyA1234567890abcdefghijklmnopqrstuv"),
    ],
    [
      "openai-key",
      `OPENAI_API_KEY=${token("sk-proj-", "Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7nP9rS1uV3xY")}`,
      token("sk-proj-", "Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7nP9rS1uV3xY"),
    ],
    [
      "jwt",
      "auth = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ],
    ["url-credentials", 'DATABASE_URL = "postgres://admin:s3cr3tpass@db.local:5432/app"', "s3cr3tpass"],
    ["assigned-secret", 'db_password = "correct-horse-battery"', "correct-horse-battery"],
    ["assigned-secret", "const apiKey = 'a1b2c3d4e5f6g7h8'", "a1b2c3d4e5f6g7h8"],
    [
      "private-key",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
      "MIIEowIBAAKCAQEA",
    ],
  ];
  for (const [rule, text, secret] of cases) {
    const result = redactSecrets(text);
    assert.ok(!result.text.includes(secret), `${rule}: ${result.text}`);
    assert.deepEqual(
      result.redactions.map((redaction) => redaction.rule),
      [rule],
      text,
    );
  }
});
