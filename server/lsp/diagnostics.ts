import { type Connection, type Diagnostic as LspDiagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import { join } from 'node:path';
import { URI } from 'vscode-uri';
import {
  type AnchoredDiagnostic,
  type AnchoredPosition,
  type Diagnostic,
  type GreenNode,
  type LineIndex,
  type SeverityOverride,
  type Workspace,
  applySeverity,
  codeAnchor,
  codeInfo,
  sameEnds,
  shownAnchors,
} from '../../shared';
import type { Documents } from './documents';
import { type Arrivals, MESSAGE_GAP_MS, MESSAGE_WAIT_MS } from './transport';
import { failpoint } from './failpoints';
import { READ_LIMITS } from '../read';
import { idleYoungCollection } from '../heap';

/** docs/diagnostics.md as shipped beside the bundle (dist/ → docs/): each code's explanation. */
const DIAGNOSTICS_DOC = URI.file(join(__dirname, '..', 'docs', 'diagnostics.md')).toString();

/** Where a code is explained (undefined for a code the registry lacks, which a test rules out). */
export function codeDescription(code: string): { href: string } | undefined {
  let found = descriptions.get(code);
  if (found === undefined) descriptions.set(code, (found = codeInfo(code) ? { href: `${DIAGNOSTICS_DOC}#${codeAnchor(code)}` } : null));
  return found ?? undefined;
}
const descriptions = new Map<string, { href: string } | null>();

/** Marks a file whose last diagnostics answered an edit: they were not kept to compare with. */
const SENT_FOR_AN_EDIT = '\u0000sent for an edit';

/** A diagnostic as last published, with the core's diagnostic it was made from. */
interface Sent {
  readonly lsp: LspDiagnostic;
  readonly source: Diagnostic;
}

/**
 * One item's FFI diagnostics (a block of `Workspace.diagnosticParts`) as last converted: sent
 * again, the same objects, while each element its shown positions are anchored to starts at the
 * same line and character, in a file of the same URI, and the severities are the same.
 */
interface ConvertedBlock {
  /** Undefined when a position could not be followed (a file without lines): converted each time. */
  readonly anchors: readonly AnchoredPosition[] | undefined;
  /** Line and character of each anchor's element start, in pairs. */
  readonly at: Int32Array;
  /** Whether every anchor is in the block's own file. */
  readonly local: boolean;
  readonly uris: readonly string[];
  readonly severity: Readonly<Record<string, SeverityOverride>> | undefined;
  readonly lsp: readonly LspDiagnostic[];
}

/** Whether a line of `at` (line and character pairs) is in `lines`; `only`: its one line, or -1. */
function touchedAny(lines: ReadonlySet<number>, only: number, at: Int32Array): boolean {
  for (let k = 0; k < at.length; k += 2) if (only >= 0 ? at[k] === only : lines.has(at[k])) return true;
  return false;
}

/**
 * One top-level element's syntax errors (`Workspace.diagnosticParts`' `syntax`) as last
 * converted: sent again, the same objects, while the element starts at the same line and
 * character (its text is the same: every error in it is where it was) and the severities are
 * the same.
 */
interface ConvertedSyntax {
  readonly line: number;
  readonly character: number;
  readonly severity: Readonly<Record<string, SeverityOverride>> | undefined;
  readonly lsp: readonly LspDiagnostic[];
}

/**
 * An open document's last publish by part (`convertedParts`): each part as it came from the core,
 * its conversion at the same index, and what was sent. The next publish finds most parts the same
 * objects in the same places, and looks at those its edits may have moved only.
 */
interface LastParts {
  readonly severity: Readonly<Record<string, SeverityOverride>> | undefined;
  /** The diagnostics of neither kind (`ExternNotImplemented`, itables, stale headers), as converted. */
  readonly rest: readonly LspDiagnostic[];
  readonly syntax: readonly GreenNode[];
  readonly syntaxConverted: readonly ConvertedSyntax[];
  /** The line each element with syntax errors starts on (`ConvertedSyntax.line`), read without the conversion. */
  readonly syntaxLine: Int32Array;
  readonly blocks: readonly (readonly AnchoredDiagnostic[])[];
  readonly blocksConverted: readonly ConvertedBlock[];
  /**
   * Per block, the lines of its anchors, all in the document: at most two, `NO_LINE` for none;
   * `LOOK_ALWAYS` in the first: a block to look at whatever the edit (an anchor in another file,
   * one not followed, or anchors on more than two lines).
   */
  readonly anchorLine0: Int32Array;
  readonly anchorLine1: Int32Array;
  /** What was published: every part's diagnostics in file order. */
  readonly out: LspDiagnostic[];
}

/** No anchor line (`LastParts.anchorLine0` and `anchorLine1`). */
const NO_LINE = -2;
/** A block to look at whatever the edit (`LastParts.anchorLine0`). */
const LOOK_ALWAYS = -1;

/** A block's anchor lines for `LastParts`, at `i` in `line0` and `line1`. */
function anchorLines(c: ConvertedBlock, i: number, line0: Int32Array, line1: Int32Array): void {
  let a = NO_LINE;
  let b = NO_LINE;
  if (!c.anchors || !c.local) a = LOOK_ALWAYS;
  else
    for (let k = 0; k < c.at.length; k += 2) {
      const line = c.at[k];
      if (line === a || line === b) continue;
      if (a === NO_LINE) a = line;
      else if (b === NO_LINE) b = line;
      else {
        a = LOOK_ALWAYS;
        break;
      }
    }
  line0[i] = a;
  line1[i] = a === LOOK_ALWAYS ? NO_LINE : b;
}

/** `LastParts` of a publish gathered whole. */
function partsOf(
  severity: LastParts['severity'],
  rest: readonly LspDiagnostic[],
  syntax: readonly GreenNode[],
  syntaxConverted: readonly ConvertedSyntax[],
  blocks: readonly (readonly AnchoredDiagnostic[])[],
  blocksConverted: readonly ConvertedBlock[],
  out: LspDiagnostic[],
): LastParts {
  const syntaxLine = new Int32Array(syntax.length);
  for (let i = 0; i < syntax.length; i++) syntaxLine[i] = syntaxConverted[i].line;
  const anchorLine0 = new Int32Array(blocks.length);
  const anchorLine1 = new Int32Array(blocks.length);
  for (let i = 0; i < blocks.length; i++) anchorLines(blocksConverted[i], i, anchorLine0, anchorLine1);
  return { severity, rest, syntax, syntaxConverted, syntaxLine, blocks, blocksConverted, anchorLine0, anchorLine1, out };
}

/** Whether two lists hold the same objects in the same order. */
function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Past this many parts looked at again, gathering the publish whole costs no more. */
const MAX_CHANGED_PARTS = 64;

/**
 * The next `LastParts` from the last one, or undefined when gathering the publish whole is as
 * cheap (many parts changed) or must be done. The lists of parts are compared by identity: the same
 * part at either end is the same check or element, unchanged. Such a part is looked at again only
 * when an anchor of it is on a line the edits touched (`edited`: none broke or joined a line, so
 * every other line kept its number and characters); its diagnostics are the same objects
 * otherwise. The publish is the last one with the diagnostics of the parts that changed taken out
 * and those of their successors put in, each where its place says: no part but those is read.
 */
function changedParts(
  last: LastParts,
  syntax: readonly GreenNode[],
  blocks: readonly (readonly AnchoredDiagnostic[])[],
  edited: ReadonlySet<number>,
  onlyEdited: number,
  syntaxOf: (element: GreenNode) => ConvertedSyntax,
  blockOf: (block: readonly AnchoredDiagnostic[]) => ConvertedBlock,
  counts: { byPart: number; partsLooked: number },
): LastParts | undefined {
  const removed: LspDiagnostic[] = [];
  const added: LspDiagnostic[] = [];
  const touched = (line: number): boolean => (onlyEdited >= 0 ? line === onlyEdited : edited.has(line));
  const touchedAnchor = (line0: number, line1: number): boolean =>
    line0 === LOOK_ALWAYS || (line0 !== NO_LINE && touched(line0)) || (line1 !== NO_LINE && touched(line1));
  let looked = 0;
  // Syntax errors, by element.
  const wasSyntax = last.syntax;
  let { head, tail } = sameEnds(wasSyntax, syntax);
  looked += wasSyntax.length - head - tail + (syntax.length - head - tail);
  if (looked > MAX_CHANGED_PARTS) return undefined;
  // Lists made by `push`, as the whole gathering's `map` makes them: an array made with a length has
  // holes, and the code reading these lists would see two kinds of array (and be compiled again).
  const syntaxConverted: ConvertedSyntax[] = [];
  const syntaxLine = new Int32Array(syntax.length);
  const shift = syntax.length - wasSyntax.length;
  for (let i = 0; i < syntax.length; i++) {
    const j = i < head ? i : i >= syntax.length - tail ? i - shift : -1;
    let c: ConvertedSyntax;
    if (j >= 0 && !touched(last.syntaxLine[j])) c = last.syntaxConverted[j];
    else {
      // (The ones between the two ends are counted above.)
      if (j >= 0 && ++looked > MAX_CHANGED_PARTS) return undefined;
      c = syntaxOf(syntax[i]);
      if (j < 0 || c !== last.syntaxConverted[j]) {
        for (const d of c.lsp) added.push(d);
        if (j >= 0) for (const d of last.syntaxConverted[j].lsp) removed.push(d);
      }
    }
    syntaxConverted.push(c);
    syntaxLine[i] = c.line;
  }
  for (let j = head; j < wasSyntax.length - tail; j++) for (const d of last.syntaxConverted[j].lsp) removed.push(d);
  // FFI diagnostics, by block.
  const wasBlocks = last.blocks;
  ({ head, tail } = sameEnds(wasBlocks, blocks));
  looked += wasBlocks.length - head - tail + (blocks.length - head - tail);
  if (looked > MAX_CHANGED_PARTS) return undefined;
  const blocksConverted: ConvertedBlock[] = [];
  const anchorLine0 = new Int32Array(blocks.length);
  const anchorLine1 = new Int32Array(blocks.length);
  const blockShift = blocks.length - wasBlocks.length;
  for (let i = 0; i < blocks.length; i++) {
    const j = i < head ? i : i >= blocks.length - tail ? i - blockShift : -1;
    if (j >= 0 && !touchedAnchor(last.anchorLine0[j], last.anchorLine1[j])) {
      blocksConverted.push(last.blocksConverted[j]);
      anchorLine0[i] = last.anchorLine0[j];
      anchorLine1[i] = last.anchorLine1[j];
      continue;
    }
    if (j >= 0 && ++looked > MAX_CHANGED_PARTS) return undefined;
    const c = blockOf(blocks[i]);
    if (j < 0 || c !== last.blocksConverted[j]) {
      for (const d of c.lsp) added.push(d);
      if (j >= 0) for (const d of last.blocksConverted[j].lsp) removed.push(d);
    }
    blocksConverted.push(c);
    anchorLines(c, i, anchorLine0, anchorLine1);
  }
  for (let j = head; j < wasBlocks.length - tail; j++) for (const d of last.blocksConverted[j].lsp) removed.push(d);
  const out = removed.length === 0 && added.length === 0 ? last.out : withChanges(last.out, removed, added);
  if (!out) return undefined;
  counts.byPart++;
  counts.partsLooked += looked;
  // Written out (a spread copies by a slower path): every field of `LastParts`.
  return {
    severity: last.severity,
    rest: last.rest,
    syntax,
    syntaxConverted,
    syntaxLine,
    blocks,
    blocksConverted,
    anchorLine0,
    anchorLine1,
    out,
  };
}

/** The first index of `list` (in file order) whose diagnostic is not before `d` (`after`: not at its place either). */
function placeIndex(list: readonly LspDiagnostic[], d: LspDiagnostic, after: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = byPlace(list[mid], d);
    if (c < 0 || (after && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `list` (in file order) without `removed` (each the object itself, found by its place) and with
 * `added` each after those at its place; undefined when one of `removed` is not there.
 */
function withChanges(
  list: readonly LspDiagnostic[],
  removed: readonly LspDiagnostic[],
  added: LspDiagnostic[],
): LspDiagnostic[] | undefined {
  const gone: number[] = [];
  for (const r of removed) {
    let found = -1;
    for (let i = placeIndex(list, r, false); i < list.length && byPlace(list[i], r) === 0; i++)
      if (list[i] === r && !gone.includes(i)) {
        found = i;
        break;
      }
    if (found < 0) return undefined;
    gone.push(found);
  }
  gone.sort((a, b) => a - b);
  added.sort(byPlace);
  const into = added.map((d) => placeIndex(list, d, true));
  // By `push`, as a publish gathered whole is made (see `changedParts`).
  const out: LspDiagnostic[] = [];
  let g = 0;
  let a = 0;
  for (let i = 0; i <= list.length; i++) {
    while (a < added.length && into[a] === i) out.push(added[a++]);
    if (i === list.length) break;
    if (g < gone.length && gone[g] === i) {
      g++;
      continue;
    }
    out.push(list[i]);
  }
  return out;
}

/** LSP diagnostics in file order, as `compareDiagnostics` orders the core's: by start, end, then code. */
function byPlace(a: LspDiagnostic, b: LspDiagnostic): number {
  const s = a.range.start;
  const t = b.range.start;
  const e = a.range.end;
  const f = b.range.end;
  return (
    s.line - t.line ||
    s.character - t.character ||
    e.line - f.line ||
    e.character - f.character ||
    (String(a.code) < String(b.code) ? -1 : String(a.code) > String(b.code) ? 1 : 0)
  );
}

/** `f`, asked once per file (a publish asks for the same few files' lines and URIs again and again). */
function perFile<T>(f: (file: string) => T): (file: string) => T {
  const known = new Map<string, T>();
  return (file) => {
    if (known.has(file)) return known.get(file) as T;
    const value = f(file);
    known.set(file, value);
    return value;
  };
}

/** Whether two LSP diagnostics read the same (what the publisher makes: no tags, no data). */
function sameLsp(a: LspDiagnostic, b: LspDiagnostic): boolean {
  if (byPlace(a, b) !== 0 || a.severity !== b.severity || a.message !== b.message) return false;
  const r = a.relatedInformation;
  const q = b.relatedInformation;
  if (!r || !q) return r === q;
  if (r.length !== q.length) return false;
  for (let i = 0; i < r.length; i++) {
    const x = r[i];
    const y = q[i];
    if (x.message !== y.message || x.location.uri !== y.location.uri) return false;
    const u = x.location.range;
    const v = y.location.range;
    if (
      u.start.line !== v.start.line ||
      u.start.character !== v.start.character ||
      u.end.line !== v.end.line ||
      u.end.character !== v.end.character
    )
      return false;
  }
  return true;
}

/**
 * How far past a diagnostic that reads otherwise `converted` looks in the last publish for one
 * that reads the same (an edit adds or removes a few diagnostics at a time, in one place).
 */
const LOOK_AHEAD = 8;

/**
 * How long after answering an edit the other files' diagnostics wait for the next keystroke
 * (ms; VALE_FFI_QUIET_MS sets it, for tests that need a wide margin).
 */
const QUIET_MS = ((ms) => (ms >= 0 ? ms : 25))(process.env.VALE_FFI_QUIET_MS ? Number(process.env.VALE_FFI_QUIET_MS) : Number.NaN);

/**
 * How long typing must pause before a C document whose reparses met a syntax error is parsed
 * again from scratch (`Workspace.settleCFile`; ms, VALE_FFI_SETTLE_MS sets it, for tests).
 */
const SETTLE_MS = ((ms) => (ms >= 0 ? ms : 400))(process.env.VALE_FFI_SETTLE_MS ? Number(process.env.VALE_FFI_SETTLE_MS) : Number.NaN);
/** A settle reads its file's items this many at a time, for at most SETTLE_SLICE_MS between two turns of the event loop. */
const SETTLE_ITEMS_PER_STEP = 32;
const SETTLE_SLICE_MS = 4;

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * Publishes diagnostics after changes, the way tsserver schedules them: edits
 * are applied as they arrive, but nothing is computed while a newer edit of an
 * open document is still queued (a burst gets one computation, for its last
 * version). A pass sends the edited documents first, then the other files the
 * core says may have changed, yielding between files so requests are answered
 * first; a newer change abandons the pass (its files are owed to the next).
 * Only diagnostics that changed are sent, except that an edited document's
 * version always gets an answer.
 */
export class DiagnosticsPublisher {
  private generation = 0;
  private scheduled = false;
  /** What each file was last sent, as JSON; SENT_FOR_AN_EDIT when not kept (the next pass sends again). */
  private readonly sent = new Map<string, string>();
  /** Per open document, the diagnostics of its last publish but its FFI blocks', in order (see `converted`). */
  private readonly lastSent = new Map<string, readonly Sent[]>();
  /** Open documents' FFI blocks as last converted, by block (a check's diagnostics: let go with the check). */
  private readonly blocks = new WeakMap<readonly AnchoredDiagnostic[], ConvertedBlock>();
  /** Open documents' syntax errors as last converted, by top-level element (let go with the element). */
  private readonly syntaxBlocks = new WeakMap<GreenNode, ConvertedSyntax>();
  /** Per open document, its last publish (in file order): a block converted again reuses what reads the same. */
  private readonly lastPublished = new Map<string, readonly LspDiagnostic[]>();
  /** Per open document, its last publish by part (`LastParts`): taken by the next publish, set again when it succeeds. */
  private readonly lastParts = new Map<string, LastParts>();
  /** Edited documents whose newest version has not been answered yet. */
  private readonly edited = new Set<string>();
  /** Files a pass did not reach. */
  private readonly owed = new Set<string>();
  /** While the server reads the workspace's files at start-up: no pass runs (`holdUntilRead`). */
  private holding = false;
  /** While the server makes the reach walk ahead (`holdOthers`): passes answer edited documents only. */
  private othersHeld = false;
  /**
   * Passes that ran, publishes made; open documents' publishes made from their last one by part,
   * and the parts those looked at again; the idle work done after answers: for tests and logs.
   */
  readonly counts = { passes: 0, published: 0, byPart: 0, partsLooked: 0, idle: 0, settled: 0, settlesDropped: 0 };
  /** Per-code severities from the project's configuration. */
  severity: Readonly<Record<string, SeverityOverride>> | undefined;
  /**
   * What the client shows of a diagnostic (its `publishDiagnostics` capabilities): a code's link
   * to its explanation, related locations. What it does not show is not sent (bytes it would
   * parse at every keystroke); until the client says, everything is.
   */
  clientShows = { codeDescription: true, related: true };

  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    private readonly documents: Documents,
    private readonly arrivals: Arrivals,
  ) {}

  toLsp(key: string, d: Diagnostic): LspDiagnostic {
    const pos = (o: number) => this.documents.positionAt(key, o);
    return {
      range: { start: pos(d.start), end: pos(d.end) },
      severity: SEVERITY[d.severity],
      code: d.code,
      codeDescription: this.clientShows.codeDescription ? codeDescription(d.code) : undefined,
      source: 'vale-ffi',
      message: d.message,
      // An empty list is left out: nothing to read, bytes in every publish.
      relatedInformation:
        this.clientShows.related && d.related?.length
          ? d.related.map((r) => ({
              location: {
                uri: this.documents.uriOf(r.file),
                range: { start: this.documents.positionAt(r.file, r.start), end: this.documents.positionAt(r.file, r.end) },
              },
              message: r.message,
            }))
          : undefined,
    };
  }

  /**
   * A file's diagnostics in LSP form. One that reads as it did in the last publish (the same
   * message, code, severity and places) is the same object, so the encoder reuses its JSON text
   * (a keystroke changes a few of hundreds). Both lists are in file order, and an edit adds or
   * removes diagnostics in one place: each diagnostic is compared with the one after the last
   * reused, then with the few behind it (`LOOK_AHEAD`), never searched for in the whole list.
   */
  private converted(key: string, list: readonly Diagnostic[]): LspDiagnostic[] {
    const before = this.lastSent.get(key) ?? [];
    const out = new Array<LspDiagnostic>(list.length);
    const linesOf = perFile((file) => this.documents.lines(file));
    const own = linesOf(key);
    /** Whether a range of a file reads as `r` now (numbers compared, no position made). */
    const sameRange = (index: LineIndex | undefined, start: number, end: number, r: LspDiagnostic['range']): boolean =>
      index
        ? index.readsAs(start, r.start) && index.readsAs(end, r.end)
        : r.start.line === 0 && r.start.character === 0 && r.end.line === 0 && r.end.character === 0;
    const same = (c: Sent, d: Diagnostic): boolean => {
      const was = c.source;
      if (was !== d) {
        if (was.message !== d.message || was.severity !== d.severity || was.code !== d.code) return false;
        if (was.related !== d.related && (!was.related || !d.related || was.related.length !== d.related.length)) return false;
      }
      // The same places now: an edit above them moves their offsets, a line broken or joined their lines.
      if (!sameRange(own, d.start, d.end, c.lsp.range)) return false;
      const is = d.related;
      if (!is) return true;
      const related = was.related!;
      for (let k = 0; k < is.length; k++) {
        const r = is[k];
        if (r !== related[k] && (r.file !== related[k].file || r.message !== related[k].message)) return false;
        if (!sameRange(linesOf(r.file), r.start, r.end, c.lsp.relatedInformation![k].location.range)) return false;
      }
      return true;
    };
    const sent = new Array<Sent>(list.length);
    let next = 0;
    for (let i = 0; i < list.length; i++) {
      const d = list[i];
      let found: Sent | undefined;
      for (let j = next; j < before.length && j <= next + LOOK_AHEAD; j++)
        if (same(before[j], d)) {
          found = before[j];
          next = j + 1;
          break;
        }
      found ??= { lsp: this.toLsp(key, d), source: d };
      sent[i] = found;
      out[i] = found.lsp;
    }
    // Kept for open documents only (the ones edited keystroke after keystroke): memory follows what is open.
    if (this.documents.get(this.documents.uriOf(key))) this.lastSent.set(key, sent);
    else this.lastSent.delete(key);
    return out;
  }

  /**
   * An open document's diagnostics in LSP form: its items' FFI diagnostics by block, each block
   * converted once and sent again while it reads the same (`ConvertedBlock`), so a keystroke
   * converts what it changed and looks at one anchor per block, not at every diagnostic of the
   * file; the others (syntax errors, `ExternNotImplemented`, itables, stale headers) through
   * `converted`. In file order, as `converted(diagnostics(key))` would give them. With `last`, the
   * document's last publish by part, a pass that finds the same parts in the same places changes
   * that publish where they differ (`changedParts`) instead of gathering and sorting every one.
   */
  private convertedParts(key: string, last: LastParts | undefined): LspDiagnostic[] {
    const { before, syntax, blocks, after } = this.workspace.diagnosticParts(key);
    const severity = this.severity;
    const head = applySeverity(before, severity);
    const rest = this.converted(key, [...head, ...applySeverity(after, severity)]);
    const linesOf = perFile((file) => this.documents.lines(file));
    const uriOf = perFile((file) => this.documents.uriOf(file));
    const position = { line: 0, character: 0 };
    // While the document's changes since the last pass broke or joined no line, an anchor of a
    // block kept since (its elements are all still there: the core runs again the checks anchored
    // to elements taken out) is where it was unless it is on a line they touched.
    const edited = this.documents.editedLines(key);
    // Most passes answer one keystroke: one line touched.
    const onlyEdited = edited?.size === 1 ? edited.values().next().value! : -1;
    const holds = (c: ConvertedBlock): boolean => {
      if (c.severity !== severity || !c.anchors) return false;
      // Every anchor in this file, none on a touched line: none to look at (lines compared as numbers).
      if (edited && c.local && !touchedAny(edited, onlyEdited, c.at)) return true;
      for (let k = 0; k < c.anchors.length; k++) {
        const p = c.anchors[k];
        if (edited && p.file === key && !edited.has(c.at[2 * k])) continue;
        const offset = this.workspace.anchorStart(p);
        const index = linesOf(p.file);
        if (offset === undefined || !index) return false;
        position.line = c.at[2 * k];
        position.character = c.at[2 * k + 1];
        if (!index.readsAs(offset, position) || uriOf(p.file) !== c.uris[k]) return false;
      }
      return true;
    };
    /** Whether an element's converted syntax errors read the same now (see `holds`). */
    const holdsSyntax = (c: ConvertedSyntax, element: GreenNode): boolean => {
      if (c.severity !== severity) return false;
      if (edited && !edited.has(c.line)) return true;
      const start = this.workspace.elementStart(key, element);
      const index = linesOf(key);
      if (start === undefined || !index) return false;
      position.line = c.line;
      position.character = c.character;
      return index.readsAs(start, position);
    };
    const lastList = this.lastPublished.get(key) ?? [];
    /** `d`, or the diagnostic of the last publish that reads the same (found by place: both lists are in file order). */
    const sentBefore = (d: LspDiagnostic): LspDiagnostic => {
      let lo = 0;
      let hi = lastList.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (byPlace(lastList[mid], d) < 0) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < lastList.length && byPlace(lastList[i], d) === 0; i++) if (sameLsp(lastList[i], d)) return lastList[i];
      return d;
    };
    const convert = (block: readonly AnchoredDiagnostic[]): ConvertedBlock => {
      const lsp = applySeverity(
        block.map((d) => this.workspace.place(d)),
        severity,
      ).map((d) => sentBefore(this.toLsp(key, d)));
      let anchors = shownAnchors(block);
      const at = new Int32Array(2 * (anchors?.length ?? 0));
      const blockUris: string[] = [];
      let local = true;
      for (let k = 0; anchors && k < anchors.length; k++) {
        const p = anchors[k];
        const offset = this.workspace.anchorStart(p);
        const index = linesOf(p.file);
        if (offset === undefined || !index) anchors = undefined;
        else {
          const at0 = index.positionAt(offset);
          at[2 * k] = at0.line;
          at[2 * k + 1] = at0.character;
          blockUris.push(uriOf(p.file));
          local &&= p.file === key;
        }
      }
      return { anchors, at, local, uris: blockUris, severity, lsp };
    };
    const lines = linesOf(key);
    /** An element's syntax errors, as converted last when they read the same. */
    const syntaxOf = (element: GreenNode): ConvertedSyntax => {
      let c = this.syntaxBlocks.get(element);
      if (!c || !holdsSyntax(c, element)) {
        const start = this.workspace.elementStart(key, element) ?? 0;
        const at = lines ? lines.positionAt(start) : { line: 0, character: 0 };
        const lsp = applySeverity(this.workspace.placeSyntax(key, element), severity).map((d) => sentBefore(this.toLsp(key, d)));
        this.syntaxBlocks.set(element, (c = { line: at.line, character: at.character, severity, lsp }));
      }
      return c;
    };
    /** A block's diagnostics, as converted last when they read the same. */
    const blockOf = (block: readonly AnchoredDiagnostic[]): ConvertedBlock => {
      let c = this.blocks.get(block);
      if (!c || !holds(c)) this.blocks.set(block, (c = convert(block)));
      return c;
    };
    let next =
      last && edited && last.severity === severity && sameList(last.rest, rest)
        ? changedParts(last, syntax, blocks, edited, onlyEdited, syntaxOf, blockOf, this.counts)
        : undefined;
    if (!next) {
      const syntaxConverted = syntax.map(syntaxOf);
      const blocksConverted = blocks.map(blockOf);
      // By `push` from an empty list, as `withChanges` makes one (`rest` has holes: see `converted`).
      const out: LspDiagnostic[] = [];
      for (let i = 0; i < head.length; i++) out.push(rest[i]);
      for (const c of syntaxConverted) for (const d of c.lsp) out.push(d);
      for (const c of blocksConverted) for (const d of c.lsp) out.push(d);
      for (let i = head.length; i < rest.length; i++) out.push(rest[i]);
      out.sort(byPlace);
      next = partsOf(severity, rest, syntax, syntaxConverted, blocks, blocksConverted, out);
    }
    this.lastPublished.set(key, next.out);
    this.lastParts.set(key, next);
    this.documents.clearEditedLines(key);
    return next.out;
  }

  /**
   * No pass runs until `answerOpenDocuments`: at start-up, a document opened before the
   * workspace's files are read would be checked against the few read so far, and shown errors
   * that are not there (its kinds declared in files not read yet) until the next pass.
   */
  holdUntilRead(): void {
    this.holding = true;
  }

  /**
   * The workspace is read: the documents opened or edited meanwhile are answered now, before
   * anything else the server does (a user waits for them), and passes run again. The other
   * files stay owed to the next pass.
   */
  answerOpenDocuments(): void {
    this.holding = false;
    for (const f of this.takeChangedFiles()) this.owed.add(f);
    for (const key of [...this.edited].sort()) {
      this.edited.delete(key);
      this.owed.delete(key);
      this.publishOrSayWhy(key, true);
    }
  }

  /**
   * Until `releaseOthers`, a pass answers the documents opened or edited and leaves the other
   * files owed. At start-up the server makes the reach walk ahead in slices between its messages;
   * a pass over the other files meanwhile would make it in one piece at their first check of an
   * immutable kind (on the bench's 100k lines 0.2–0.4 s, which a request sent then waited for).
   */
  holdOthers(): void {
    this.othersHeld = true;
  }

  /** The other files are checked again: a pass over them is scheduled. */
  releaseOthers(): void {
    this.othersHeld = false;
    this.schedule();
  }

  /** The files whose diagnostics may have changed, closed C files that came to matter read first. */
  private takeChangedFiles(): string[] {
    this.documents.readCFilesThatMatter();
    return this.workspace.takeChangedFiles();
  }

  /** Answers a document's newest version now, as a pass would (the start-up warm-up's keystrokes run this path synchronously). */
  answerNow(key: string): void {
    this.takeChangedFiles();
    this.edited.delete(key);
    this.publish(key, true);
  }

  /** After the severities changed: every file is sent again when its diagnostics differ. */
  republishAll(): void {
    for (const key of this.workspace.files()) this.owed.add(key);
    this.schedule();
  }

  /** After a change; `edited` names a document whose new version must be answered. */
  schedule(edited?: string): void {
    if (edited) this.edited.add(edited);
    this.generation++;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run(this.generation).catch((e: unknown) =>
        this.connection.console.error(`vale-ffi: a diagnostics pass failed: ${(e as Error).stack ?? String(e)}`),
      );
    });
  }

  /** True while an edit newer than what the core has is waiting in the connection's queue. */
  private editsQueued(): boolean {
    for (const key of this.edited) {
      const uri = this.documents.uriOf(key);
      const applied = this.documents.get(uri)?.version;
      const newest = this.arrivals.newest(uri);
      if (applied !== undefined && newest !== undefined && newest > applied) return true;
    }
    return false;
  }

  private async run(generation: number): Promise<void> {
    // The queued edit's handler schedules the next pass.
    if (this.holding || generation !== this.generation || this.editsQueued()) return;
    this.counts.passes++;
    for (const f of this.takeChangedFiles()) this.owed.add(f);
    // Edited documents first (a few), then the files owed, oldest first, taken one at a time (no
    // list of every owed file per pass: after start-up that is the whole workspace, for many passes).
    const first = [...this.edited].sort();
    for (let i = 0; ; i++) {
      // The files owed wait while they are held (`holdOthers`): `releaseOthers` schedules their pass.
      if (i >= first.length && this.othersHeld) return;
      if (i > 0) {
        // Other files wait until typing pauses: the next keystroke of an answered document must
        // not find the server in the middle of another file (one file at a time after that).
        const quiet = i === first.length && first.length > 0;
        await new Promise((resolve) => (quiet ? setTimeout(resolve, QUIET_MS) : setImmediate(resolve)));
        if (generation !== this.generation) return;
        // Other files give way to messages just read (a request, the next keystroke): handled first.
        // A client that never pauses delays a file by MESSAGE_WAIT_MS at most.
        const since = performance.now();
        while (i >= first.length && !this.arrivals.quietFor(MESSAGE_GAP_MS) && performance.now() - since < MESSAGE_WAIT_MS) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (generation !== this.generation) return;
        }
      }
      const key = i < first.length ? first[i] : this.nextOwed();
      if (key === undefined) return;
      const fresh = this.edited.delete(key);
      this.owed.delete(key);
      this.publishOrSayWhy(key, fresh);
    }
  }

  private idling = false;

  /**
   * After an edited document's answer, once the messages already read are handled and no edit
   * waits for its answer: the server's idle work, done while the editor reads the answer. The
   * open documents' texts are made one string (the next change would copy one while the user
   * waits), and the young generation is collected when it is nearly full (a keystroke would
   * wait for that collection).
   */
  private idleSoon(): void {
    if (this.idling) return;
    this.idling = true;
    setImmediate(() => {
      this.idling = false;
      if (this.edited.size > 0 || this.editsQueued()) return;
      this.counts.idle++;
      this.documents.settle();
      idleYoungCollection();
    });
  }

  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private settling = false;

  /**
   * After an edited C document's answer: once typing pauses for SETTLE_MS, the C files whose
   * reparses met a syntax error are parsed again from scratch, and a pass sends what that changed
   * (tree-sitter's recovery over its last tree can read a node otherwise than a parse from scratch).
   */
  private settleSoon(): void {
    if (this.settling || this.workspace.unsettledCFiles().length === 0) return;
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => void this.settle(), SETTLE_MS);
    this.settleTimer.unref?.();
  }

  /** Typing resumed or an answer is owed: the settle waits (or gives up). */
  private owing(): boolean {
    return this.holding || this.edited.size > 0 || this.editsQueued();
  }

  /**
   * Each unsettled C file parsed from scratch (one call into tree-sitter), then its items read a
   * slice at a time, giving the event loop a turn between slices: a message that arrives drops
   * the settle under way (the file stays unsettled; the next answer to an edit arms it again).
   */
  private async settle(): Promise<void> {
    this.settleTimer = undefined;
    if (this.owing() || !this.arrivals.quietFor(SETTLE_MS)) {
      this.settleSoon();
      return;
    }
    this.settling = true;
    let changed = false;
    let dropped = false;
    try {
      for (const key of this.workspace.unsettledCFiles()) {
        const settle = this.workspace.beginSettleC(key);
        if (!settle) continue;
        for (;;) {
          const slice = performance.now();
          let done: boolean | undefined;
          while ((done = settle.step(SETTLE_ITEMS_PER_STEP)) === undefined && performance.now() - slice < SETTLE_SLICE_MS);
          if (done !== undefined) {
            this.counts.settled++;
            changed ||= done;
            break;
          }
          await new Promise((resolve) => setImmediate(resolve));
          // A message read during the slice or the turn (a request, an edit): it goes first.
          if (this.owing() || this.arrivals.readSince(slice)) {
            settle.cancel();
            this.counts.settlesDropped++;
            dropped = true;
            return;
          }
        }
      }
    } catch (e) {
      this.connection.console.error(`vale-ffi: parsing a C file again failed: ${(e as Error).stack ?? String(e)}`);
    } finally {
      this.settling = false;
      if (changed) this.schedule();
      // Once what came is handled and typing pauses again (an edit's answer arms it too).
      if (dropped) this.settleSoon();
    }
  }

  /** `publish`, and when it fails, why, in the log and in the file's own diagnostics. */
  private publishOrSayWhy(key: string, fresh: boolean): void {
    try {
      this.publish(key, fresh);
    } catch (e) {
      // One file's failure must not stop the others, nor later edits: say so once, with the
      // stack, and in the file's own diagnostics, so the user sees why they are missing.
      this.connection.console.error(`vale-ffi: diagnostics of ${key} failed: ${(e as Error).stack ?? String(e)}`);
      this.publishFailure(key, e);
    }
  }

  /** The oldest owed file that is not an edited document (those go first). */
  private nextOwed(): string | undefined {
    for (const key of this.owed) if (!this.edited.has(key)) return key;
    return undefined;
  }

  private publishFailure(key: string, e: unknown): void {
    this.publishNotice(
      key,
      `vale-ffi could not analyse this file: ${(e as Error)?.message ?? String(e)} (the stack is in the output log; the next edit tries again)`,
      DiagnosticSeverity.Error,
    );
  }

  /** One diagnostic at the top of a file, saying why it has no others. */
  private publishNotice(key: string, message: string, severity: DiagnosticSeverity): void {
    const uri = this.documents.uriOf(key);
    const diagnostics: LspDiagnostic[] = [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity, source: 'vale-ffi', message },
    ];
    this.sent.set(key, JSON.stringify(diagnostics));
    void this.connection.sendDiagnostics({ uri, version: this.documents.get(uri)?.version, diagnostics });
  }

  /** Sends a file's diagnostics when they changed, or always for a document just edited (`fresh`): its new version gets an answer. */
  private publish(key: string, fresh: boolean): void {
    const uri = this.documents.uriOf(key);
    // Taken now: a publish that does not go by part (a notice, a failure, a closed file) leaves none behind.
    const lastParts = this.lastParts.get(key);
    this.lastParts.delete(key);
    if (!this.workspace.tree(key) && !this.workspace.cFile(key)) {
      this.lastSent.delete(key);
      this.lastPublished.delete(key);
      if (this.sent.delete(key)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    const oversized = this.documents.oversizedLength(key);
    if (oversized !== undefined) {
      this.publishNotice(
        key,
        `vale-ffi does not analyse this document: it is ${oversized} characters, over the ${READ_LIMITS.source}-byte source limit (maxSourceBytes in vale-ffi.json)`,
        DiagnosticSeverity.Warning,
      );
      return;
    }
    failpoint('diagnostics', () => this.workspace.text(key) ?? '');
    // An open document's keystrokes reuse what they did not change; another file is converted afresh (memory follows what is open).
    let diagnostics: LspDiagnostic[];
    if (this.documents.get(uri)) diagnostics = this.convertedParts(key, lastParts);
    else {
      this.lastPublished.delete(key);
      diagnostics = this.converted(key, applySeverity(this.workspace.diagnostics(key), this.severity));
    }
    // A file no editor has open keeps what diagnostics need, not its syntax: memory follows what is open.
    if (!this.documents.get(uri)) this.workspace.releaseSyntax(key);
    if (fresh) this.sent.set(key, SENT_FOR_AN_EDIT);
    else {
      // Sent only when different from last time. An edited document's version is always answered
      // and what it was sent is not kept (a keystroke's list would outlive the keystroke): a later
      // pass that reaches it sends it again.
      if (diagnostics.length === 0 && !this.sent.has(key)) return;
      const json = JSON.stringify(diagnostics);
      if (this.sent.get(key) === json) return;
      this.sent.set(key, json);
    }
    this.counts.published++;
    void this.connection.sendDiagnostics({ uri, version: this.documents.get(uri)?.version, diagnostics });
    if (fresh) {
      this.idleSoon();
      if (this.workspace.cFile(key)) this.settleSoon();
    }
  }
}
