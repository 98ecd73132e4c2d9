/**
 * `old[0, keep)`, then `middle`, then `old[tailFrom, end)`, as one array of exactly that length,
 * made by one copy: what an edit does to a long list (a file's top-level elements, its items),
 * with no growth by `push` (each growth copies the list again) and no list in between.
 */
export function spliceList<T>(old: readonly T[], keep: number, middle: readonly T[], tailFrom: number): T[] {
  const length = keep + middle.length + (old.length - tailFrom);
  // A slice or a concatenation of the old list has the right length and the old list's kind of
  // elements (a `new Array(n)` would have holes, and code reading lists would see two kinds).
  const out = length <= old.length ? old.slice(0, length) : old.concat(middle.slice(0, length - old.length));
  let at = keep;
  for (let i = 0; i < middle.length; i++) out[at++] = middle[i];
  for (let i = tailFrom; i < old.length; i++) out[at++] = old[i];
  return out;
}
