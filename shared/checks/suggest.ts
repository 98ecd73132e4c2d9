import { editDistanceBelow } from '../codes';

/**
 * The closest name to `name` when close enough to be a typo (a case difference counts
 * little); ties go to the name first in code-unit order, so the answer never depends on map order.
 */
export function closestName(name: string, lists: readonly (readonly string[])[]): string | undefined {
  let best: string | undefined;
  let bestDistance = typoLimit(name);
  const lower = name.toLowerCase();
  for (const names of lists) {
    for (const n of names) {
      // A length difference of the best distance so far can still tie (and a tie is decided by order).
      if (Math.abs(n.length - name.length) > bestDistance) continue;
      const d = distance(name, lower, n, bestDistance);
      if (d < bestDistance || (d === bestDistance && best !== undefined && n < best)) {
        bestDistance = d;
        best = n;
      }
    }
  }
  return best;
}

/** A distance a typo stays under. */
function typoLimit(name: string): number {
  return Math.max(2, Math.floor(name.length / 3)) + 1;
}

/** `closestName`'s distance from `name` (`lower` its lower case) to `n`: exact below `limit`. */
function distance(name: string, lower: string, n: string, limit: number): number {
  return n.length === name.length && n.toLowerCase() === lower ? 0.5 : editDistanceBelow(name, n, Math.ceil(limit));
}

/** How many names `Suggestions` remembers across lists before it starts over. */
const REMEMBERED = 10_000;

/**
 * `closestName` over lists that are made anew, never changed, when declarations change (a
 * package's kind names). Per list, a name is looked up once (every user of a broken kind
 * asks for it); after its list is replaced, a name's answer comes from its answer over the
 * previous list and the names added since: the whole list is searched again only when that
 * answer was removed.
 */
export class Suggestions {
  private readonly byList = new WeakMap<readonly string[], Map<string, string | undefined>>();
  /**
   * Each name's latest answer, and the list it was for, held weakly. Held strongly, a name not
   * asked again (a typo typed, then deleted) kept its list, and through the differences noted since
   * (`next`, each one holding the list that replaced its own) every list made after it: in a
   * server, a package's kind names once per edit that changed them, for as long as the server ran.
   * Once its list is gone, the name's answer is searched for in the whole new list: the same
   * answer, found the slow way.
   */
  private readonly last = new Map<string, { readonly list: WeakRef<readonly string[]>; readonly found: string | undefined }>();
  /** The names each list lost and gained against the one that replaced it, as its maker noted them (`noteDifference`). */
  private readonly next = new WeakMap<readonly string[], Difference>();
  /** The last difference `diffOf` composed or compared (a pass asks many names over the same pair). */
  private diff?: Difference & { readonly from: readonly string[] };

  closest(name: string, list: readonly string[]): string | undefined {
    let memo = this.byList.get(list);
    if (!memo) this.byList.set(list, (memo = new Map()));
    if (memo.has(name)) return memo.get(name);
    const last = this.last.get(name);
    const lastList = last?.list.deref();
    let found: string | undefined;
    if (last && lastList) {
      const { removed, added } = this.diffOf(lastList, list);
      if (last.found === undefined) found = closestName(name, [added]);
      else if (!removed.has(last.found)) found = closestName(name, [[last.found], added]);
      else found = closestName(name, [list]);
    } else found = closestName(name, [list]);
    memo.set(name, found);
    if (this.last.size >= REMEMBERED) this.last.clear();
    this.last.set(name, { list: new WeakRef(list), found });
    return found;
  }

  /**
   * `closestName` over `first` and `more` lists: each list's answer is remembered as `closest`
   * remembers it (many files see the same packages through the same imports), then the closest of
   * those wins, ties to the first in code-unit order, as over the lists together.
   */
  closestOver(name: string, first: readonly string[], more: readonly (readonly string[])[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    const lower = name.toLowerCase();
    const limit = typoLimit(name);
    for (let i = -1; i < more.length; i++) {
      const list = i < 0 ? first : more[i];
      let memo = this.byList.get(list);
      if (!memo) this.byList.set(list, (memo = new Map()));
      let found = memo.get(name);
      if (found === undefined && !memo.has(name)) memo.set(name, (found = closestName(name, [list])));
      if (found === undefined) continue;
      const d = distance(name, lower, found, limit);
      if (d < bestDistance || (d === bestDistance && found < best!)) {
        bestDistance = d;
        best = found;
      }
    }
    return best;
  }

  /** What a list lost and gained against the one it replaces, when its maker knows (`diffOf` then compares nothing). */
  noteDifference(from: readonly string[], to: readonly string[], removed: ReadonlySet<string>, added: readonly string[]): void {
    this.next.set(from, { to, removed, added });
  }

  /**
   * The names one list lost and gained against another: the differences noted from one to the
   * next composed (a name typed again after a few keystrokes last saw a list a few versions old),
   * else the two lists compared.
   */
  private diffOf(from: readonly string[], to: readonly string[]): Difference {
    if (this.diff?.from === from && this.diff.to === to) return this.diff;
    let removed: Set<string> | undefined;
    let added: Set<string> | undefined;
    let at = from;
    for (let steps = 0; at !== to && steps < MAX_STEPS; steps++) {
      const d = this.next.get(at);
      if (!d) break;
      if (at === from && d.to === to) {
        this.diff = { from, ...d };
        return this.diff;
      }
      removed ??= new Set();
      added ??= new Set();
      // Gone then back is in neither; back then gone again is removed.
      for (const n of d.removed) if (!added.delete(n)) removed.add(n);
      for (const n of d.added) if (!removed.delete(n)) added.add(n);
      at = d.to;
    }
    if (at === to && removed && added) this.diff = { from, to, removed, added: [...added] };
    else {
      const inTo = new Set(to);
      const inFrom = new Set(from);
      const gone = new Set<string>();
      for (const n of from) if (!inTo.has(n)) gone.add(n);
      const came: string[] = [];
      for (const n of to) if (!inFrom.has(n)) came.push(n);
      this.diff = { from, to, removed: gone, added: came };
    }
    return this.diff;
  }
}

/** What a list of names lost and gained against the one before it. */
interface Difference {
  readonly to: readonly string[];
  readonly removed: ReadonlySet<string>;
  readonly added: readonly string[];
}

/** How many noted differences `diffOf` composes before it compares the lists instead. */
const MAX_STEPS = 16;
