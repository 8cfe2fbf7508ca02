/** The first-bytes check that names what a non-GGUF file is, without ever printing its bytes. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { describeGgufMagic } from "./loadModelFile";

test("a file that is not GGUF is described in hex and words, never quoted", () => {
  assert.equal(describeGgufMagic(Buffer.from("GGUF\u0003\u0000\u0000\u0000")), undefined);
  assert.equal(
    describeGgufMagic(Buffer.from([0x1b, 0x5d, 0x30, 0x3b, 0x07, 0xff])),
    "it starts with bytes 1b 5d 30 3b, not the GGUF magic 47 47 55 46",
  );
  assert.match(
    describeGgufMagic(Buffer.from("version https://git-lfs.github.com/spec/v1\noid sha256:ab")) ?? "",
    /76 65 72 73, not the GGUF magic 47 47 55 46 \(a Git LFS pointer, not the model itself\)$/,
  );
  assert.match(describeGgufMagic(Buffer.from("<!DOCTYPE html><title>404</title>")) ?? "", /\(an HTML page/);
  assert.match(describeGgufMagic(Buffer.from("just some notes\n")) ?? "", /\(it is text\)$/);
  assert.equal(describeGgufMagic(Buffer.from("GG")), "the file has only 2 byte(s)");
});
