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
  // The tail where it was (as many entries replaced as came): the slice holds it already.
  if (at === tailFrom) return out;
  for (let i = tailFrom; i < old.length; i++) out[at++] = old[i];
  return out;
}

/** Above this many new entries `spliceInPlace` copies instead (they would all be arguments of one call). */
const MAX_SPLICED = 4096;

/**
 * What `spliceList` makes, made in `list` itself: only the entries behind `keep` move, and none
 * when `middle` takes as many places as it replaces (one item re-parsed into one). For a list whose
 * owner lets go of it (a reparsed tree's top-level elements: the previous tree is consumed), where
 * a copy of the whole list per keystroke would grow with the file.
 */
export function spliceInPlace<T>(list: T[], keep: number, middle: readonly T[], tailFrom: number): T[] {
  const gone = tailFrom - keep;
  if (middle.length === gone && !Object.isFrozen(list)) {
    for (let i = 0; i < gone; i++) list[keep + i] = middle[i];
    return list;
  }
  if (middle.length > MAX_SPLICED || Object.isFrozen(list)) return spliceList(list, keep, middle, tailFrom);
  list.splice(keep, gone, ...middle);
  return list;
}

/**
 * What differs between two lists that share their objects in order (a file's items, sites, edges
 * or kind items before and after an edit): the entries between the common head and tail,
 * compared by identity (of `key`: a moved item is a new object for the same node). `known`: a
 * head and a tail the caller knows to be the same objects (a list spliced around a window): the
 * comparison starts there instead of at the ends.
 */
export function changedWindow<T>(
  before: readonly T[],
  after: readonly T[],
  key?: (x: T) => unknown,
  known?: { readonly head: number; readonly tail: number },
): { removed: T[]; added: T[] } {
  const m = before.length;
  const n = after.length;
  let head = known?.head ?? 0;
  let tail = known ? Math.max(0, Math.min(known.tail, m - head, n - head)) : 0;
  if (key === undefined) {
    // By the entries themselves: no call per entry (a file's every site and edge, per summary edit).
    ({ head, tail } = sameEnds(before, after, head, tail));
  } else {
    while (head < m && head < n && key(before[head]) === key(after[head])) head++;
    while (tail < m - head && tail < n - head && key(before[m - 1 - tail]) === key(after[n - 1 - tail])) tail++;
  }
  return { removed: before.slice(head, before.length - tail), added: after.slice(head, after.length - tail) };
}

/**
 * How many entries two lists share at their start (`head`) and, after those, at their end
 * (`tail`), the same objects; counting from a head and a tail already known to be shared.
 */
export function sameEnds<T>(was: readonly T[], now: readonly T[], head = 0, tail = 0): { head: number; tail: number } {
  while (head < was.length && head < now.length && was[head] === now[head]) head++;
  while (tail < was.length - head && tail < now.length - head && was[was.length - 1 - tail] === now[now.length - 1 - tail]) tail++;
  return { head, tail };
}
