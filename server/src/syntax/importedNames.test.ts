/** Tests for importedNames on every fixture language and on the aliasing forms each language has. */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { createParserBackend } from "./createParserBackend";
import { importedNames } from "./importedNames";
import type { LanguageId } from "./languages";
import { languageForPath } from "./languages";

// Native only: createParserBackend.test.ts proves wasm gives the same definitions and imports.
const backend = createParserBackend({ backend: "native" });

async function namesOf(language: LanguageId, text: string): Promise<string[]> {
  const tree = await backend.parse(language, text);
  try {
    return importedNames(tree).map((imported) => `${imported.name} <- ${imported.source}`);
  } finally {
    tree.dispose();
  }
}

const expected: Record<string, string[]> = {
  "LibraryCatalog.java": [
    "LocalDate <- java.time.LocalDate",
    "ArrayList <- java.util.ArrayList",
    "HashMap <- java.util.HashMap",
    "List <- java.util.List",
    "Map <- java.util.Map",
    "Optional <- java.util.Optional",
    "requireNonNull <- java.util.Objects.requireNonNull",
  ],
  "OrderService.cs": [
    "System <- System",
    "Generic <- System.Collections.Generic",
    "Linq <- System.Linq",
    "Tasks <- System.Threading.Tasks",
    "Data <- Shop.Data",
  ],
  "TodoList.tsx": [
    "React <- react",
    "useCallback <- react",
    "useMemo <- react",
    "useState <- react",
    "Checkbox <- ./Checkbox",
    "Todo <- ./types",
  ],
  "UserRepository.php": [
    "User <- App\\Entity\\User",
    "PDO <- PDO",
    "InvalidArgumentException <- InvalidArgumentException",
  ],
  "backup.sh": ['config.sh <- $(dirname "$0")/config.sh', "secrets.env <- /etc/backup/secrets.env"],
  "graph.cpp": [
    "algorithm <- algorithm",
    "limits <- limits",
    "optional <- optional",
    "queue <- queue",
    "stdexcept <- stdexcept",
    "unordered_map <- unordered_map",
    "vector <- vector",
  ],
  "inventory.py": [
    "csv <- csv",
    "logging <- logging",
    "dataclass <- dataclasses",
    "field <- dataclasses",
    "Path <- pathlib",
    "Iterable <- typing",
    "Iterator <- typing",
  ],
  "matrix.rs": [
    "fmt <- std",
    "Add <- std::ops",
    "Index <- std::ops",
    "IndexMut <- std::ops",
    "Mul <- std::ops",
    "* <- super",
  ],
  "rateLimiter.ts": ["EventEmitter <- node:events", "Clock <- ./clock", "metrics <- ./metrics"],
  "ring_buffer.c": [
    "stdatomic.h <- stdatomic.h",
    "stdbool.h <- stdbool.h",
    "stddef.h <- stddef.h",
    "stdlib.h <- stdlib.h",
    "string.h <- string.h",
    "ring_buffer.h <- ring_buffer.h",
  ],
  "router.js": ["http <- node:http", "URL <- node:url", "parseQuery <- node:querystring"],
  "shopping_cart.rb": ["bigdecimal <- bigdecimal", "catalog <- catalog"],
  "worker.go": [
    "context <- context",
    "errors <- errors",
    "fmt <- fmt",
    "slog <- log/slog",
    "sync <- sync",
    "time <- time",
  ],
};

test("importedNames for every fixture language", async () => {
  for (const [file, names] of Object.entries(expected)) {
    const text = readFileSync(path.join("test/fixtures/syntax", file), "utf8");
    const language = languageForPath(file, text.slice(0, text.indexOf("\n")))!;
    assert.deepEqual(await namesOf(language, text), names, file);
  }
});

test("aliases bind the alias; wildcards bind *", async () => {
  const cases: [LanguageId, string, string[]][] = [
    [
      "typescript",
      'import { a as b, c } from "m";\nimport d, * as e from "n";',
      ["b <- m", "c <- m", "d <- n", "e <- n"],
    ],
    ["javascript", 'const { x, y: z } = require("q");', ["x <- q", "z <- q"]],
    [
      "python",
      "import numpy as np\nfrom os import path as p, sep\nfrom m import *",
      ["np <- numpy", "p <- os", "sep <- os", "* <- m"],
    ],
    ["go", 'package a\nimport (\n\tf "fmt"\n\t"net/http"\n)', ["f <- fmt", "http <- net/http"]],
    [
      "rust",
      "use std::io::{self, Read as R};\nuse crate::a::*;",
      ["io <- std::io", "R <- std::io", "* <- crate::a"],
    ],
    ["java", "import java.util.*;\nimport static a.B.c;", ["* <- java.util", "c <- a.B.c"]],
    [
      "csharp",
      "using IO = System.IO;\nusing static System.Math;",
      ["IO <- System.IO", "Math <- System.Math"],
    ],
    ["php", "<?php\nuse App\\Models\\User as U;", ["U <- App\\Models\\User"]],
    ["cpp", "#include <vector>\nusing std::string;", ["vector <- vector", "string <- std::string"]],
    ["ruby", 'require "json"\nrequire_relative "lib/helper"', ["json <- json", "helper <- lib/helper"]],
    ["bash", ". ./env.sh\nsource lib/common.sh", ["env.sh <- ./env.sh", "common.sh <- lib/common.sh"]],
  ];
  for (const [language, text, names] of cases) {
    assert.deepEqual(await namesOf(language, text), names, language);
  }
});

test("files without imports, and broken import statements, give what can be read", async () => {
  assert.deepEqual(await namesOf("python", "x = 1\n"), []);
  assert.deepEqual(await namesOf("typescript", ""), []);
  assert.deepEqual(await namesOf("typescript", 'import { a } from "m";\nimport { b, from'), ["a <- m"]);
});
