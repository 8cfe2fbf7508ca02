/** Tests for the inline-completion parse check on real tree-sitter grammars (native and wasm backends). */

import assert from "node:assert/strict";
import { test } from "node:test";
import { createParserBackend, type ParserBackend } from "../syntax";
import { SuggestionParseCheck } from "./parseCheck";

const backends: [string, ParserBackend][] = [
  ["auto", createParserBackend()],
  ["wasm", createParserBackend({ backend: "wasm" })],
];

for (const [name, backend] of backends) {
  test(`${name}: in a clean file, a suggestion must keep it clean`, async () => {
    const check = new SuggestionParseCheck(backend);
    const prefix = "def area(width, height):\n    result = ";
    const suffix = "\n    return result\n\nprint(area(2, 3))\n";
    assert.equal(await check.check("python", prefix, "width * height", suffix), "clean");
    assert.equal(await check.check("python", prefix, "(width * height", suffix), "breaksParse");
    assert.equal(await check.check("python", prefix, "width * height)", suffix), "breaksParse");
    const ts = ["const total = items.reduce((sum, item) => ", "\nconsole.log(total);\n"] as const;
    assert.equal(await check.check("typescript", ts[0], "sum + item.price, 0);", ts[1]), "clean");
  });

  test(`${name}: an unfinished statement at the cursor is not held against the suggestion`, async () => {
    const check = new SuggestionParseCheck(backend);
    const prefix = "def area(width, height):\n    result = ";
    const suffix = "\n    return result\n";
    assert.equal(await check.check("python", prefix, "return width", suffix), "breaksParse");
    const ts = ["const total = items.reduce((sum, item) => ", "\nconsole.log(total);\n"] as const;
    assert.equal(await check.check("typescript", ts[0], "sum + item.price", ts[1]), "noNewErrors");
    assert.equal(await check.check("typescript", ts[0], "sum + item.price, 0));", ts[1]), "breaksParse");
  });

  test(`${name}: in a file with errors elsewhere, only new errors count`, async () => {
    const check = new SuggestionParseCheck(backend);
    const prefix = "def broken(:\n    pass\n\ndef fine():\n    x = ";
    assert.equal(await check.check("python", prefix, "1", "\n    return x\n"), "noNewErrors");
    assert.equal(await check.check("python", prefix, "[1, 2", "\n    return x\n"), "breaksParse");
  });
}
