/**
 * Where the learned bug detector looks, and what it sees there: candidate sites (calls with two or more
 * arguments, binary operations, conditions, un-awaited calls in async functions) read from a tree-sitter tree
 * of Python, JavaScript, TypeScript or TSX, each as a fixed row of slot tokens (names, operators, literal and
 * context kinds) plus a few numbers. The training data is produced by this same code (through the site dump in
 * `native-models/train/node/`), so training and inference see identical features. Pure: no I/O.
 */

import type { LanguageId } from "../syntax/languages";
import type { SyntaxNode, SyntaxTree } from "../syntax/syntaxTree";
import { subwords } from "./identifierTokens";

export const bugKinds = [
  "swapped-arguments",
  "wrong-operator",
  "wrong-operand",
  "off-by-one",
  "inverted-condition",
  "missing-await",
] as const;

export type BugKind = (typeof bugKinds)[number];

/** The feature row shape a site has; several kinds share the binary-operation layout. */
export type SiteLayout = "call" | "binary" | "condition" | "await";

export const layoutOf: Record<BugKind, SiteLayout> = {
  "swapped-arguments": "call",
  "wrong-operator": "binary",
  "wrong-operand": "binary",
  "off-by-one": "binary",
  "inverted-condition": "condition",
  "missing-await": "await",
};

/** Slot and number counts per layout: every site of a layout has exactly these many. */
export const layoutShape: Record<SiteLayout, { slots: number; numbers: number }> = {
  call: { slots: 10, numbers: 13 },
  binary: { slots: 10, numbers: 16 },
  condition: { slots: 8, numbers: 9 },
  await: { slots: 8, numbers: 8 },
};

export const detectorLanguages: readonly LanguageId[] = ["python", "javascript", "typescript", "tsx"];

export function detectorSupports(language: LanguageId): boolean {
  return detectorLanguages.includes(language);
}

/** A replacement of `text.slice(start, end)` (UTF-16 offsets) by `text`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface CandidateSite {
  kind: BugKind;
  /** Offsets of the node the site is about (the call, the operation, the condition). */
  start: number;
  end: number;
  /** 0-based rows of that node. */
  line: number;
  endLine: number;
  /** `layoutShape[layoutOf[kind]].slots` tokens: names, or category tokens written `category:value`. */
  tokens: string[];
  numbers: number[];
  /** What the edits that seed or repair this site's bug need to know. */
  detail: SiteDetail;
}

export type SiteDetail =
  | { layout: "call"; callee: string; first: Span; second: Span }
  | {
      layout: "binary";
      operator: string;
      operatorSpan: Span;
      /** Identifier operands (side 0 left, 1 right). */
      operands: { span: Span; name: string; side: 0 | 1 }[];
      /**
       * The variables of the enclosing function (one array shared by all its sites: a module scope can have
       * thousands); the ones named like an operand are not alternatives (see `operandAlternatives`).
       */
      variables: readonly VariableUse[];
      operandNames: [string, string];
      /** Operators of the file's other operations on the same two operands, in this order and swapped. */
      sameOperands: Record<string, number>;
      swappedOperands: Record<string, number>;
    }
  | { layout: "condition"; condition: Span; negation: NegationShape }
  | { layout: "await"; callee: string };

/** A variable of a function: its name, how often it occurs there, and whether it is a parameter. */
export interface VariableUse {
  name: string;
  count: number;
  isParameter: boolean;
  /** Offset of its first occurrence in the function. */
  firstOffset: number;
}

export interface Span {
  start: number;
  end: number;
  text: string;
}

/** How a condition can be turned around: drop its `not`/`!`, flip its operator, or wrap it in a negation. */
export type NegationShape =
  | { shape: "negated"; whole: Span; inner: Span }
  | { shape: "operator"; operatorSpan: Span; operator: string }
  | { shape: "plain"; needsParentheses: boolean };

/** An `await f()` that seeding may turn into `f()` (JS/TS, in an async function, not a returned value). */
export interface AwaitedCall {
  callee: string;
  /** Offsets of the `await` expression and of the call it awaits. */
  awaitStart: number;
  callStart: number;
  callEnd: number;
}

export interface ExtractedSites {
  language: LanguageId;
  sites: CandidateSite[];
  awaitedCalls: AwaitedCall[];
  /** Function-like definitions (lambdas and arrow functions included), in document order. */
  functions: FunctionSpan[];
}

export interface FunctionSpan {
  name: string;
  start: number;
  end: number;
  /** 0-based rows. */
  line: number;
  endLine: number;
  /** Nested in another function. */
  nested: boolean;
  parameters: string[];
}

export const wrongOperatorFamilies: readonly (readonly string[])[] = [
  ["+", "-", "*", "/", "%"],
  ["&&", "||"],
  ["and", "or"],
  ["&", "|", "^"],
  ["<<", ">>"],
  ["<", ">"],
  ["<=", ">="],
];

export const offByOnePairs: Readonly<Record<string, string>> = { "<": "<=", "<=": "<", ">": ">=", ">=": ">" };

export const invertedOperators: Readonly<Record<string, string>> = {
  "==": "!=",
  "!=": "==",
  "===": "!==",
  "!==": "===",
  is: "is not",
  "is not": "is",
  in: "not in",
  "not in": "in",
};

/** The variables that could replace an operand of a binary site: the function's, minus the operands' own names. */
export function operandAlternatives(detail: Extract<SiteDetail, { layout: "binary" }>): VariableUse[] {
  const [left, right] = detail.operandNames;
  return detail.variables.filter((use) => use.name !== left && use.name !== right);
}

export function operatorFamily(operator: string): readonly string[] | undefined {
  return wrongOperatorFamilies.find((family) => family.includes(operator));
}

const none = "kind:none";

const functionTypes = new Set([
  "function_definition",
  "lambda",
  "function_declaration",
  "function_expression",
  "function",
  "arrow_function",
  "method_definition",
  "generator_function_declaration",
  "generator_function",
]);

const callTypes = new Set(["call", "call_expression", "new_expression"]);
const binaryTypes = new Set([
  "binary_operator",
  "boolean_operator",
  "comparison_operator",
  "binary_expression",
]);
const memberTypes = new Set(["attribute", "member_expression"]);
const identifierTypes = new Set([
  "identifier",
  "property_identifier",
  "shorthand_property_identifier",
  "private_property_identifier",
  "type_identifier",
  "this",
  "super",
]);
const literalKinds: Record<string, string> = {
  string: "str",
  template_string: "str",
  concatenated_string: "str",
  number: "num",
  integer: "num",
  float: "num",
  true: "bool",
  false: "bool",
  null: "null",
  undefined: "null",
  none: "null",
};

interface FunctionScope {
  node: SyntaxNode;
  name: string;
  isAsync: boolean;
  nested: boolean;
  params: Set<string>;
  /** How often each variable-like identifier occurs in the function (nested functions included). */
  identifierCounts: Map<string, number>;
  /** Where each one first occurs. */
  firstOffsets: Map<string, number>;
  variables?: VariableUse[];
}

/** Reads every candidate site of a tree; languages the detector does not support give none. */
export function extractSites(tree: SyntaxTree): ExtractedSites {
  const empty: ExtractedSites = { language: tree.language, sites: [], awaitedCalls: [], functions: [] };
  if (!detectorSupports(tree.language)) return empty;
  return new SiteReader(tree, cacheNode(tree.rootNode, null)).read();
}

/**
 * A tree node whose children, parent and fields are read from the parser once: the native binding builds a
 * new object for every property access, and the extraction visits each node several times.
 */
class CachedNode implements SyntaxNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly hasError: boolean;
  private children: CachedNode[] | undefined;
  private readonly fields = new Map<string, CachedNode | null>();
  private start: SyntaxNode["startPosition"] | undefined;
  private end: SyntaxNode["endPosition"] | undefined;

  constructor(
    private readonly node: SyntaxNode,
    readonly parent: CachedNode | null,
  ) {
    this.type = node.type;
    this.startIndex = node.startIndex;
    this.endIndex = node.endIndex;
    this.hasError = node.hasError;
  }

  get startPosition(): SyntaxNode["startPosition"] {
    this.start ??= this.node.startPosition;
    return this.start;
  }

  get endPosition(): SyntaxNode["endPosition"] {
    this.end ??= this.node.endPosition;
    return this.end;
  }

  get namedChildren(): readonly CachedNode[] {
    this.children ??= this.node.namedChildren
      .filter((child): child is SyntaxNode => child !== null)
      .map((child) => new CachedNode(child, this));
    return this.children;
  }

  get previousNamedSibling(): SyntaxNode | null {
    const siblings = this.parent?.namedChildren ?? [];
    const index = siblings.indexOf(this);
    return index > 0 ? siblings[index - 1]! : null;
  }

  childForFieldName(fieldName: string): CachedNode | null {
    let child = this.fields.get(fieldName);
    if (child === undefined) {
      const field = this.node.childForFieldName(fieldName);
      child = field
        ? (this.namedChildren.find(
            (named) => named.startIndex === field.startIndex && named.type === field.type,
          ) ?? null)
        : null;
      this.fields.set(fieldName, child);
    }
    return child;
  }
}

function cacheNode(node: SyntaxNode, parent: CachedNode | null): CachedNode {
  return new CachedNode(node, parent);
}

class SiteReader {
  private readonly text: string;
  private readonly isPython: boolean;
  private readonly languageNumbers: number[];
  /** Keyed by node object: every node here is a `CachedNode`, created once per tree. */
  private readonly scopes = new Map<SyntaxNode, FunctionScope>();
  private readonly moduleScope: FunctionScope;
  private readonly parameterLists = new Map<string, string[]>();
  private readonly awaitedCallees = new Map<string, number>();
  private readonly plainCallees = new Map<string, number>();
  private readonly sites: CandidateSite[] = [];
  /** What each site's in-file consistency numbers are computed from, once the whole file is read. */
  private readonly consistencyKeys = new Map<CandidateSite, ConsistencyKey>();
  private readonly callArguments = new Map<string, Map<string, number>>();
  private readonly operandPairs = new Map<string, Map<string, number>>();
  private readonly conditionPolarities = new Map<string, [number, number]>();
  private readonly awaitedCalls: AwaitedCall[] = [];

  constructor(
    private readonly tree: SyntaxTree,
    private readonly root: SyntaxNode,
  ) {
    this.text = tree.text;
    this.isPython = tree.language === "python";
    this.languageNumbers = [
      this.isPython ? 1 : 0,
      tree.language === "javascript" ? 1 : 0,
      tree.language === "typescript" || tree.language === "tsx" ? 1 : 0,
    ];
    this.moduleScope = {
      node: root,
      name: "module",
      isAsync: false,
      nested: false,
      params: new Set(),
      identifierCounts: new Map(),
      firstOffsets: new Map(),
    };
  }

  read(): ExtractedSites {
    this.collect(this.root, [this.moduleScope]);
    this.visit(this.root, this.moduleScope);
    for (const site of this.sites) site.numbers = [...site.numbers, ...this.consistencyNumbers(site)];
    return {
      language: this.tree.language,
      sites: this.sites,
      awaitedCalls: this.awaitedCalls,
      functions: [...this.scopes.values()].map((scope) => ({
        name: scope.name,
        start: scope.node.startIndex,
        end: scope.node.endIndex,
        line: scope.node.startPosition.row,
        endLine: scope.node.endPosition.row,
        nested: scope.nested,
        parameters: [...scope.params],
      })),
    };
  }

  // First pass: functions, their parameters and identifiers, and which callees are awaited where.
  private collect(node: SyntaxNode, stack: FunctionScope[]): void {
    let scopes = stack;
    if (functionTypes.has(node.type)) {
      const scope = this.functionScope(node, stack.length > 1);
      this.scopes.set(node, scope);
      scopes = [...stack, scope];
      const name = node.childForFieldName("name");
      if (name && !this.parameterLists.has(this.textOf(name))) {
        this.parameterLists.set(this.textOf(name), [...this.parameterNames(node)]);
      }
    } else if (node.type === "identifier" && this.isVariableUse(node)) {
      const name = this.textOf(node);
      for (const scope of scopes) {
        scope.identifierCounts.set(name, (scope.identifierCounts.get(name) ?? 0) + 1);
        if (!scope.firstOffsets.has(name)) scope.firstOffsets.set(name, node.startIndex);
      }
    } else if (node.type === "call_expression") {
      const callee = this.nameOf(node.childForFieldName("function"));
      const counts =
        this.unwrapParentOf(node)?.type === "await_expression" ? this.awaitedCallees : this.plainCallees;
      counts.set(callee, (counts.get(callee) ?? 0) + 1);
    }
    for (const child of node.namedChildren) if (child) this.collect(child, scopes);
  }

  private visit(node: SyntaxNode, scope: FunctionScope): void {
    const current = this.scopes.get(node) ?? scope;
    if (callTypes.has(node.type)) this.readCall(node, current);
    if (binaryTypes.has(node.type)) this.readBinary(node, current);
    if (node.type === "if_statement" || node.type === "elif_clause" || node.type === "while_statement") {
      const condition = node.childForFieldName("condition");
      if (condition) this.readCondition(node, condition, current);
    } else if (node.type === "ternary_expression") {
      const condition = node.childForFieldName("condition");
      if (condition) this.readCondition(node, condition, current);
    } else if (node.type === "conditional_expression") {
      const condition = node.namedChildren[1];
      if (condition) this.readCondition(node, condition, current);
    }
    if (node.type === "call_expression") this.readAwaitSite(node, current);
    if (node.type === "await_expression") this.readAwaitedCall(node, current);
    for (const child of node.namedChildren) if (child) this.visit(child, current);
  }

  // Swapped arguments: calls with two or more positional arguments whose first two differ.
  private readCall(node: SyntaxNode, scope: FunctionScope): void {
    const argumentList = node.childForFieldName("arguments");
    if (!argumentList || !["argument_list", "arguments"].includes(argumentList.type)) return;
    const args = argumentList.namedChildren.filter(
      (child): child is SyntaxNode => child !== null && !isComment(child),
    );
    if (args.length < 2) return;
    const [first, second] = [args[0]!, args[1]!];
    const positional = (arg: SyntaxNode) =>
      !["keyword_argument", "list_splat", "dictionary_splat", "spread_element"].includes(arg.type);
    if (!positional(first) || !positional(second)) return;
    if (this.textOf(first) === this.textOf(second)) return;
    const calleeNode = node.childForFieldName(node.type === "new_expression" ? "constructor" : "function");
    const callee = this.nameOf(calleeNode);
    const receiver = this.baseOf(calleeNode);
    const params = this.parametersFor(callee, calleeNode);
    const [param0, param1] = [params?.[0] ?? none, params?.[1] ?? none];
    const [arg0, arg1] = [this.nameOf(first), this.nameOf(second)];
    const nameMatch =
      params === undefined
        ? 0
        : similarity(arg0, param0) +
          similarity(arg1, param1) -
          similarity(arg0, param1) -
          similarity(arg1, param0);
    const callSite = this.site("swapped-arguments", node, [
      [
        callee,
        receiver,
        arg0,
        arg1,
        this.kindOf(first),
        this.kindOf(second),
        param0,
        param1,
        this.contextOf(node),
        scope.name,
      ],
      [
        args.length === 2 ? 1 : 0,
        args.length > 2 ? 1 : 0,
        params === undefined ? 0 : 1,
        ...this.languageNumbers,
        nameMatch,
        params !== undefined && arg0 === param1 ? 1 : 0,
        params !== undefined && arg1 === param0 ? 1 : 0,
      ],
      { layout: "call", callee, first: this.span(first), second: this.span(second) },
    ]);
    this.sites.push(callSite);
    const counts = mapOf(this.callArguments, callee);
    for (const key of [`0:${arg0}`, `1:${arg1}`]) counts.set(key, (counts.get(key) ?? 0) + 1);
    this.consistencyKeys.set(callSite, { layout: "call", callee, first: arg0, second: arg1 });
  }

  // Wrong operator, off-by-one comparison, wrong operand: binary operations with exactly two operands.
  private readBinary(node: SyntaxNode, scope: FunctionScope): void {
    const operands = node.namedChildren.filter(
      (child): child is SyntaxNode => child !== null && !isComment(child),
    );
    if (operands.length !== 2) return;
    const [left, right] = [operands[0]!, operands[1]!];
    const operator = this.operatorBetween(left, right);
    if (!operator) return;
    const [leftName, rightName] = [this.nameOf(left), this.nameOf(right)];
    const count = (name: string) => Math.log1p(scope.identifierCounts.get(name) ?? 0) / 3;
    const tokens = [
      `op:${operator.text}`,
      leftName,
      rightName,
      this.kindOf(left),
      this.kindOf(right),
      this.baseOf(left),
      this.baseOf(right),
      this.contextOf(node),
      scope.name,
      this.assignedName(node),
    ];
    const numbers = [
      this.textOf(left) === this.textOf(right) ? 1 : 0,
      ...this.languageNumbers,
      count(leftName),
      count(rightName),
      scope.params.has(leftName) ? 1 : 0,
      scope.params.has(rightName) ? 1 : 0,
      this.kindOf(left) in literalTokens ? 1 : 0,
      this.kindOf(right) in literalTokens ? 1 : 0,
    ];
    const identifierOperands = ([left, right] as const).flatMap((operand, side) =>
      operand.type === "identifier"
        ? [{ span: this.span(operand), name: this.textOf(operand), side: side as 0 | 1 }]
        : [],
    );
    const variables = this.variablesOf(scope);
    const firstUse = (operand: SyntaxNode, name: string) =>
      operand.type === "identifier" &&
      !scope.params.has(name) &&
      (scope.firstOffsets.get(name) ?? 0) >= operand.startIndex
        ? 1
        : 0;
    numbers.push(firstUse(left, leftName), firstUse(right, rightName));
    const detail: SiteDetail = {
      layout: "binary",
      operator: operator.text,
      operatorSpan: operator,
      operands: identifierOperands,
      variables,
      operandNames: [leftName, rightName],
      sameOperands: {},
      swappedOperands: {},
    };
    const pair = mapOf(this.operandPairs, `${leftName}\0${rightName}`);
    pair.set(operator.text, (pair.get(operator.text) ?? 0) + 1);
    const key: ConsistencyKey = {
      layout: "binary",
      left: leftName,
      right: rightName,
      operator: operator.text,
    };
    const add = (kind: BugKind) => {
      const site = this.site(kind, node, [tokens, numbers, detail]);
      this.sites.push(site);
      this.consistencyKeys.set(site, key);
    };
    if (operatorFamily(operator.text)) add("wrong-operator");
    if (offByOnePairs[operator.text]) add("off-by-one");
    if (
      identifierOperands.length > 0 &&
      variables.some((use) => use.name !== leftName && use.name !== rightName)
    ) {
      add("wrong-operand");
    }
  }

  // Inverted condition: the condition of an if, elif, while or conditional expression.
  private readCondition(statement: SyntaxNode, condition: SyntaxNode, scope: FunctionScope): void {
    const outer = unwrapParentheses(condition);
    const negated = this.negatedOperand(outer);
    const core = negated ? unwrapParentheses(negated) : outer;
    let shape = `cond:${this.kindOf(core).slice("kind:".length)}`;
    let [name1, name2] = [this.nameOf(core), this.baseOf(core)];
    let comparison = 0;
    let negativeOperator = 0;
    const operands = binaryTypes.has(core.type)
      ? core.namedChildren.filter((child): child is SyntaxNode => child !== null && !isComment(child))
      : [];
    const operator = operands.length === 2 ? this.operatorBetween(operands[0]!, operands[1]!) : undefined;
    if (operator) {
      shape = `cond:${operator.text}`;
      [name1, name2] = [this.nameOf(operands[0]!), this.nameOf(operands[1]!)];
      comparison = invertedOperators[operator.text] ? 1 : 0;
      negativeOperator = ["!=", "!==", "is not", "not in"].includes(operator.text) ? 1 : 0;
    } else if (callTypes.has(core.type)) {
      const first = core.childForFieldName("arguments")?.namedChildren[0];
      name2 = first ? this.nameOf(first) : none;
    }
    const ternary = statement.type === "ternary_expression" || statement.type === "conditional_expression";
    const [thenKind, thenName] = ternary
      ? [
          "then:expr",
          this.nameOf(
            statement.type === "ternary_expression"
              ? statement.childForFieldName("consequence")
              : statement.namedChildren[0],
          ),
        ]
      : this.firstStatement(
          statement.childForFieldName(statement.type === "while_statement" ? "body" : "consequence"),
          "then",
        );
    const alternative = ternary
      ? (statement.childForFieldName("alternative") ?? statement.namedChildren[2] ?? null)
      : statement.type === "while_statement"
        ? null
        : statement.childForFieldName("alternative");
    const elseKind =
      alternative === null
        ? "else:none"
        : ternary
          ? "else:expr"
          : this.firstStatement(alternative, "else")[0];
    const statementToken =
      statement.type === "while_statement" ? "stmt:while" : ternary ? "stmt:ternary" : "stmt:if";
    let negation: NegationShape;
    if (negated) negation = { shape: "negated", whole: this.span(outer), inner: this.span(core) };
    else if (operator && invertedOperators[operator.text]) {
      negation = { shape: "operator", operatorSpan: operator, operator: operator.text };
    } else {
      negation = { shape: "plain", needsParentheses: !simpleOperandTypes.has(core.type) };
    }
    const conditionSite = this.site("inverted-condition", outer, [
      [statementToken, shape, name1, name2, thenKind, thenName, elseKind, scope.name],
      [negated ? 1 : 0, alternative === null ? 0 : 1, ...this.languageNumbers, comparison, negativeOperator],
      { layout: "condition", condition: this.span(outer), negation },
    ]);
    this.sites.push(conditionSite);
    // One key for `x`, `not x`, `a == b` and `a != b` alike; the polarity says which way round it is.
    const spaced = (node: SyntaxNode) => this.textOf(node).replace(/\s+/g, " ");
    const conditionKey = operator
      ? `${spaced(operands[0]!)} ${canonicalOperator(operator.text)} ${spaced(operands[1]!)}`
      : spaced(core);
    const polarity = negated ? 1 - negativeOperator : negativeOperator;
    const polarities = this.conditionPolarities.get(conditionKey) ?? [0, 0];
    polarities[polarity]!++;
    this.conditionPolarities.set(conditionKey, polarities);
    this.consistencyKeys.set(conditionSite, { layout: "condition", key: conditionKey, polarity });
  }

  // Missing await: a call in an async JS/TS function whose promise nobody waits for.
  private readAwaitSite(node: SyntaxNode, scope: FunctionScope): void {
    if (this.isPython || !scope.isAsync) return;
    const parent = this.unwrapParentOf(node);
    if (!parent || parent.type === "await_expression" || this.isReturnedValue(node)) return;
    if (
      parent.type === "call_expression" &&
      parent.childForFieldName("function") &&
      contains(parent.childForFieldName("function")!, node)
    ) {
      // the callee of another call: `f()(x)`
      return;
    }
    if (this.insideAwaitedChain(node)) return;
    const resultMember = memberTypes.has(parent.type)
      ? this.nameOf(parent.childForFieldName("property"))
      : none;
    if (promiseMethods.has(resultMember)) return;
    const calleeNode = node.childForFieldName("function");
    const callee = this.nameOf(calleeNode);
    if (promiseMethods.has(callee)) return;
    const args =
      node.childForFieldName("arguments")?.namedChildren.filter((child) => child && !isComment(child)) ?? [];
    const awaited = this.awaitedCallees.get(callee) ?? 0;
    const plain = Math.max(0, (this.plainCallees.get(callee) ?? 0) - 1);
    const receiver =
      calleeNode && memberTypes.has(calleeNode.type) ? calleeNode.childForFieldName("object") : null;
    this.sites.push(
      this.site("missing-await", node, [
        [
          callee,
          this.baseOf(calleeNode),
          this.contextOf(node),
          this.assignedName(node),
          scope.name,
          args[0] ? this.nameOf(args[0]) : none,
          resultMember,
          receiver ? this.baseOf(receiver) : none,
        ],
        [
          Math.log1p(awaited) / 2,
          Math.log1p(plain) / 2,
          awaited > 0 ? 1 : 0,
          /async$/i.test(callee) ? 1 : 0,
          this.languageNumbers[1]!,
          this.languageNumbers[2]!,
          Math.min(args.length, 4) / 4,
          this.insideLoop(node, scope) ? 1 : 0,
        ],
        { layout: "await", callee },
      ]),
    );
  }

  private readAwaitedCall(node: SyntaxNode, scope: FunctionScope): void {
    if (this.isPython || !scope.isAsync || this.isReturnedValue(node)) return;
    const argument = node.namedChildren.find((child) => child && !isComment(child));
    if (!argument || argument.type !== "call_expression") return;
    this.awaitedCalls.push({
      callee: this.nameOf(argument.childForFieldName("function")),
      awaitStart: node.startIndex,
      callStart: argument.startIndex,
      callEnd: argument.endIndex,
    });
  }

  private site(
    kind: BugKind,
    node: SyntaxNode,
    [tokens, numbers, detail]: [string[], number[], SiteDetail],
  ): CandidateSite {
    return {
      kind,
      start: node.startIndex,
      end: node.endIndex,
      line: node.startPosition.row,
      endLine: node.endPosition.row,
      tokens,
      numbers,
      detail,
    };
  }

  /**
   * How the rest of the file writes the same thing: other calls of the callee with these argument names in
   * either position, other operations on the same operands with this or another operator, other conditions on
   * the same test one way round or the other. Counts leave the site itself out.
   */
  private consistencyNumbers(site: CandidateSite): number[] {
    const key = this.consistencyKeys.get(site);
    const scaled = (count: number) => Math.log1p(Math.max(0, count)) / 2;
    if (!key) return [];
    if (key.layout === "call") {
      const counts = this.callArguments.get(key.callee)!;
      const at = (position: number, name: string) => counts.get(`${position}:${name}`) ?? 0;
      return [
        scaled(at(0, key.first) - 1),
        scaled(at(1, key.first) - (key.second === key.first ? 1 : 0)),
        scaled(at(0, key.second) - (key.second === key.first ? 1 : 0)),
        scaled(at(1, key.second) - 1),
      ];
    }
    if (key.layout === "binary") {
      const same = otherOperators(this.operandPairs.get(`${key.left}\0${key.right}`), key.operator, true);
      const swapped = otherOperators(
        this.operandPairs.get(`${key.right}\0${key.left}`),
        key.operator,
        key.left === key.right,
      );
      if (site.detail.layout === "binary") {
        site.detail.sameOperands = same;
        site.detail.swappedOperands = swapped;
      }
      return operatorAgreement(same, swapped, key.operator);
    }
    const polarities = this.conditionPolarities.get(key.key)!;
    return [scaled(polarities[key.polarity]! - 1), scaled(polarities[1 - key.polarity]!)];
  }

  private variablesOf(scope: FunctionScope): readonly VariableUse[] {
    scope.variables ??= [...scope.identifierCounts].map(([name, count]) => ({
      name,
      count,
      isParameter: scope.params.has(name),
      firstOffset: scope.firstOffsets.get(name) ?? 0,
    }));
    return scope.variables;
  }

  private functionScope(node: SyntaxNode, nested: boolean): FunctionScope {
    const name = node.childForFieldName("name");
    let scopeName = name ? this.textOf(name) : "anonymous";
    if (!name) {
      const parent = node.parent;
      const holder =
        parent?.type === "variable_declarator"
          ? parent.childForFieldName("name")
          : parent?.type === "pair"
            ? parent.childForFieldName("key")
            : parent?.type === "assignment_expression" || parent?.type === "assignment"
              ? parent.childForFieldName("left")
              : null;
      if (holder) scopeName = this.nameOf(holder);
    }
    const headEnd =
      (
        node.childForFieldName("parameters") ??
        node.childForFieldName("parameter") ??
        name ??
        node.childForFieldName("body")
      )?.startIndex ?? node.startIndex;
    const isAsync = /\basync\b/.test(this.text.slice(node.startIndex, headEnd));
    const params = new Set(this.parameterNames(node));
    return {
      node,
      name: scopeName,
      isAsync,
      nested,
      params,
      identifierCounts: new Map(),
      firstOffsets: new Map(),
    };
  }

  private parameterNames(node: SyntaxNode): string[] {
    const list = node.childForFieldName("parameters") ?? node.childForFieldName("parameter");
    if (!list) return [];
    if (list.type === "identifier") return [this.textOf(list)];
    const names: string[] = [];
    for (const parameter of list.namedChildren) {
      if (!parameter || isComment(parameter)) continue;
      const name = this.parameterName(parameter);
      if (name) names.push(name);
    }
    return names;
  }

  private parameterName(parameter: SyntaxNode): string | undefined {
    if (parameter.type === "identifier") return this.textOf(parameter);
    const field =
      parameter.childForFieldName("name") ??
      parameter.childForFieldName("pattern") ??
      parameter.childForFieldName("left");
    if (field) return field.type === "identifier" ? this.textOf(field) : undefined;
    const first = parameter.namedChildren[0];
    return first?.type === "identifier" ? this.textOf(first) : undefined;
  }

  /** Parameters of a same-file definition of the callee; a method's `self`/`cls` is dropped. */
  private parametersFor(callee: string, calleeNode: SyntaxNode | null): string[] | undefined {
    const params = this.parameterLists.get(callee);
    if (!params) return undefined;
    if (
      this.isPython &&
      calleeNode &&
      memberTypes.has(calleeNode.type) &&
      ["self", "cls"].includes(params[0] ?? "")
    ) {
      return params.slice(1);
    }
    return params;
  }

  private isVariableUse(node: SyntaxNode): boolean {
    const parent = node.parent;
    if (!parent) return true;
    const is = (field: string) => parent.childForFieldName(field)?.startIndex === node.startIndex;
    if (parent.type === "attribute" && is("attribute")) return false;
    if (parent.type === "keyword_argument" && is("name")) return false;
    if (functionTypes.has(parent.type) && is("name")) return false;
    if (["class_definition", "class_declaration"].includes(parent.type) && is("name")) return false;
    if (callTypes.has(parent.type) && is("function")) return false;
    if (
      [
        "import_statement",
        "import_from_statement",
        "dotted_name",
        "aliased_import",
        "import_specifier",
        "import_clause",
        "namespace_import",
      ].includes(parent.type)
    ) {
      return false;
    }
    return true;
  }

  /** The operator written between two operands, whitespace normalised; undefined when anything else is there. */
  private operatorBetween(left: SyntaxNode, right: SyntaxNode): Span | undefined {
    const between = this.text.slice(left.endIndex, right.startIndex);
    const written = between.trim();
    const text = written.replace(/\s+/g, " ");
    if (!/^([-+*/%<>=!&|^~@]+|and|or|in|not in|is|is not|instanceof)$/.test(text)) return undefined;
    const start = left.endIndex + between.length - between.trimStart().length;
    return { start, end: start + written.length, text };
  }

  private negatedOperand(node: SyntaxNode): SyntaxNode | undefined {
    if (node.type === "not_operator") return node.childForFieldName("argument") ?? undefined;
    if (node.type === "unary_expression" && this.text.slice(node.startIndex, node.startIndex + 1) === "!") {
      return node.childForFieldName("argument") ?? undefined;
    }
    return undefined;
  }

  private firstStatement(block: SyntaxNode | null, prefix: string): [string, string] {
    if (!block) return [`${prefix}:none`, none];
    let statement: SyntaxNode | null | undefined = block;
    if (["block", "statement_block", "else_clause"].includes(block.type)) {
      statement = block.namedChildren.find((child) => child && !isComment(child));
      if (statement?.type === "block" || statement?.type === "statement_block") {
        statement = statement.namedChildren.find((child) => child && !isComment(child));
      }
    }
    if (!statement) return [`${prefix}:empty`, none];
    const first = statement.namedChildren.find((child) => child && !isComment(child)) ?? null;
    switch (statement.type) {
      case "return_statement":
        return [`${prefix}:return`, first ? this.nameOf(first) : none];
      case "raise_statement":
      case "throw_statement":
        return [`${prefix}:raise`, first ? this.nameOf(first) : none];
      case "continue_statement":
        return [`${prefix}:continue`, none];
      case "break_statement":
        return [`${prefix}:break`, none];
      case "pass_statement":
        return [`${prefix}:pass`, none];
      case "if_statement":
        return [`${prefix}:if`, this.nameOf(statement.childForFieldName("condition"))];
      case "expression_statement": {
        if (!first) return [`${prefix}:other`, none];
        if (callTypes.has(first.type)) return [`${prefix}:call`, this.nameOf(first)];
        if (first.type === "await_expression") return [`${prefix}:call`, this.nameOf(first)];
        if (first.type.includes("assignment"))
          return [`${prefix}:assign`, this.nameOf(first.childForFieldName("left"))];
        return [`${prefix}:other`, this.nameOf(first)];
      }
      case "lexical_declaration":
      case "variable_declaration":
        return [`${prefix}:assign`, this.nameOf(first?.childForFieldName("name") ?? null)];
      default:
        return [`${prefix}:other`, none];
    }
  }

  /** The name an expression is known by: an identifier, a member's property, a call's callee, a literal's kind. */
  private nameOf(node: SyntaxNode | null | undefined): string {
    if (!node) return none;
    if (identifierTypes.has(node.type)) return clip(this.textOf(node));
    const literal = literalKinds[node.type];
    if (literal) {
      if (literal !== "num") return `lit:${literal}`;
      const value = this.textOf(node);
      return ["0", "1", "2", "-1"].includes(value) ? `lit:num:${value}` : "lit:num";
    }
    switch (node.type) {
      case "attribute":
        return this.nameOf(node.childForFieldName("attribute"));
      case "member_expression":
        return this.nameOf(node.childForFieldName("property"));
      case "call":
      case "call_expression":
        return this.nameOf(node.childForFieldName("function"));
      case "new_expression":
        return this.nameOf(node.childForFieldName("constructor"));
      case "subscript":
      case "subscript_expression":
        return this.nameOf(node.childForFieldName("value") ?? node.childForFieldName("object"));
      case "parenthesized_expression":
      case "await_expression":
      case "await":
      case "not_operator":
      case "unary_expression":
      case "unary_operator":
      case "non_null_expression":
      case "as_expression":
        return this.nameOf(node.namedChildren.find((child) => child && !isComment(child)));
      default:
        return `expr:${this.kindOf(node).slice("kind:".length)}`;
    }
  }

  /** The object a member or call hangs off: `a` in `a.b`, `a.b(c)` and `a.b[c]`. */
  private baseOf(node: SyntaxNode | null | undefined): string {
    if (!node) return none;
    if (memberTypes.has(node.type)) return this.nameOf(node.childForFieldName("object"));
    if (callTypes.has(node.type))
      return this.baseOf(node.childForFieldName("function") ?? node.childForFieldName("constructor"));
    if (node.type === "parenthesized_expression") return this.baseOf(node.namedChildren[0]);
    return none;
  }

  private kindOf(node: SyntaxNode): string {
    const literal = literalKinds[node.type];
    if (literal) return `kind:${literal}`;
    if (node.type === "identifier" || node.type === "this") return "kind:name";
    if (memberTypes.has(node.type)) return "kind:member";
    if (callTypes.has(node.type)) return "kind:call";
    if (binaryTypes.has(node.type)) return "kind:binary";
    if (node.type === "parenthesized_expression") {
      const inner = node.namedChildren.find((child) => child && !isComment(child));
      return inner ? this.kindOf(inner) : "kind:other";
    }
    if (node.type === "not_operator" || node.type.startsWith("unary")) return "kind:unary";
    if (node.type === "subscript" || node.type === "subscript_expression") return "kind:index";
    if (["list", "array", "dictionary", "object", "tuple", "set"].includes(node.type))
      return "kind:collection";
    if (functionTypes.has(node.type)) return "kind:function";
    if (node.type === "await_expression" || node.type === "await") return "kind:await";
    return "kind:other";
  }

  private contextOf(node: SyntaxNode): string {
    const parent = this.unwrapParentOf(node);
    if (!parent) return "ctx:top";
    switch (parent.type) {
      case "if_statement":
      case "elif_clause":
        return "ctx:if";
      case "while_statement":
        return "ctx:while";
      case "ternary_expression":
      case "conditional_expression":
        return "ctx:ternary";
      case "return_statement":
        return "ctx:return";
      case "argument_list":
      case "arguments":
        return "ctx:arg";
      case "expression_statement":
        return "ctx:stmt";
      case "not_operator":
        return "ctx:not";
      case "await_expression":
      case "await":
        return "ctx:await";
      case "for_statement":
      case "for_in_statement":
        return "ctx:for";
      default:
        break;
    }
    if (binaryTypes.has(parent.type)) {
      const operands = parent.namedChildren.filter(
        (child): child is SyntaxNode => child !== null && !isComment(child),
      );
      const operator = operands.length === 2 ? this.operatorBetween(operands[0]!, operands[1]!) : undefined;
      return operator ? `ctx:op:${operator.text}` : "ctx:op";
    }
    if (parent.type.includes("assignment") || parent.type === "variable_declarator") return "ctx:assign";
    if (memberTypes.has(parent.type)) return "ctx:member";
    if (parent.type === "subscript" || parent.type === "subscript_expression") return "ctx:index";
    if (parent.type === "unary_expression" || parent.type === "unary_operator") return "ctx:unary";
    return "ctx:other";
  }

  /** The variable a value is stored in, looking up through parentheses and operators. */
  private assignedName(node: SyntaxNode): string {
    let current: SyntaxNode = node;
    for (let depth = 0; depth < 4; depth++) {
      const parent = this.unwrapParentOf(current);
      if (!parent) return none;
      if (parent.type === "variable_declarator") return this.nameOf(parent.childForFieldName("name"));
      if (parent.type.includes("assignment")) {
        const target = parent.childForFieldName("left");
        return target && !contains(target, node) ? this.nameOf(target) : none;
      }
      if (!binaryTypes.has(parent.type) && parent.type !== "await_expression") return none;
      current = parent;
    }
    return none;
  }

  /** `client()` in `await client().send(x)`: a receiver on the way to an awaited call is usually a plain value. */
  private insideAwaitedChain(node: SyntaxNode): boolean {
    let current = node;
    for (let parent = current.parent; parent; current = parent, parent = parent.parent) {
      if (parent.type === "await_expression") return current !== node;
      const onChain =
        parent.type === "parenthesized_expression" ||
        (memberTypes.has(parent.type) && parent.childForFieldName("object") === current) ||
        (parent.type === "call_expression" && parent.childForFieldName("function") === current);
      if (!onChain) return false;
    }
    return false;
  }

  private isReturnedValue(node: SyntaxNode): boolean {
    const parent = this.unwrapParentOf(node);
    if (!parent) return false;
    if (parent.type === "return_statement") return true;
    return (
      parent.type === "arrow_function" &&
      parent.childForFieldName("body")?.startIndex === unwrapStart(node, parent)
    );
  }

  private insideLoop(node: SyntaxNode, scope: FunctionScope): boolean {
    for (let current = node.parent; current && current !== scope.node; current = current.parent) {
      if (
        current.type.startsWith("for_") ||
        current.type === "while_statement" ||
        current.type === "do_statement"
      ) {
        return true;
      }
    }
    return false;
  }

  private unwrapParentOf(node: SyntaxNode): SyntaxNode | null {
    let parent = node.parent;
    while (parent && parent.type === "parenthesized_expression") parent = parent.parent;
    return parent;
  }

  private span(node: SyntaxNode): Span {
    return { start: node.startIndex, end: node.endIndex, text: this.textOf(node) };
  }

  private textOf(node: SyntaxNode): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }
}

type ConsistencyKey =
  | { layout: "call"; callee: string; first: string; second: string }
  | { layout: "binary"; left: string; right: string; operator: string }
  | { layout: "condition"; key: string; polarity: number };

function mapOf<V>(maps: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let map = maps.get(key);
  if (!map) {
    map = new Map();
    maps.set(key, map);
  }
  return map;
}

/** Operator counts of a pair of operands, leaving out one use of `self` when the site itself is among them. */
function otherOperators(
  counts: Map<string, number> | undefined,
  self: string,
  includesSelf: boolean,
): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [operator, count] of counts ?? []) {
    const others = operator === self && includesSelf ? count - 1 : count;
    if (others > 0) result[operator] = others;
  }
  return result;
}

/** The binary layout's consistency numbers for `operator`, given the other operations on the same operands. */
export function operatorAgreement(
  same: Record<string, number>,
  swapped: Record<string, number>,
  operator: string,
): number[] {
  const scaled = (count: number) => Math.log1p(count) / 2;
  const total = (counts: Record<string, number>) =>
    Object.values(counts).reduce((sum, count) => sum + count, 0);
  return [
    scaled(same[operator] ?? 0),
    scaled(total(same) - (same[operator] ?? 0)),
    scaled(swapped[operator] ?? 0),
    scaled(total(swapped) - (swapped[operator] ?? 0)),
  ];
}

function canonicalOperator(operator: string): string {
  return { "!=": "==", "!==": "===", "is not": "is", "not in": "in" }[operator] ?? operator;
}

/** A promise handled with these is deliberately not awaited. */
const promiseMethods = new Set(["then", "catch", "finally"]);

const literalTokens: Record<string, true> = {
  "kind:str": true,
  "kind:num": true,
  "kind:bool": true,
  "kind:null": true,
};

/** Operands that take a prefix negation without parentheses: `!x`, `not f(y)`, `!a.b`. */
const simpleOperandTypes = new Set([
  "identifier",
  "attribute",
  "member_expression",
  "call",
  "call_expression",
  "subscript",
  "subscript_expression",
  "parenthesized_expression",
  "this",
  "true",
  "false",
]);

function unwrapParentheses(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === "parenthesized_expression") {
    const inner = current.namedChildren.find((child) => child && !isComment(child));
    if (!inner) break;
    current = inner;
  }
  return current;
}

function unwrapStart(node: SyntaxNode, ancestor: SyntaxNode): number {
  let current = node;
  while (current.parent && current.parent !== ancestor) current = current.parent;
  return current.startIndex;
}

function contains(outer: SyntaxNode, inner: SyntaxNode): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

function isComment(node: SyntaxNode): boolean {
  return node.type === "comment";
}

function clip(name: string): string {
  return name.length > 40 ? name.slice(0, 40) : name;
}

/** Jaccard similarity of two names' sub-word sets (0 when either is a category token). */
export function similarity(left: string, right: string): number {
  if (left.includes(":") || right.includes(":")) return 0;
  const a = new Set(subwords(left));
  const b = new Set(subwords(right));
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}
