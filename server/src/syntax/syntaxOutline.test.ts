/** Tests for definitions and enclosing scopes on every fixture language, through the native backend. */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { createParserBackend } from "./createParserBackend";
import { languageForPath } from "./languages";
import type { Definition } from "./syntaxOutline";
import { definitions, enclosingScopes } from "./syntaxOutline";
import type { SyntaxTree } from "./syntaxTree";

// Native only: createParserBackend.test.ts proves wasm gives the same definitions and imports.
const backend = createParserBackend({ backend: "native" });

async function parseFixture(file: string): Promise<SyntaxTree> {
  const text = readFileSync(path.join("test/fixtures/syntax", file), "utf8");
  return backend.parse(languageForPath(file, text.slice(0, text.indexOf("\n")))!, text);
}

/** `class Cart > method add`: each definition with the definitions enclosing it. */
function scopePaths(list: readonly Definition[]): string[] {
  const describe = (index: number): string => {
    const { parent, kind, name } = list[index]!;
    return `${parent >= 0 ? `${describe(parent)} > ` : ""}${kind} ${name}`;
  };
  return list.map((_, index) => describe(index));
}

const expected: Record<string, string[]> = {
  "LibraryCatalog.java": [
    "class LibraryCatalog",
    "class LibraryCatalog > class Book",
    "class LibraryCatalog > class Book > method Book",
    "class LibraryCatalog > enum LoanState",
    "class LibraryCatalog > interface Notifier",
    "class LibraryCatalog > interface Notifier > method overdue",
    "class LibraryCatalog > class Loan",
    "class LibraryCatalog > class Loan > method Loan",
    "class LibraryCatalog > method addBook",
    "class LibraryCatalog > method find",
    "class LibraryCatalog > method lend",
    "class LibraryCatalog > method markOverdue",
    "class LibraryCatalog > method toString",
  ],
  "OrderService.cs": [
    "module Shop.Orders",
    "module Shop.Orders > enum OrderStatus",
    "module Shop.Orders > interface IPaymentGateway",
    "module Shop.Orders > interface IPaymentGateway > method ChargeAsync",
    "module Shop.Orders > class OrderLine",
    "module Shop.Orders > struct Money",
    "module Shop.Orders > struct Money > method Money",
    "module Shop.Orders > struct Money > method ToString",
    "module Shop.Orders > class OrderService",
    "module Shop.Orders > class OrderService > method OrderService",
    "module Shop.Orders > class OrderService > method Create",
    "module Shop.Orders > class OrderService > method PayAsync",
    "module Shop.Orders > class OrderService > method ForCustomer",
    "module Shop.Orders > class OrderService > class Order",
    "module Shop.Orders > class OrderService > class Order > method Order",
  ],
  "TodoList.tsx": [
    "interface TodoListProps",
    "function nextId",
    "function TodoList",
    "function TodoList > function add",
    "function TodoList > function toggle",
    "class TodoErrorBoundary",
    "class TodoErrorBoundary > method getDerivedStateFromError",
    "class TodoErrorBoundary > method render",
  ],
  "UserRepository.php": [
    "interface UserRepositoryInterface",
    "interface UserRepositoryInterface > method find",
    "interface UserRepositoryInterface > method save",
    "trait Timestamps",
    "trait Timestamps > method now",
    "enum Role",
    "class UserRepository",
    "class UserRepository > method __construct",
    "class UserRepository > method find",
    "class UserRepository > method save",
    "class UserRepository > method admins",
    "class UserRepository > method hydrate",
    "function repository_for",
  ],
  "backup.sh": [
    "function log",
    "function die",
    "function require",
    "function dump_databases",
    "function archive",
    "function prune",
    "function upload",
    "function main",
  ],
  "graph.cpp": [
    "module routing",
    "module routing > struct Edge",
    "module routing > class CycleError",
    "module routing > class CycleError > method CycleError",
    "module routing > class Graph",
    "module routing > class Graph > method Graph",
    "module routing > class Graph > method addEdge",
    "module routing > class Graph > method size",
    "module routing > class Graph > method shortestFrom",
    "module routing > function Graph::topologicalOrder",
    "module routing > function firstFinite",
  ],
  "inventory.py": [
    "class StockError",
    "class Item",
    "class Item > method available",
    "class Inventory",
    "class Inventory > method __init__",
    "class Inventory > method add",
    "class Inventory > method reserve",
    "class Inventory > method release",
    "class Inventory > method low_stock",
    "class Inventory > method __len__",
    "class Inventory > method __iter__",
    "function export_csv",
    "function load_items",
    "function load_items > function parse",
  ],
  "matrix.rs": [
    "enum SolveError",
    "struct Matrix",
    "trait Shape",
    "trait Shape > method is_square",
    "impl Matrix",
    "impl Matrix > method zeros",
    "impl Matrix > method identity",
    "impl Matrix > method transpose",
    "impl Matrix > method solve",
    "impl Shape for Matrix",
    "impl Shape for Matrix > method shape",
    "impl Index<(usize, usize)> for Matrix",
    "impl Index<(usize, usize)> for Matrix > method index",
    "impl IndexMut<(usize, usize)> for Matrix",
    "impl IndexMut<(usize, usize)> for Matrix > method index_mut",
    "impl Add for &Matrix",
    "impl Add for &Matrix > method add",
    "impl Mul for &Matrix",
    "impl Mul for &Matrix > method mul",
    "impl fmt::Display for Matrix",
    "impl fmt::Display for Matrix > method fmt",
    "module tests",
    "module tests > function solves_identity",
  ],
  "rateLimiter.ts": [
    "interface LimiterOptions",
    "enum LimiterEvent",
    "interface Bucket",
    "class RateLimiter",
    "class RateLimiter > method constructor",
    "class RateLimiter > method take",
    "class RateLimiter > method size",
    "class RateLimiter > method reset",
    "class RateLimiter > method refill",
    "class RateLimiter > method evictIfFull",
    "function formatDecision",
    "function describeLimiter",
    "module Internal",
    "module Internal > function clamp",
    "class Policy",
    "class StrictPolicy",
    "class StrictPolicy > method decide",
  ],
  "ring_buffer.c": [
    "struct ring_buffer",
    "enum rb_status",
    "function round_up_pow2",
    "function rb_create",
    "function rb_destroy",
    "function rb_size",
    "function rb_is_full",
    "function rb_push",
    "function rb_pop",
  ],
  "router.js": [
    "function compile",
    "class Router",
    "class Router > method constructor",
    "class Router > method use",
    "class Router > method add",
    "class Router > method match",
    "class Router > method handle",
    "function send",
    "function createServer",
  ],
  "shopping_cart.rb": [
    "module Shop",
    "module Shop > class DiscountRule",
    "module Shop > class DiscountRule > method initialize",
    "module Shop > class DiscountRule > method apply",
    "module Shop > class Cart",
    "module Shop > class Cart > method total",
    "module Shop > class Cart > method initialize",
    "module Shop > class Cart > method add",
    "module Shop > class Cart > method remove",
    "module Shop > class Cart > method each",
    "module Shop > class Cart > method add_rule",
    "module Shop > class Cart > method subtotal",
    "module Shop > class Cart > method discount",
    "module Shop > class Cart > method total",
    "module Shop > class Cart > method from_skus",
    "module Shop > method receipt",
  ],
  "worker.go": [
    "interface Job",
    "struct Result",
    "struct Pool",
    "function WithRetries",
    "function NewPool",
    "method loop",
    "method Submit",
    "method Results",
    "method Close",
    "method String",
  ],
};

test("definitions: names, kinds and nesting for every fixture language", async () => {
  for (const [file, paths] of Object.entries(expected)) {
    const tree = await parseFixture(file);
    assert.deepEqual(scopePaths(definitions(tree)), paths, file);
  }
});

test("definition lines include decorators, attributes, export and adjacent doc comments", async () => {
  const byName = async (file: string, name: string) =>
    definitions(await parseFixture(file)).find((definition) => definition.name === name)!;
  // @dataclass above `class Item` (0-based line 20), name on line 21.
  const item = await byName("inventory.py", "Item");
  assert.deepEqual([item.startLine, item.nameLine], [20, 21]);
  // A `///` doc comment and `#[derive]` above `pub enum SolveError`.
  const solveError = await byName("matrix.rs", "SolveError");
  assert.deepEqual([solveError.startLine, solveError.nameLine, solveError.endLine], [7, 9, 12]);
  // `/** ... */` above `export class RateLimiter`.
  const limiter = await byName("rateLimiter.ts", "RateLimiter");
  assert.deepEqual([limiter.startLine, limiter.nameLine], [28, 29]);
  // `template <typename T>` above firstFinite.
  const firstFinite = await byName("graph.cpp", "firstFinite");
  assert.deepEqual([firstFinite.startLine, firstFinite.nameLine], [78, 79]);
  // A comment separated by a blank line is not attached.
  const tree = await backend.parse("go", "package a\n\n// unrelated\n\n// Doc.\nfunc F() {}\n");
  assert.equal(definitions(tree)[0]!.startLine, 4);
});

test("enclosingScopes lists the definitions around an offset, outermost first", async () => {
  const tree = await parseFixture("rateLimiter.ts");
  const inside = tree.text.indexOf("bucket.tokens -= cost");
  assert.deepEqual(
    enclosingScopes(tree, inside).map((scope) => `${scope.kind} ${scope.name}`),
    ["class RateLimiter", "method take"],
  );
  assert.deepEqual(enclosingScopes(tree, tree.text.indexOf("const defaultMaxKeys")), []);

  const python = await parseFixture("inventory.py");
  const nested = python.text.indexOf("sku, name, quantity = line");
  assert.deepEqual(
    enclosingScopes(python, nested).map((scope) => `${scope.kind} ${scope.name}`),
    ["function load_items", "function parse"],
  );
});

test("enclosingScopes at the end of an unfinished definition still finds it", async () => {
  const text = "class Editor:\n    def save(self):\n        self.";
  const tree = await backend.parse("python", text);
  assert.deepEqual(
    enclosingScopes(tree, text.length).map((scope) => scope.name),
    ["Editor", "save"],
  );
});
