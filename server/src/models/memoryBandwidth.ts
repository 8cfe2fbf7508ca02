/**
 * Measures memory bandwidth with a plain buffer copy, for the decode ceiling: generating one token reads every
 * weight once, so tokens/s can be at most bandwidth / model bytes, and measured / ceiling is the model bandwidth
 * utilisation (MBU).
 */

/**
 * Bytes per second moved by copying a buffer larger than the CPU caches, counting the read and the write (as
 * STREAM's copy does). One thread, the best of `repeats` copies: decode on this machine is one thread as well,
 * and the best copy is the least disturbed by other processes.
 */
export function measureMemoryBandwidth(bytes = 256 * 1024 * 1024, repeats = 5): number {
  const source = new Uint8Array(bytes);
  const target = new Uint8Array(bytes);
  // Touch every page first so the copies measure memory, not page faults.
  source.fill(1);
  target.fill(2);
  let best = Number.POSITIVE_INFINITY;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const started = performance.now();
    target.set(source);
    best = Math.min(best, performance.now() - started);
  }
  return (2 * bytes) / (best / 1000);
}
