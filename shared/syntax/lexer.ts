import { BOUNDARY_WORDS } from './grammar/common';
import { SyntaxKind as K } from './kinds';

// Lexer modes live on a stack so string interpolation can nest: `"a {f("b {c}")} d"`.
const MODE_STRING = -1;
const MODE_LONG_STRING = -2;
// A mode >= 0 is code inside an interpolation; the number counts its open `{`.

const CH_TAB = 9,
  CH_LF = 10,
  CH_CR = 13,
  CH_SPACE = 32;
const CH_QUOTE = 34,
  CH_HASH = 35,
  CH_DOLLAR = 36,
  CH_PERCENT = 37,
  CH_AMP = 38,
  CH_APOS = 39;
const CH_LPAREN = 40,
  CH_RPAREN = 41,
  CH_STAR = 42,
  CH_PLUS = 43,
  CH_COMMA = 44,
  CH_MINUS = 45;
const CH_DOT = 46,
  CH_SLASH = 47,
  CH_0 = 48,
  CH_9 = 57,
  CH_COLON = 58,
  CH_SEMI = 59;
const CH_LT = 60,
  CH_EQ = 61,
  CH_GT = 62,
  CH_QUESTION = 63,
  CH_AT = 64;
const CH_LBRACKET = 91,
  CH_BACKSLASH = 92,
  CH_RBRACKET = 93,
  CH_CARET = 94,
  CH_UNDERSCORE = 95;
const CH_BACKTICK = 96,
  CH_LBRACE = 123,
  CH_PIPE = 124,
  CH_RBRACE = 125,
  CH_TILDE = 126;
const CH_BANG = 33,
  CH_LOWER_I = 105,
  CH_LOWER_U = 117;
const CH_CHEVRON_OPEN = 0xab,
  CH_CHEVRON_CLOSE = 0xbb;

const NON_ASCII_ID = /[\p{ID_Continue}]/u;

/** 1 for the ASCII characters a name holds (letters, digits, `_`): `isIdentChar` below 128. */
const ASCII_IDENT = new Uint8Array(128);
for (let c = 0; c < 128; c++)
  ASCII_IDENT[c] = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= CH_0 && c <= CH_9) || c === CH_UNDERSCORE ? 1 : 0;

export function isIdentChar(c: number): boolean {
  if (c < 128) {
    return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= CH_0 && c <= CH_9) || c === CH_UNDERSCORE;
  }
  return c !== CH_CHEVRON_OPEN && c !== CH_CHEVRON_CLOSE && NON_ASCII_ID.test(String.fromCharCode(c));
}

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * A `{` in a string starts an interpolation unless it ends its line (Vale's
 * rule), is followed by an escaped newline, or is followed by something no
 * expression starts with (`{}`, `{,`, the string's own closing quote): those
 * read as a literal brace, as people who write `"{"` mean.
 */
function isLiteralBrace(text: string, p: number): boolean {
  if (text.charCodeAt(p + 1) === CH_LF) return true;
  let q = p + 1;
  while (text.charCodeAt(q) === CH_SPACE || text.charCodeAt(q) === CH_TAB) q++;
  const d = text.charCodeAt(q);
  if (Number.isNaN(d)) return true;
  if (d === CH_BACKSLASH) {
    const e = text.charCodeAt(q + 1);
    return e === 110 || e === 114; // \n, \r
  }
  if (d === CH_QUOTE) {
    // `"{"` closes the string right after the brace; `{"nested"}` opens a string inside.
    const e = text.charCodeAt(q + 1);
    return (
      Number.isNaN(e) ||
      e === CH_RPAREN ||
      e === CH_COMMA ||
      e === CH_SEMI ||
      e === CH_RBRACKET ||
      e === CH_SPACE ||
      e === CH_LF ||
      e === CH_CR
    );
  }
  return d === CH_RBRACE || d === CH_COMMA || d === CH_SEMI || d === CH_COLON || d === CH_RPAREN || d === CH_RBRACKET || d === CH_EQ;
}

/**
 * Whether `text` at `p` (a line's start) spells a whole word only a top-level item begins a line
 * with (the parser's `BOUNDARY_WORDS`): no expression does, so inside an interpolation such a
 * line is where the interpolation was left open (`leaveAtItemLine`).
 */
function startsItemLine(text: string, p: number): boolean {
  // The longest of the words is shorter than this: a longer identifier is not read to its end.
  let end = p;
  while (end < text.length && end - p < 16 && isIdentChar(text.charCodeAt(end))) end++;
  return end > p && BOUNDARY_WORDS.at(text, p, end) !== '';
}

/**
 * A hand-written scanner over character codes. Every character of the input
 * lands in exactly one token, trivia included, so the token texts concatenate
 * back to the input. It is restartable at any position where the mode stack
 * is empty (top-level item boundaries), which incremental parsing relies on.
 */
export class Lexer {
  readonly text: string;
  pos: number;
  /** End offset of the token returned by the last `next()`. */
  tokenEnd = 0;
  private readonly modes: number[];
  /**
   * `keys[i]` is `modeState` for `modes[0..i]`. Each is the one below joined with its mode, so
   * a change of mode makes one short (lazily joined) string whatever the depth: a token's state
   * costs O(1), not O(depth), and a file of thousands of unclosed `"{` lexes in linear time.
   */
  private readonly keys: string[] = [];

  /** `modes` restores the state `modeState` reported at `start` (empty: plain code). */
  constructor(text: string, start = 0, modes = '') {
    this.text = text;
    this.pos = start;
    this.modes = [];
    if (modes !== '') for (const m of modes.split(',')) this.enter(Number(m));
  }

  /** Interpolation/string nesting after the last token; 0 at top level. */
  get depth(): number {
    return this.modes.length;
  }

  /** The string/interpolation nesting as a compact key ('' in plain code). */
  get modeState(): string {
    const n = this.keys.length;
    return n === 0 ? '' : this.keys[n - 1];
  }

  // Every change of the modes goes through these three, which keep `keys` in step.
  private enter(mode: number): void {
    const n = this.modes.push(mode);
    this.keys.push(n === 1 ? String(mode) : `${this.keys[n - 2]},${mode}`);
  }

  private leave(): void {
    this.modes.pop();
    this.keys.pop();
  }

  /** Braces opened (1) or closed (-1) inside the innermost interpolation. */
  private nest(delta: number): void {
    const top = this.modes.length - 1;
    const mode = (this.modes[top] += delta);
    this.keys[top] = top === 0 ? String(mode) : `${this.keys[top - 1]},${mode}`;
  }

  /**
   * Inside an interpolation (or a string an interpolation holds), at the start of a line that
   * begins with a word only a top-level item begins with, at column 0: the interpolation was left
   * open, so the modes are dropped and the line is read as code, where the parser ends the item.
   * No expression begins a line so. A string an interpolation holds may run across such a line in
   * valid Vale (`"{f("\nstruct")}"`, in none of the Vale repository's files): it is read as cut
   * there, the price of ending an interpolation being typed (`"fuel {f"`, whose `"` opens a string
   * that runs to the next quote of the file) before the end of the file. A string outside any
   * interpolation keeps such a line. Called before each token; returns whether the modes were dropped.
   */
  leaveAtItemLine(): boolean {
    if (this.modes.length < 2) return false;
    const p = this.pos;
    if (p > 0) {
      const c = this.text.charCodeAt(p - 1);
      if (c !== CH_LF && c !== CH_CR) return false;
    }
    if (!startsItemLine(this.text, p)) return false;
    this.modes.length = 0;
    this.keys.length = 0;
    return true;
  }

  /** Goes on at `pos` in plain code (where a statement the parser took whole ended: `Parser.reuseStatement`). */
  restartPlain(pos: number): void {
    this.pos = pos;
    this.modes.length = 0;
    this.keys.length = 0;
  }

  /** Scans the next token starting at `pos`, advances `pos` past it, and returns its kind. */
  next(): K {
    const text = this.text;
    const start = this.pos;
    if (start >= text.length) {
      this.tokenEnd = start;
      return K.EOF;
    }
    const modes = this.modes;
    const mode = modes.length === 0 ? 0 : modes[modes.length - 1];
    if (mode < 0) return this.scanStringPart(mode === MODE_LONG_STRING);
    const c = text.charCodeAt(start);
    let p = start + 1;
    let kind: K;
    switch (c) {
      case CH_SPACE:
      case CH_TAB:
      case CH_LF:
      case CH_CR: {
        while (p < text.length) {
          const d = text.charCodeAt(p);
          if (d === CH_SPACE || d === CH_TAB || d === CH_LF || d === CH_CR) p++;
          else break;
        }
        kind = K.Whitespace;
        break;
      }
      case CH_SLASH:
        if (text.charCodeAt(p) === CH_SLASH) {
          p++;
          while (p < text.length) {
            const d = text.charCodeAt(p);
            if (d === CH_LF || d === CH_CR) break;
            p++;
          }
          kind = K.LineComment;
        } else kind = K.Slash;
        break;
      case CH_CHEVRON_OPEN: {
        const close = text.indexOf('\u00bb', p);
        p = close < 0 ? text.length : close + 1;
        kind = K.ChevronComment;
        break;
      }
      case CH_DOT:
        if (text.charCodeAt(p) === CH_DOT) {
          if (text.charCodeAt(p + 1) === CH_DOT) {
            p += 2;
            kind = K.EllipsisComment;
          } else {
            p++;
            kind = K.DotDot;
          }
        } else kind = K.Dot;
        break;
      case CH_QUOTE:
        if (text.charCodeAt(p) === CH_QUOTE && text.charCodeAt(p + 1) === CH_QUOTE) {
          p += 2;
          this.enter(MODE_LONG_STRING);
        } else {
          this.enter(MODE_STRING);
        }
        kind = K.StringStart;
        break;
      case CH_LPAREN:
        kind = K.LParen;
        break;
      case CH_RPAREN:
        kind = K.RParen;
        break;
      case CH_LBRACE:
        if (modes.length !== 0) this.nest(1);
        kind = K.LBrace;
        break;
      case CH_RBRACE:
        if (modes.length !== 0) {
          if (mode === 0) {
            this.leave();
            kind = K.InterpEnd;
            break;
          }
          this.nest(-1);
        }
        kind = K.RBrace;
        break;
      case CH_LBRACKET:
        kind = K.LBracket;
        break;
      case CH_RBRACKET:
        kind = K.RBracket;
        break;
      case CH_COMMA:
        kind = K.Comma;
        break;
      case CH_SEMI:
        kind = K.Semi;
        break;
      case CH_COLON:
        kind = K.Colon;
        break;
      case CH_LT:
        if (text.charCodeAt(p) === CH_EQ) {
          p++;
          if (text.charCodeAt(p) === CH_GT) {
            p++;
            kind = K.Spaceship;
          } else kind = K.LtEq;
        } else kind = K.Lt;
        break;
      case CH_GT:
        if (text.charCodeAt(p) === CH_EQ) {
          p++;
          kind = K.GtEq;
        } else kind = K.Gt;
        break;
      case CH_EQ: {
        const d = text.charCodeAt(p);
        if (d === CH_EQ) {
          p++;
          if (text.charCodeAt(p) === CH_EQ) {
            p++;
            kind = K.EqEqEq;
          } else kind = K.EqEq;
        } else if (d === CH_GT) {
          p++;
          kind = K.Arrow;
        } else kind = K.Eq;
        break;
      }
      case CH_BANG:
        if (text.charCodeAt(p) === CH_EQ) {
          p++;
          kind = K.NotEq;
        } else kind = K.Bang;
        break;
      case CH_MINUS:
        if (isDigit(text.charCodeAt(p))) {
          p = this.scanNumber(p);
          kind = this.numberKind;
        } else kind = K.Minus;
        break;
      case CH_PLUS:
        kind = K.Plus;
        break;
      case CH_STAR:
        kind = K.Star;
        break;
      case CH_AMP:
        kind = K.Amp;
        break;
      case CH_CARET:
        kind = K.Caret;
        break;
      case CH_HASH:
        kind = K.Hash;
        break;
      case CH_AT:
        kind = K.At;
        break;
      case CH_APOS:
        kind = K.Quote;
        break;
      case CH_QUESTION:
        kind = K.Question;
        break;
      case CH_PIPE:
        kind = K.Pipe;
        break;
      case CH_PERCENT:
        kind = K.Percent;
        break;
      case CH_DOLLAR:
        kind = K.Dollar;
        break;
      case CH_TILDE:
        kind = K.Tilde;
        break;
      case CH_BACKTICK:
        kind = K.Backtick;
        break;
      case CH_BACKSLASH:
        kind = K.Backslash;
        break;
      default:
        if (isDigit(c)) {
          p = this.scanNumber(start);
          kind = this.numberKind;
        } else if (isIdentChar(c)) {
          // Most of a file's characters are in names: the ASCII ones by a table, in this loop (a
          // one-shot run's compiler inlines no call, docs/performance.md).
          const n = text.length;
          while (p < n) {
            const d = text.charCodeAt(p);
            if (d < 128 ? ASCII_IDENT[d] === 0 : !isIdentChar(d)) break;
            p++;
          }
          kind = K.Ident;
        } else {
          // Keep surrogate pairs together so a token never splits a code point.
          if (c >= 0xd800 && c <= 0xdbff && p < text.length) {
            const d = text.charCodeAt(p);
            if (d >= 0xdc00 && d <= 0xdfff) p++;
          }
          kind = K.Unknown;
        }
    }
    this.pos = p;
    this.tokenEnd = p;
    return kind;
  }

  private numberKind: K = K.Int;

  /** Scans digits from `p` (just past an optional minus); sets numberKind. */
  private scanNumber(p: number): number {
    const text = this.text;
    const start = this.pos;
    while (p < text.length && isDigit(text.charCodeAt(p))) p++;
    this.numberKind = K.Int;
    // `arr.2.1` indexes twice; `1..5` is a range: neither has a fraction.
    const afterDot = start > 0 && text.charCodeAt(start - 1) === CH_DOT;
    if (!afterDot && text.charCodeAt(p) === CH_DOT && isDigit(text.charCodeAt(p + 1))) {
      p += 2;
      while (p < text.length && isDigit(text.charCodeAt(p))) p++;
      this.numberKind = K.Float;
    } else if (text.charCodeAt(p) === CH_LOWER_I && isDigit(text.charCodeAt(p + 1))) {
      p += 2;
      while (p < text.length && isDigit(text.charCodeAt(p))) p++;
    }
    return p;
  }

  private scanStringPart(long: boolean): K {
    const text = this.text;
    const start = this.pos;
    const c = text.charCodeAt(start);
    if (c === CH_QUOTE) {
      if (!long) {
        this.leave();
        this.pos = this.tokenEnd = start + 1;
        return K.StringEnd;
      }
      if (text.charCodeAt(start + 1) === CH_QUOTE && text.charCodeAt(start + 2) === CH_QUOTE) {
        this.leave();
        this.pos = this.tokenEnd = start + 3;
        return K.StringEnd;
      }
    }
    if (c === CH_LBRACE) {
      const d = text.charCodeAt(start + 1);
      if (d === CH_BACKSLASH && text.charCodeAt(start + 2) === CH_LF) {
        this.enter(0);
        this.pos = this.tokenEnd = start + 3;
        return K.InterpStart;
      }
      // `{` before a newline is literal; so is `{\n` written as an escape.
      if (!isLiteralBrace(text, start)) {
        this.enter(0);
        this.pos = this.tokenEnd = start + 1;
        return K.InterpStart;
      }
    }
    // Literal text up to the next quote or interpolation. A `{` right before a
    // newline is literal, as in Vale's lexer. In a string an interpolation holds, it also ends
    // after a line break before a line only an item begins (`leaveAtItemLine`).
    const nested = this.modes.length >= 2;
    let p = start;
    while (p < text.length) {
      const d = text.charCodeAt(p);
      if (nested && (d === CH_LF || d === CH_CR)) {
        p += d === CH_CR && text.charCodeAt(p + 1) === CH_LF ? 2 : 1;
        if (startsItemLine(text, p)) break;
      } else if (d === CH_QUOTE) {
        if (!long) break;
        if (text.charCodeAt(p + 1) === CH_QUOTE && text.charCodeAt(p + 2) === CH_QUOTE) break;
        p++;
      } else if (d === CH_LBRACE) {
        if (p !== start && !isLiteralBrace(text, p)) break;
        p++;
      } else if (d === CH_BACKSLASH) {
        if (text.charCodeAt(p + 1) === CH_LOWER_U) {
          let q = p + 2;
          while (q < p + 6 && q < text.length && isHexDigit(text.charCodeAt(q))) q++;
          p = q;
        } else {
          p = Math.min(p + 2, text.length);
        }
      } else p++;
    }
    this.pos = this.tokenEnd = p;
    return K.StringText;
  }
}
