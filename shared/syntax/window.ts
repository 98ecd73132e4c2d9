// A re-parse reads a window of the new text (the old text's pieces around the inserted one), not
// the new text itself: an editor's text is made of pieces, and reading it whole would copy it into
// one string at each keystroke. A window must hold what the lexer reads past where it stopped.

/**
 * How far past a token's end the lexer and parser read (3 characters to end a token, 16 to see
 * whether a line starts with an item's word): a window of the text that holds this much past
 * where the lexer stopped reads as the whole text does there.
 */
export const WINDOW_MARGIN = 24;

/** How much text a re-parse's window holds past the element the edit ends in, at first (four times as much, and more, when that is not enough). */
let slack = 1024;

/** The first slack of a window (`setWindowSlack`). */
export function windowSlack(): number {
  return slack;
}

/** @internal for tests: a small slack makes windows too short, so that their growing is tested. */
export function setWindowSlack(chars: number): void {
  slack = chars;
}

/**
 * Whether a parse of `window` (the file's text from some offset, `window.length` characters of a
 * longer text) that stopped with its lexer at `scanned` read nothing the rest of the text decides:
 * the lexer looks at most `WINDOW_MARGIN` characters past `scanned`, except where a `{` in a
 * string looks past spaces and tabs for what follows them (see the lexer's `isLiteralBrace`), so
 * a character that is neither must come before the window's last two.
 */
export function windowHolds(window: string, scanned: number): boolean {
  if (scanned + WINDOW_MARGIN > window.length) return false;
  // That look starts past the `{`, which may be the last character read (a string's text ends before it).
  for (let i = scanned + 1; i < window.length - 2; i++) {
    const c = window.charCodeAt(i);
    if (c !== 32 && c !== 9) return true;
  }
  return false;
}
