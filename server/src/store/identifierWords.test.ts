/** Tests for identifier-aware FTS words and query expressions. */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildMatchExpression,
  expandForIndex,
  queryClauses,
  queryIdentifiers,
  splitIdentifier,
} from "./identifierWords";

test("identifiers split at camelCase, PascalCase, acronyms, snake_case, kebab-case and digits", () => {
  assert.deepEqual(splitIdentifier("getUserName"), ["get", "user", "name"]);
  assert.deepEqual(splitIdentifier("HTTPResponseCode"), ["http", "response", "code"]);
  assert.deepEqual(splitIdentifier("MAX_RETRY_COUNT"), ["max", "retry", "count"]);
  assert.deepEqual(splitIdentifier("parse_v2_header"), ["parse", "v", "2", "header"]);
  assert.deepEqual(splitIdentifier("_private"), ["private"]);
  assert.deepEqual(splitIdentifier("x"), ["x"]);
});

test("indexed words keep the whole identifier and add its parts", () => {
  assert.equal(
    expandForIndex("const userName = getUserName();"),
    "const username user name getusername get user name",
  );
  assert.equal(expandForIndex("snake_case_id += 1"), "snake_case_id snake case id");
});

test("queries drop stop words and match identifiers whole or by parts", () => {
  assert.deepEqual(queryIdentifiers("where is the getUserName function"), ["getUserName", "function"]);
  assert.deepEqual(queryClauses("getUserName the user"), [
    { whole: "getusername", parts: ["get", "user", "name"] },
    { whole: "user", parts: [] },
  ]);
  assert.equal(
    buildMatchExpression(queryClauses("getUserName")),
    '("getusername" OR ("get" AND "user" AND "name"))',
  );
  assert.equal(buildMatchExpression(queryClauses("how does it work?")), '"work"');
  assert.equal(buildMatchExpression(queryClauses("?? !!")), undefined);
});

test("quotes in queries cannot break the FTS5 expression", () => {
  assert.equal(buildMatchExpression([{ whole: 'say"', parts: [] }]), '"say"""');
});
