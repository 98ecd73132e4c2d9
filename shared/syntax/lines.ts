import { type Source, textOf } from './pieces';

/** A position as LSP counts it: 0-based line, UTF-16 code units into the line. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Maps offsets (UTF-16 code units, as JavaScript strings index) to LSP positions and back. */
export class LineIndex {
  /** Line starts, in a typed array: kept outside the garbage-collected heap (a new index per keystroke is not copied around). */
  private readonly starts: Uint32Array;
  /**
   * Whether the text may hold a CR. Without one every line break is one LF, so no position or
   * offset needs a character of the text read: an editor's new text, made by joining the old
   * one's pieces around a keystroke, is not copied whole into one string to answer one.
   */
  private readonly cr: boolean;

  /** `starts` and `cr`, when given, are the text's already found (`afterEdit`): one constructor, one shape for every index. */
  constructor(
    /** The text (pieces of a long document's: read here a character at a time, never joined). */
    readonly source: Source,
    starts?: Uint32Array,
    cr?: boolean,
  ) {
    if (starts === undefined) {
      const found = LineIndex.scan(textOf(source));
      this.starts = found.starts;
      this.cr = found.cr;
    } else {
      this.starts = starts;
      this.cr = cr ?? true;
    }
  }

  /** The line starts of a text, and whether it holds a CR, in one pass. */
  private static scan(text: string): { starts: Uint32Array; cr: boolean } {
    const starts = [0];
    let cr = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        cr = true;
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    return { starts: Uint32Array.from(starts), cr };
  }

  /**
   * The index of `text`, which is `before.text` with [start, end) replaced by `inserted`: the
   * line starts before the edit are kept, those after it shifted, and only the edited region is
   * scanned, in `before.text` and `inserted` (a keystroke in a long file neither reads the whole
   * text again nor reads the new text at all, so the new text is not made one string for it).
   */
  static afterEdit(before: LineIndex, text: Source, start: number, end: number, inserted: string): LineIndex {
    const old = before.starts;
    const was = before.source;
    const delta = inserted.length - (end - start);
    const insertedEnd = start + inserted.length;
    // The new text's character at `i`, read from the old text and the inserted one.
    const at = (i: number): number =>
      i < start ? was.charCodeAt(i) : i < insertedEnd ? inserted.charCodeAt(i - start) : was.charCodeAt(i - delta);
    // A start s < start is decided by text[s - 1] and text[s], both before the edit.
    // The first line start at or after `start` (the first line's start, 0, is always kept).
    let kept = 1;
    let hi = old.length;
    while (kept < hi) {
      const mid = (kept + hi) >> 1;
      if (old[mid] < start) kept = mid + 1;
      else hi = mid;
    }
    kept = Math.min(kept, old.length);
    const scanned: number[] = [];
    const scanFrom = Math.max(0, start - 1);
    const scanTo = Math.min(text.length, insertedEnd + 1);
    for (let i = scanFrom; i < scanTo; i++) {
      const c = at(i);
      if (c === 10) scanned.push(i + 1);
      else if (c === 13) {
        if (i + 1 < text.length && at(i + 1) === 10) i++;
        scanned.push(i + 1);
      }
    }
    // A start s >= end + 2 is decided by text[s - 1] and text[s], both after the edit.
    const last = scanned.length > 0 ? scanned[scanned.length - 1] : old[kept - 1];
    let from = kept;
    while (from < old.length && (old[from] < end + 2 || old[from] + delta <= last)) from++;
    const starts = new Uint32Array(kept + scanned.length + (old.length - from));
    starts.set(old.subarray(0, kept), 0);
    starts.set(scanned, kept);
    let k = kept + scanned.length;
    for (let j = from; j < old.length; j++) starts[k++] = old[j] + delta;
    return new LineIndex(text, starts, before.cr || inserted.includes('\r'));
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /**
   * The position of an offset. An offset between a CR and its LF is the line's end, before its
   * line break (as vscode-languageserver-textdocument answers: LSP has no position inside one).
   */
  positionAt(offset: number): Position {
    const o = this.clamped(offset);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  /** An offset within the text, and not between a CR and its LF. */
  private clamped(offset: number): number {
    const o = Math.max(0, Math.min(offset, this.source.length));
    return this.cr && o > 0 && this.source.charCodeAt(o - 1) === 13 && this.source.charCodeAt(o) === 10 ? o - 1 : o;
  }

  /** Whether `positionAt(offset)` is `position`, found without making a position. */
  readsAs(offset: number, position: Position): boolean {
    const o = this.clamped(offset);
    const line = position.line;
    if (line < 0 || line >= this.starts.length) return false;
    const start = this.starts[line];
    // Line starts increase strictly: the offset is on this line when it is before the next one's.
    return o >= start && (line + 1 === this.starts.length || o < this.starts[line + 1]) && o - start === position.character;
  }

  /**
   * The offset of a position. As LSP says (and vscode-languageserver-textdocument does), a
   * character past the line's end is the line's end, before its line break; a line past the
   * last is the end of the text.
   */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.source.length;
    const start = this.starts[position.line];
    if (position.character <= 0) return start;
    const next = position.line + 1 < this.starts.length ? this.starts[position.line + 1] : this.source.length;
    let offset = Math.min(start + position.character, next);
    // Without a CR, a line's only break is the LF before the next line's start.
    if (!this.cr) return offset === next && position.line + 1 < this.starts.length ? next - 1 : offset;
    while (offset > start && isLineBreak(this.source.charCodeAt(offset - 1))) offset--;
    return offset;
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The text of the line holding `offset`, without its line break. */
  lineText(line: number): string {
    const start = this.lineStart(line);
    let end = line + 1 < this.starts.length ? this.starts[line + 1] : this.source.length;
    while (end > start && (this.source.charCodeAt(end - 1) === 10 || this.source.charCodeAt(end - 1) === 13)) end--;
    return this.source.slice(start, end);
  }
}

function isLineBreak(c: number): boolean {
  return c === 10 || c === 13;
}
