// What a let-scan (`Parser.hasLetEquals`) keeps open while it looks for a statement's top-level
// `=`, closed as the grammar closes it. The grammar ends a parenthesis or a square bracket at any
// closer and at a `;` (an argument list or a parenthesized expression stops there, an error), a
// brace only at its `}` (a stray `)` or `]` in a block is skipped, an error), and an
// interpolation at its end (the lexer says where). The scan and the incremental parse's check
// that a block is read alike by a scan around it (syntax/body.ts) both count with this.

import { SyntaxKind as K } from './kinds';

const PAREN = 0;
const BRACKET = 1;
const BRACE = 2;
const INTERP = 3;

export class OpenBrackets {
  /** What is open, innermost last (up to `depth`; the array is reused). */
  private readonly open: number[] = [];
  depth = 0;

  reset(): void {
    this.depth = 0;
  }

  /** Whether the innermost open bracket is a parenthesis or a square bracket (a `;` would end it). */
  innermostEndsAtSemi(): boolean {
    return this.depth > 0 && this.open[this.depth - 1] <= BRACKET;
  }

  /** The token `kind` read: true when it ends the statement (it closes more than is open). */
  step(kind: K): boolean {
    switch (kind) {
      case K.LParen:
        this.open[this.depth++] = PAREN;
        return false;
      case K.LBracket:
        this.open[this.depth++] = BRACKET;
        return false;
      case K.LBrace:
        this.open[this.depth++] = BRACE;
        return false;
      case K.InterpStart:
        this.open[this.depth++] = INTERP;
        return false;
      case K.Semi:
        while (this.innermostEndsAtSemi()) this.depth--;
        return this.depth === 0;
      case K.RParen:
        return this.close(PAREN);
      case K.RBracket:
        return this.close(BRACKET);
      case K.RBrace:
        return this.close(BRACE);
      case K.InterpEnd:
        return this.close(INTERP);
      default:
        return false;
    }
  }

  /** A closer of `kind`: it closes the nearest opener of its kind and the parentheses and brackets inside it. */
  private close(kind: number): boolean {
    if (this.depth === 0) return true;
    let d = this.depth - 1;
    for (; d >= 0; d--) {
      const o = this.open[d];
      if (o === kind) break;
      // A stray `)`, `]` or `}` inside a brace or an interpolation: skipped, nothing closed.
      if (o === INTERP || (o === BRACE && kind !== INTERP)) return false;
    }
    // It closes everything open (no opener of its kind): the statement ends there.
    if (d < 0) {
      this.depth = 0;
      return true;
    }
    this.depth = d;
    return false;
  }
}
