// A long document's text as pieces, so that a keystroke does not copy it. V8 joins strings
// lazily (`a + b` makes a rope), but the next read of the rope copies it whole into one new
// string: for a 300 KB document that is a fresh 300 KB allocation per keystroke, which V8 puts in
// a memory mapping of its own, and the page faults of that mapping cost more than the copy (about
// 1 ms on the bench machine, `docs/performance.md`). Here an edit makes new `Pieces` that share
// every piece but the one or two it touches; a piece is at most a few thousand characters, kept
// one flat string. Whoever needs the whole text as one string asks `toString` (made once, counted).

/** A file's text: one string, or pieces of a long one. */
export type Source = string | Pieces;

/** Pieces aim at this many characters (a piece is rebuilt per edit in it: a small copy, no mapping of its own). */
const PIECE = 8 * 1024;
/** Texts up to this long are one piece. */
const ONE_PIECE = 2 * PIECE;

/** How many times pieces were joined into one string (`toString`), for tests and benchmarks. */
export const piecesStats = { joined: 0 };

export class Pieces {
  /** The whole text once joined. */
  private joined: string | undefined;

  private constructor(
    /** The pieces, each flat and non-empty (but the one piece of an empty text). */
    private readonly pieces: readonly string[],
    /** Where each piece starts, and the length of the text last. */
    private readonly starts: Int32Array,
  ) {}

  /** A text as pieces (slices of it: the text's own memory, nothing copied). */
  static of(text: string): Pieces {
    const pieces = split(text);
    const made = new Pieces(pieces, startsOf(pieces));
    // The text itself is held anyway (the pieces are its slices): it is the whole, already one string.
    made.joined = text;
    return made;
  }

  get length(): number {
    return this.starts[this.starts.length - 1];
  }

  /** The piece holding offset `o` (0 ≤ o < length; the last piece for o = length). */
  private pieceAt(o: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = this.pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The UTF-16 code unit at `o`, NaN outside the text (as a string answers). */
  charCodeAt(o: number): number {
    if (!(o >= 0 && o < this.length)) return Number.NaN;
    const i = this.pieceAt(o);
    return this.pieces[i].charCodeAt(o - this.starts[i]);
  }

  /** The text from `start` to `end` (clamped as `String.prototype.slice` clamps non-negative offsets). */
  slice(start: number, end: number = this.length): string {
    const length = this.length;
    const a = Math.max(0, Math.min(start, length));
    const b = Math.max(a, Math.min(end, length));
    if (a === b) return '';
    if (this.joined !== undefined) return this.joined.slice(a, b);
    let i = this.pieceAt(a);
    const first = this.pieces[i];
    const from = a - this.starts[i];
    if (b <= this.starts[i + 1]) return first.slice(from, b - this.starts[i]);
    let out = first.slice(from);
    for (i++; this.starts[i + 1] < b; i++) out += this.pieces[i];
    return out + this.pieces[i].slice(0, b - this.starts[i]);
  }

  /** Where the character `c` (one UTF-16 unit) is first found at or after `from`, -1 when it is not (as `String.prototype.indexOf`). */
  indexOf(c: string, from = 0): number {
    if (this.joined !== undefined) return this.joined.indexOf(c, from);
    const at = Math.max(0, from);
    if (at >= this.length) return -1;
    for (let i = this.pieceAt(at); i < this.pieces.length; i++) {
      const found = this.pieces[i].indexOf(c, Math.max(0, at - this.starts[i]));
      if (found >= 0) return this.starts[i] + found;
    }
    return -1;
  }

  /** Where the character `c` (one UTF-16 unit) is last found at or before `from`, -1 when it is not (as `String.prototype.lastIndexOf`). */
  lastIndexOf(c: string, from = this.length): number {
    if (this.joined !== undefined) return this.joined.lastIndexOf(c, from);
    // As a string clamps it: a negative `from` searches at 0.
    const at = Math.min(Math.max(0, from), this.length - 1);
    for (let i = this.pieceAt(at); i >= 0; i--) {
      const found = this.pieces[i].lastIndexOf(c, at - this.starts[i]);
      if (found >= 0) return this.starts[i] + found;
    }
    return -1;
  }

  /** The text after [start, end) is replaced by `inserted`: new pieces sharing all but those the edit touches. */
  edit(start: number, end: number, inserted: string): Pieces {
    const length = this.length;
    const a = Math.max(0, Math.min(start, length));
    const b = Math.max(a, Math.min(end, length));
    const pieces = this.pieces;
    const starts = this.starts;
    let i = this.pieceAt(a);
    let j = this.pieceAt(b);
    // An edit that ends where a piece starts leaves that piece as it is.
    if (j > i && b === starts[j]) j--;
    let middle = pieces[i].slice(0, a - starts[i]) + inserted + pieces[j].slice(b - starts[j]);
    // A small middle joins a neighbour, so that deletions do not leave a trail of tiny pieces.
    if (middle.length < PIECE / 4 && j + 1 < pieces.length) middle += pieces[++j];
    if (middle.length < PIECE / 4 && i > 0) middle = pieces[--i] + middle;
    const made = split(middle);
    for (let k = 0; k < made.length; k++) made[k] = flat(made[k]);
    const out = new Array<string>(i + made.length + (pieces.length - j - 1));
    for (let k = 0; k < i; k++) out[k] = pieces[k];
    for (let k = 0; k < made.length; k++) out[i + k] = made[k];
    for (let k = j + 1; k < pieces.length; k++) out[i + made.length + k - j - 1] = pieces[k];
    // The starts in front are the same; those behind move by the edit's change of length.
    const next = new Int32Array(out.length + 1);
    next.set(starts.subarray(0, i + 1));
    for (let k = i; k < i + made.length; k++) next[k + 1] = next[k] + out[k].length;
    const delta = inserted.length - (b - a);
    for (let k = i + made.length + 1; k < next.length; k++) next[k] = starts[k - made.length + (j - i) + 1] + delta;
    return new Pieces(out, next);
  }

  /** The whole text as one string (made once). */
  toString(): string {
    if (this.joined === undefined) {
      piecesStats.joined++;
      this.joined = this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
    }
    return this.joined;
  }
}

/** A string made one flat string now (a joined one is otherwise copied at its first read). */
function flat(s: string): string {
  if (s.length > 0) s.charCodeAt(0);
  return s;
}

/** A text in pieces of about `PIECE` characters (one piece when short), never splitting a surrogate pair. */
function split(text: string): string[] {
  if (text.length <= ONE_PIECE) return [text];
  const out: string[] = [];
  let from = 0;
  while (text.length - from > ONE_PIECE) {
    let to = from + PIECE;
    const c = text.charCodeAt(to - 1);
    if (c >= 0xd800 && c <= 0xdbff) to++;
    out.push(text.slice(from, to));
    from = to;
  }
  out.push(text.slice(from));
  return out;
}

function startsOf(pieces: readonly string[]): Int32Array {
  const starts = new Int32Array(pieces.length + 1);
  for (let k = 0; k < pieces.length; k++) starts[k + 1] = starts[k] + pieces[k].length;
  return starts;
}

/** A source's text as one string (pieces joined once, `Pieces.toString`). */
export function textOf(s: Source): string {
  return typeof s === 'string' ? s : s.toString();
}

/** A source with [start, end) replaced: a string joined lazily, pieces edited (`Pieces.edit`). */
export function editSource(s: Source, start: number, end: number, inserted: string): Source {
  return typeof s === 'string' ? s.slice(0, start) + inserted + s.slice(end) : s.edit(start, end, inserted);
}
