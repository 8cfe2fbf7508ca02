/**
 * Chunk planning, pure: from a file's text, its definitions and its multi-line statements, decides the chunks
 * the workspace index embeds. No tree-sitter here, so every rule is testable on hand-written outlines.
 *
 * Rules, applied from the top level down:
 * - a definition that fits the budget is one chunk (with everything nested in it);
 * - a definition that does not fit is split into its child definitions, the code between them (for a class:
 *   its header and fields) and its tail; a leaf definition that does not fit becomes overlapping line windows;
 * - code between definitions is packed greedily, cutting only between statements (never inside a multi-line
 *   one unless that statement alone is over budget);
 * - a line too long for the budget on its own is split by characters;
 * - without an outline (unknown language, unparsable text) the file becomes overlapping line windows.
 * Every non-blank line ends up in at least one chunk, and every chunk's `chunkEmbeddingText` fits `maxTokens`.
 */

import type { SymbolKind } from "./syntaxOutline";

/** 0-based, inclusive lines. */
export interface LineRange {
  startLine: number;
  endLine: number;
}

/** What the planner needs of a definition (`Definition` from syntaxOutline.ts has it all). */
export interface PlannedDefinition {
  name: string;
  kind: SymbolKind;
  startLine: number;
  endLine: number;
  nameLine: number;
  /** Index of the enclosing definition in the same list; -1 at top level. */
  parent: number;
}

export interface PlanOutline {
  definitions: readonly PlannedDefinition[];
  blocks: readonly LineRange[];
}

export interface ChunkOptions {
  /** Budget for `chunkEmbeddingText(chunk)`, i.e. the header, a newline and the text, as countTokens measures it. */
  maxTokens: number;
  /** The embedding model's token count (tests may count characters). */
  countTokens: (text: string) => number;
  /** Lines repeated at the start of each line window after the first. Default 2. */
  overlapLines?: number;
}

export interface ChunkSymbol {
  name: string;
  kind: SymbolKind;
  /** 0-based line of the name. */
  line: number;
}

export interface Chunk {
  path: string;
  language: string;
  /** 0-based, inclusive. */
  startLine: number;
  endLine: number;
  /**
   * The lines joined with "\n" (a CR before a line break is dropped). When one line alone exceeds the budget
   * it is split by characters, and such a chunk's text is part of that line.
   */
  text: string;
  /** `path (language)`, then the enclosing definitions: `src/a.ts (typescript): class Foo > method bar`. */
  header: string;
  /** The definitions this chunk introduces; each definition is reported by exactly one chunk. */
  symbols: ChunkSymbol[];
}

export interface PlanInput {
  path: string;
  language: string;
  text: string;
  /** null: structure unknown; the file is cut into overlapping line windows. */
  outline: PlanOutline | null;
}

export const defaultOverlapLines = 2;
/** Below this no header and no character of text can be guaranteed to fit. */
export const minimumMaxTokens = 8;

/** What the index embeds for a chunk: header, newline, text. The budget applies to exactly this. */
export function chunkEmbeddingText(chunk: Pick<Chunk, "header" | "text">): string {
  return `${chunk.header}\n${chunk.text}`;
}

export function planChunks(input: PlanInput, options: ChunkOptions): Chunk[] {
  return new Planner(input, options).plan();
}

/** Lines as the planner sees them: split on "\n" only, like tree-sitter's rows, with a trailing CR dropped. */
export function splitLines(text: string): string[] {
  return text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

interface Planned {
  startLine: number;
  endLine: number;
  text: string;
  header: string;
  symbols: ChunkSymbol[];
  /** Text is a piece of one long line. */
  partial: boolean;
}

interface Group {
  startLine: number;
  endLine: number;
  definitions: number[];
}

/** Brackets, separators and the block-closing keywords of Ruby and shell, nothing else (or a blank line). */
const closingLine = /^[\s)\]}>;,]*(?:(?:end|fi|done|esac)[\s)\]}>;,]*)?$/;

class Planner {
  private readonly lines: string[];
  private readonly costPrefix: Float64Array;
  private readonly cutAllowed: Uint8Array;
  private readonly definitions: readonly PlannedDefinition[];
  private readonly children: number[][];
  private readonly topLevel: number[] = [];
  private readonly headers = new Map<string, { text: string; cost: number }>();
  private readonly maxTokens: number;
  private readonly overlap: number;
  private readonly count: (text: string) => number;

  constructor(
    private readonly input: PlanInput,
    options: ChunkOptions,
  ) {
    if (!Number.isFinite(options.maxTokens) || options.maxTokens < minimumMaxTokens) {
      throw new RangeError(`maxTokens must be a number >= ${minimumMaxTokens}, got ${options.maxTokens}`);
    }
    const overlap = options.overlapLines ?? defaultOverlapLines;
    if (!Number.isInteger(overlap) || overlap < 0) {
      throw new RangeError(`overlapLines must be a non-negative integer, got ${overlap}`);
    }
    this.maxTokens = options.maxTokens;
    this.overlap = overlap;
    this.count = options.countTokens;
    this.lines = splitLines(input.text);

    // Per-line costs plus one per line break: an estimate used to grow chunks cheaply; the exact count of the
    // final text always decides.
    this.costPrefix = new Float64Array(this.lines.length + 1);
    for (let line = 0; line < this.lines.length; line++) {
      this.costPrefix[line + 1] = this.costPrefix[line]! + this.count(this.lines[line]!) + 1;
    }

    this.cutAllowed = new Uint8Array(this.lines.length + 1).fill(1);
    const covered = new Int32Array(this.lines.length + 1);
    for (const block of input.outline?.blocks ?? []) {
      const start = Math.max(0, block.startLine + 1);
      const end = Math.min(this.lines.length - 1, block.endLine);
      if (start > end) continue;
      covered[start]! += 1;
      covered[end + 1]! -= 1;
    }
    for (let line = 0, depth = 0; line < this.lines.length; line++) {
      depth += covered[line]!;
      if (depth > 0) this.cutAllowed[line] = 0;
    }

    this.definitions = input.outline?.definitions ?? [];
    this.children = this.definitions.map(() => []);
    this.definitions.forEach((definition, index) => {
      const parent = definition.parent;
      if (parent >= 0 && parent < index) this.children[parent]!.push(index);
      else this.topLevel.push(index);
    });
    const byStart = (a: number, b: number) => this.definitions[a]!.startLine - this.definitions[b]!.startLine;
    for (const list of this.children) list.sort(byStart);
    this.topLevel.sort(byStart);
  }

  plan(): Chunk[] {
    const last = this.lines.length - 1;
    const planned = this.input.outline
      ? this.region(0, last, this.topLevel, [], false)
      : this.windows(0, last, this.header([]), []);
    return planned.map(({ startLine, endLine, text, header, symbols }) => ({
      path: this.input.path,
      language: this.input.language,
      startLine,
      endLine,
      text,
      header,
      symbols,
    }));
  }

  /** Lines start..end holding the given child definitions (sorted), inside the given scopes. */
  private region(
    start: number,
    end: number,
    children: number[],
    scopes: number[],
    split: boolean,
  ): Planned[] {
    const groups: Group[] = [];
    for (const index of children) {
      const definition = this.definitions[index]!;
      const startLine = clamp(definition.startLine, start, end);
      const endLine = clamp(definition.endLine, startLine, end);
      const previous = groups.at(-1);
      // Definitions sharing a line cannot be cut apart on line boundaries: they travel together.
      if (previous && startLine <= previous.endLine) {
        previous.endLine = Math.max(previous.endLine, endLine);
        previous.definitions.push(index);
      } else {
        groups.push({ startLine, endLine, definitions: [index] });
      }
    }

    const out: Planned[] = [];
    let cursor = start;
    const addGap = (from: number, to: number) => {
      const gap = this.gap(from, to, scopes);
      const only = gap.length === 1 ? gap[0]! : undefined;
      const previous = out.at(-1);
      // Closing lines left between or after the pieces of a split definition (`}`, `end`, `});`) mean nothing
      // alone: they join the chunk before them.
      if (split && only && previous && !previous.partial && !only.partial && this.closesOnly(only)) {
        const joined = this.joinable(previous, only);
        if (joined) {
          out[out.length - 1] = joined;
          return;
        }
      }
      out.push(...gap);
    };
    for (const group of groups) {
      if (group.startLine > cursor) addGap(cursor, group.startLine - 1);
      out.push(...this.group(group, scopes));
      cursor = group.endLine + 1;
    }
    if (cursor <= end) addGap(cursor, end);
    return out;
  }

  private group(group: Group, scopes: number[]): Planned[] {
    if (group.definitions.length === 1) {
      return this.definition(group.definitions[0]!, group.startLine, group.endLine, scopes);
    }
    const header = this.header(scopes);
    const symbols = group.definitions.flatMap((index) => this.subtreeSymbols(index));
    if (this.fits(header, group.startLine, group.endLine)) {
      return this.chunk(group.startLine, group.endLine, header, symbols);
    }
    return this.windows(group.startLine, group.endLine, header, symbols);
  }

  private definition(index: number, start: number, end: number, scopes: number[]): Planned[] {
    const inner = [...scopes, index];
    const header = this.header(inner);
    if (this.fits(header, start, end)) return this.chunk(start, end, header, this.subtreeSymbols(index));
    const children = this.children[index]!;
    if (children.length === 0) return this.windows(start, end, header, this.subtreeSymbols(index));
    const parts = this.region(start, end, children, inner, true);
    parts[0]?.symbols.unshift(this.symbol(index));
    return parts;
  }

  /** Code between definitions: statements packed greedily, cut only where no multi-line statement spans. */
  private gap(start: number, end: number, scopes: number[]): Planned[] {
    const header = this.header(scopes);
    const segments: LineRange[] = [];
    let segmentStart = start;
    for (let line = start + 1; line <= end; line++) {
      if (this.cutAllowed[line]) {
        segments.push({ startLine: segmentStart, endLine: line - 1 });
        segmentStart = line;
      }
    }
    segments.push({ startLine: segmentStart, endLine: end });

    const out: Planned[] = [];
    let first = 0;
    while (first < segments.length) {
      const from = segments[first]!.startLine;
      if (this.trim(from, segments[first]!.endLine) === null) {
        first++;
        continue;
      }
      if (!this.fits(header, from, segments[first]!.endLine)) {
        out.push(...this.windows(from, segments[first]!.endLine, header, []));
        first++;
        continue;
      }
      let last = first;
      while (last + 1 < segments.length && this.fitsEstimate(header, from, segments[last + 1]!.endLine))
        last++;
      while (last > first && !this.fitsExactly(header, from, segments[last]!.endLine)) last--;
      out.push(...this.chunk(from, segments[last]!.endLine, header, []));
      first = last + 1;
    }
    return out;
  }

  /** Overlapping windows of whole lines; lines too long alone are split by characters. */
  private windows(start: number, end: number, header: string, symbols: ChunkSymbol[]): Planned[] {
    const out: Planned[] = [];
    let covered = start - 1;
    let line = start;
    while (line <= end) {
      if (this.lines[line]!.trim() === "") {
        line++;
        continue;
      }
      if (!this.fits(header, line, line)) {
        out.push(...this.longLine(line, header));
        covered = line;
        line++;
        continue;
      }
      let last = line;
      while (last + 1 <= end && this.fitsEstimate(header, line, last + 1)) last++;
      while (last > line && !this.fitsExactly(header, line, last)) last--;
      if (last > covered) {
        out.push(...this.chunk(line, last, header, []));
        covered = last;
      }
      if (last >= end) break;
      // Overlap, but always move forward: a window that adds nothing new is skipped above.
      line = Math.max(line + 1, last + 1 - this.overlap);
    }
    for (const symbol of symbols) {
      const owner =
        out.find((chunk) => chunk.startLine <= symbol.line && symbol.line <= chunk.endLine) ?? out[0];
      owner?.symbols.push(symbol);
    }
    for (const chunk of out) chunk.symbols.sort((a, b) => a.line - b.line);
    return out;
  }

  private longLine(line: number, header: string): Planned[] {
    const text = this.lines[line]!;
    const out: Planned[] = [];
    const fitsPiece = (from: number, length: number) =>
      this.count(`${header}\n${text.slice(from, from + length)}`) <= this.maxTokens;
    let from = 0;
    while (from < text.length) {
      const rest = text.length - from;
      // Gallop, then bisect: probes stay near the answer instead of counting the whole (maybe huge) line.
      let low = 0;
      let high = Math.min(rest, 64);
      while (high < rest && fitsPiece(from, high)) {
        low = high;
        high = Math.min(rest, high * 2);
      }
      if (fitsPiece(from, high)) low = high;
      while (high - low > 1) {
        const middle = (low + high) >> 1;
        if (fitsPiece(from, middle)) low = middle;
        else high = middle;
      }
      let length = Math.max(1, low);
      // Keep surrogate pairs whole.
      if (length < rest && isHighSurrogate(text.charCodeAt(from + length - 1))) {
        length = length > 1 ? length - 1 : 2;
      }
      const piece = text.slice(from, from + length);
      if (piece.trim() !== "") {
        out.push({ startLine: line, endLine: line, text: piece, header, symbols: [], partial: true });
      }
      from += length;
    }
    return out;
  }

  /** One chunk of whole lines, or none when they are all blank. */
  private chunk(start: number, end: number, header: string, symbols: ChunkSymbol[]): Planned[] {
    const trimmed = this.trim(start, end);
    if (!trimmed) return [];
    const chunk: Planned = {
      startLine: trimmed.startLine,
      endLine: trimmed.endLine,
      text: this.text(trimmed.startLine, trimmed.endLine).trimEnd(),
      header,
      symbols: [...symbols].sort((a, b) => a.line - b.line),
      partial: false,
    };
    return [chunk];
  }

  /** The two chunks as one, when it fits under the first one's header. */
  private joinable(first: Planned, second: Planned): Planned | null {
    if (!this.fits(first.header, first.startLine, second.endLine)) return null;
    return (
      this.chunk(first.startLine, second.endLine, first.header, [...first.symbols, ...second.symbols])[0] ??
      null
    );
  }

  private closesOnly(chunk: Planned): boolean {
    for (let line = chunk.startLine; line <= chunk.endLine; line++) {
      if (!closingLine.test(this.lines[line]!)) return false;
    }
    return true;
  }

  private trim(start: number, end: number): LineRange | null {
    let first = start;
    let last = end;
    while (first <= last && this.lines[first]!.trim() === "") first++;
    while (last >= first && this.lines[last]!.trim() === "") last--;
    return first > last ? null : { startLine: first, endLine: last };
  }

  private text(start: number, end: number): string {
    return this.lines.slice(start, end + 1).join("\n");
  }

  private fits(header: string, start: number, end: number): boolean {
    return this.fitsEstimate(header, start, end) && this.fitsExactly(header, start, end);
  }

  private fitsEstimate(header: string, start: number, end: number): boolean {
    const { cost } = this.headers.get(header) ?? { cost: this.count(header) };
    return cost + this.costPrefix[end + 1]! - this.costPrefix[start]! <= this.maxTokens;
  }

  private fitsExactly(header: string, start: number, end: number): boolean {
    const range = this.trim(start, end);
    if (!range) return true;
    const text = this.text(range.startLine, range.endLine).trimEnd();
    return this.count(chunkEmbeddingText({ header, text })) <= this.maxTokens;
  }

  /** The header for a scope path; shortened to half the budget so that text always has room. */
  private header(scopes: number[]): string {
    const scopeText = scopes
      .map((index) => `${this.definitions[index]!.kind} ${this.definitions[index]!.name}`)
      .join(" > ");
    let full = `${this.input.path} (${this.input.language})`;
    if (scopeText) full += `: ${scopeText}`;
    const cached = this.headers.get(full);
    if (cached) return cached.text;
    const limit = Math.floor(this.maxTokens / 2);
    let text = full;
    if (this.count(text) > limit) {
      let low = 0;
      let high = full.length;
      while (high - low > 1) {
        const middle = (low + high) >> 1;
        if (this.count(`${full.slice(0, middle)}…`) <= limit) low = middle;
        else high = middle;
      }
      text = `${full.slice(0, low)}…`;
    }
    const entry = { text, cost: this.count(text) };
    this.headers.set(full, entry);
    this.headers.set(text, entry);
    return text;
  }

  private symbol(index: number): ChunkSymbol {
    const { name, kind, nameLine } = this.definitions[index]!;
    return { name, kind, line: nameLine };
  }

  private subtreeSymbols(index: number): ChunkSymbol[] {
    const symbols = [this.symbol(index)];
    for (const child of this.children[index]!) symbols.push(...this.subtreeSymbols(child));
    return symbols;
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
