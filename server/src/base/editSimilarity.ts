/**
 * Edit similarity, the one measure of "how much of this text is still that text" used by feedback survival,
 * the completion eval and the client's suggestion tracker. Pure, with no dependencies, so the client may use it.
 */

/**
 * 1 - Levenshtein(a, b) / max(|a|, |b|): 1 for equal texts, 0 for nothing in common (or one side empty).
 * Large pairs cost at most `maxCells` cell updates: beyond that the upper bound min/max of the lengths is
 * returned when it is already small, else the texts' common prefix and suffix are trimmed first, which is
 * exact, and what remains is compared in full.
 */
export function editSimilarity(a: string, b: string, maxCells = 4_000_000): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const left = a.slice(start, endA);
  const right = b.slice(start, endB);
  if (left.length * right.length > maxCells) {
    // The distance is at least the difference in length; the bound is close to the truth when it is small.
    return Math.min(a.length, b.length) / longer;
  }
  return 1 - levenshtein(left, right) / longer;
}

export function levenshtein(a: string, b: string): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  let previous = new Array<number>(short.length + 1);
  let current = new Array<number>(short.length + 1);
  for (let i = 0; i <= short.length; i++) previous[i] = i;
  for (let j = 1; j <= long.length; j++) {
    current[0] = j;
    const code = long.charCodeAt(j - 1);
    for (let i = 1; i <= short.length; i++) {
      const substitution = previous[i - 1]! + (short.charCodeAt(i - 1) === code ? 0 : 1);
      current[i] = Math.min(substitution, previous[i]! + 1, current[i - 1]! + 1);
    }
    [previous, current] = [current, previous];
  }
  return previous[short.length]!;
}
