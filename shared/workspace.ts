import {
  type AnchoredDiagnostic,
  type AnchoredPosition,
  anchorDiagnostic,
  anchoredFiles,
  anchorElements,
  anchorsHold,
  elementOffsets,
  elementsHold,
  type ElementOffsets,
  materialize,
  materializeAll,
} from './anchors';
import { EXTERN_FUNCTION_DEPENDED_ON_NON_EXPORTED_KIND, checkItem } from './checks/ffi';
import { type Diagnostic, type QuickFix, SYNTAX_ERROR, compareDiagnostics } from './diagnostics';
import {
  type FileModel,
  type FunctionDecl,
  type ItemDecls,
  exactList,
  inItem,
  itemReads,
  packageOf,
  readFileModel,
} from './model/declarations';
import { type FactKey, factParts } from './model/facts';
import { FfiFunctionFiles } from './model/extern-names';
import { FilePacker, type PackedFiles, type ReleasedFile } from './model/pack';
import { type Dependencies, ProgramIndex } from './model/program';
import { readQuick } from './model/quick';
import { type CDeclarations, CProgram } from './layout/cprogram';
import { type BuiltHeaders, staleHeaderDiagnostics } from './layout/built';
import {
  type CFileSummary,
  type CFileText,
  type CChange,
  type CChecksMemo,
  type CParse,
  type CParser,
  CParserFailure,
  type CTreeEdit,
  EXTERN_NOT_IMPLEMENTED,
  checkCFile,
  cFixesOf,
  externImplementationFix,
  externsNotImplemented,
  inferCProject,
  coveringChange,
  fragmentAround,
  readCFragment,
  readCParse,
  unreadCSummary,
  type CTextWords,
  addProjectVotes,
  cUnderscoreWords,
  mayImplementExtern,
  namesWithPrefix,
  projectDecided,
  projectOfVotes,
  projectVoteBound,
  SteppedRead,
  settledSummary,
  isCPath,
  definedCFunctions,
} from './c';
import { DEFAULT_TARGET, type TargetProfile } from './layout/targets';
import { type ItableProfile, itableEdges, placeItables, unalignedItableDiagnostic } from './simulate/itables';

/** How itables are checked: the simulated placement, and the symbols of a real build when one is given. */
export interface ItableOptions {
  profile: ItableProfile;
  /** Symbol name → address, read from an ELF file; `binary` names it in messages. */
  symbols?: ReadonlyMap<string, bigint>;
  binary?: string;
  /** How the backend names an itable global. */
  symbolPattern?: string;
}
import {
  type GreenElement,
  GreenNode,
  LineIndex,
  RELEASED,
  type Source,
  type SyntaxTree,
  type TextEdit,
  applyEdit,
  parse,
  reparse,
  textOf,
} from './syntax';

/** Counters that show how much work the workspace did (tests and benchmarks read them). */
export interface WorkspaceStats {
  /** File models assembled (per new tree of a file; unchanged items are not read again). */
  modelsRead: number;
  /** Top-level items read from syntax trees. */
  itemsRead: number;
  /** Program indexes built from every file (the first, or when a package came or went). */
  indexesBuilt: number;
  /** Index updates in place (an edit changed what other files see). */
  indexUpdates: number;
  /** Files with at least one item whose FFI checks ran. */
  filesChecked: number;
  /** Items whose FFI checks ran. */
  itemsChecked: number;
  /** Files whose every item check was reused. */
  checksReused: number;
  /** Item checks reused because nothing they read changed. */
  itemChecksReused: number;
  /** Top-level items of C files read from their trees (an edit reads those it reached). */
  cItemsRead: number;
  /** C keystrokes read from the text around them parsed alone (the rest reparse over the file's last tree). */
  cFragments: number;
  /** C files parsed again from scratch once their edits' reparses had met a syntax error (`settleCFile`). */
  cSettled: number;
  /** Top-level items of C files checked (an edit checks those it reached). */
  cItemsChecked: number;
  /** Recorded facts recomputed after an index update, to tell which checks it made stale. */
  factsRecomputed: number;
  /** FFI roots (exported kinds and functions, externs) whose reach an index update walked again. */
  rootsWalkedAgain: number;
}

/** A C file's settle under way (`Workspace.beginSettleC`). */
export interface CSettle {
  /**
   * Reads up to `items` more of the file's items: undefined while some are left, else whether
   * the summary changed (false as well when the file changed meanwhile: nothing was settled).
   */
  step(items: number): boolean | undefined;
  /** Drops the settle (its tree freed); the file stays unsettled. */
  cancel(): void;
}

/** A file's item checks: by item node, and as the last pass found them, in item order. */
interface FileChecks {
  readonly byElement: Map<GreenNode, ItemCheck>;
  items: readonly ItemDecls[];
  checks: ItemCheck[];
  /** The places (in `items`) of the checks that have diagnostics, in order. */
  withDiagnostics: number[];
  /** Their diagnostics as the last pass for blocks (`ffiBlocks`) handed them over, in the same order; undefined after any other pass. */
  blocks?: (readonly AnchoredDiagnostic[])[];
}

/** The FFI checks of one item, with what they read and their diagnostics anchored to elements. */
interface ItemCheck {
  readonly file: string;
  /** The item it checked (an item with nothing to check has none: it never goes stale). */
  readonly item?: ItemDecls;
  readonly deps: Dependencies;
  readonly diagnostics: readonly AnchoredDiagnostic[];
  /** The elements its diagnostics are anchored to (`anchorElements`): while each is in its file, they can be placed. */
  readonly elements: readonly AnchoredPosition[];
  /** Files other than its own that its diagnostics point into. */
  readonly anchoredIn: ReadonlySet<string>;
  stale: boolean;
  /** The pass of `ffiDiagnostics` that last found its item in the file. */
  pass?: number;
}

const NO_DEPS: Dependencies = new Map();
const NO_FILES: ReadonlySet<string> = new Set();

/** A module as `valec build NAME=DIR` names it: `root` is the directory's key ('/'-separated, '' for the top). */
export interface Module {
  readonly name: string;
  readonly root: string;
}

/** Edits not yet parsed: applied together when a question needs the tree. */
interface PendingEdits {
  readonly edits: TextEdit[];
  /** The text after the edits, when the caller knows it (the server does). */
  text?: Source;
  /** That text's line index, when the caller has made it (the server's documents do). */
  lines?: LineIndex;
}

/** What `readCFilesThatMatter` found of an unread C file, each part for what it was found with. */
interface UnreadCFile {
  words?: CTextWords;
  /** At most how many votes it can give each prefix, for the externs' names of a version (undefined: unknown). */
  votes?: { ffi: FfiFunctionFiles; version: number; bound: ReadonlyMap<string, number> | undefined };
  /** Whether it may name the project's prefix. */
  prefixed?: { project: string; names: boolean };
}

/**
 * The analysis entry point: files go in as (path, text) pairs, questions come
 * out as values. It never touches the file system; the server and the CLI
 * feed it. Paths are opaque keys ('/'-separated; the directory is the package).
 *
 * Work is demand-driven and proportional to the change. Edits are queued and
 * parsed when asked (a burst costs one incremental parse). A new tree gives a
 * new file model, read item by item (reused items are not read again). When
 * the model's summary is unchanged the index takes the new model in place;
 * otherwise the index updates what the change reaches and the facts it can
 * have changed are recomputed, making stale exactly the item checks that read
 * a changed fact. Item checks keep their diagnostics anchored to tree
 * elements, so moved items need no re-check.
 */
export class Workspace {
  private readonly trees = new Map<string, SyntaxTree>();
  private readonly pending = new Map<string, PendingEdits>();
  /** Files whose items' syntax was let go (`releaseSyntax`). */
  private readonly released = new Set<string>();
  private readonly models = new Map<string, { tree: SyntaxTree; model: FileModel }>();
  /** Files whose tree changed (or that came or went) since the index last saw them. */
  private readonly dirty = new Set<string>();
  private index?: ProgramIndex;
  private readonly itemChecks = new Map<string, FileChecks>();
  /** The checks made stale since their file's last `ffiDiagnostics`, by file: they run again then. */
  private readonly staleIn = new Map<string, Set<ItemCheck>>();
  /** Per element, the checks of its own file whose diagnostics are anchored to it (a pass for blocks looks at those of the elements an edit took out). */
  private readonly anchoredTo = new WeakMap<GreenElement, Set<ItemCheck>>();
  /** Blocks of FFI diagnostics (`block`) holding an `ExternFunctionDependedOnNonExportedKind`. */
  private readonly blocksBlockingPrototypes = new WeakSet<readonly AnchoredDiagnostic[]>();
  /** Per file, its checks whose diagnostics point into other files too (a pass for blocks looks at each). */
  private readonly crossFile = new Map<string, Set<ItemCheck>>();
  private checkPasses = 0;
  /** Fact key → its value when recorded, and the item checks that read it. */
  private readonly factReaders = new Map<FactKey, { value: string; readers: Set<ItemCheck> }>();
  /** The recorded fact keys by what can change them. */
  private readonly facts = new FactKeys();
  /** File → item checks of other files whose diagnostics point into it. */
  private readonly anchoredReaders = new Map<string, Set<ItemCheck>>();
  /** Files whose diagnostics may have changed since `takeChangedFiles`. */
  private readonly changed = new Set<string>();
  private readonly fileDiagnostics = new Map<string, { stamp: number; diagnostics: Diagnostic[] }>();
  /** Bumped by every change a query sees; `semantic` only by changes of what files see of each other. */
  private stamp = 0;
  private semantic = 0;
  private itableOptions: ItableOptions = { profile: 'midas' };
  private modules: readonly Module[] = [];
  private itableCache?: { semantic: number; options: ItableOptions; byFile: Map<string, AnchoredDiagnostic[]> };
  private cPrograms?: { stamp: number; project: string; target: TargetProfile; program: CProgram };
  /** What every C program of this workspace shares: the files declaring each FFI function, kept up to date here. */
  private readonly cDeclarations: CDeclarations = { ffiFunctions: () => this.ffiFunctionFiles() };
  /** Made when the C project is first inferred or the C side first looks a function up; `stale`: the files changed since (sync adds them). */
  private ffiFunctions?: { files: FfiFunctionFiles; stale: Set<string> };
  private built?: BuiltHeaders;
  private cParser?: CParser;
  /** The workspace's C and C++ files, as summaries (their trees are freed once read). */
  private readonly cSummaries = new Map<string, CFileSummary>();
  private readonly cTexts = new Map<string, string>();
  /**
   * Per C file edited (`editCFile`), its tree and line index, for the next edit's reparse, and
   * whether its summary may differ from a parse from scratch (`settleCFile`).
   */
  private readonly cTrees = new Map<string, { parse?: CParse; lines: LineIndex; unsettled: boolean }>();
  /** Bumped when the set of C function definitions changes (ExternNotImplemented follows it). */
  private cDefinitions = 0;
  /** The C project name when set; otherwise inferred from the C files, else the first module's name. */
  private cProject?: string;
  /** Per C file, its last diagnostics, and its items' against the same program and typedefs (`memoKey`). */
  private readonly cChecks = new Map<string, { key: unknown[]; diagnostics: Diagnostic[]; memoKey: unknown[]; memo: CChecksMemo }>();
  private cProgramCache?: { semantic: number; project: string; built?: BuiltHeaders; program: CProgram };
  /** ExternNotImplemented per Vale file, for its model, the C definitions and the project. */
  private readonly externChecks = new Map<string, { key: unknown[]; diagnostics: Diagnostic[] }>();
  private definedInC?: { version: number; names: Set<string> };
  private hadCFiles = false;
  private staleCache?: { semantic: number; built: BuiltHeaders; byFile: Map<string, AnchoredDiagnostic[]> };
  /**
   * `incremental: false` is for a single analysis (the CLI): no fact is recorded
   * and no diagnostic anchored, since nothing will be asked again after an edit.
   * `quickFixes: false` is for a reader that shows no quick fixes (the CLI's reports):
   * `fixesOf` answers none. Either way the FFI checks run on an edit make none; a
   * diagnostic's are made when asked (`fixesOf`).
   */
  constructor(private readonly options: { incremental?: boolean; quickFixes?: boolean } = {}) {}

  readonly stats: WorkspaceStats = {
    modelsRead: 0,
    itemsRead: 0,
    cItemsRead: 0,
    cFragments: 0,
    cSettled: 0,
    cItemsChecked: 0,
    indexesBuilt: 0,
    indexUpdates: 0,
    filesChecked: 0,
    itemsChecked: 0,
    checksReused: 0,
    itemChecksReused: 0,
    factsRecomputed: 0,
    rootsWalkedAgain: 0,
  };

  setFile(path: string, text: string): SyntaxTree {
    // A one-shot analysis reads each file now and keeps only that.
    if (this.options.incremental === false) return this.setReleasedFile(path, text);
    const tree = parse(text);
    this.pending.delete(path);
    this.released.delete(path);
    this.trees.set(path, tree);
    this.touch(path);
    return tree;
  }

  /**
   * A file read now, its syntax let go at once (as `releaseSyntax` leaves it): the items of the
   * plain shapes straight from their tokens, the others parsed (model/quick.ts). What a one-shot
   * analysis does with every file, and the server with files no editor has open; an edit parses
   * the file whole.
   */
  setReleasedFile(path: string, text: string): SyntaxTree {
    // A one-shot analysis anchors nothing: its trees may share their line breaks.
    const { tree, model } = readQuick(path, text, this.packageOf(path), this.options.incremental === false);
    this.pending.delete(path);
    this.released.add(path);
    this.trees.set(path, tree);
    this.models.set(path, { tree, model });
    this.touch(path);
    this.stats.modelsRead++;
    return tree;
  }

  /**
   * Applies edits in order to a file (offsets of the text each edit sees).
   * Parsing waits until a question needs the tree; `text`, the text after the
   * edits, saves re-applying them when the caller has it, and `lines`, its line
   * index, saves making it again.
   */
  editFile(path: string, edits: readonly TextEdit[], text?: Source, lines?: LineIndex): void {
    if (!this.trees.has(path) && !this.pending.has(path)) this.trees.set(path, parse(''));
    const p = this.pending.get(path) ?? { edits: [] };
    p.edits.push(...edits);
    p.text = text;
    p.lines = lines;
    this.pending.set(path, p);
    this.touch(path);
  }

  removeFile(path: string): void {
    this.trees.delete(path);
    this.pending.delete(path);
    this.released.delete(path);
    this.touch(path);
  }

  files(): string[] {
    return [...this.trees.keys()].sort();
  }

  /** Whether a C parser is set (`setCParser`): C files are read. */
  get readsC(): boolean {
    return this.cParser !== undefined;
  }

  /** How C text becomes a tree (tree-sitter's C grammar, loaded by a shell); without one, C files are not read. */
  setCParser(parser: CParser | undefined): void {
    this.cParser = parser;
  }

  /**
   * The project name C names carry (`<project>_<name>`), for checking C files. Undefined: the
   * prefix the C definitions of the externs use, else the first module's name, else `vale`.
   */
  setCProject(project: string | undefined): void {
    if (project === this.cProject) return;
    this.cProject = project;
    this.stamp++;
    for (const f of [...this.trees.keys(), ...this.cSummaries.keys()]) this.changed.add(f);
  }

  /** A C or C++ file's text: read into its summary at once (false without a parser or when the text cannot be read). */
  setCFile(path: string, text: string): boolean {
    return this.readC(path, text, undefined);
  }

  /**
   * A C file's edits (each in the offsets of the text the ones before it left), with the text
   * after them and, when the caller has it, its line index: the items around the edits parsed
   * alone when the file holds no syntax error outside them (`readCFragment`), else reparsed over
   * the last edit's tree; only the items the edits reached are read again. The tree is kept until
   * the file is set (`setCFile`) or removed.
   */
  editCFile(path: string, edits: readonly TextEdit[], text: string, lines?: LineIndex): boolean {
    return this.readC(path, text, { edits, lines: lines ?? new LineIndex(text) });
  }

  /**
   * A C file set without a parse, as holding nothing the checks read: it counts as a C file of
   * the workspace, with an empty summary, until `readCFilesThatMatter` finds that its words may
   * matter (shared/c/relevance.ts) and reads it. A shell sets the files no editor has open so.
   */
  setUnreadCFile(path: string, text: string): void {
    this.cTrees.get(path)?.parse?.release();
    this.cTrees.delete(path);
    this.setCSummary(path, text, unreadCSummary());
    this.unreadC.set(path, {});
    this.unreadSeen = undefined;
  }

  /** The C files set unread (`setUnreadCFile`) and not read since. */
  cFilesUnread(): string[] {
    return [...this.unreadC.keys()].sort();
  }

  /** The C files set unread, with what was found of their words (each found once asked for). */
  private readonly unreadC = new Map<string, UnreadCFile>();
  /** What the unread files were last found not to matter for (`unreadKey`). */
  private unreadSeen?: unknown[];

  private unreadKey(ffi: FfiFunctionFiles): unknown[] {
    return [ffi, ffi.version, this.cDefinitions, this.cProject, this.modules];
  }

  private unreadWords(path: string): CTextWords {
    const u = this.unreadC.get(path)!;
    u.words ??= cUnderscoreWords(this.cTexts.get(path)!);
    return u.words;
  }

  /**
   * Reads (with the C parser) the unread C files that may matter now, until those left cannot:
   * - unless the project is configured, the files whose words may give its inference votes (an
   *   identifier that may end in `_<extern>`), the smallest first, until the votes of those left
   *   cannot change the winner (`projectDecided`);
   * - then the files whose words may start with the project's prefix (every file when the project
   *   is empty).
   * The diagnostics, the project and what navigation finds in C are then those of every file
   * read. Costs a comparison when neither the externs' names, the C definitions, the project
   * nor the modules changed. Answers the files read, each with why the parser could not read it
   * (it is then no longer a C file of the workspace), if it could not.
   */
  readCFilesThatMatter(): { path: string; failure?: string }[] {
    const out: { path: string; failure?: string }[] = [];
    if (this.unreadC.size === 0 || !this.cParser) return out;
    const ffi = this.ffiFunctionFiles();
    const read = (path: string): void => {
      const text = this.cTexts.get(path)!;
      // Parsed from scratch: its summary is empty.
      this.cTexts.delete(path);
      out.push(this.readC(path, text, undefined) ? { path } : { path, failure: this.cReadFailure ?? 'not read' });
    };
    for (;;) {
      const key = this.unreadKey(ffi);
      if (this.unreadSeen && sameKey(this.unreadSeen, key)) return out;
      const before = out.length;
      const externs = new Set(ffi.externNames());
      if (this.cProject === undefined) this.readVoters(externs, ffi, read);
      const project = this.effectiveCProject();
      for (const path of [...this.unreadC.keys()]) {
        const u = this.unreadC.get(path)!;
        if (u.prefixed?.project !== project)
          u.prefixed = { project, names: project === '' || namesWithPrefix(this.unreadWords(path), `${project}_`) };
        if (u.prefixed.names) read(path);
      }
      // Again until a round reads nothing: what it read may have changed the project.
      if (out.length === before) this.unreadSeen = key;
    }
  }

  /**
   * The unread C files whose words may matter now (may vote for the project unless it is
   * configured, or may name its prefix), none read: `readCFilesThatMatter` reads among these,
   * and reads nothing when there are none (a shell needs no C parser then).
   */
  cFilesThatMayMatter(): string[] {
    if (this.unreadC.size === 0) return [];
    const externs = new Set(this.ffiFunctionFiles().externNames());
    const project = this.effectiveCProject();
    return this.cFilesUnread().filter((path) => {
      const words = this.unreadWords(path);
      if (this.cProject === undefined && mayImplementExtern(words, externs)) return true;
      return project === '' || namesWithPrefix(words, `${project}_`);
    });
  }

  /** `readCFilesThatMatter`'s votes: the unread files that may vote, read smallest first until the project is decided. */
  private readVoters(externs: ReadonlySet<string>, ffi: FfiFunctionFiles, read: (path: string) => void): void {
    const counts = new Map<string, number>();
    for (const [path, c] of this.cSummaries) if (!this.unreadC.has(path)) addProjectVotes(counts, externs, c);
    const left = new Map<string, number>();
    const voters: { path: string; length: number; votes: ReadonlyMap<string, number> }[] = [];
    for (const [path, u] of this.unreadC) {
      if (u.votes?.ffi !== ffi || u.votes.version !== ffi.version)
        u.votes = { ffi, version: ffi.version, bound: projectVoteBound(this.unreadWords(path), externs) };
      const bound = u.votes.bound;
      // A loose word may name an extern: no bound, read first.
      if (bound === undefined) voters.push({ path, length: -1, votes: new Map() });
      else if (bound.size > 0) {
        voters.push({ path, length: this.cTexts.get(path)!.length, votes: bound });
        for (const [prefix, n] of bound) left.set(prefix, (left.get(prefix) ?? 0) + n);
      }
    }
    voters.sort((a, b) => a.length - b.length || (a.path < b.path ? -1 : 1));
    for (const v of voters) {
      if (v.length >= 0 && projectDecided(counts, left, projectOfVotes(counts))) return;
      for (const [prefix, n] of v.votes) left.set(prefix, left.get(prefix)! - n);
      read(v.path);
      const c = this.cSummaries.get(v.path);
      if (c) addProjectVotes(counts, externs, c);
    }
  }

  /** Why the last C text the parser could not parse is unread (`CParserFailure`'s message), if one was not. */
  cReadFailure: string | undefined;

  private readC(path: string, text: string, edited: { edits: readonly TextEdit[]; lines: LineIndex } | undefined): boolean {
    if (!this.cParser) return false;
    try {
      return this.readCWith(this.cParser, path, text, edited);
    } catch (e) {
      if (!(e instanceof CParserFailure)) throw e;
      // Unread, as without a parser: its last summary (of another text) goes too.
      this.cReadFailure = e.message;
      this.removeCFile(path);
      return false;
    }
  }

  private readCWith(
    cParser: CParser,
    path: string,
    text: string,
    edited: { edits: readonly TextEdit[]; lines: LineIndex } | undefined,
  ): boolean {
    const kept = this.cTrees.get(path);
    this.cTrees.delete(path);
    const before = this.cTexts.get(path);
    const change: CChange | undefined =
      edited && kept ? coveringChange(edited.edits) : before !== undefined ? coveringChange([spanningEdit(before, text)]) : undefined;
    const treeEdit = (k: { lines: LineIndex }, c: CChange, lines: LineIndex): CTreeEdit => ({
      startIndex: c.start,
      oldEndIndex: c.oldEnd,
      newEndIndex: c.newEnd,
      startPosition: point(k.lines, c.start),
      oldEndPosition: point(k.lines, c.oldEnd),
      newEndPosition: point(lines, c.newEnd),
    });
    // A keystroke: the items around it parsed alone, when the items on either side come back the
    // same. The file's last tree, when there is one, takes the edit for a later reparse over it.
    const summaryBefore = this.cSummaries.get(path);
    if (edited && change && summaryBefore && cParser.fragment && (!kept?.parse || kept.parse.defer)) {
      const read = this.readCFragment(text, change, summaryBefore);
      if (read) {
        this.stats.cItemsRead += read.read;
        this.stats.cFragments++;
        this.setCSummary(path, text, read.summary);
        if (kept?.parse) kept.parse.defer?.(treeEdit(kept, change, edited.lines));
        // Kept even without a tree: the next edits are then known to apply to this text.
        this.cTrees.set(path, { parse: kept?.parse, lines: edited.lines, unsettled: kept?.unsettled ?? false });
        return true;
      }
    }
    let parse: CParse;
    // The last tree and the edit, when the edits are reparsed over it.
    const over = edited && change && kept?.parse ? { tree: kept.parse, edit: treeEdit(kept, change, edited.lines) } : undefined;
    try {
      parse = over ? cParser(text, over.tree, over.edit) : cParser(text);
    } finally {
      kept?.parse?.release();
    }
    let summary: CFileSummary;
    try {
      const read = readCParse(parse, change, this.cSummaries.get(path));
      summary = read.summary;
      this.stats.cItemsRead += read.read;
    } catch (e) {
      parse.release();
      throw e;
    }
    this.setCSummary(path, text, summary);
    // Tree-sitter's recovery from a syntax error over its last tree can read an ambiguous node
    // otherwise than a parse from scratch would (a parameter list as K&R names): a reparse that
    // met an error, before or after the edit, leaves the file to settle.
    const unsettled = !!over && (!!kept?.unsettled || (summaryBefore?.errorItems ?? 0) > 0 || summary.errorItems > 0);
    if (edited) this.cTrees.set(path, { parse, lines: edited.lines, unsettled });
    else parse.release();
    return true;
  }

  /**
   * A C file whose summary came from reparses that met a syntax error, parsed again from scratch:
   * the summary is replaced when an item reads otherwise (the items that read the same stay, with
   * their checks), and the next edits reparse over the new tree. True when the summary changed
   * (its diagnostics, and those of the Vale files that read its definitions, are then to be asked
   * again). `beginSettleC` does the same a few items at a time.
   */
  settleCFile(path: string): boolean {
    const settle = this.beginSettleC(path);
    if (!settle) return false;
    for (;;) {
      const done = settle.step(Number.POSITIVE_INFINITY);
      if (done !== undefined) return done;
    }
  }

  /**
   * `settleCFile` in steps, for a shell to spread between its messages: the file parsed from
   * scratch now, its items read by `step`. Undefined when the file has nothing to settle. Any
   * change to the file before the last step makes that step drop the settle (the file stays
   * unsettled).
   */
  beginSettleC(path: string): CSettle | undefined {
    const kept = this.cTrees.get(path);
    const text = this.cTexts.get(path);
    const before = this.cSummaries.get(path);
    if (!kept?.unsettled || !this.cParser || text === undefined || !before) return undefined;
    let parse: CParse;
    try {
      parse = this.cParser(text);
    } catch (e) {
      if (!(e instanceof CParserFailure)) throw e;
      // Left as it is: its summary from the reparses stands (nothing can be parsed now).
      this.cReadFailure = e.message;
      kept.unsettled = false;
      return undefined;
    }
    let reading: SteppedRead;
    try {
      reading = new SteppedRead(parse);
    } catch (e) {
      parse.release();
      throw e;
    }
    let open = true;
    const drop = (): false => {
      if (open) parse.release();
      open = false;
      return false;
    };
    return {
      step: (items: number): boolean | undefined => {
        if (!open) return false;
        // An edit, the file set whole or removed: this parse is of an older text.
        if (this.cTrees.get(path) !== kept || this.cSummaries.get(path) !== before) return drop();
        let fresh: CFileSummary | undefined;
        try {
          fresh = reading.step(items);
        } catch (e) {
          drop();
          throw e;
        }
        if (!fresh) return undefined;
        open = false;
        kept.parse?.release();
        this.cTrees.set(path, { parse, lines: kept.lines, unsettled: false });
        this.stats.cSettled++;
        const settled = settledSummary(before, fresh);
        if (!settled) return false;
        this.setCSummary(path, text, settled);
        return true;
      },
      cancel: () => void drop(),
    };
  }

  /** The C files whose summaries may differ from a parse from scratch until settled (`settleCFile`). */
  unsettledCFiles(): string[] {
    return [...this.cTrees].filter(([, t]) => t.unsettled).map(([path]) => path);
  }

  /** A keystroke's items read from the text around it parsed alone (`fragmentAround`), or undefined. */
  private readCFragment(text: string, change: CChange, before: CFileSummary): { summary: CFileSummary; read: number } | undefined {
    const around = fragmentAround(before, change, text.length);
    if (!around || !this.cParser?.fragment) return undefined;
    const fragment = this.cParser.fragment(text, around.start, around.end);
    try {
      return readCFragment(fragment, around, change, before);
    } finally {
      fragment.release();
    }
  }

  private setCSummary(path: string, text: string, summary: CFileSummary): void {
    this.unreadC.delete(path);
    const before = this.cSummaries.get(path);
    this.cSummaries.set(path, summary);
    this.cTexts.set(path, text);
    if (!sameDefinitions(before, summary)) this.cDefinitions++;
    this.stamp++;
    this.changed.add(path);
  }

  removeCFile(path: string): void {
    const before = this.cSummaries.get(path);
    if (!before) return;
    this.cSummaries.delete(path);
    this.unreadC.delete(path);
    this.cTexts.delete(path);
    this.cTrees.get(path)?.parse?.release();
    this.cTrees.delete(path);
    this.externChecks.delete(path);
    this.cChecks.delete(path);
    if (definedCFunctions(before).length > 0) this.cDefinitions++;
    // No C file left: nothing infers a project, so the externs' names (and the models they hold) go.
    if (this.cSummaries.size === 0) this.ffiFunctions = undefined;
    this.stamp++;
    this.changed.add(path);
  }

  cFiles(): string[] {
    return [...this.cSummaries.keys()].sort();
  }

  /** Every C file with its text and summary (what the C quick fixes edit). */
  cFileTexts(): CFileText[] {
    return this.cFiles().map((path) => ({ path, text: this.cTexts.get(path)!, summary: this.cSummaries.get(path)! }));
  }

  cFile(path: string): CFileSummary | undefined {
    return this.cSummaries.get(path);
  }

  private inferred?: { key: unknown[]; project: string; fromC: boolean };

  /** The project the C files are checked with (see `setCProject`). */
  effectiveCProject(): string {
    if (this.cProject !== undefined) return this.cProject;
    if (this.cSummaries.size === 0) return this.firstModule() ?? 'vale';
    const externs = this.ffiFunctionFiles();
    const key = [externs.version, this.cDefinitions, this.modules];
    if (this.inferred && sameKey(this.inferred.key, key)) return this.inferred.project;
    const fromC = inferCProject(externs, this.cSummaries.values());
    const project = fromC ?? this.firstModule() ?? 'vale';
    this.inferred = { key, project, fromC: fromC !== undefined };
    return project;
  }

  /**
   * Whether the C files are where this workspace's externs are implemented: the project is set,
   * or they define at least one extern (unrelated C files, logs of references, a library, do not
   * make every extern "not implemented").
   */
  private cImplementsExterns(): boolean {
    if (this.cSummaries.size === 0) return false;
    if (this.cProject !== undefined) return true;
    this.effectiveCProject();
    return this.inferred?.fromC === true;
  }

  private firstModule(): string | undefined {
    return [...this.modules].sort((a, b) => a.root.length - b.root.length || (a.root < b.root ? -1 : 1))[0]?.name;
  }

  /** The C program C files are checked against: rebuilt only when declarations, the project or the build change. */
  private checkedProgram(): CProgram {
    const c = this.cProgramCache;
    const index = this.program();
    const project = this.effectiveCProject();
    if (c && c.semantic === this.semantic && c.project === project && c.built === this.built) return c.program;
    const program = new CProgram(index, project, DEFAULT_TARGET, this.built, this.cDeclarations);
    this.cProgramCache = { semantic: this.semantic, project, built: this.built, program };
    return program;
  }

  /** A C file or a Vale file, by its extension (C files need a parser: `setCParser`). */
  setSource(path: string, text: string): void {
    if (isCPath(path) && this.setCFile(path, text)) return;
    this.setFile(path, text);
  }

  /** The diagnostics of one C file: its summary against the Vale declarations. */
  private cDiagnostics(path: string): Diagnostic[] {
    const summary = this.cSummaries.get(path)!;
    const project = this.effectiveCProject();
    const key = [summary, this.semantic, project, this.built];
    const cached = this.cChecks.get(path);
    if (cached && sameKey(cached.key, key)) return cached.diagnostics;
    // An item checked against the same program and typedefs keeps its diagnostics (moved with it).
    const memoKey = [this.semantic, project, this.built, typedefsKey(summary)];
    const memo: CChecksMemo = cached && sameKey(cached.memoKey, memoKey) ? cached.memo : { byItem: new WeakMap(), checked: 0 };
    const checked = memo.checked;
    // Every name the checks look for starts with the project prefix: a file without one (a log, a
    // library) is clean without building the C program.
    const prefix = project ? `${project}_` : '';
    const named = summary.items.some((item) => item.names.some((n) => n.name.startsWith(prefix)));
    const diagnostics = named ? checkCFile(this.checkedProgram(), path, summary, memo) : [];
    this.stats.cItemsChecked += memo.checked - checked;
    this.cChecks.set(path, { key, diagnostics, memoKey, memo });
    return diagnostics;
  }

  /** The names the C files define (rebuilt when a C file's definitions change). */
  private cDefinedNames(): ReadonlySet<string> {
    if (this.definedInC?.version !== this.cDefinitions) {
      const names = new Set<string>();
      for (const c of this.cSummaries.values()) for (const name of definedCFunctions(c)) names.add(name);
      this.definedInC = { version: this.cDefinitions, names };
    }
    return this.definedInC.names;
  }

  /**
   * A diagnostic's quick fixes: those it carries, and those made only when asked: the FFI checks'
   * and the C checks' (their item checked again, with its fixes made) and the C definition
   * `ExternNotImplemented` offers. Made on an edit, the FFI checks' fixes cost every re-checked
   * item the reading of its file's text (a fresh copy of a large document, on the server, where
   * the text after an edit is the old one's pieces joined), and their anchors; the C checks' were
   * copied with every diagnostic a keystroke moved.
   */
  fixesOf(d: Diagnostic): readonly QuickFix[] {
    if (d.fixes) return d.fixes;
    if (this.options.quickFixes === false) return [];
    if (d.code === EXTERN_NOT_IMPLEMENTED) {
      const fix = externImplementationFix(this.checkedProgram(), d.file, d.start, this.cFileTexts());
      return fix ? [fix] : [];
    }
    const c = this.cSummaries.get(d.file);
    if (c) return cFixesOf(this.checkedProgram(), d.file, c, d);
    const index = this.program();
    const model = this.model(d.file);
    const item = model?.itemContaining(d.start);
    if (!model || !item || !hasChecks(item)) return [];
    const again = checkItem(index, model, item, (file) => this.source(file), undefined, true);
    return again.find((x) => x.start === d.start && x.end === d.end && x.code === d.code && x.message === d.message)?.fixes ?? [];
  }

  /** `ExternNotImplemented` diagnostics of one Vale file (none in a workspace without C files). */
  externNotImplementedDiagnostics(path: string): Diagnostic[] {
    if (!this.cImplementsExterns()) return [];
    const model = this.model(path);
    if (!model) return [];
    const project = this.effectiveCProject();
    const key = [model, this.cDefinitions, project];
    const cached = this.externChecks.get(path);
    if (cached && sameKey(cached.key, key)) return cached.diagnostics;
    // The file's own extern items, placed one by one (the file's whole lists are not assembled).
    const externs: FunctionDecl[] = [];
    for (const item of model.items) {
      const f = item.unplacedFunction;
      if (f?.extern && !f.builtin) externs.push(item.function!);
    }
    const diagnostics = externsNotImplemented(externs, project, this.cDefinedNames());
    this.externChecks.set(path, { key, diagnostics });
    return diagnostics;
  }

  /** A file's tree with its pending edits parsed (several at once as one edit spanning them). */
  tree(path: string): SyntaxTree | undefined {
    const old = this.trees.get(path);
    const p = this.pending.get(path);
    if (!old || !p) return old;
    let tree: SyntaxTree;
    // A tree a reparse consumed (one that threw after taking its list over) is parsed whole too.
    if (this.released.has(path) || old.consumed) tree = parse(p.text !== undefined ? textOf(p.text) : p.edits.reduce(applyEdit, old.text));
    else if (p.edits.length === 1) tree = reparse(old, p.edits[0], p.text);
    else if (p.text !== undefined) tree = reparse(old, coveringEdit(old.source.length, p.edits, p.text), p.text);
    else {
      const text = p.edits.reduce(applyEdit, old.text);
      tree = reparse(old, spanningEdit(old.text, text));
    }
    // Taken only if it is the index of the tree's text (`adoptLines` checks).
    if (p.lines) tree.adoptLines(p.lines);
    // Only now: were parsing to throw, the edits would still be there to apply.
    this.pending.delete(path);
    this.released.delete(path);
    this.trees.set(path, tree);
    return tree;
  }

  /**
   * A file's whole syntax tree, for what reads function bodies across files (a rename): parsed
   * again, and not kept, when the file's syntax was let go (memory follows what is open); with
   * `containing`, a let-go file whose text lacks it is not parsed (nothing in it is asked for).
   */
  syntaxTree(path: string, containing?: string): SyntaxTree | undefined {
    const tree = this.tree(path);
    if (!tree || !this.released.has(path)) return tree;
    return containing !== undefined && !tree.text.includes(containing) ? tree : parse(tree.text);
  }

  /**
   * Lets go of the syntax inside a file's top-level items once everything is
   * read from it (declarations, summaries, syntax errors): what the server does
   * for files no editor has open, so memory follows what is open. Checks,
   * diagnostics, navigation and hovers need no more; an edit parses the file
   * whole again.
   */
  releaseSyntax(path: string): void {
    const tree = this.tree(path);
    if (!tree || this.released.has(path)) return;
    const model = this.model(path);
    void tree.errors;
    // Interface tags count a package's lambdas (each closure is a struct): counted before the bodies go.
    if (model) for (const item of model.items) if (item.unplacedFunction !== undefined) void item.lambdas;
    for (const c of tree.green.children) if (c instanceof GreenNode) (c as { children: readonly GreenElement[] }).children = RELEASED;
    this.released.add(path);
  }

  /**
   * What a one-shot analysis keeps of these files (each set with `setFile`), as numbers and
   * strings another thread can take: see `adoptFiles`.
   */
  packFiles(paths: readonly string[]): PackedFiles {
    const packer = new FilePacker();
    for (const path of paths) {
      this.releaseSyntax(path);
      const tree = this.tree(path);
      const model = this.model(path);
      if (tree && model) packer.add(path, tree, model);
    }
    return packer.pack();
  }

  /**
   * Files read by another workspace (`packFiles`), taken as if set here with `setFile` and their
   * syntax let go: nothing is parsed. A file read under other modules (another package) is
   * parsed again here.
   */
  adoptFiles(files: readonly ReleasedFile[]): void {
    for (const f of files) {
      if (f.model.package !== this.packageOf(f.path)) {
        this.setFile(f.path, f.tree.text);
        if (this.options.incremental !== false) this.releaseSyntax(f.path);
        continue;
      }
      this.pending.delete(f.path);
      this.trees.set(f.path, f.tree);
      this.released.add(f.path);
      this.models.set(f.path, { tree: f.tree, model: f.model });
      this.touch(f.path);
    }
  }

  syntaxDiagnostics(path: string): Diagnostic[] {
    const tree = this.tree(path);
    if (!tree) return [];
    return tree.errors.map((e) => syntaxDiagnostic(path, e.start, e.end, e.message, e.warning));
  }

  /** A file's text as one string (a long open document's pieces joined, once per version: a copy of the file). */
  text(path: string): string | undefined {
    const s = this.source(path);
    return s === undefined ? undefined : textOf(s);
  }

  /** A file's text as held: one string, or a long open document's pieces (read without joining them). */
  source(path: string): Source | undefined {
    const c = this.cTexts.get(path);
    if (c !== undefined) return c;
    const p = this.pending.get(path);
    if (p?.text !== undefined) return p.text;
    return this.tree(path)?.source;
  }

  /** What a file declares (kinds, functions, exports, impls), read once per tree (and only its re-parsed items). */
  model(path: string): FileModel | undefined {
    const tree = this.tree(path);
    if (!tree) return undefined;
    const cached = this.models.get(path);
    const pkg = this.packageOf(path);
    if (cached && cached.tree === tree && cached.model.package === pkg) return cached.model;
    const reads = itemReads.count;
    // The model of the tree this one was reparsed from carries its first items over.
    const origin = tree.origin;
    const before = origin?.previous !== undefined && origin.previous === cached?.tree.green ? cached.model : undefined;
    if (origin) origin.previous = undefined;
    const model = readFileModel(path, tree, pkg, before, this.options.incremental !== false);
    this.stats.itemsRead += itemReads.count - reads;
    this.stats.modelsRead++;
    this.models.set(path, { tree, model });
    return model;
  }

  /** Files set, edited or removed, and module changes, counted: an index begun ahead over older files is dropped. */
  private touches = 0;
  /** An index begun ahead (`prepareIndex`), and the count of touches when it was. */
  private building: { index: ProgramIndex; touches: number } | undefined;

  private touch(path: string): void {
    this.dirty.add(path);
    this.touches++;
  }

  /**
   * Makes part of a new index ahead, before an answer needs it, when there is none or most files
   * changed since it was made (a workspace just read): `steps` files at a time, so that a shell can
   * spread it between its messages (on the bench's 100k lines the index is about 0.5 s in one
   * piece, and a request that came meanwhile waited for it). The next `program()` takes what was
   * made and makes the rest, as a build anew would (the index before it handed over as to one); a
   * file set, edited or removed meanwhile drops it. True while some is left.
   */
  prepareIndex(steps: number): boolean {
    const fewChanged = this.index !== undefined && this.dirty.size * 2 < this.trees.size;
    if (fewChanged || this.options.incremental === false || this.trees.size === 0) {
      this.building = undefined;
      return false;
    }
    if (this.building?.touches !== this.touches) {
      const models = new Map<string, FileModel>();
      for (const path of this.trees.keys()) models.set(path, this.model(path)!);
      this.building = { index: new ProgramIndex(models, { track: true, ahead: true, previous: this.index }), touches: this.touches };
    }
    return this.building.index.buildAhead(steps);
  }

  /** The declarations of every file, indexed; kept across edits that change no summary. */
  program(): ProgramIndex {
    this.sync();
    return this.index!;
  }

  /**
   * Brings the index up to date with the changed files. Work: the changed
   * files' new items; and, only when a summary changed, an index update (a full
   * build when a package came or went) and the recorded facts it can reach.
   */
  private sync(): void {
    if (this.index && this.dirty.size === 0) return;
    const summaryChanged = new Set<string>();
    for (const path of this.dirty) {
      this.stamp++;
      this.changed.add(path);
      this.ffiFunctions?.stale.add(path);
      for (const reader of this.anchoredReaders.get(path) ?? []) this.changed.add(reader.file);
      if (!this.trees.has(path)) {
        this.models.delete(path);
        this.forgetChecks(path);
        summaryChanged.add(path);
        continue;
      }
      const model = this.model(path)!;
      const indexed = this.index?.files.get(path);
      if (indexed?.sameSummary(model)) this.index!.replaceModel(path, model);
      else summaryChanged.add(path);
    }
    this.dirty.clear();
    if (this.options.incremental === false && this.index) {
      // Nothing was recorded to tell what a change reaches: start over.
      this.itemChecks.clear();
      this.index = undefined;
    }
    if (this.index && summaryChanged.size === 0) return;
    const changes = new Map<string, FileModel | undefined>();
    for (const path of summaryChanged) changes.set(path, this.trees.has(path) ? this.model(path) : undefined);
    // A file's `kind` facts (its name lookups) change with its scope (package and imports) or with
    // the names, which the index reports: only files whose scope changed count here.
    const scopeChanged = new Set<string>();
    for (const [path, model] of changes) if (model?.scope !== this.index?.files.get(path)?.scope) scopeChanged.add(path);
    const walkedBefore = this.index?.rootsWalkedAgain ?? 0;
    const ahead = this.building;
    this.building = undefined;
    if (ahead?.touches === this.touches) {
      // Begun ahead over these very models, from this index: the rest of it now.
      ahead.index.buildAhead(Number.POSITIVE_INFINITY);
      this.index = ahead.index;
      this.stats.indexesBuilt++;
    } else if (!this.index?.update(changes)) {
      const models = new Map<string, FileModel>();
      for (const path of this.trees.keys()) models.set(path, this.model(path)!);
      this.index = new ProgramIndex(models, { track: this.options.incremental !== false, previous: this.index });
      this.stats.indexesBuilt++;
    } else {
      this.stats.indexUpdates++;
      this.stats.rootsWalkedAgain += this.index.rootsWalkedAgain - walkedBefore;
    }
    const index = this.index;
    this.semantic++;
    this.stamp++;
    // Recompute each recorded fact the change can reach, once; its readers go stale if it changed.
    const { all, names, packages, exportIds, reach } = index.change;
    const candidates = all
      ? this.factReaders.keys()
      : this.facts.candidates(names, packages, scopeChanged, reach, exportIds, (pkgs) => index.filesSeeing(pkgs));
    for (const key of candidates) {
      const entry = this.factReaders.get(key);
      if (!entry) continue;
      this.stats.factsRecomputed++;
      const value = index.fact(key);
      if (value === entry.value) continue;
      entry.value = value;
      for (const reader of entry.readers) {
        reader.stale = true;
        let stale = this.staleIn.get(reader.file);
        if (!stale) this.staleIn.set(reader.file, (stale = new Set()));
        stale.add(reader);
        this.changed.add(reader.file);
      }
    }
  }

  /** The files whose diagnostics may differ from when this was last called (the server publishes these). */
  takeChangedFiles(): string[] {
    this.sync();
    if (this.cSummaries.size > 0) {
      // C files are checked against the declarations; ExternNotImplemented follows the C definitions.
      const project = this.effectiveCProject();
      for (const [f, c] of this.cChecks) if (c.key[1] !== this.semantic || c.key[2] !== project) this.changed.add(f);
      for (const [f, c] of this.externChecks) if (c.key[1] !== this.cDefinitions || c.key[2] !== project) this.changed.add(f);
    }
    // The C files start (or stop) implementing the externs: every Vale file's ExternNotImplemented changes.
    const implementing = this.cImplementsExterns();
    if (this.hadCFiles !== implementing) {
      this.hadCFiles = implementing;
      for (const f of this.trees.keys()) this.changed.add(f);
    }
    if (this.staleCache && this.staleCache.semantic !== this.semantic) {
      for (const f of this.staleCache.byFile.keys()) this.changed.add(f);
      for (const f of this.staleHeaders().keys()) this.changed.add(f);
    }
    if (this.itableCache && this.itableCache.semantic !== this.semantic) {
      for (const f of this.itableCache.byFile.keys()) this.changed.add(f);
      for (const f of this.itables().keys()) this.changed.add(f);
    }
    const out = [...this.changed].sort();
    this.changed.clear();
    return out;
  }

  /** The files declaring each FFI function name, brought up to date with the files changed since last asked. */
  private ffiFunctionFiles(): FfiFunctionFiles {
    const files = this.program().files;
    if (!this.ffiFunctions) this.ffiFunctions = { files: new FfiFunctionFiles(), stale: new Set(files.keys()) };
    const { files: ffi, stale } = this.ffiFunctions;
    for (const path of stale) ffi.set(path, files.get(path));
    stale.clear();
    return ffi;
  }

  /**
   * Makes part of what the first check of an immutable kind needs, the reach walk over every FFI
   * root (`ProgramIndex.prepareReach`), `steps` at a time: a shell spreads it between its messages
   * instead of that check making it in one piece. True while some is left; an edit that changes
   * what files see of each other makes it start over.
   */
  prepare(steps: number): boolean {
    return this.program().prepareReach(steps);
  }

  /** The C side of the workspace for a project name and target, kept until the next change. */
  cProgram(project: string, target: TargetProfile): CProgram {
    const index = this.program();
    const c = this.cPrograms;
    if (c && c.stamp === this.stamp && c.project === project && c.target === target) return c.program;
    const program = new CProgram(index, project, target, this.built, this.cDeclarations);
    this.cPrograms = { stamp: this.stamp, project, target, program };
    return program;
  }

  private offsetsOf = (file: string): ElementOffsets | undefined => {
    const tree = this.tree(file);
    return tree && elementOffsets(tree);
  };

  private forgetCheck(check: ItemCheck): void {
    for (const key of check.deps.keys()) {
      const entry = this.factReaders.get(key);
      if (!entry) continue;
      entry.readers.delete(check);
      if (entry.readers.size === 0) {
        this.factReaders.delete(key);
        this.facts.remove(key);
      }
    }
    for (const file of check.anchoredIn) this.anchoredReaders.get(file)?.delete(check);
    for (const p of check.elements) if (p.file === check.file) this.anchoredTo.get(p.element!)?.delete(check);
    if (check.anchoredIn.size > 0) this.crossFile.get(check.file)?.delete(check);
  }

  private forgetChecks(path: string): void {
    for (const check of this.itemChecks.get(path)?.byElement.values() ?? []) this.forgetCheck(check);
    this.itemChecks.delete(path);
    this.crossFile.delete(path);
    this.staleIn.delete(path);
    this.fileDiagnostics.delete(path);
  }

  private runCheck(path: string, model: FileModel, item: ItemDecls): ItemCheck {
    this.stats.itemsChecked++;
    // Plain functions and imports have nothing to check: no dependencies to record.
    if (!hasChecks(item)) return { file: path, deps: NO_DEPS, diagnostics: [], elements: [], anchoredIn: NO_FILES, stale: false };
    const deps: Dependencies = new Map();
    const found = checkItem(this.index!, model, item, (file) => this.source(file), deps, false);
    const diagnostics = this.block(
      found,
      found.map((d) => anchorDiagnostic(d, this.offsetsOf)),
    );
    const anchoredIn = diagnostics.length === 0 ? NO_FILES : new Set<string>();
    for (const d of diagnostics) for (const f of anchoredFiles(d, path)) (anchoredIn as Set<string>).add(f);
    const check: ItemCheck = { file: path, item, deps, diagnostics, elements: anchorElements(diagnostics), anchoredIn, stale: false };
    for (const [key, value] of deps) {
      const entry = this.factReaders.get(key);
      if (entry) {
        entry.value = value;
        entry.readers.add(check);
      } else {
        this.factReaders.set(key, { value, readers: new Set([check]) });
        this.facts.add(key);
      }
    }
    for (const file of anchoredIn) {
      let readers = this.anchoredReaders.get(file);
      if (!readers) this.anchoredReaders.set(file, (readers = new Set()));
      readers.add(check);
    }
    for (const p of check.elements) {
      if (p.file !== path) continue;
      let checks = this.anchoredTo.get(p.element!);
      if (!checks) this.anchoredTo.set(p.element!, (checks = new Set()));
      checks.add(check);
    }
    if (anchoredIn.size > 0) {
      let checks = this.crossFile.get(path);
      if (!checks) this.crossFile.set(path, (checks = new Set()));
      checks.add(check);
    }
    return check;
  }

  /**
   * The FFI diagnostics of a check (or of a file, not incremental) anchored as a block, noted in
   * `blocksBlockingPrototypes` when one says a signature blocks a prototype: `diagnosticParts`
   * then looks into those blocks only, not at every diagnostic of the file at each keystroke.
   */
  private block(found: readonly Diagnostic[], anchored: AnchoredDiagnostic[]): AnchoredDiagnostic[] {
    if (found.some((d) => d.code === EXTERN_FUNCTION_DEPENDED_ON_NON_EXPORTED_KIND)) this.blocksBlockingPrototypes.add(anchored);
    return anchored;
  }

  /** The FFI checks of one file, placed (`bringChecksUp` says what is reused). */
  ffiDiagnostics(path: string): Diagnostic[] {
    this.sync();
    const model = this.model(path);
    if (!model) return [];
    // A one-shot analysis checks each item once and keeps nothing for an edit (there is none).
    if (this.options.incremental === false) {
      const index = this.program();
      const out: Diagnostic[] = [];
      for (const item of model.items) {
        this.stats.itemsChecked++;
        if (hasChecks(item)) for (const d of checkItem(index, model, item, (file) => this.source(file), undefined, false)) out.push(d);
      }
      this.stats.filesChecked++;
      return out;
    }
    // Anchors are mostly in this file: its offsets are looked up once for the pass (no tree changes meanwhile).
    const offsetsOf = lastFileMemo(this.offsetsOf);
    const out: Diagnostic[] = [];
    this.bringChecksUp(path, model, ({ diagnostics }) => {
      const mark = out.length;
      if (materializeAll(diagnostics, offsetsOf, out)) return true;
      out.length = mark;
      return false;
    });
    // The next pass for blocks looks at every kept check: this one moved the places it would go by.
    const checked = this.itemChecks.get(path);
    if (checked) checked.blocks = undefined;
    return out;
  }

  /**
   * The FFI checks of one file as blocks, one per item with diagnostics, in file order: each its
   * check's anchored diagnostics, the same array while the check is reused (`ffiDiagnostics`
   * places them). For a publisher that converts a block once and sends it again while its anchors
   * read the same (`shownAnchors`): a keystroke then costs what it changed, not what the file holds.
   */
  private ffiBlocks(path: string): (readonly AnchoredDiagnostic[])[] {
    const model = this.model(path);
    if (!model) return [];
    if (this.options.incremental === false) {
      const ffi = this.ffiDiagnostics(path);
      return ffi.length === 0
        ? []
        : [
            this.block(
              ffi,
              ffi.map((d) => anchorDiagnostic(d, this.offsetsOf)),
            ),
          ];
    }
    const offsetsOf = lastFileMemo(this.offsetsOf);
    const blocks: (readonly AnchoredDiagnostic[])[] = [];
    // What the edits took out of the file since the last pass: only the kept checks anchored there
    // (or into other files) are looked at, when the last pass was one for blocks too.
    const removed = offsetsOf(path)?.drainRemoved();
    const file = this.itemChecks.get(path);
    let fast: Parameters<typeof this.bringChecksUp>[3];
    if (removed && file?.blocks && file.blocks.length === file.withDiagnostics.length) {
      const look = new Set<number>();
      const place = (check: ItemCheck): void => {
        const i = check.item ? model.itemIndex(check.item) : -1;
        if (i >= 0) look.add(i);
      };
      for (const element of removed) for (const check of this.anchoredTo.get(element) ?? []) place(check);
      for (const check of this.crossFile.get(path) ?? []) place(check);
      fast = { blocks: file.blocks, look, keep: (block) => blocks.push(block) };
    }
    this.bringChecksUp(
      path,
      model,
      ({ diagnostics, elements }) => {
        if (diagnostics.length === 0) return true;
        if (!elementsHold(elements, offsetsOf)) return false;
        blocks.push(diagnostics);
        return true;
      },
      fast,
    );
    const checked = this.itemChecks.get(path);
    if (checked) checked.blocks = blocks;
    return blocks;
  }

  /**
   * Brings a file's item checks up to date and hands each check's diagnostics to `take`, in file
   * order; `take` answers false when an anchor is gone (its element re-parsed), and the check
   * runs again. Each item's check is reused while the item is the same node, every fact it read
   * from other items holds, and every element its diagnostics point into is still there.
   */
  private bringChecksUp(
    path: string,
    model: FileModel,
    take: (check: ItemCheck) => boolean,
    /**
     * For a pass for blocks that knows what the edits took out (`ffiBlocks`): the last pass's
     * blocks (in the order of `withDiagnostics`), the places outside the window whose checks must
     * be looked at (anchored to an element taken out, or into other files), and where a kept block
     * goes. The other kept checks with diagnostics are not looked at: their blocks are the last ones.
     */
    fast?: {
      readonly blocks: readonly (readonly AnchoredDiagnostic[])[];
      readonly look: ReadonlySet<number>;
      readonly keep: (block: readonly AnchoredDiagnostic[]) => void;
    },
  ): void {
    let file = this.itemChecks.get(path);
    if (!file) this.itemChecks.set(path, (file = { byElement: new Map(), items: [], checks: [], withDiagnostics: [] }));
    const { byElement, items: before, checks: checksBefore } = file;
    const items = model.items;
    const n = items.length;
    const m = before.length;
    // The items before and after the edited ones are the same nodes in the same order: their
    // checks are taken by place; only the items between are looked up by node. A model read from
    // the last one checked says where they differ; otherwise the two lists are compared.
    let prefix = 0;
    let suffix = 0;
    const w = model.window;
    if (items === before) prefix = n;
    else if (w && w.base.items === before) {
      prefix = w.itemsFrom;
      suffix = m - w.itemsBaseTo;
    } else {
      while (prefix < n && prefix < m && items[prefix].element === before[prefix].element) prefix++;
      while (suffix < n - prefix && suffix < m - prefix && items[n - 1 - suffix].element === before[m - 1 - suffix].element) suffix++;
    }
    const pass = ++this.checkPasses;
    const withDiagnostics: number[] = [];
    let ran = 0;
    // The checks of the window the edit replaced, before their places are written over.
    const left = checksBefore.slice(prefix, m - suffix);
    const checks = n === m ? checksBefore : new Array<ItemCheck>(n);
    if (n !== m) {
      for (let i = 0; i < prefix; i++) checks[i] = checksBefore[i];
      for (let i = n - suffix; i < n; i++) checks[i] = checksBefore[i - n + m];
    }
    /**
     * The check at place i: a kept one's diagnostics taken where their anchors are now (one
     * lookup per anchor); a stale one, or one with an anchor gone (its element re-parsed), runs
     * again, and its new diagnostics, anchored to the elements now, are taken.
     */
    const visit = (i: number, check: ItemCheck | undefined): void => {
      if (!check || check.stale || !take(check)) {
        if (check) this.forgetCheck(check);
        const item = items[i];
        check = this.runCheck(path, model, item);
        byElement.set(item.element, check);
        ran++;
        take(check);
      }
      check.pass = pass;
      checks[i] = check;
      if (check.diagnostics.length > 0) withDiagnostics.push(i);
    };
    /** Visits the items between the kept ones in front and behind (looked up by node). */
    const visitWindow = (): void => {
      for (let j = prefix; j < n - suffix; j++) visit(j, byElement.get(items[j].element));
    };
    /** The places of the kept checks (outside the window) made stale since the last pass, taken from `staleIn`. */
    const staleKept = (): number[] => {
      const stale = this.staleIn.get(path);
      if (!stale) return [];
      this.staleIn.delete(path);
      const out: number[] = [];
      for (const check of stale) {
        const i = check.item ? model.itemIndex(check.item) : -1;
        if (i >= 0 && (i < prefix || i >= n - suffix) && checks[i] === check) out.push(i);
      }
      return out;
    };
    if (fast) {
      // The window, the stale checks and the looked-at ones are visited; every other kept check
      // with diagnostics hands its last block over by place, its check not even read.
      const look = new Set(fast.look);
      const extra: number[] = [];
      for (const i of staleKept()) {
        look.add(i);
        if (checks[i].diagnostics.length === 0) extra.push(i);
      }
      extra.sort((a, b) => a - b);
      let e = 0;
      const extrasBefore = (limit: number): void => {
        while (e < extra.length && extra[e] < limit) {
          const i = extra[e++];
          visit(i, checks[i]);
        }
      };
      let windowDone = false;
      const window = (): void => {
        extrasBefore(prefix);
        windowDone = true;
        visitWindow();
      };
      const old = file.withDiagnostics;
      for (let k = 0; k < old.length; k++) {
        const o = old[k];
        if (o >= prefix && o < m - suffix) continue;
        const i = o < prefix ? o : o + n - m;
        if (i >= prefix && !windowDone) window();
        extrasBefore(i);
        if (look.has(i)) visit(i, checks[i]);
        else {
          withDiagnostics.push(i);
          fast.keep(fast.blocks[k]);
        }
      }
      if (!windowDone) window();
      extrasBefore(n);
    } else {
      // Of the kept checks, only those with diagnostics (to place) and the stale ones (to run again)
      // have anything to do: their places, in order; the items between are all looked at.
      const places: number[] = [];
      for (const o of file.withDiagnostics) if (o < prefix || o >= m - suffix) places.push(o < prefix ? o : o + n - m);
      const stale = staleKept();
      if (stale.length > 0) {
        for (const i of stale) places.push(i);
        places.sort((a, b) => a - b);
      }
      let middleDone = false;
      for (let k = 0; k < places.length; k++) {
        const i = places[k];
        if (k > 0 && places[k - 1] === i) continue;
        if (i >= prefix && !middleDone) {
          middleDone = true;
          visitWindow();
        }
        visit(i, checks[i]);
      }
      if (!middleDone) visitWindow();
    }
    // The checks of items that left the file leave with them.
    for (let j = 0; j < left.length; j++) {
      const check = left[j];
      if (check.pass === pass) continue;
      this.forgetCheck(check);
      const element = before[prefix + j].element;
      if (byElement.get(element) === check) byElement.delete(element);
    }
    file.items = items;
    file.checks = checks;
    file.withDiagnostics = withDiagnostics;
    this.stats.itemChecksReused += n - ran;
    if (ran > 0) this.stats.filesChecked++;
    else this.stats.checksReused++;
  }

  /**
   * Names packages the way `valec build NAME=DIR` does: the directory `root` (a key prefix, '' for
   * the top) is module `name`, its subdirectories `name/sub` (`import name.sub.*;`). A file under
   * no module's root keeps its directory as its package. Changing the modules re-reads every model.
   */
  setModules(modules: readonly Module[]): void {
    const same =
      modules.length === this.modules.length && modules.every((m, i) => m.name === this.modules[i].name && m.root === this.modules[i].root);
    if (same) return;
    // Longest root first, so a module inside another one's directory takes its own files.
    this.modules = [...modules].sort((a, b) => b.root.length - a.root.length);
    // Every check read its file's package: none is reused, and every model is read again (from
    // syntax parsed again where it was let go).
    for (const [path, tree] of this.trees) {
      this.forgetChecks(path);
      this.touch(path);
      if (this.released.delete(path)) this.trees.set(path, parse(tree.text));
    }
  }

  /** The package of a file: its directory, named through the module whose root holds it. */
  packageOf(path: string): string {
    const dir = packageOf(path);
    for (const m of this.modules) {
      if (m.root === '' || dir === m.root || dir.startsWith(`${m.root}/`)) {
        const rest = m.root === '' ? dir : dir.slice(m.root.length + 1);
        return rest === '' ? m.name : `${m.name}/${rest}`;
      }
    }
    return dir;
  }

  setItableOptions(options: ItableOptions): void {
    this.itableOptions = options;
    this.stamp++;
    for (const f of this.trees.keys()) this.changed.add(f);
  }

  /** Itable diagnostics by file, anchored; placed again only when declarations or options changed. */
  private itables(): Map<string, AnchoredDiagnostic[]> {
    const index = this.program();
    const options = this.itableOptions;
    if (!this.itableCache || this.itableCache.semantic !== this.semantic || this.itableCache.options !== options) {
      const byFile = new Map<string, AnchoredDiagnostic[]>();
      // The backend's placement aligns every itable: nothing to report without a real build's symbols.
      if (options.profile === 'midas' && !options.symbols) {
        this.itableCache = { semantic: this.semantic, options, byFile };
        return byFile;
      }
      const add = (d: Diagnostic): void => void byFile.set(d.file, [...(byFile.get(d.file) ?? []), anchorDiagnostic(d, this.offsetsOf)]);
      const edges = itableEdges(index, 8, options.symbolPattern);
      for (const p of placeItables(edges, options.profile)) {
        if (!p.aligned) add(unalignedItableDiagnostic(p, p.address, `in the simulated data section (${options.profile} profile)`));
      }
      if (options.symbols) {
        for (const e of edges) {
          const address = options.symbols.get(e.symbol);
          if (address !== undefined && address % 16n !== 0n)
            add(unalignedItableDiagnostic(e, address, `in ${options.binary ?? 'the binary'}`));
        }
      }
      this.itableCache = { semantic: this.semantic, options, byFile };
    }
    return this.itableCache.byFile;
  }

  /** A real build's headers (undefined: none): their `_Type_` numbers, and `StaleGeneratedHeader` where they drifted. */
  setBuiltHeaders(built: BuiltHeaders | undefined): void {
    if (built === this.built) return;
    this.built = built;
    this.staleCache = undefined;
    this.cPrograms = undefined;
    this.stamp++;
    for (const f of this.trees.keys()) this.changed.add(f);
  }

  /** Stale-header diagnostics by file, anchored; compared again only when declarations or the build changed. */
  private staleHeaders(): Map<string, AnchoredDiagnostic[]> {
    const built = this.built;
    if (!built) return new Map();
    if (!this.staleCache || this.staleCache.semantic !== this.semantic || this.staleCache.built !== built) {
      const byFile = new Map<string, AnchoredDiagnostic[]>();
      // Its own C program: the cached one is the editor's project and target, which hovers keep asking for.
      for (const d of staleHeaderDiagnostics(new CProgram(this.program(), built.project, DEFAULT_TARGET, built), built))
        byFile.set(d.file, [...(byFile.get(d.file) ?? []), anchorDiagnostic(d, this.offsetsOf)]);
      this.staleCache = { semantic: this.semantic, built, byFile };
    }
    return this.staleCache.byFile;
  }

  /** `StaleGeneratedHeader` diagnostics of one file. */
  staleHeaderDiagnostics(path: string): Diagnostic[] {
    let found = this.staleHeaders().get(path) ?? [];
    if (!found.every((d) => anchorsHold(d, this.offsetsOf))) {
      this.staleCache = undefined;
      found = this.staleHeaders().get(path) ?? [];
    }
    return found.map((d) => materialize(d, this.offsetsOf));
  }

  /** `UnalignedItable` diagnostics of one file: simulated placement, then the real build's symbols. */
  itableDiagnostics(path: string): Diagnostic[] {
    let found = this.itables().get(path) ?? [];
    if (!found.every((d) => anchorsHold(d, this.offsetsOf))) {
      // An impl was re-parsed without changing what it declares: place again.
      this.itableCache = undefined;
      found = this.itables().get(path) ?? [];
    }
    return found.map((d) => materialize(d, this.offsetsOf));
  }

  /** Every diagnostic of one file (kept until the next change). */
  diagnostics(path: string): Diagnostic[] {
    this.sync();
    if (this.cSummaries.has(path)) return this.cDiagnostics(path);
    const cached = this.fileDiagnostics.get(path);
    if (cached && cached.stamp === this.stamp) return cached.diagnostics;
    const ffi = this.ffiDiagnostics(path);
    // Kept until the next change: at its exact length.
    const diagnostics = exactList(
      [
        ...this.diagnosticsBeforeFfi(
          path,
          ffi.filter((d) => d.code === EXTERN_FUNCTION_DEPENDED_ON_NON_EXPORTED_KIND),
        ),
        ...ffi,
        ...this.diagnosticsAfterFfi(path),
      ].sort(compareDiagnostics),
    );
    this.fileDiagnostics.set(path, { stamp: this.stamp, diagnostics });
    return diagnostics;
  }

  /**
   * A file's diagnostics in four parts, for a publisher that converts each top-level element's
   * syntax errors and each item's FFI diagnostics once: `ExternNotImplemented`, placed; the
   * elements with syntax errors (`placeSyntax` places one's); the FFI checks' as blocks
   * (`ffiBlocks`; `place` places one); those after (itables, stale headers), placed. All placed,
   * in this order, then sorted (a stable sort, by `compareDiagnostics`), they are
   * `diagnostics(path)`.
   */
  diagnosticParts(path: string): {
    readonly before: readonly Diagnostic[];
    readonly syntax: readonly GreenNode[];
    readonly blocks: readonly (readonly AnchoredDiagnostic[])[];
    readonly after: readonly Diagnostic[];
  } {
    this.sync();
    if (this.cSummaries.has(path)) return { before: this.cDiagnostics(path), syntax: [], blocks: [], after: [] };
    const blocks = this.ffiBlocks(path);
    const noPrototype: Diagnostic[] = [];
    for (const block of blocks)
      if (this.blocksBlockingPrototypes.has(block))
        for (const d of block) if (d.template.code === EXTERN_FUNCTION_DEPENDED_ON_NON_EXPORTED_KIND) noPrototype.push(this.place(d));
    return {
      before: this.externNotImplementedShown(path, noPrototype),
      syntax: this.tree(path)?.errorElements() ?? [],
      blocks,
      after: this.diagnosticsAfterFfi(path),
    };
  }

  /** The syntax errors of a top-level element of the file (one of `diagnosticParts`' `syntax`), placed. */
  placeSyntax(path: string, element: GreenNode): Diagnostic[] {
    const start = this.elementStart(path, element) ?? 0;
    return element.errors.map((e) => syntaxDiagnostic(path, start + e.start, start + e.end, e.message, e.warning));
  }

  /** Where a top-level element of the file starts now, or undefined when it is not one. */
  elementStart(path: string, element: GreenNode): number | undefined {
    return this.offsetsOf(path)?.offsetOf(element);
  }

  /** A diagnostic of `diagnosticParts`' blocks at its anchors' offsets now. */
  place(d: AnchoredDiagnostic): Diagnostic {
    return materialize(d, this.offsetsOf);
  }

  /** Where the element of a block's anchor (`shownAnchors`) starts now, or undefined when it is gone. */
  anchorStart(p: AnchoredPosition): number | undefined {
    return p.element ? this.offsetsOf(p.file)?.startOf(p, p.element) : undefined;
  }

  /** `ExternNotImplemented` (but for externs whose signature blocks a prototype: `noPrototype` says what to fix first) and syntax errors. */
  private diagnosticsBeforeFfi(path: string, noPrototype: readonly Diagnostic[]): Diagnostic[] {
    return [...this.externNotImplementedShown(path, noPrototype), ...this.syntaxDiagnostics(path)];
  }

  /** `ExternNotImplemented` but for externs whose signature blocks a prototype (`noPrototype` says what to fix first). */
  private externNotImplementedShown(path: string, noPrototype: readonly Diagnostic[]): Diagnostic[] {
    const model = noPrototype.length > 0 ? this.model(path) : undefined;
    // The function is looked up in its own item (placing every function of the file would copy them all).
    const blocked = (d: Diagnostic): boolean =>
      !!model
        ?.itemContaining(d.start)
        ?.functions.some((f) => f.nameStart === d.start && noPrototype.some((e) => inItem(f, e.start, e.end)));
    return this.externNotImplementedDiagnostics(path).filter((d) => !blocked(d));
  }

  private diagnosticsAfterFfi(path: string): Diagnostic[] {
    return [...this.itableDiagnostics(path), ...this.staleHeaderDiagnostics(path)];
  }

  /** Every diagnostic of every file (Vale, then C), in file order. */
  allDiagnostics(): Diagnostic[] {
    return [...this.files(), ...this.cFiles()].flatMap((f) => this.diagnostics(f));
  }
}

/** A syntax error as a diagnostic (what Vale's parser ignores is a warning). */
function syntaxDiagnostic(file: string, start: number, end: number, message: string, warning: boolean | undefined): Diagnostic {
  return { file, start, end, severity: warning ? 'warning' : 'error', code: SYNTAX_ERROR, message };
}

/** Whether an item has anything to check (plain functions and imports have not). */
function hasChecks(item: ItemDecls): boolean {
  const fn = item.unplacedFunction;
  return (
    item.unplacedKind !== undefined ||
    item.unplacedExport !== undefined ||
    item.unplacedImpl !== undefined ||
    (fn !== undefined && (fn.extern || fn.exported))
  );
}

/** `f` remembering its last answer (one file's offsets asked for again and again). */
function lastFileMemo<T>(f: (file: string) => T): (file: string) => T {
  let file: string | undefined;
  let value: T;
  return (x) => {
    if (x !== file) {
      value = f(x);
      file = x;
    }
    return value;
  };
}

/** A C file's typedefs as one value (the checks of its items read them all). */
function typedefsKey(c: CFileSummary): string {
  let key = '';
  for (const [name, type] of c.typedefs) key += `${name}\u0000${type}\u0000`;
  return key;
}

/** A point as tree-sitter counts it, from a line index. */
function point(lines: LineIndex, offset: number): { row: number; column: number } {
  const p = lines.positionAt(offset);
  return { row: p.line, column: p.character };
}

/** Cache keys: equal when every part is the same value or object. */
function sameKey(a: readonly unknown[] | undefined, b: readonly unknown[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether two summaries define the same functions (in the same order, as an edit mostly leaves them, or not). */
function sameDefinitions(a: CFileSummary | undefined, b: CFileSummary): boolean {
  if (!a) return definedCFunctions(b).length === 0;
  // The items both share at either end (an edit re-reads a few) define the same functions.
  const n = Math.min(a.items.length, b.items.length);
  let head = 0;
  while (head < n && a.items[head] === b.items[head]) head++;
  let tail = 0;
  while (tail < n - head && a.items[a.items.length - 1 - tail] === b.items[b.items.length - 1 - tail]) tail++;
  const x = definedCFunctions({ items: a.items.slice(head, a.items.length - tail) });
  const y = definedCFunctions({ items: b.items.slice(head, b.items.length - tail) });
  if (x.length !== y.length) return false;
  if (x.every((n, i) => n === y[i])) return true;
  x.sort();
  y.sort();
  return x.every((n, i) => n === y[i]);
}

/** One edit that turns `before` into `after`: everything between their common prefix and suffix. */
/**
 * One edit that covers a burst of edits (each in the offsets of the text the ones before it
 * left), read from the edits and the text after them (`after`: pieces of a long document are
 * read only where the edits were, never joined): the untouched prefix and suffix are the least
 * any edit left.
 */
function coveringEdit(beforeLength: number, edits: readonly TextEdit[], after: Source): TextEdit {
  let prefix = beforeLength;
  let suffix = beforeLength;
  let length = beforeLength;
  for (const e of edits) {
    const start = Math.max(0, Math.min(e.start, length));
    const end = Math.max(start, Math.min(e.end, length));
    prefix = Math.min(prefix, start);
    suffix = Math.min(suffix, length - end);
    length += e.newText.length - (end - start);
  }
  return { start: prefix, end: beforeLength - suffix, newText: after.slice(prefix, after.length - suffix) };
}

function spanningEdit(before: string, after: string): TextEdit {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { start: prefix, end: before.length - suffix, newText: after.slice(prefix, after.length - suffix) };
}

/**
 * Recorded fact keys grouped by what can change their value, so an index
 * update recomputes only those its change can reach: `kind` facts by name and
 * by the file asking (its imports), package facts by package, `reach` facts by
 * kind; the few `impls` facts always, `suggestion` facts by the file asking (those that see a
 * package whose kinds changed, or whose scope changed).
 */
class FactKeys {
  private readonly reachById = new Map<string, FactKey>();
  /** `exports`, `exported`, `first-export` facts by package and kind, and by package. */
  private readonly exportsByKind = new Map<string, Set<FactKey>>();
  private readonly exportsByPackage = new Map<string, Set<FactKey>>();
  private readonly kindsByName = new Map<string, Set<FactKey>>();
  private readonly kindsByFile = new Map<string, Set<FactKey>>();
  private readonly byPackage = new Map<string, Set<FactKey>>();
  private readonly always = new Set<FactKey>();
  /** `suggestion` facts by the file asking (it sees the kind names of its package and of what it imports). */
  private readonly suggestionsByFile = new Map<string, Set<FactKey>>();

  private static put(map: Map<string, Set<FactKey>>, k: string, key: FactKey): void {
    let set = map.get(k);
    if (!set) map.set(k, (set = new Set()));
    set.add(key);
  }

  private static take(map: Map<string, Set<FactKey>>, k: string, key: FactKey): void {
    const set = map.get(k);
    set?.delete(key);
    if (set?.size === 0) map.delete(k);
  }

  add(key: FactKey): void {
    const f = factParts(key);
    switch (f.tag) {
      case 'kind':
        FactKeys.put(this.kindsByName, f.name, key);
        FactKeys.put(this.kindsByFile, f.file, key);
        break;
      case 'reach':
        this.reachById.set(f.id, key);
        break;
      case 'impls':
        this.always.add(key);
        break;
      case 'suggestion':
        FactKeys.put(this.suggestionsByFile, f.file, key);
        break;
      case 'exports':
      case 'exported':
      case 'first-export':
        FactKeys.put(this.exportsByKind, `${f.pkg}\u0000${f.id}`, key);
        FactKeys.put(this.exportsByPackage, f.pkg, key);
        break;
      default:
        FactKeys.put(this.byPackage, f.pkg, key);
    }
  }

  remove(key: FactKey): void {
    const f = factParts(key);
    switch (f.tag) {
      case 'kind':
        FactKeys.take(this.kindsByName, f.name, key);
        FactKeys.take(this.kindsByFile, f.file, key);
        break;
      case 'reach':
        this.reachById.delete(f.id);
        break;
      case 'impls':
        this.always.delete(key);
        break;
      case 'suggestion':
        FactKeys.take(this.suggestionsByFile, f.file, key);
        break;
      case 'exports':
      case 'exported':
      case 'first-export':
        FactKeys.take(this.exportsByKind, `${f.pkg}\u0000${f.id}`, key);
        FactKeys.take(this.exportsByPackage, f.pkg, key);
        break;
      default:
        FactKeys.take(this.byPackage, f.pkg, key);
    }
  }

  /** `filesSeeing(packages)`: the files that see the kinds of one of the packages (theirs, or one they import). */
  candidates(
    names: ReadonlySet<string>,
    packages: ReadonlySet<string>,
    files: ReadonlySet<string>,
    reach: ReadonlySet<string> | undefined,
    exportIds: ReadonlyMap<string, ReadonlySet<string>> | undefined,
    filesSeeing: (packages: ReadonlySet<string>) => Iterable<string>,
  ): Set<FactKey> {
    const out = new Set<FactKey>(this.always);
    if (reach) {
      for (const id of reach) {
        const key = this.reachById.get(id);
        if (key) out.add(key);
      }
    } else for (const key of this.reachById.values()) out.add(key);
    // A suggestion changes with the kind names its file sees (a package whose kinds changed) or
    // with its scope: each such fact is recomputed (cheaply: `Suggestions` looks only at the names
    // a list gained or lost), its readers re-run only if it changed.
    for (const f of files) for (const k of this.suggestionsByFile.get(f) ?? []) out.add(k);
    if (packages.size > 0) for (const f of filesSeeing(packages)) for (const k of this.suggestionsByFile.get(f) ?? []) out.add(k);
    // Names changed with no package to say where: every suggestion is looked at again.
    else if (names.size > 0) for (const keys of this.suggestionsByFile.values()) for (const k of keys) out.add(k);
    for (const n of names) for (const k of this.kindsByName.get(n) ?? []) out.add(k);
    for (const f of files) for (const k of this.kindsByFile.get(f) ?? []) out.add(k);
    for (const p of packages) {
      for (const k of this.byPackage.get(p) ?? []) out.add(k);
      // A kind's export facts change only with its sites.
      if (!exportIds) for (const k of this.exportsByPackage.get(p) ?? []) out.add(k);
      else for (const id of exportIds.get(p) ?? []) for (const k of this.exportsByKind.get(`${p}\u0000${id}`) ?? []) out.add(k);
    }
    return out;
  }
}
