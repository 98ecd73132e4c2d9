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
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  /**
   * The index of `text`, which is `before.text` with [start, end) replaced by `inserted`
   * characters: the line starts before the edit are kept, those after it shifted, and only the
   * edited region is scanned (a keystroke in a long file does not read the whole text again).
   */
  static afterEdit(before: LineIndex, text: string, start: number, end: number, inserted: number): LineIndex {
    const old = before.starts;
    const delta = inserted - (end - start);
    const starts: number[] = [];
    // A start s < start is decided by text[s - 1] and text[s], both before the edit.
    let k = 0;
    while (k < old.length && (old[k] < start || k === 0)) starts.push(old[k++]);
    const scanFrom = Math.max(0, start - 1);
    const scanTo = Math.min(text.length, start + inserted + 1);
    for (let i = scanFrom; i < scanTo; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    // A start s >= end + 2 is decided by text[s - 1] and text[s], both after the edit.
    const last = starts[starts.length - 1];
    while (k < old.length && old[k] < end + 2) k++;
    for (; k < old.length; k++) if (old[k] + delta > last) starts.push(old[k] + delta);
    const index = Object.create(LineIndex.prototype) as LineIndex;
    (index as { text: string }).text = text;
    (index as unknown as { starts: number[] }).starts = starts;
    return index;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[position.line];
    const next = position.line + 1 < this.starts.length ? this.starts[position.line + 1] : this.text.length;
    return Math.max(start, Math.min(start + position.character, next));
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The text of the line holding `offset`, without its line break. */
  lineText(line: number): string {
    const start = this.lineStart(line);
    let end = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return this.text.slice(start, end);
  }
}
