import { spliceInPlace } from './splice';
import { type GreenElement, GreenNode, greenText } from './green';
import { SyntaxKind } from './kinds';
import { LineIndex } from './lines';
import { type Source, editSource, textOf } from './pieces';
import { Parser } from './parser';
import { SyntaxNode } from './red';
import { relexItem } from './relex';
import { reparseBody } from './body';
import { REUSE_WITHIN, type StatementSource, oldStatements } from './reuse';
import { windowHolds, windowSlack } from './window';

export interface SyntaxError {
  /** Offsets into the file (UTF-16 code units). */
  readonly start: number;
  readonly end: number;
  readonly message: string;
  readonly warning?: boolean;
}

/** A text edit in offsets of the old text. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/** Statistics of the last parse, for tests and benchmarks. */
export interface ParseStats {
  /** Top-level elements parsed anew. */
  parsedItems: number;
  /** Top-level elements reused from the previous tree. */
  reusedItems: number;
  /** The one element parsed anew was an item made again around the one token an edit changed (`relexItem`), no text parsed. */
  relexed?: boolean;
  /** The one element parsed anew was a function made again with the statements of one of its blocks the edit can change re-parsed (`reparseBody`). */
  statements?: boolean;
}

/** See `SyntaxTree.origin`. */
export interface TreeOrigin {
  readonly start: number;
  readonly end: number;
  readonly inserted: number;
  /** The inserted text itself (the line index after the edit reads it instead of the new text). */
  readonly insertedText: string;
  readonly keep: number;
  readonly resumeNew: number;
  readonly resumeOld: number;
  /** How many top-level elements the previous tree had (`resumeOld` equals it when nothing was taken over). */
  readonly previousCount: number;
  /** The previous tree's elements the re-parsed ones replaced (`[keep, resumeOld)` of its list, which this tree took over). */
  readonly removed: readonly GreenElement[];
  /** Where the first re-parsed element starts (the end of the kept ones). */
  readonly restart: number;
  /** The previous tree's syntax errors with the element each belongs to, when it listed them; dropped once taken. */
  errors: ElementErrors | undefined;
  lines: LineIndex | undefined;
  derived: unknown;
  /** The previous tree's root (a model read from it carries its first items over); dropped once taken. */
  previous: GreenNode | undefined;
}

/** A tree's syntax errors, and the index of the top-level element each one belongs to. */
interface ElementErrors {
  readonly list: readonly SyntaxError[];
  readonly owners: readonly number[];
}

/** A tree without syntax errors (most files): one record for all of them, not three objects each. */
const NO_ELEMENT_ERRORS: ElementErrors = Object.freeze({ list: Object.freeze([]), owners: Object.freeze([]) });

/** An immutable parsed file: the text, its lossless green tree, and what the parse found. */
export class SyntaxTree {
  /** @internal the line index once made (reparse hands it to the next tree). */
  lineIndexCache: LineIndex | undefined;
  /** @internal the errors once listed (a reparse hands them to the next tree). */
  errorsCache: ElementErrors | undefined;
  /** @internal the top-level elements as numbers, once a reparse made them (it hands them to the next tree). */
  tableCache: ElementTable | undefined;

  constructor(
    /** The text: one string, or a long document's pieces (`Pieces`), which a keystroke's reparse reads without joining them. */
    readonly source: Source,
    readonly green: GreenNode,
    readonly stats: ParseStats,
    /**
     * How this tree came from the previous one, for the indexes built on a tree to be carried
     * over instead of made anew: the edit ([start, end) replaced by `inserted` characters), and
     * which top-level elements are the previous tree's (the first `keep`, then the previous
     * tree's from `resumeOld` on, placed from `resumeNew`). `lines` and `derived` are the
     * previous tree's line index and what a module above kept with it (element offsets), each
     * dropped once taken.
     */
    public origin?: TreeOrigin,
  ) {}

  /** The text as one string (a long document's pieces joined, once: whatever asks pays a copy of the file). */
  get text(): string {
    return textOf(this.source);
  }

  /** Per-tree data a module above keeps with the tree (element offsets); a reparse hands it to the origin of the next. */
  derived: unknown;

  /**
   * Whether a reparse took this tree's top-level list over (`reparse`): its root's children are
   * then the next tree's, and this tree is not to be read or reparsed again.
   */
  consumed = false;

  /** @internal the number of top-level nodes once counted (a reparse counts only its window). */
  nodeCountCache: number | undefined;

  /** How many top-level elements are nodes (items and Error nodes; the others are trivia tokens). */
  get nodeCount(): number {
    if (this.nodeCountCache === undefined) {
      let n = 0;
      for (const c of this.green.children) if (c instanceof GreenNode) n++;
      this.nodeCountCache = n;
    }
    return this.nodeCountCache;
  }

  get root(): SyntaxNode {
    return new SyntaxNode(this.green, 0, null);
  }

  get lines(): LineIndex {
    if (this.lineIndexCache) return this.lineIndexCache;
    const o = this.origin;
    const before = o?.lines;
    if (o) o.lines = undefined;
    return (this.lineIndexCache = before
      ? LineIndex.afterEdit(before, this.source, o.start, o.end, o.insertedText)
      : new LineIndex(this.source));
  }

  /** Takes the line index of its text made elsewhere (an editor's document made it from the change): none is made here. */
  adoptLines(lines: LineIndex): void {
    if (lines.source !== this.source) return;
    this.lineIndexCache = lines;
    if (this.origin) this.origin.lines = undefined;
  }

  /**
   * Syntax errors of every top-level element, in file order. A reparsed tree takes its previous
   * tree's (when that one listed them): those of the elements kept in front as they are, those of
   * the elements taken over behind the edit moved; only the re-parsed elements are looked at.
   */
  get errors(): readonly SyntaxError[] {
    if (this.errorsCache) return this.errorsCache.list;
    const children = this.green.children;
    const list: SyntaxError[] = [];
    const owners: number[] = [];
    const add = (i: number, offset: number): void => {
      const c = children[i];
      if (c instanceof GreenNode)
        for (const e of c.errors) {
          list.push({ start: offset + e.start, end: offset + e.end, message: e.message, warning: e.warning });
          owners.push(i);
        }
    };
    const o = this.origin;
    const before = o?.errors;
    if (o && before) {
      o.errors = undefined;
      let k = 0;
      for (; k < before.owners.length && before.owners[k] < o.keep; k++) {
        list.push(before.list[k]);
        owners.push(before.owners[k]);
      }
      let offset = o.restart;
      for (let i = o.keep; i < o.resumeNew; i++) {
        add(i, offset);
        offset += children[i].width;
      }
      const delta = o.inserted - (o.end - o.start);
      const shift = o.resumeNew - o.resumeOld;
      while (k < before.owners.length && before.owners[k] < o.resumeOld) k++;
      for (; k < before.owners.length; k++) {
        const e = before.list[k];
        list.push({ start: e.start + delta, end: e.end + delta, message: e.message, warning: e.warning });
        owners.push(before.owners[k] + shift);
      }
    } else {
      let offset = 0;
      for (let i = 0; i < children.length; i++) {
        add(i, offset);
        offset += children[i].width;
      }
    }
    this.errorsCache = list.length === 0 ? NO_ELEMENT_ERRORS : { list, owners };
    return this.errorsCache.list;
  }

  /** The top-level nodes that have syntax errors (`errors`' owners), in file order, each once. */
  errorElements(): GreenNode[] {
    if (!this.errorsCache) void this.errors;
    const { owners } = this.errorsCache!;
    const children = this.green.children;
    const out: GreenNode[] = [];
    for (let k = 0; k < owners.length; k++) if (k === 0 || owners[k] !== owners[k - 1]) out.push(children[owners[k]] as GreenNode);
    return out;
  }

  /** Prints the tree back to text; equals `text` for every input. */
  print(): string {
    return greenText(this.green);
  }

  /** Top-level items (and top-level Error nodes), positioned. */
  items(): SyntaxNode[] {
    return this.root.childNodes();
  }
}

/** Parses a whole file. Never throws; errors are in the result. */
export function parse(text: string): SyntaxTree {
  const children: GreenElement[] = [];
  const parsed = parseFrom(text, 0, children, () => false).count;
  return new SyntaxTree(text, new GreenNode(SyntaxKind.SourceFile, children), { parsedItems: parsed, reusedItems: 0 });
}

/**
 * Parses top-level elements from `start` into `out` until the end of the text
 * or until `stopAfter(end)` says the element just parsed ends at a point
 * where the old tree can take over; with `stopInTrivia`, also at the end of a
 * line between elements that it says so of (`Parser.takeTriviaUntil`). `text`
 * may be a window of the file that starts at offset `base` (the callbacks get
 * file offsets). Returns how many nodes it parsed and where its lexer had read
 * to (in `text`).
 */
function parseFrom(
  text: string,
  start: number,
  out: GreenElement[],
  stopAfter: (end: number, node: GreenNode) => boolean,
  modes = '',
  copyLongTokens = false,
  base = 0,
  stopInTrivia?: (end: number) => boolean,
  reuse?: StatementSource,
): { count: number; scanned: number } {
  const parser = new Parser(text, start, modes);
  parser.copyLongTokens = copyLongTokens;
  parser.reuse = reuse;
  let count = 0;
  const stopAt = stopInTrivia && ((end: number) => stopInTrivia(base + end));
  for (;;) {
    if (!stopAt) for (const t of parser.takeTrivia()) out.push(t);
    else if (parser.takeTriviaUntil(out, stopAt)) break;
    const item = parser.parseTopLevel();
    if (!item) break;
    out.push(item.node);
    count++;
    if (stopAfter(base + item.start + item.node.width, item.node)) break;
  }
  const scanned = parser.scanned;
  parser.release();
  return { count, scanned };
}

/** Whether `reparse` makes an item again around a token an edit changed alone (`relexItem`): on but for benchmarks that compare. */
let relexing = true;

/** @internal for benchmarks: with `false`, every edit re-parses its item (what a relexed keystroke saves shows). */
export function setRelexing(on: boolean): void {
  relexing = on;
}

/** Whether `reparse` re-parses only the statements of a function's body an edit can change (`reparseBody`): on but for benchmarks that compare. */
let bodyReparsing = true;

/** @internal for benchmarks: with `false`, an edit in a function's body that no token takes alone re-parses the item. */
export function setBodyReparsing(on: boolean): void {
  bodyReparsing = on;
}

export { setWindowSlack } from './window';

/** Applies an edit to the text of a tree. */
export function applyEdit(text: string, edit: TextEdit): string {
  return text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
}

/**
 * Re-parses after an edit, reusing every top-level element the edit cannot
 * have changed: those that end (with the parser's lookahead) before it, and
 * all of those after the first point where the new parse lines up with an
 * old element boundary past the edit. The result equals `parse(newText)`. It takes the old
 * tree's top-level list over (`SyntaxTree.consumed`): the old tree is not to be read after.
 */
export function reparse(old: SyntaxTree, edit: TextEdit, after?: Source): SyntaxTree {
  if (old.consumed) throw new Error('reparse: this tree was reparsed already (the new tree took its top-level list over)');
  const oldText = old.source;
  const start = Math.max(0, Math.min(edit.start, oldText.length));
  const end = Math.max(start, Math.min(edit.end, oldText.length));
  // The text after the edit, when the caller has it (an editor's document): no second copy.
  const newText =
    after !== undefined && after.length === oldText.length - (end - start) + edit.newText.length
      ? after
      : editSource(oldText, start, end, edit.newText);
  const delta = edit.newText.length - (end - start);
  const oldChildren = old.green.children;

  // Prefix: everything up to the last element unaffected by the edit: the top-level nodes before
  // the first one whose end and lookahead reach the edit, found in the table (no element read).
  const table = old.tableCache ?? elementTable(oldChildren);
  old.tableCache = undefined;
  let lo = 0;
  let hi = oldChildren.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (table.reach[mid] > start) hi = mid;
    else lo = mid + 1;
  }
  // An edit inside one token of an item that changes nothing else the parser reads (a name, a
  // number, spaces, a comment) changes that token alone (relex.ts): the item is made again around
  // it, and no text is parsed. Another edit inside a function's body re-parses the statements it
  // can change (body.ts).
  const inside = relexing || bodyReparsing ? editedItem(oldChildren, table, start, end, lo) : undefined;
  if (inside) {
    const { index, itemStart } = inside;
    const itemEdit = { text: oldText, start, end, inserted: edit.newText };
    let item = relexing ? relexItem(inside.item, itemStart, itemEdit) : undefined;
    const remade = item ? 'relexed' : 'statements';
    if (!item && bodyReparsing) item = reparseBody(inside.item, itemStart, itemEdit);
    if (item) return treeAfter(old, newText, table, start, end, edit.newText, index, [item], index + 1, itemStart, 1, remade);
  }
  let last = lo - 1;
  while (last >= 0 && table.lookaheads[last] < 0) last--;
  const keep = last + 1; // number of old children kept
  const restart = last >= 0 ? table.ends[last] : 0;
  const restartModes = last >= 0 ? (oldChildren[last] as GreenNode).endModes : '';

  // The parse reads a window of the new text made from the old text and the inserted one, not
  // the new text itself: that is the editor's, made by joining pieces, and reading it would copy
  // it whole into one string, a keystroke's largest cost in a long file. The window starts at the
  // line of the restart (what the parser reads before a token is on its line) and ends some way
  // past the element the edit ends in; when the parse reads too near its end, it is made longer.
  const oldLength = oldText.length;
  const newLength = oldLength + delta;
  let base = restart;
  while (base > 0 && oldText.charCodeAt(base - 1) !== 10 && oldText.charCodeAt(base - 1) !== 13) base--;
  let lastOld = keep;
  while (lastOld < oldChildren.length && table.ends[lastOld] < end) lastOld++;
  let slack = windowSlack();
  let fresh: GreenElement[] = [];
  let resumeAt = -1;
  let parsed = 0;
  // Another window after one too short, or a long item at once: the parse may take the old
  // statements of the items the window reaches whole (reuse.ts).
  let again = false;
  let reuse: StatementSource | undefined;
  for (;;) {
    // Old element ends after the edit, where the new parse can hand back to the old tree: items
    // end in increasing order, so one cursor walks the old children as far as the parse has come.
    let cursor = keep;
    let cursorEnd = restart; // where old child `cursor` starts
    // The old lexer's state where the cursor is (the last old node's).
    let oldModes = restartModes;
    fresh = [];
    resumeAt = -1;
    const oldStop = lastOld < oldChildren.length ? table.ends[lastOld] : oldLength;
    const windowEnd = Math.min(newLength, Math.max(oldStop, end) + delta + slack);
    // The whole new text when the window would be it (a short file).
    const window =
      base === 0 && windowEnd === newLength
        ? textOf(newText)
        : oldText.slice(base, start) + edit.newText + oldText.slice(end, windowEnd - delta);
    if (again || oldStop - restart >= REUSE_WITHIN)
      reuse ??= oldStatements(oldText, oldChildren, keep, restart, start, end, edit.newText.length, base, old.origin);
    // Walks the cursor over the old elements that end by where the new parse is (`newEnd`, past
    // the edit): it resumes at one that ends exactly there where `holds` says the old tree's
    // state there is the new one's.
    const meet = (newEnd: number, holds: (c: GreenElement) => boolean): boolean => {
      const oldEnd = newEnd - delta;
      if (oldEnd < end) return false;
      while (cursor < oldChildren.length && cursorEnd + oldChildren[cursor].width <= oldEnd) {
        cursorEnd += oldChildren[cursor].width;
        cursor++;
        const c = oldChildren[cursor - 1];
        if (c instanceof GreenNode) oldModes = c.endModes;
        if (cursorEnd === oldEnd && holds(c)) {
          resumeAt = cursor;
          return true;
        }
      }
      return false;
    };
    const run = parseFrom(
      window,
      restart - base,
      fresh,
      // After an item: the same lexer state (a recovery can end an item inside a string).
      (newEnd, node) => meet(newEnd, (c) => c instanceof GreenNode && c.endModes === node.endModes),
      restartModes,
      true,
      base,
      // Or at the end of a line between elements (the trivia an edit of a comment or a blank line
      // falls in), where the old tree too was in plain code. What follows is lexed and parsed from
      // there alike in both texts (a top-level node's errors lie in it, none before its first
      // token); what the new nodes looked past it is the new text's, read already.
      (newEnd) => meet(newEnd, () => oldModes === ''),
      reuse,
    );
    parsed = run.count;
    if (windowEnd === newLength || (resumeAt >= 0 && windowHolds(window, run.scanned))) break;
    slack = slack * 4 + 256;
    again = true;
  }
  const resumeOld = resumeAt >= 0 ? resumeAt : oldChildren.length;
  return treeAfter(old, newText, table, start, end, edit.newText, keep, fresh, resumeOld, restart, parsed, undefined);
}

/**
 * The tree a reparse makes: the old tree's top-level list with [`keep`, `resumeOld`) replaced by
 * `fresh` (`parsed` elements parsed anew, or one item made again around a token, `relexed`), the
 * re-parse having restarted at `restart`; the old tree is consumed.
 */
function treeAfter(
  old: SyntaxTree,
  newText: Source,
  table: ElementTable,
  start: number,
  end: number,
  inserted: string,
  keep: number,
  fresh: GreenElement[],
  resumeOld: number,
  restart: number,
  parsed: number,
  remade: 'relexed' | 'statements' | undefined,
): SyntaxTree {
  const oldChildren = old.green.children;
  const resumeNew = keep + fresh.length;
  const previousCount = oldChildren.length;
  // The old tree's nodes but those the window replaced (the kept ones in front and those taken over).
  const removed = oldChildren.slice(keep, resumeOld);
  let replaced = 0;
  for (let i = 0; i < removed.length; i++) if (removed[i] instanceof GreenNode) replaced++;
  const reused = old.nodeCount - replaced;
  // The top-level list becomes this tree's: the kept elements, the re-parsed ones, the ones taken
  // over (a copy per keystroke would cost as much as the file is long). The old tree is done with.
  old.consumed = true;
  const children = spliceInPlace(oldChildren as GreenElement[], keep, fresh, resumeOld);
  const tree = new SyntaxTree(
    newText,
    new GreenNode(SyntaxKind.SourceFile, children, newText.length),
    remade === undefined ? { parsedItems: parsed, reusedItems: reused } : { parsedItems: parsed, reusedItems: reused, [remade]: true },
    {
      start,
      end,
      inserted: inserted.length,
      insertedText: inserted,
      keep,
      resumeNew,
      resumeOld,
      previousCount,
      removed,
      restart,
      errors: old.errorsCache,
      lines: old.lineIndexCache,
      derived: old.derived,
      previous: old.green,
    },
  );
  tree.nodeCountCache = reused + parsed;
  tree.tableCache = tableAfter(table, children, keep, resumeNew, resumeOld, restart, inserted.length - (end - start));
  return tree;
}

/**
 * The item an edit at [`start`, `end`) falls inside, with its index and start, for `relexItem`
 * and `reparseBody` to make again: when no element before it looked as far as the edit (`first`:
 * the first element whose reach passes `start`), the edit is inside that item and the lexer began
 * it in plain code; else undefined.
 */
function editedItem(
  children: readonly GreenElement[],
  table: ElementTable,
  start: number,
  end: number,
  first: number,
): { index: number; item: GreenNode; itemStart: number } | undefined {
  if (first >= children.length) return undefined;
  const c = children[first];
  const itemStart = first > 0 ? table.ends[first - 1] : 0;
  if (!(c instanceof GreenNode) || start <= itemStart || end >= table.ends[first]) return undefined;
  // The lexer began the item in plain code: the last node before it left no string open.
  let before = first - 1;
  while (before >= 0 && !(children[before] instanceof GreenNode)) before--;
  if (before >= 0 && (children[before] as GreenNode).endModes !== '') return undefined;
  return { index: first, item: c, itemStart };
}

/**
 * A file's top-level elements as numbers, for `reparse` to find where an edit's window starts by
 * a binary search instead of reading every element in front of it (hundreds to thousands of
 * objects per keystroke, each a cache miss once the machine has done other work in between).
 */
interface ElementTable {
  /** Where each element ends. */
  readonly ends: Int32Array;
  /** Each node's `lookahead`; -1 for a token. */
  readonly lookaheads: Int32Array;
  /** The furthest the parse of any node up to each one looked (its end plus its lookahead); 0 before the first node. */
  readonly reach: Int32Array;
}

/** The table of a tree's top-level elements, read from them once. */
function elementTable(children: readonly GreenElement[]): ElementTable {
  const n = children.length;
  const table = { ends: new Int32Array(n), lookaheads: new Int32Array(n), reach: new Int32Array(n) };
  readElements(table, children, 0, n, 0);
  fillReach(table, 0, n);
  return table;
}

/** The ends and lookaheads of `children[from, to)`, the first starting at `offset`. */
function readElements(table: ElementTable, children: readonly GreenElement[], from: number, to: number, offset: number): void {
  for (let i = from; i < to; i++) {
    const c = children[i];
    offset += c.width;
    table.ends[i] = offset;
    table.lookaheads[i] = c instanceof GreenNode ? c.lookahead : -1;
  }
}

/** `reach` from `from` on (the entries before it hold). */
function fillReach(table: ElementTable, from: number, n: number): void {
  const { ends, lookaheads, reach } = table;
  let r = from > 0 ? reach[from - 1] : 0;
  for (let i = from; i < n; i++) {
    const la = lookaheads[i];
    if (la >= 0 && ends[i] + la > r) r = ends[i] + la;
    reach[i] = r;
  }
}

/**
 * The table of a reparsed tree from its previous tree's (taken over, in place when the number
 * of elements did not change): the kept elements as they were, the re-parsed ones read, those
 * taken over behind moved by the edit's length change; `reach` again from the window on.
 */
function tableAfter(
  before: ElementTable,
  children: readonly GreenElement[],
  keep: number,
  resumeNew: number,
  resumeOld: number,
  restart: number,
  delta: number,
): ElementTable {
  const n = children.length;
  // As many elements as before (re-parsed as many as taken out): the tail is at the same indexes.
  const same = before.ends.length === n;
  const table = same ? before : { ends: new Int32Array(n), lookaheads: new Int32Array(n), reach: new Int32Array(n) };
  if (!same) {
    table.ends.set(before.ends.subarray(0, keep));
    table.lookaheads.set(before.lookaheads.subarray(0, keep));
    table.reach.set(before.reach.subarray(0, keep));
    table.lookaheads.set(before.lookaheads.subarray(resumeOld), resumeNew);
    for (let i = resumeNew, j = resumeOld; i < n; i++, j++) table.ends[i] = before.ends[j] + delta;
  } else if (delta !== 0) for (let i = resumeNew; i < n; i++) table.ends[i] += delta;
  readElements(table, children, keep, resumeNew, restart);
  fillReach(table, keep, n);
  return table;
}
