import type { Diagnostic } from './diagnostics';
import type { GreenElement, SyntaxTree, TreeOrigin } from './syntax';

/** The most elements `ElementOffsets` keeps as taken out between two drains (more: not known). */
const MAX_REMOVED = 4096;

/**
 * `ElementOffsets`' map holds each element's index with the number of shifts logged when it was
 * set (`generation * GENERATION + index`, a small integer): an edit that changes how many
 * elements there are logs one shift instead of setting every element behind it again.
 */
const GENERATION = 2 ** 24;

/**
 * The most shifts logged before the map is set again whole (a lookup applies the shifts logged
 * since its element was set): an edit that changes the number of elements costs a pass over the
 * elements behind it once in this many, and every lookup at most this many comparisons.
 */
const MAX_SHIFTS = 32;

/**
 * Positions held by identity instead of by number: a top-level element of a
 * file's green tree (an item or the trivia between items) and an offset inside
 * it. The incremental parser keeps unchanged elements as the same objects, so
 * a cached diagnostic anchored to them follows every edit that moves them, and
 * is known to be stale as soon as one of them is re-parsed (rust-analyzer's
 * AST ids play this part there).
 */
export class ElementOffsets {
  /** Each element's offset (a typed array: outside the garbage-collected heap). */
  private starts: Uint32Array;
  private elements: readonly GreenElement[];
  /** Element → its index in `elements` when it was set, and the shifts logged then (see `GENERATION`). */
  private byElement: Map<GreenElement, number>;
  /** The shifts logged since the map was last set whole: an element set before shift k, at `shiftFrom[k]` or past it then, moved by `shiftBy[k]`. */
  private shiftFrom: number[];
  private shiftBy: number[];
  /**
   * The elements taken out by the edits since `drainRemoved` was last called, carried from tree to
   * tree; undefined when not known (offsets made afresh, not taken over, or too many to keep).
   */
  private removed: GreenElement[] | undefined;

  /** `taken`, when given, is what `takeOver` made from the previous tree's: one constructor, one shape for every instance. */
  constructor(
    readonly tree: SyntaxTree,
    taken?: {
      starts: Uint32Array;
      elements: readonly GreenElement[];
      byElement: Map<GreenElement, number>;
      shiftFrom: number[];
      shiftBy: number[];
      removed: GreenElement[] | undefined;
    },
  ) {
    if (taken) {
      this.starts = taken.starts;
      this.elements = taken.elements;
      this.byElement = taken.byElement;
      this.shiftFrom = taken.shiftFrom;
      this.shiftBy = taken.shiftBy;
      this.removed = taken.removed;
      return;
    }
    this.removed = undefined;
    this.shiftFrom = [];
    this.shiftBy = [];
    const elements = tree.green.children;
    const starts = new Uint32Array(elements.length);
    const byElement = new Map<GreenElement, number>();
    let offset = 0;
    for (let i = 0; i < elements.length; i++) {
      starts[i] = offset;
      byElement.set(elements[i], i);
      offset += elements[i].width;
    }
    this.starts = starts;
    this.elements = elements;
    this.byElement = byElement;
  }

  /**
   * The offsets of a reparsed tree from its previous tree's (`before`, which is emptied: its
   * map is taken over). Only the re-parsed elements are set in the map; when the number of
   * elements changed, those behind them move by a shift logged, not set again (but once in
   * `MAX_SHIFTS`); the starts are summed again (numbers, no lookups).
   */
  static takeOver(before: ElementOffsets, tree: SyntaxTree, origin: TreeOrigin): ElementOffsets {
    const { keep, resumeNew, resumeOld } = origin;
    const map = before.byElement;
    // The elements the reparse took out (the previous list is this tree's now).
    const out = origin.removed;
    let removed = before.removed;
    for (let i = 0; i < out.length; i++) map.delete(out[i]);
    if (removed) {
      for (let i = 0; i < out.length; i++) removed.push(out[i]);
      if (removed.length > MAX_REMOVED) removed = undefined;
    }
    const elements = tree.green.children;
    let { shiftFrom, shiftBy } = before;
    if (resumeNew !== resumeOld && resumeOld < origin.previousCount) {
      shiftFrom.push(resumeOld);
      shiftBy.push(resumeNew - resumeOld);
    }
    if (shiftFrom.length > MAX_SHIFTS || elements.length >= GENERATION) {
      // Set whole again: every element at its index, no shift to apply.
      shiftFrom = [];
      shiftBy = [];
      for (let i = 0; i < elements.length; i++) map.set(elements[i], i);
    } else {
      const generation = shiftFrom.length * GENERATION;
      for (let i = keep; i < resumeNew; i++) map.set(elements[i], generation + i);
    }
    // The kept elements in front are where they were (with as many elements, the array is reused),
    // the re-parsed ones are summed, and those taken over behind are where they were, moved by
    // the edit's length change: numbers added, no element read.
    const old = before.starts;
    const reuse = old.length === elements.length;
    const starts = reuse ? old : new Uint32Array(elements.length);
    if (!reuse) starts.set(old.subarray(0, keep));
    let offset = keep === 0 ? 0 : starts[keep - 1] + elements[keep - 1].width;
    for (let i = keep; i < resumeNew; i++) {
      starts[i] = offset;
      offset += elements[i].width;
    }
    if (resumeNew < elements.length) {
      const delta = offset - old[resumeOld];
      if (reuse) for (let i = resumeNew; i < elements.length; i++) starts[i] += delta;
      else for (let i = resumeNew, j = resumeOld; i < elements.length; i++, j++) starts[i] = old[j] + delta;
    }
    before.byElement = new Map();
    before.elements = [];
    before.starts = new Uint32Array(0);
    before.shiftFrom = [];
    before.shiftBy = [];
    before.removed = undefined;
    return new ElementOffsets(tree, { starts, elements, byElement: map, shiftFrom, shiftBy, removed });
  }

  /** An element's index in `elements` (undefined: not one of them), its logged shifts applied. */
  private indexOf(element: GreenElement): number | undefined {
    const v = this.byElement.get(element);
    if (v === undefined) return undefined;
    let i = v % GENERATION;
    const { shiftFrom, shiftBy } = this;
    for (let k = (v - i) / GENERATION; k < shiftFrom.length; k++) if (i >= shiftFrom[k]) i += shiftBy[k];
    return i;
  }

  /** The elements taken out since the last call (undefined: not known), and from now on none. */
  drainRemoved(): GreenElement[] | undefined {
    const removed = this.removed;
    this.removed = [];
    return removed;
  }

  offsetOf(element: GreenElement): number | undefined {
    const i = this.indexOf(element);
    return i === undefined ? undefined : this.starts[i];
  }

  /**
   * Where an anchored position's element starts: looked for first at its index last time (`hint`,
   * updated), so while the elements keep their places (most keystrokes) it costs no map lookup.
   */
  startOf(p: AnchoredPosition, element: GreenElement): number | undefined {
    const h = p.hint;
    if (this.elements[h] === element) return this.starts[h];
    const i = this.indexOf(element);
    if (i === undefined) return undefined;
    p.hint = i;
    return this.starts[i];
  }

  /** The element holding `offset` (the last one for the end of the text). */
  locate(offset: number): { element: GreenElement; rel: number; index: number } | undefined {
    const { starts, elements } = this;
    if (elements.length === 0) return undefined;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { element: elements[lo], rel: offset - starts[lo], index: lo };
  }
}

/** A tree's element offsets, made once; a reparsed tree takes over its previous tree's. */
export function elementOffsets(tree: SyntaxTree): ElementOffsets {
  if (tree.derived instanceof ElementOffsets) return tree.derived;
  const origin = tree.origin;
  const before = origin?.derived;
  if (origin) origin.derived = undefined;
  // The previous tree's offsets, unless another tree took them already.
  const live = before instanceof ElementOffsets && before.tree.derived === before ? before : undefined;
  if (live) live.tree.derived = undefined;
  const made = live ? ElementOffsets.takeOver(live, tree, origin!) : new ElementOffsets(tree);
  tree.derived = made;
  return made;
}

/** One position: the element it is in (none: a file the workspace does not hold, kept as a number) and where. */
export interface AnchoredPosition {
  readonly file: string;
  readonly element: GreenElement | undefined;
  readonly rel: number;
  /** The element's index in its file when last looked up (see `ElementOffsets.startOf`). */
  hint: number;
}

/**
 * A diagnostic whose every position (its range, related locations) is anchored. It carries no
 * quick fixes: those of the diagnostics anchored are made when asked (`Workspace.fixesOf`).
 */
export interface AnchoredDiagnostic {
  readonly template: Diagnostic;
  readonly positions: readonly AnchoredPosition[];
  /** The diagnostic last materialized and its anchors' offsets then: the same object while they hold. */
  last?: { readonly bases: number[]; diagnostic: Diagnostic };
}

type OffsetsOf = (file: string) => ElementOffsets | undefined;

/** Rebuilds a diagnostic with each position replaced, visiting positions in one fixed order. */
function mapPositions(d: Diagnostic, f: (file: string, offset: number) => number): Diagnostic {
  const out: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { ...d, start: f(d.file, d.start), end: f(d.file, d.end) };
  if (d.related) out.related = d.related.map((r) => ({ ...r, start: f(r.file, r.start), end: f(r.file, r.end) }));
  return out;
}

export function anchorDiagnostic(d: Diagnostic, offsetsOf: OffsetsOf): AnchoredDiagnostic {
  const positions: AnchoredPosition[] = [];
  mapPositions(d, (file, offset) => {
    const at = offsetsOf(file)?.locate(offset);
    positions.push(at ? { file, element: at.element, rel: at.rel, hint: at.index } : { file, element: undefined, rel: offset, hint: 0 });
    return offset;
  });
  return { template: d, positions };
}

/** The files other than `own` that a diagnostic's positions point into. */
export function anchoredFiles(d: AnchoredDiagnostic, own: string): Set<string> {
  const out = new Set<string>();
  for (const p of d.positions) if (p.file !== own && p.element) out.add(p.file);
  return out;
}

/** True while every element the diagnostic is anchored to is still in its file. */
export function anchorsHold(d: AnchoredDiagnostic, offsetsOf: OffsetsOf): boolean {
  for (const p of d.positions) {
    if (p.element && offsetsOf(p.file)?.startOf(p, p.element) === undefined) return false;
  }
  return true;
}

/**
 * The elements a list of diagnostics (one check's) is anchored to, one position standing for
 * each: what `elementsHold` looks up, made once with the list (its positions are mostly in its
 * own item: a keystroke then looks at an element or two per check, not at every position).
 */
export function anchorElements(diagnostics: readonly AnchoredDiagnostic[]): AnchoredPosition[] {
  const out: AnchoredPosition[] = [];
  for (const d of diagnostics) for (const p of d.positions) if (p.element) addElement(out, p);
  return out;
}

/** `p` added to `out` unless a position in the same element (and file) is there already (lists of one or two). */
function addElement(out: AnchoredPosition[], p: AnchoredPosition): void {
  for (const q of out) if (q.element === p.element && q.file === p.file) return;
  out.push(p);
}

/** True while each element of `anchorElements` is still in its file. */
export function elementsHold(elements: readonly AnchoredPosition[], offsetsOf: OffsetsOf): boolean {
  for (const p of elements) if (offsetsOf(p.file)?.startOf(p, p.element!) === undefined) return false;
  return true;
}

/**
 * The diagnostic at the current offsets of its anchors, or undefined when one is gone (its
 * element re-parsed). One offset lookup per anchor; every anchor where it was last time (the
 * edit was after them, or in another item) gives the same object as last time, so a keystroke
 * does not rebuild the diagnostics it did not move.
 */
function placed(d: AnchoredDiagnostic, offsetsOf: OffsetsOf): Diagnostic | undefined {
  const { positions, last } = d;
  // Compared with last time first: an unmoved diagnostic costs its lookups and nothing else.
  let k = 0;
  if (last) {
    for (; k < positions.length; k++) {
      const base = baseOf(positions[k], offsetsOf);
      if (base === undefined) return undefined;
      if (last.bases[k] !== base) break;
    }
    if (k === positions.length) return last.diagnostic;
  }
  // Last time's record is updated in place (a keystroke moves half a file's diagnostics).
  const bases = last ? last.bases : new Array<number>(positions.length);
  for (; k < positions.length; k++) {
    const base = baseOf(positions[k], offsetsOf);
    if (base === undefined) {
      d.last = undefined;
      return undefined;
    }
    bases[k] = base;
  }
  const diagnostic = placedAt(d.template, bases, positions, last?.diagnostic);
  if (last) last.diagnostic = diagnostic;
  else d.last = { bases, diagnostic };
  return diagnostic;
}

/**
 * `template` with position k (in `mapPositions`' order) at `bases[k] + positions[k].rel`. What
 * reads as in `last` (the previous placement) is `last`'s: a keystroke above a diagnostic moves
 * its range, not the related location it names further up.
 */
function placedAt(
  template: Diagnostic,
  bases: readonly number[],
  positions: readonly AnchoredPosition[],
  last: Diagnostic | undefined,
): Diagnostic {
  const at = (k: number): number => bases[k] + positions[k].rel;
  const out: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { ...template, start: at(0), end: at(1) };
  let k = 2;
  const related = template.related;
  if (related) {
    const before = last?.related;
    let same = before !== undefined && before.length === related.length;
    for (let i = 0; same && i < related.length; i++) same = before![i].start === at(k + 2 * i) && before![i].end === at(k + 2 * i + 1);
    out.related = same ? before : related.map((r, i) => ({ ...r, start: at(k + 2 * i), end: at(k + 2 * i + 1) }));
    k += 2 * related.length;
  }
  return out;
}

/** Where a position's element starts now (0 for a plain number), or undefined when the element is gone. */
function baseOf(p: AnchoredPosition, offsetsOf: OffsetsOf): number | undefined {
  return p.element ? offsetsOf(p.file)?.startOf(p, p.element) : 0;
}

/** Each diagnostic placed (`placed`), pushed to `out`; false (with some pushed) as soon as an anchor is gone. */
export function materializeAll(diagnostics: readonly AnchoredDiagnostic[], offsetsOf: OffsetsOf, out: Diagnostic[]): boolean {
  for (const d of diagnostics) {
    const diagnostic = placed(d, offsetsOf);
    if (!diagnostic) return false;
    out.push(diagnostic);
  }
  return true;
}

/** The diagnostic at the current offsets of its anchors (call only while `anchorsHold`). */
export function materialize(d: AnchoredDiagnostic, offsetsOf: OffsetsOf): Diagnostic {
  const diagnostic = placed(d, offsetsOf);
  if (!diagnostic) throw new Error('materialize: an anchor of the diagnostic is gone (check anchorsHold first)');
  return diagnostic;
}

/**
 * The positions a block of diagnostics shows (each range and related location), one per element
 * they are anchored to: while each of those elements is in its file and starts at the same line
 * and column, every shown position of the block reads as it did (an element's text fixes where
 * its insides are). Undefined when a shown position has no element.
 */
export function shownAnchors(block: readonly AnchoredDiagnostic[]): AnchoredPosition[] | undefined {
  const out: AnchoredPosition[] = [];
  for (const d of block) {
    const shown = 2 + 2 * (d.template.related?.length ?? 0);
    for (let k = 0; k < shown; k++) {
      const p = d.positions[k];
      if (!p.element) return undefined;
      addElement(out, p);
    }
  }
  return out;
}
