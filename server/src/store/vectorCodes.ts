/**
 * Vector arithmetic for the index: normalisation, sign-bit codes and Hamming distance.
 * A 384-dimension float vector becomes a 48-byte code and a 384-byte int8 copy; scanning 200k codes, then
 * scoring the closest thousand int8 copies, is what makes vector search fast at scale, before an exact
 * cosine rerank of the few dozen best.
 */

export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum) || 1;
  const normalized = new Float32Array(vector.length);
  for (let index = 0; index < vector.length; index++) normalized[index] = vector[index]! / norm;
  return normalized;
}

export function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index++) sum += left[index]! * right[index]!;
  return sum;
}

export function codeWords(dimension: number): number {
  return Math.ceil(dimension / 32);
}

/** One bit per dimension: set when the component is positive. */
export function signCode(vector: Float32Array): Int32Array {
  const code = new Int32Array(codeWords(vector.length));
  for (let index = 0; index < vector.length; index++) {
    if (vector[index]! > 0) code[index >>> 5]! |= 1 << (index & 31);
  }
  return code;
}

export function popCount(word: number): number {
  let bits = word - ((word >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (((bits + (bits >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

let halfWordBits: Uint8Array | undefined;
/** Reused by every scan (JavaScript runs one at a time): a fresh array per query fed the garbage collector. */
let scratchDistances = new Uint16Array(0);

/** Set bits of every 16-bit value: two lookups per word beat bit tricks in the scan over every code. */
function bitsPerHalfWord(): Uint8Array {
  if (!halfWordBits) {
    halfWordBits = new Uint8Array(1 << 16);
    for (let value = 0; value < halfWordBits.length; value++) halfWordBits[value] = popCount(value);
  }
  return halfWordBits;
}

/**
 * Indices of the `count` codes nearest to `query` by Hamming distance (ties broken by position).
 * `codes` holds one code of `words` 32-bit words per entry, back to back.
 */
export function nearestByHamming(
  codes: Int32Array,
  words: number,
  query: Int32Array,
  count: number,
): number[] {
  const entries = codes.length / words;
  if (scratchDistances.length < entries) scratchDistances = new Uint16Array(entries);
  const distances = scratchDistances;
  const bits = bitsPerHalfWord();
  for (let entry = 0, offset = 0; entry < entries; entry++) {
    let distance = 0;
    for (let word = 0; word < words; word++, offset++) {
      const differing = codes[offset]! ^ query[word]!;
      distance += bits[differing & 0xffff]! + bits[differing >>> 16]!;
    }
    distances[entry] = distance;
  }
  // Counting in a pass of its own keeps the scan above a tight loop (twice as fast, measured).
  const histogram = new Uint32Array(words * 32 + 1);
  for (let entry = 0; entry < entries; entry++) histogram[distances[entry]!]!++;
  // Find the distance cut-off that admits `count` entries, then collect in one more pass.
  let cutoff = 0;
  let admitted = 0;
  while (cutoff < histogram.length && admitted + histogram[cutoff]! < count) admitted += histogram[cutoff++]!;
  const nearest: number[] = [];
  for (let entry = 0; entry < entries; entry++) if (distances[entry]! < cutoff) nearest.push(entry);
  for (let entry = 0; entry < entries && nearest.length < count; entry++) {
    if (distances[entry] === cutoff) nearest.push(entry);
  }
  return nearest;
}

/** An int8 copy of a vector: `vector[i] ≈ quantized[i] * scale`. */
export function quantizeInt8(vector: Float32Array): { quantized: Int8Array; scale: number } {
  let largest = 0;
  for (const value of vector) largest = Math.max(largest, Math.abs(value));
  const scale = largest / 127 || 1;
  const quantized = new Int8Array(vector.length);
  for (let index = 0; index < vector.length; index++) quantized[index] = Math.round(vector[index]! / scale);
  return { quantized, scale };
}

export function toBlob(array: Float32Array | Int32Array | Int8Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

export function floatsFromBlob(blob: Buffer): Float32Array {
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}
