import { READ_LIMITS, readSourceFile } from '../read';
import type { Position, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import {
  LineIndex,
  Pieces,
  type ReleasedFile,
  type Source,
  type TextEdit,
  type Workspace,
  editSource,
  isCPath,
  textOf,
} from '../../shared';

/** The core's key for a document: the file path for `file:` URIs (a directory is a package), else the URI. */
export function keyOf(uri: string): string {
  const parsed = URI.parse(uri);
  return parsed.scheme === 'file' ? parsed.path : uri;
}

/**
 * An open document: its text, version and line index, changed in place by an editor's changes,
 * with positions read as vscode-languageserver-textdocument reads them (test/syntax.test.ts holds
 * the line index to it). Its own, for a change to be cheap in a long document: a Vale document's
 * text is pieces (`Pieces`), which a change edits without copying the text, and nothing reads it
 * whole to apply the change (that library's update reads characters of the new text, and V8 then
 * copies it whole into one string: in a 10k-line document a fresh 300 KB string per keystroke,
 * about 1.5 ms of page faults on the bench machine); the line index is made from the old one and
 * the change, and the core parses a window made from the old text and the change. Other
 * documents (C, logs) are one string, which the C grammar and the hovers read whole.
 */
export class OpenDocument {
  private index: LineIndex | undefined;
  private text: Source;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    text: string,
    /** Whether the text is kept in pieces (a Vale document). */
    private readonly inPieces = false,
  ) {
    this.text = inPieces ? Pieces.of(text) : text;
  }

  /** The text as one string (a Vale document's pieces joined once: a copy of the document). */
  getText(): string {
    return textOf(this.text);
  }

  /** The text as kept: what the core takes with the edits (a Vale document's pieces, not joined). */
  get source(): Source {
    return this.text;
  }

  get length(): number {
    return this.text.length;
  }

  /** The line index, made when first asked after an opening or a change of the whole text. */
  get lines(): LineIndex {
    return (this.index ??= new LineIndex(this.text));
  }

  offsetAt(position: Position): number {
    return this.lines.offsetAt(position);
  }

  positionAt(offset: number): Position {
    return this.lines.positionAt(offset);
  }

  /** Applies one change (a range written end first is the same range, as LSP clients mean it); returns it as an offset edit of the text before it. */
  apply(change: TextDocumentContentChangeEvent): TextEdit {
    if (!('range' in change)) {
      const edit = { start: 0, end: this.text.length, newText: change.text };
      this.text = this.inPieces ? Pieces.of(change.text) : change.text;
      this.index = undefined;
      return edit;
    }
    const lines = this.lines;
    const a = lines.offsetAt(change.range.start);
    const b = lines.offsetAt(change.range.end);
    const start = Math.min(a, b);
    const end = Math.max(a, b);
    this.text = editSource(this.text, start, end, change.text);
    this.index = LineIndex.afterEdit(lines, this.text, start, end, change.text);
    return { start, end, newText: change.text };
  }

  /**
   * Makes a text kept as one string (a C or log document's) one flat string now, if it is not:
   * done when the server is idle after answering a change, so that the next change neither
   * copies it while the user waits. A Vale document's pieces are flat already.
   */
  settle(): void {
    if (typeof this.text === 'string' && this.text.length > 0) this.text.charCodeAt(0);
  }
}

/** The most lines `Documents.editedLines` follows between two clears (more: not known). */
const MAX_EDITED_LINES = 64;

/**
 * Open documents and the workspace's files on disk. Open documents take
 * precedence over disk; every change reaches the core as an offset edit so
 * re-parsing stays incremental. C and C++ documents reach the core whole (it
 * reads them with the C grammar into summaries); other documents (logs) are kept
 * only for hovers on universal references.
 */
export class Documents {
  private readonly open = new Map<string, OpenDocument>();
  private readonly uris = new Map<string, string>();

  constructor(
    private readonly workspace: Workspace,
    /** Told once per reason why the C parser left a file unread (`Workspace.cReadFailure`). */
    private readonly cReadFailed: (message: string) => void = () => undefined,
  ) {}

  get(uri: string): OpenDocument | undefined {
    return this.open.get(uri);
  }

  /** Vale by language id, or by extension when a client sends no useful id (editors without a Vale filetype). */
  isVale(uri: string): boolean {
    const doc = this.open.get(uri);
    return (doc !== undefined && doc.languageId === 'vale') || uri.endsWith('.vale');
  }

  /** C or C++ by language id or extension: the core reads these into C summaries. */
  isC(uri: string): boolean {
    const id = this.open.get(uri)?.languageId;
    return id === 'c' || id === 'cpp' || isCPath(URI.parse(uri).path);
  }

  private readonly cLines = new Map<string, LineIndex>();

  uriOf(key: string): string {
    return this.uris.get(key) ?? URI.file(key).toString();
  }

  /** Positions for any file the core knows, open or not. */
  lines(key: string): LineIndex | undefined {
    const tree = this.workspace.tree(key);
    if (tree) return tree.lines;
    const text = this.workspace.cFile(key) ? this.workspace.text(key) : undefined;
    if (text === undefined) return undefined;
    // An open C document's own index, kept up to date by its changes.
    const open = this.open.get(this.uriOf(key));
    if (open?.getText() === text) return open.lines;
    let index = this.cLines.get(key);
    if (index?.source !== text) this.cLines.set(key, (index = new LineIndex(text)));
    return index;
  }

  /** A C file's key, its URI noted; undefined (the file removed from the core) when its text is over the cap. */
  private admitC(uri: string, text: string): string | undefined {
    const key = keyOf(uri);
    this.uris.set(key, uri);
    if (text.length <= READ_LIMITS.source) return key;
    this.workspace.removeCFile(key);
    return undefined;
  }

  /** An open C file's text into the core, or its edits (false when it is over the cap or no C parser is loaded). */
  private setC(uri: string, text: string, edits?: readonly TextEdit[], lines?: LineIndex): boolean {
    const key = this.admitC(uri, text);
    if (key === undefined) return false;
    return this.reportingFailures(() => (edits ? this.workspace.editCFile(key, edits, text, lines) : this.workspace.setCFile(key, text)));
  }

  /**
   * A C file no editor has open, set unread: the core reads it once its words may matter
   * (`readCFilesThatMatter`), most C files of a mixed code base never.
   */
  private setClosedC(uri: string, text: string): boolean {
    const key = this.admitC(uri, text);
    if (key === undefined || !this.workspace.readsC) return false;
    this.workspace.setUnreadCFile(key, text);
    return true;
  }

  /** Runs a read of C files, and tells `cReadFailed` why the parser left one unread. */
  private reportingFailures<T>(read: () => T): T {
    const failedBefore = this.workspace.cReadFailure;
    const result = read();
    const failed = this.workspace.cReadFailure;
    if (failed !== undefined && failed !== failedBefore) this.cReadFailed(failed);
    return result;
  }

  /**
   * The closed C files that may matter since the last change read now (`Workspace.readCFilesThatMatter`):
   * before anything reads the C side (a diagnostics pass, a request). Answers how many were read.
   */
  readCFilesThatMatter(): number {
    return this.reportingFailures(() => this.workspace.readCFilesThatMatter()).length;
  }

  positionAt(key: string, offset: number): Position {
    return this.lines(key)?.positionAt(offset) ?? { line: 0, character: 0 };
  }

  /** Open Vale documents over the source cap: kept (edits still apply), not analysed. */
  private readonly oversized = new Set<string>();

  /** The size of a document over the cap, or undefined when it is analysed. */
  oversizedLength(key: string): number | undefined {
    if (!this.oversized.has(key)) return undefined;
    return this.open.get(this.uriOf(key))?.length;
  }

  /** Whether the document's text is within the cap; when it is not, the core holds it empty. */
  private withinCap(uri: string, length: number): boolean {
    const key = keyOf(uri);
    if (length <= READ_LIMITS.source) {
      this.oversized.delete(key);
      return true;
    }
    if (!this.oversized.has(key)) {
      this.oversized.add(key);
      this.workspace.setFile(key, '');
    }
    return false;
  }

  didOpen(uri: string, languageId: string, version: number, text: string): void {
    this.open.set(uri, new OpenDocument(uri, languageId, version, text, this.isVale(uri)));
    if (!this.isVale(uri)) {
      if (this.isC(uri)) this.setC(uri, text);
      return;
    }
    this.uris.set(keyOf(uri), uri);
    this.edited.delete(keyOf(uri));
    if (this.withinCap(uri, text.length)) this.workspace.setFile(keyOf(uri), text);
  }

  /**
   * Per open Vale document, the lines its changes touched since `clearEditedLines`, when no change
   * broke or joined a line (null: lines moved, or a change replaced the whole text). Absent: not
   * known (opened since).
   */
  private readonly edited = new Map<string, Set<number> | null>();

  /**
   * The lines the document's changes touched since `clearEditedLines`, while every other line
   * keeps its number and its characters; undefined when that is not known (a line broken or
   * joined, the whole text replaced, many lines touched, or no clear since it was opened).
   */
  editedLines(key: string): ReadonlySet<number> | undefined {
    return this.edited.get(key) ?? undefined;
  }

  /** From now on, `editedLines` counts the changes after this call. */
  clearEditedLines(key: string): void {
    this.edited.set(key, new Set());
  }

  /** Notes a change of an open Vale document for `editedLines`. */
  private noteEdited(key: string, change: TextDocumentContentChangeEvent): void {
    const lines = this.edited.get(key);
    if (!lines) return;
    const breaks = /[\r\n]/.test(change.text);
    if (!('range' in change) || breaks || change.range.start.line !== change.range.end.line || lines.size >= MAX_EDITED_LINES) {
      this.edited.set(key, null);
      return;
    }
    lines.add(change.range.start.line);
  }

  didChange(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): void {
    const doc = this.open.get(uri);
    if (!doc) return;
    const edits: TextEdit[] = [];
    const key = keyOf(uri);
    const vale = this.isVale(uri);
    for (const change of changes) {
      if (vale) this.noteEdited(key, change);
      edits.push(doc.apply(change));
    }
    doc.version = version;
    if (!vale) {
      // A C file is reparsed over its last tree; the core reads again only the items the edits reached.
      if (this.isC(uri)) this.setC(uri, doc.getText(), edits, doc.lines);
      return;
    }
    const wasOversized = this.oversized.has(key);
    if (!this.withinCap(uri, doc.length)) return;
    // Back under the cap: the core gets the whole text again; otherwise the edits.
    if (wasOversized) {
      this.edited.set(key, null);
      this.workspace.setFile(key, doc.getText());
    } else this.workspace.editFile(key, edits, doc.source, doc.lines);
  }

  /** Each open C or log document's text made one flat string (`OpenDocument.settle`): for when the server is idle. */
  settle(): void {
    for (const doc of this.open.values()) doc.settle();
  }

  /** A closed Vale document goes back to its disk content (or leaves the workspace if it has none). */
  didClose(uri: string): void {
    const vale = this.isVale(uri);
    this.edited.delete(keyOf(uri));
    const c = !vale && this.isC(uri);
    this.open.delete(uri);
    this.oversized.delete(keyOf(uri));
    if (c && !this.loadFromDisk(uri)) this.workspace.removeCFile(keyOf(uri));
    if (!vale) return;
    if (!this.loadFromDisk(uri)) this.workspace.removeFile(keyOf(uri));
  }

  /** Reads a file from disk into the core unless it is open. Returns false when it cannot be read. */
  loadFromDisk(uri: string): boolean {
    if (this.open.has(uri)) return true;
    const parsed = URI.parse(uri);
    if (parsed.scheme !== 'file') return false;
    try {
      const text = readSourceFile(parsed.fsPath);
      if (isCPath(parsed.path)) return this.setClosedC(uri, text);
      this.setFromDisk(uri, text);
      return true;
    } catch {
      return false;
    }
  }

  /** A Vale file's text as read from disk (a `file:` URI no editor has open): read, its syntax let go at once. */
  setFromDisk(uri: string, text: string): void {
    this.uris.set(keyOf(uri), uri);
    this.workspace.setReleasedFile(keyOf(uri), text);
  }

  /** Files read from disk in other threads (`server/jobs.ts`, keyed as `keyOf` their URIs), taken as `loadFromDisk` reads them. */
  adoptFromDisk(files: readonly ReleasedFile[], uriOf: (key: string) => string): void {
    for (const f of files) this.uris.set(f.path, uriOf(f.path));
    this.workspace.adoptFiles(files);
  }

  removeFromDisk(uri: string): void {
    if (this.open.has(uri)) return;
    if (isCPath(URI.parse(uri).path)) this.workspace.removeCFile(keyOf(uri));
    else this.workspace.removeFile(keyOf(uri));
  }
}
