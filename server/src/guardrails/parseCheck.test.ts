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

  test(`${name}: a multi-line suggestion is cut back to its leading lines that parse`, async () => {
    const check = new SuggestionParseCheck(backend);
    const prefix = "def area(width, height):\n    ";
    const suffix = "\n\nprint(area(2, 3))\n";
    const cutOff = "result = width * height\n    return result\n    values = [1, 2";
    assert.equal(
      await check.trimToParse("python", prefix, cutOff, suffix),
      "result = width * height\n    return result",
    );
    const whole = "result = width * height\n    return result";
    assert.equal(await check.trimToParse("python", prefix, whole, suffix), whole);
    assert.equal(await check.trimToParse("python", prefix, '"""Return the area\n    of a', suffix), null);
  });

  test(`${name}: only a window around the cursor is parsed, so an error far away cannot hide a new one`, async () => {
    const check = new SuggestionParseCheck(backend, 16, { linesBefore: 5, linesAfter: 5 });
    const filler = (name: string) =>
      Array.from({ length: 20 }, (_, index) => `def ${name}_${index}(x):\n    return x + ${index}\n`).join(
        "\n",
      );
    const prefix = `def broken(:\n    pass\n\n${filler("before")}\ndef target(width):\n    value = `;
    const suffix = `\n    return value\n\n${filler("after")}\nprint((1)\n`;
    assert.equal(await check.check("python", prefix, "width * 2", suffix), "clean");
    assert.equal(await check.check("python", prefix, "(width * 2", suffix), "breaksParse");
  });
}
