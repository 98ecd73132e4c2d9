// Most keystrokes change one token and nothing the parser decides on: a letter typed in a name, a
// digit in a number, a space in an indentation, a word in a comment. Such an edit changes the
// item's tree in that token alone, so the item's new tree is its old one with the token replaced
// and the nodes above it remade (rust-analyzer's token-level reparse). Without this, a keystroke
// re-parses its whole item, which costs as much as the item is long: in a function of 8,000
// statements, 100–200 ms a keystroke. The edit is taken only where the parse provably comes out
// the same; anything else is re-parsed as before (`reparse`), and tests hold the two to a full parse.
//
// When the parse comes out the same: the token relexes to one token of the same kind between the
// same neighbours (lexed from the token before it, with the text around), it lies in plain code
// (not in a string: a string's lexer reads lines and braces), and what the parser reads of it is
// the same. The parser reads a name's text only to compare it with its words
// (`GRAMMAR_WORDS`), a number's and a comment's never, and of whitespace only whether a line
// starts before a token, whether a token is at column 0, and what stands right next to a `<`/`>`:
// so a name that is no word before or after, and whitespace that still holds a line break if it
// held one (and none if none) and still begins and ends with one if it did (spaces, tabs, a line
// typed in an indentation).
// Errors that name the token, or point inside it, are the parser's to write again.

import { type ItemEdit, errorBefore, lookedPastBefore } from './body';
import { turnList } from './reuse';
import { GRAMMAR_WORDS } from './grammar/common';
import { type GreenElement, GreenNode, GreenToken, RELEASED, type RelativeSyntaxError } from './green';
import { SyntaxKind as K } from './kinds';
import { Lexer } from './lexer';
import { MAX_ITEM_ERRORS, keptTokenText } from './parser';

/** How much text past the token the relex reads: the lexer looks at most 3 characters past a token's end, and the next token must be seen whole or cut alike. */
const MARGIN = 24;

/** The token kinds an edit may change in place. */
function relexable(kind: K): boolean {
  return kind === K.Ident || kind === K.Int || kind === K.Float || kind === K.Whitespace || kind === K.LineComment;
}

/**
 * Node kinds under which a token may have been lexed in a string's modes: strings, their
 * interpolations, and what error recovery skipped (a string's pieces among them).
 */
function inString(kind: K): boolean {
  return kind === K.StringExpr || kind === K.Interpolation || kind === K.Error;
}

/**
 * The item at `itemStart` of `text` (the old text), which the lexer began in plain code, with the
 * edit [`start`, `end`) → `inserted` applied to the one token it falls in, when that is all the
 * edit changes (see above) and the item ends in plain code too (no string left open); else
 * undefined (re-parse it). The new item has the old one's lookahead and end state, and its errors
 * moved past the token.
 */
export function relexItem(item: GreenNode, itemStart: number, edit: ItemEdit): GreenNode | undefined {
  if (item.children === RELEASED || item.errors.length >= MAX_ITEM_ERRORS || inString(item.kind) || item.endModes !== '') return undefined;
  // An insertion between two tokens belongs to either: the one before first (typing on at a word's end).
  return relexAt(item, itemStart, edit, true) ?? (edit.start === edit.end ? relexAt(item, itemStart, edit, false) : undefined);
}

function relexAt(item: GreenNode, itemStart: number, edit: ItemEdit, left: boolean): GreenNode | undefined {
  const { start, end, inserted } = edit;
  // The path down to the token: each node, the index of the child taken and where that child starts.
  const nodes: GreenNode[] = [];
  const indexes: number[] = [];
  const starts: number[] = [];
  let node = item;
  let offset = itemStart;
  for (;;) {
    const children = node.children;
    let i = 0;
    for (; i < children.length; i++) {
      const w = children[i].width;
      // The child holding the edit: the first that ends at or past it (left), or past it.
      if (w > 0 && offset <= start && end <= offset + w && (left || offset + w > start)) break;
      offset += w;
    }
    if (i === children.length) return undefined;
    nodes.push(node);
    indexes.push(i);
    starts.push(offset);
    const child = children[i];
    if (child instanceof GreenToken) break;
    if (inString(child.kind)) return undefined;
    node = child;
  }
  // A statement of a block records how far its turn looked and the errors it found (body.ts):
  // one before the token that looked as far as it (in a block on the path, or in a block inside
  // what comes before the path's node, such as a then-block before its `else`) would now record
  // a look as long as it was, moved by the edit, and one after it in the same turn an error
  // before its start.
  for (let d = 1; d < nodes.length; d++)
    if (lookedPastBefore(nodes[d], indexes[d], starts[d], start, false) || (turnList(nodes[d]) && errorBeforeInTurn(nodes[d], indexes[d])))
      return undefined;
  const token = nodes[nodes.length - 1].children[indexes[indexes.length - 1]] as GreenToken;
  if (!relexable(token.kind)) return undefined;
  const old = token.text;
  const changed = old.slice(0, start - offset) + inserted + old.slice(end - offset);
  if (changed.length === 0 || !sameForTheParser(token.kind, old, changed)) return undefined;
  const delta = changed.length - old.length;
  // The leaf before the token is lexed again with it (the lexer looks past a token's end, a minus joins a number).
  const before = leafBefore(nodes, indexes, starts);
  if (before === undefined || !relexesAlone(edit, before, { start: offset, kind: token.kind, old, changed })) return undefined;
  const errors = movedErrors(item.errors, token.kind, old, offset - itemStart, offset + old.length - itemStart, delta);
  if (!errors) return undefined;
  // A statement of a block holding the token keeps its errors too (relative to its start), moved past it.
  const nodeErrors: (readonly RelativeSyntaxError[])[] = [];
  for (let d = 1; d < nodes.length; d++) {
    const moved = movedErrors(nodes[d].errors, token.kind, old, offset - starts[d - 1], offset + old.length - starts[d - 1], delta);
    if (!moved) return undefined;
    nodeErrors[d] = moved;
  }
  // The nodes above the token made again, each with the one child replaced.
  let made: GreenElement = new GreenToken(token.kind, keptTokenText(changed));
  for (let d = nodes.length - 1; d >= 0; d--) {
    const n = nodes[d];
    const children = n.children.slice();
    children[indexes[d]] = made;
    made = new GreenNode(n.kind, children, n.width + delta);
    // A statement holding the token looked as far past its end as before (the token is in it).
    made.lookahead = n.lookahead;
    made.endModes = n.endModes;
    if (d > 0) made.errors = nodeErrors[d];
  }
  const fresh = made as GreenNode;
  fresh.errors = errors;
  fresh.lookahead = item.lookahead;
  fresh.endModes = item.endModes;
  return fresh;
}

/**
 * Whether the turn of `block`'s statement list that made its child `index` ends after it (the
 * child is trivia, or a node error recovery made before another) with a node that holds an error
 * before its own start: where the child is.
 */
function errorBeforeInTurn(block: GreenNode, index: number): boolean {
  const child = block.children[index];
  return !(child instanceof GreenNode && child.lookahead >= 0) && errorBefore(block.children, index + 1);
}

/** Whether the parser reads `changed` as it read `old` (a token of `kind`): see the file's comment. */
function sameForTheParser(kind: K, old: string, changed: string): boolean {
  switch (kind) {
    case K.Ident:
      return !GRAMMAR_WORDS.has(old) && !GRAMMAR_WORDS.has(changed);
    case K.Whitespace:
      // A line begins before the next token (it holds a break) or not; the next token is at
      // column 0 (it ends with one) or not; the token before it ends a line or not.
      return (
        hasBreak(old) === hasBreak(changed) &&
        breaksAt(old, 0) === breaksAt(changed, 0) &&
        breaksAt(old, old.length - 1) === breaksAt(changed, changed.length - 1)
      );
    default:
      return true;
  }
}

function breaksAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c === 10 || c === 13;
}

function hasBreak(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (breaksAt(s, i)) return true;
  return false;
}

/**
 * Where the leaf before the token starts (the path's nodes, child indexes and the children's
 * starts): the last leaf of some width of the nearest earlier sibling on the path. Undefined when
 * the token is the item's first (an item's start is re-parsed).
 */
function leafBefore(
  nodes: readonly GreenNode[],
  indexes: readonly number[],
  starts: readonly number[],
): { start: number; kind: K } | undefined {
  for (let d = nodes.length - 1; d >= 0; d--) {
    const children = nodes[d].children;
    let i = indexes[d] - 1;
    while (i >= 0 && children[i].width === 0) i--;
    if (i < 0) continue;
    let e = children[i];
    while (e instanceof GreenNode) {
      let j = e.children.length - 1;
      while (j >= 0 && e.children[j].width === 0) j--;
      e = e.children[j];
    }
    // It ends where the path's child at this depth starts.
    return { start: starts[d] - e.width, kind: e.kind };
  }
  return undefined;
}

/** One lexer's first three tokens from `from`: kinds and widths, and its state after them. */
function lexThree(window: string, from: number): { kinds: number[]; widths: number[]; state: string } | undefined {
  const lexer = new Lexer(window, from);
  const kinds: number[] = [];
  const widths: number[] = [];
  for (let n = 0; n < 3; n++) {
    const s = lexer.pos;
    const kind = lexer.next();
    if (kind === K.EOF) return undefined;
    kinds.push(kind);
    widths.push(lexer.tokenEnd - s);
  }
  return { kinds, widths, state: lexer.modeState };
}

/**
 * Whether the old and new texts lex alike around the token (at `token.start`, of `token.kind`,
 * `old` becoming `changed`): from the leaf before it (`before`), the same three tokens (that
 * leaf, the token, the one after), the leaf before and the one after of the same widths, the
 * token of its new width, in plain code both times; the old lex gives the tree's own two tokens.
 */
function relexesAlone(
  edit: ItemEdit,
  before: { start: number; kind: K },
  token: { start: number; kind: K; old: string; changed: string },
): boolean {
  const { text, start, end, inserted } = edit;
  const { old, changed } = token;
  // One character before the leaf for the lexer's look behind (a number after a dot).
  const from = Math.max(0, before.start - 1);
  const tail = Math.min(text.length, token.start + old.length + MARGIN);
  const oldWindow = text.slice(from, tail);
  const newWindow = text.slice(from, start) + inserted + text.slice(end, tail);
  const a = lexThree(oldWindow, before.start - from);
  const b = lexThree(newWindow, before.start - from);
  if (!a || !b || a.state !== '' || b.state !== '') return false;
  return (
    a.kinds[0] === before.kind &&
    a.kinds[1] === token.kind &&
    a.kinds[0] === b.kinds[0] &&
    a.kinds[1] === b.kinds[1] &&
    a.kinds[2] === b.kinds[2] &&
    a.widths[0] === token.start - before.start &&
    b.widths[0] === a.widths[0] &&
    a.widths[1] === old.length &&
    b.widths[1] === changed.length &&
    a.widths[2] === b.widths[2]
  );
}

/**
 * The item's errors with the token's change applied (relative offsets; the token at
 * [`tokenStart`, `tokenEnd`)): those after it moved by `delta`. Undefined when one touches the
 * token (a message may quote the text it spans) or names the token as the parser does (`found
 * 'name'`, `number 12`): the parser writes those again.
 */
function movedErrors(
  errors: readonly RelativeSyntaxError[],
  kind: K,
  old: string,
  tokenStart: number,
  tokenEnd: number,
  delta: number,
): readonly RelativeSyntaxError[] | undefined {
  if (errors.length === 0) return errors;
  const named = kind === K.Ident ? `'${old}'` : kind === K.Int || kind === K.Float ? `number ${old}` : undefined;
  const out: RelativeSyntaxError[] = [];
  for (const e of errors) {
    if (e.start <= tokenEnd && e.end >= tokenStart) return undefined;
    if (named !== undefined && e.message.includes(named)) return undefined;
    if (e.start < tokenStart) out.push(e);
    else {
      const s = e.start + delta;
      const t = e.end + delta;
      out.push(e.warning ? { start: s, end: t, message: e.message, warning: true } : { start: s, end: t, message: e.message });
    }
  }
  return out;
}
