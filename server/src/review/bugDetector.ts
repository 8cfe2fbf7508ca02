/**
 * Inference of Hearth's learned bug detector (`native-models/hearth-bugs.bin`) in plain TypeScript: hashed
 * embeddings of a site's slot tokens, averaged per slot, concatenated with the site's numbers and scored by
 * the kind's two-layer MLP. Pure: the caller reads the file; this parses bytes and does arithmetic.
 *
 * File layout (little-endian): the 8 bytes `HRTHBUG1`, a u32 header length, that many bytes of JSON header
 * (space-padded so the tensors start at a multiple of 4), then the header's tensors as float32, in order.
 */

import {
  type BugKind,
  bugKinds,
  type CandidateSite,
  layoutOf,
  layoutShape,
  type SiteLayout,
} from "./candidateSites";
import { tokenIds } from "./identifierTokens";

export class BugDetectorFormatError extends Error {
  override name = "BugDetectorFormatError";
}

interface DetectorHeader {
  format: string;
  version: number;
  buckets: number;
  dimension: number;
  hidden: number;
  maxIdsPerSlot: number;
  kinds: Record<
    string,
    { layout: SiteLayout; slots: number; numbers: number; threshold: number; margin: number }
  >;
  tensors: { name: string; shape: number[] }[];
}

interface Head {
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
  w3: Float32Array;
  b3: Float32Array;
  inputs: number;
  hidden: number;
  threshold: number;
  margin: number;
}

const magic = "HRTHBUG1";

export class BugDetector {
  private constructor(
    readonly buckets: number,
    readonly dimension: number,
    private readonly embedding: Float32Array,
    private readonly heads: Map<BugKind, Head>,
  ) {}

  /** Parses the detector file; throws `BugDetectorFormatError` saying what is wrong with it. */
  static fromBytes(bytes: Uint8Array): BugDetector {
    if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 8)) !== magic) {
      throw new BugDetectorFormatError(`not a Hearth bug detector file (no ${magic} signature)`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = view.getUint32(8, true);
    if (12 + headerLength > bytes.length)
      throw new BugDetectorFormatError("the header runs past the end of the file");
    let header: DetectorHeader;
    try {
      header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
    } catch (error) {
      throw new BugDetectorFormatError(`the header is not JSON: ${(error as Error).message}`);
    }
    if (header.format !== "hearth-bug-detector" || header.version !== 1) {
      throw new BugDetectorFormatError(`unsupported format ${header.format} version ${header.version}`);
    }
    // Copy the tensors out so that they are 4-byte aligned whatever buffer the bytes came in.
    const tensors = new Map<string, Float32Array>();
    let offset = 12 + headerLength;
    for (const tensor of header.tensors) {
      const count = tensor.shape.reduce((product, size) => product * size, 1);
      if (offset + count * 4 > bytes.length) {
        throw new BugDetectorFormatError(`tensor ${tensor.name} runs past the end of the file`);
      }
      const values = new Float32Array(count);
      for (let index = 0; index < count; index++) values[index] = view.getFloat32(offset + index * 4, true);
      tensors.set(tensor.name, values);
      offset += count * 4;
    }
    if (offset !== bytes.length)
      throw new BugDetectorFormatError(`${bytes.length - offset} bytes after the last tensor`);
    const need = (name: string) => {
      const values = tensors.get(name);
      if (!values) throw new BugDetectorFormatError(`tensor ${name} is missing`);
      return values;
    };
    const embedding = need("embedding");
    if (embedding.length !== header.buckets * header.dimension) {
      throw new BugDetectorFormatError("the embedding's size does not match buckets x dimension");
    }
    const heads = new Map<BugKind, Head>();
    for (const kind of bugKinds) {
      const spec = header.kinds[kind];
      if (!spec) throw new BugDetectorFormatError(`no head for ${kind}`);
      const shape = layoutShape[layoutOf[kind]];
      if (spec.layout !== layoutOf[kind] || spec.slots !== shape.slots || spec.numbers !== shape.numbers) {
        throw new BugDetectorFormatError(`the ${kind} head was trained on another site layout`);
      }
      const inputs = spec.slots * header.dimension + spec.numbers;
      const head: Head = {
        w1: need(`${kind}.w1`),
        b1: need(`${kind}.b1`),
        w2: need(`${kind}.w2`),
        b2: need(`${kind}.b2`),
        w3: need(`${kind}.w3`),
        b3: need(`${kind}.b3`),
        inputs,
        hidden: header.hidden,
        threshold: spec.threshold,
        margin: spec.margin,
      };
      if (head.w1.length !== header.hidden * inputs || head.w3.length !== header.hidden) {
        throw new BugDetectorFormatError(`the ${kind} head's weights do not match its input size`);
      }
      heads.set(kind, head);
    }
    return new BugDetector(header.buckets, header.dimension, embedding, heads);
  }

  /** The score above which a site of this kind is reported, chosen on validation data at training time. */
  threshold(kind: BugKind): number {
    return this.head(kind).threshold;
  }

  /**
   * How much higher than its best repair a site must score to be reported (chosen with the threshold): a site
   * that looks as odd mended as it does now is ambiguous, not buggy.
   */
  margin(kind: BugKind): number {
    return this.head(kind).margin;
  }

  /** Probability (0..1) that the site holds a bug of its kind. */
  score(site: Pick<CandidateSite, "kind" | "tokens" | "numbers">): number {
    return this.scoreIds(
      site.kind,
      site.tokens.map((token) => tokenIds(token, this.buckets)),
      site.numbers,
    );
  }

  /** Scores already-hashed slots (the training dump's form; the golden test uses it). */
  scoreIds(kind: BugKind, slots: readonly (readonly number[])[], numbers: readonly number[]): number {
    const head = this.head(kind);
    const input = new Float32Array(head.inputs);
    const dimension = this.dimension;
    slots.forEach((ids, slot) => {
      if (ids.length === 0) return;
      for (const id of ids) {
        const row = id * dimension;
        for (let index = 0; index < dimension; index++)
          input[slot * dimension + index]! += this.embedding[row + index];
      }
      for (let index = 0; index < dimension; index++) input[slot * dimension + index]! /= ids.length;
    });
    numbers.forEach((value, index) => {
      input[slots.length * dimension + index] = value;
    });
    const first = dense(head.w1, head.b1, input, head.hidden, true);
    const second = dense(head.w2, head.b2, first, head.hidden, true);
    const logit = dense(head.w3, head.b3, second, 1, false)[0]!;
    return 1 / (1 + Math.exp(-logit));
  }

  private head(kind: BugKind): Head {
    const head = this.heads.get(kind);
    if (!head) throw new BugDetectorFormatError(`no head for ${kind}`);
    return head;
  }
}

/** `weights` is row-major [outputs x inputs], as torch's Linear stores it. */
function dense(
  weights: Float32Array,
  bias: Float32Array,
  input: Float32Array,
  outputs: number,
  relu: boolean,
): Float32Array {
  const result = new Float32Array(outputs);
  const inputs = input.length;
  for (let row = 0; row < outputs; row++) {
    let sum = bias[row]!;
    const base = row * inputs;
    for (let column = 0; column < inputs; column++) sum += weights[base + column]! * input[column]!;
    result[row] = relu && sum < 0 ? 0 : sum;
  }
  return result;
}
