/** Tests for the workspace crawl: ignore files at every level, skip rules, symlinks. */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { type CrawlConfig, type CrawlItem, checkSinglePath, crawlWorkspace } from "./crawler";

const config: CrawlConfig = { exclude: [], maxFileBytes: 1000 };

function makeTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-crawl-"));
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), content);
  }
  return root;
}

async function crawl(root: string, crawlConfig: CrawlConfig = config) {
  const files: string[] = [];
  const skipped: Record<string, string> = {};
  const items: CrawlItem[] = [];
  for await (const item of crawlWorkspace(root, crawlConfig)) items.push(item);
  for (const item of items) {
    if ("file" in item) files.push(item.file.path);
    else skipped[item.skipped.path] = item.skipped.reason;
  }
  return { files, skipped };
}

test("gitignore files apply at every level, relative to their folder, with negation", async () => {
  const root = makeTree({
    ".gitignore": "*.log\nbuild/\n",
    "app.ts": "x",
    "debug.log": "x",
    "build/out.js": "x",
    "src/.gitignore": "generated.ts\n!keep.log\n",
    "src/generated.ts": "x",
    "src/keep.log": "x",
    "src/main.ts": "x",
    "lib/generated.ts": "x",
  });
  const { files, skipped } = await crawl(root);
  assert.deepEqual(files, [
    ".gitignore",
    "app.ts",
    "lib/generated.ts",
    "src/.gitignore",
    "src/keep.log",
    "src/main.ts",
  ]);
  assert.equal(skipped["debug.log"], "ignored");
  assert.equal(skipped.build, "ignored");
  assert.equal(skipped["src/generated.ts"], "ignored");
});

test(".git/info/exclude, .hearthignore and configured globs are honoured", async () => {
  const root = makeTree({
    ".git/info/exclude": "scratch.py\n",
    ".hearthignore": "fixtures/\n",
    "scratch.py": "x",
    "fixtures/big.json": "x",
    "docs/private/notes.md": "x",
    "main.py": "x",
  });
  const { files, skipped } = await crawl(root, { ...config, exclude: ["docs/private/**"] });
  assert.deepEqual(files, [".hearthignore", "main.py"]);
  assert.equal(skipped["scratch.py"], "ignored");
  assert.equal(skipped.fixtures, "ignored");
  assert.equal(skipped["docs/private/notes.md"], "ignored");
  assert.equal(skipped[".git"], "vendored");
});

test("vendored folders, secrets, lock files and oversized files are skipped with their reason", async () => {
  const root = makeTree({
    "node_modules/pkg/index.js": "x",
    "vendor/lib.go": "x",
    ".env": "TOKEN=secret",
    "keys/server.pem": "-----BEGIN",
    "package-lock.json": "{}",
    "big.txt": "x".repeat(1001),
    "ok.txt": "x".repeat(1000),
  });
  const { files, skipped } = await crawl(root);
  assert.deepEqual(files, ["ok.txt"]);
  assert.deepEqual(skipped, {
    ".env": "secret",
    "big.txt": "tooLarge",
    "keys/server.pem": "secret",
    node_modules: "vendored",
    "package-lock.json": "lockFile",
    vendor: "vendored",
  });
});

test("symbolic links are never followed, so a link loop cannot hang the crawl", async () => {
  const root = makeTree({ "src/a.ts": "x" });
  symlinkSync(root, path.join(root, "src", "loop"));
  symlinkSync(path.join(root, "src", "a.ts"), path.join(root, "alias.ts"));
  const { files, skipped } = await crawl(root);
  assert.deepEqual(files, ["src/a.ts"]);
  assert.deepEqual(skipped, { "alias.ts": "symlink", "src/loop": "symlink" });
});

test("checkSinglePath applies the same rules to one saved file", async () => {
  const root = makeTree({
    ".gitignore": "out/\n",
    "pkg/.gitignore": "*.gen.ts\n",
    "pkg/a.gen.ts": "x",
    "pkg/a.ts": "x",
    "out/bundle.js": "x",
    ".env.local": "x",
  });
  const reasonOf = async (relative: string) => {
    const item = await checkSinglePath(root, relative, config);
    return item === undefined ? "missing" : "file" in item ? "file" : item.skipped.reason;
  };
  assert.equal(await reasonOf("pkg/a.ts"), "file");
  assert.equal(await reasonOf("pkg/a.gen.ts"), "ignored");
  assert.equal(await reasonOf("out/bundle.js"), "ignored");
  assert.equal(await reasonOf(".env.local"), "secret");
  assert.equal(await reasonOf("node_modules/x/index.js"), "vendored");
  assert.equal(await reasonOf("pkg/deleted.ts"), "missing");
});

test("a saved or changed file is judged like the walk judges it: links to folders inside or outside, ignored and vendored folders above it, secrets, size, FIFOs", async () => {
  const outside = makeTree({ "app.py": "API_KEY = 'sk-outside'\n" });
  const root = makeTree({
    ".gitignore": "build/\n",
    "src/main.py": "x",
    "build/gen.py": "x",
    "big.py": "x".repeat(2000),
    "config/.env": "x",
  });
  symlinkSync(outside, path.join(root, "outside"));
  symlinkSync(path.join(root, "src"), path.join(root, "src-link"));
  execFileSync("mkfifo", [path.join(root, "pipe.py")]);
  const reasonOf = async (relative: string) => {
    const item = await checkSinglePath(root, relative, config);
    return item === undefined ? "missing" : "file" in item ? "file" : item.skipped.reason;
  };
  const { files, skipped } = await crawl(root);
  assert.deepEqual(files, [".gitignore", "src/main.py"]);
  for (const relative of [
    "outside/app.py",
    "src-link/main.py",
    "build/gen.py",
    "big.py",
    "config/.env",
    "pipe.py",
  ]) {
    const walkedAs = skipped[relative] ?? skipped[relative.split("/")[0]!];
    assert.equal(await reasonOf(relative), walkedAs, `${relative}: the same verdict as the walk's`);
  }
  assert.equal(await reasonOf("outside/app.py"), "symlink");
  assert.equal(await reasonOf("pipe.py"), "special");
  assert.equal(await reasonOf("../escape.py"), "ignored");
  assert.equal(await reasonOf("src/main.py"), "file");
});

test("special files are skipped with their kind as the detail, for the verbose log", async () => {
  const root = makeTree({ "a.py": "x" });
  execFileSync("mkfifo", [path.join(root, "events.fifo")]);
  const items: CrawlItem[] = [];
  for await (const item of crawlWorkspace(root, config)) items.push(item);
  assert.deepEqual(
    items.filter((item) => "skipped" in item),
    [{ skipped: { path: "events.fifo", reason: "special", detail: "FIFO" } }],
  );
});
