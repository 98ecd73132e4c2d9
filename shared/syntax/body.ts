// An edit inside a function's body that changes more than one token (a `;`, a bracket, a keyword,
// a line broken) re-parses the statements it can change, not the whole function: a function of
// 4,000 statements otherwise costs 50–150 ms a keystroke. Each statement of a function's body
// records how far its turn of the statement list looked past its end (`lookahead`, set by
// `parseStatementTurns`), so the statements before the edit whose turns did not look as far as it
// are kept, the parse starts after them, and it stops where it meets the old statements again (a
// statement's end at the same place, past the edit, in plain code): the statements after it are
// kept too. A turn depends on what came before it only through where it starts (in plain code, at
// the body's nesting), where the last significant token ended and the last error was (both handed
// to the re-parse), and a failed let-scan's memo (`Parser.hasLetEquals`: a re-parse starts and
// stops only where none reaches across), so the kept ones are what a full parse makes; tests hold
// the two equal.
//
// A statement also records the syntax errors its turn found (its `errors`, among its item's too),
// so an item with errors is taken as well: its errors are those before the statements re-parsed,
// the new statements' own, and those after, moved. Not taken where the parser's own bookkeeping of
// errors would differ (an error reported once per position, once per item for nesting, at most
// `MAX_ITEM_ERRORS` of them), where the edit touches the body's braces, or where the new
// statements looked further past the item than it had; those re-parse the item as before.
//
// The statements of every block record the same, so an edit inside a long loop, `if` or `block`
// (a statement of its own, or a let's, a `set`'s or a `return`'s value), or a lambda's body (in
// an expression statement, a let's, a `set`'s or a `return`'s value, or a block statement)
// re-parses the statements of that block it can change, not the statement the block is in (which
// may be most of the function): the innermost block the edit falls in along statements of those
// plain shapes, at the nesting they give (`blockPath`), else the block around it, up to the body.
// Below the body the item's errors must all be the block's statements' (each statement around the
// block then holds them all, and gets them again moved), and no turn before the block on the way
// down (before each statement around it, or in a then-block or a lambda before it) may have
// looked as far as the edit. A statement around the block whose let-scan reads it (an expression
// statement's reads to its end: `list.each((x) => { … });`) must read the new statements as the
// old: brackets balanced in both (`scanAlike`).

import { type GreenElement, GreenNode, GreenToken, NO_ERRORS, RELEASED, type RelativeSyntaxError } from './green';
import { ARG_TURNS, BOUNDARY_WORDS } from './grammar/common';
import { OpenBrackets } from './brackets';
import { SyntaxKind as K, isTrivia } from './kinds';
import { MAX_ITEM_ERRORS, Parser } from './parser';
import type { Source } from './pieces';
import { type OldStatements, errorsKept, firstTokenEnd, nestedError, oldStatements, turnList, turnsWhenLong } from './reuse';
import { windowHolds, windowSlack } from './window';

/** An edit of the text an item was parsed from (the old text): [`start`, `end`) replaced by `inserted`. */
export interface ItemEdit {
  readonly text: Source;
  readonly start: number;
  readonly end: number;
  readonly inserted: string;
}

/**
 * Bodies of fewer elements are re-parsed with their item (cheap enough, and the item's parse is
 * the simpler path); so are shorter blocks below, unless the item is longer than `SHORT_ITEM`
 * characters: a short block can be a long way down a long item (the thousandth `else if` of a
 * dispatch), which a keystroke in it would otherwise parse whole.
 */
let minimumElements = 64;

/** An item this long parses in a fraction of a millisecond: a short block in it is re-parsed with it. */
const SHORT_ITEM = 16 * 1024;

/** @internal for tests: bodies of any size re-parsed by statements. Returns the minimum it replaced. */
export function setBodyMinimum(elements: number): number {
  const was = minimumElements;
  minimumElements = elements;
  return was;
}

/** How far the turn that made an element of a body's block looked past the element's end: its lookahead (negated on a node that does not end its turn), or for a token the lexer's 3 characters. */
function lookedPast(e: GreenElement): number {
  return e instanceof GreenNode ? Math.abs(e.lookahead) : 3;
}

/**
 * Whether a turn of a statement list made before the child `index` of `node` (the child at `at`)
 * looked past `offset`: when `node` is a block, one of its elements before the child (a turn's,
 * whose look covers the turns nested in it); else a turn of a block inside one of the children
 * before it (a then-block before its `else`, a lambda before another argument). `tokens`: a
 * token's 3 characters the lexer looks past it count too.
 */
export function lookedPastBefore(node: GreenNode, index: number, at: number, offset: number, tokens: boolean): boolean {
  const children = node.children;
  const block = turnList(node);
  for (let j = index - 1; j >= 0; j--) {
    const c = children[j];
    const start = at - c.width;
    if (block ? lookedPastEnd(c, at, tokens) > offset : c instanceof GreenNode && turnsReach(c, start, tokens) > offset) return true;
    at = start;
  }
  return false;
}

/** How far the turn that made an element of a block (ending at `end`) looked (0 for trivia, and for a token unless `tokens`). */
function lookedPastEnd(e: GreenElement, end: number, tokens: boolean): number {
  return isTrivia(e.kind) || (!tokens && !(e instanceof GreenNode)) ? 0 : end + lookedPast(e);
}

/** How far the turns of the blocks inside `e` (at `start`) looked: their elements' looks, each covering the turns nested in it. */
function turnsReach(e: GreenNode, start: number, tokens: boolean): number {
  let reach = 0;
  // On stacks of their own: an expression nests as deep as a chain of operators is long.
  const nodes: GreenNode[] = [e];
  const starts: number[] = [start];
  for (let x = nodes.pop(); x !== undefined; x = nodes.pop()) {
    let at = starts.pop()!;
    const block = turnList(x);
    for (const c of x.children) {
      if (block) reach = Math.max(reach, lookedPastEnd(c, at + c.width, tokens));
      else if (c instanceof GreenNode) {
        nodes.push(c);
        starts.push(at);
      }
      at += c.width;
    }
  }
  return reach;
}

/** Whether an element of a body's block ends a turn of the statement list (not a node error recovery built before another in one turn). */
function endsTurn(e: GreenElement): boolean {
  return !isTrivia(e.kind) && !(e instanceof GreenNode && e.lookahead < 0);
}

/**
 * The nodes from a function item down to the innermost block an edit falls strictly inside along
 * statements of the plain shapes (`stepTowardsBlock`), each with where it starts and the child
 * taken; the blocks among them, the body's first, and how deep the parser nests at each one's
 * statements (1 in the body).
 */
interface BlockPath {
  readonly nodes: GreenNode[];
  readonly starts: number[];
  /** `indexes[d]`: the child of `nodes[d]` that is `nodes[d + 1]`. */
  readonly indexes: number[];
  /** Where the blocks are in `nodes`. */
  readonly blocks: number[];
  /** `nestings[l]`: the parser's nesting at the statements of the block `blocks[l]`. */
  readonly nestings: number[];
  /**
   * `scans[l]`: whether the statement from the block `blocks[l]` towards the next one has a
   * let-scan that reads the next block (`scansChild`): below it, a block's statements are
   * re-parsed only when the scan reads the old and the new statements alike (`scanAlike`).
   */
  readonly scans: boolean[];
}

/** The expressions that hold a block (`parseKeywordExpr`'s, each made in one `parseUnary`). */
function blockExpression(kind: K): boolean {
  return kind === K.WhileExpr || kind === K.ForeachExpr || kind === K.IfExpr || kind === K.BlockExpr;
}

/**
 * An expression on the way to a block that its `parseUnary` makes without nesting deeper: a
 * keyword's, a lambda (`parseAtom`), a call or a member (`parsePostfix`'s suffixes, made in a
 * loop), a binary operator (`parseBinary` nests no level).
 */
function plainStep(kind: K): boolean {
  return (
    blockExpression(kind) ||
    kind === K.SetExpr ||
    kind === K.LambdaExpr ||
    kind === K.CallExpr ||
    kind === K.MemberExpr ||
    kind === K.ArrayExpr ||
    kind === K.BinaryExpr
  );
}

/**
 * How many levels deeper the parser nests at `child` than at `x`, when `child` is a step from `x`
 * (a statement of a block, or a node below it on the way) towards a block; -1 when it is not one.
 * A statement's expression is one `parseUnary` (a statement-level `while`, `foreach`, `if` or
 * `block`, a block alone, an expression statement's, a `set`'s, a let's or a `return`'s value:
 * the caller counts its level); each argument of a call is one more, and each side of a `set`;
 * a block is its `parseBlock`'s (an `if`'s arms are its `else`s, which `parseIf` reads in a loop).
 */
function stepTowardsBlock(x: GreenNode, child: GreenNode, statement: GreenNode): number {
  switch (x.kind) {
    case K.IfExpr:
      return child.kind === K.Block ? 1 : child.kind === K.ElseClause ? 0 : -1;
    case K.ElseClause:
      // An `else if` arm's block, or the last `else`'s.
      return child.kind === K.Block ? 1 : -1;
    case K.WhileExpr:
    case K.ForeachExpr:
    case K.BlockExpr:
    case K.LambdaExpr:
      return child.kind === K.Block ? 1 : -1;
    case K.ArgList:
    case K.SetExpr:
      // An argument (`parseArgList`'s `parseExpression`), or a side of a `set` (one each).
      return plainStep(child.kind) ? 1 : -1;
    case K.CallExpr:
    case K.MemberExpr:
      // The arguments, or the expression the suffix applies to.
      return child.kind === K.ArgList || child.kind === K.CallExpr || child.kind === K.MemberExpr || child.kind === K.LambdaExpr ? 0 : -1;
    case K.ArrayExpr:
      // Its arguments (`parseArrayExpr`'s, made in its caller's `parseUnary`).
      return child.kind === K.ArgList ? 0 : -1;
    default:
      // A statement's expression (a `return`'s among them), a let's value or the expression before
      // its `=`, an operand of a binary operator.
      return plainStep(child.kind) || (x === statement && child.kind === K.ReturnExpr) ? 0 : -1;
  }
}

/**
 * Whether the let-scan of a statement (`Parser.hasLetEquals`) reads its child `index`: an
 * expression statement's reads the statement to its end, blocks and all, unless it begins with
 * a keyword, `return`, `set` or a block (a lambda without parameters); a let's reads up to its
 * `=` (the expression before it: `f((x) => { … }) = y;`).
 */
function scansChild(statement: GreenNode, index: number): boolean {
  const children = statement.children;
  if (statement.kind === K.LetStmt) {
    for (let i = 0; i < index; i++) if (children[i].kind === K.Eq) return false;
    return true;
  }
  const child = children[index];
  if (!(child instanceof GreenNode)) return true;
  return !(
    blockExpression(child.kind) ||
    child.kind === K.ReturnExpr ||
    child.kind === K.SetExpr ||
    (child.kind === K.LambdaExpr && bareBlock(child))
  );
}

/**
 * A let-scan's count of brackets over tokens (`Parser.hasLetEquals`), entered by the block's (or
 * list's) opener, which is the bottom of what is open: whether a token closed that opener (or
 * more) and left the block, as the block's own closer does.
 */
interface ScanDepth {
  readonly open: OpenBrackets;
  left: boolean;
}

function scanDepth(entry: K): ScanDepth {
  const open = new OpenBrackets();
  open.step(entry);
  return { open, left: false };
}

/**
 * Counts the elements [`from`, `to`) of a block (or a list) as a let-scan does, from `previous`
 * (the significant element before them); returns the last significant one. An element of a block
 * parsed without an error, after one parsed without an error, closes every bracket it opens
 * (a bracket left open or closed twice is an error, and no error of its own went unreported as
 * one at the same place as the last), and holds a `;` only as a child of its own (a statement's
 * end) or inside a brace of its own (one inside a bracket is an error): unless it holds that `;`
 * while a parenthesis or a square bracket is open since the innermost brace (which the `;` would
 * end), it leaves the count as it found it, and is not read.
 */
function scanElements(d: ScanDepth, elements: readonly GreenElement[], from: number, to: number, previous: GreenElement): GreenElement {
  for (let i = from; i < to; i++) {
    const e = elements[i];
    // A list's `,` ends the turn of the argument before it (its errors are before the `,`, so the
    // next one's are not where its last was): the argument before is the one that counts.
    if (isTrivia(e.kind) || (e.kind === K.Comma && e instanceof GreenToken)) continue;
    const neutral =
      e instanceof GreenNode &&
      e.errors.length === 0 &&
      previous instanceof GreenNode &&
      previous.errors.length === 0 &&
      !(holdsSemi(e) && d.open.innermostEndsAtSemi());
    if (!neutral) scanTokens(d, e);
    previous = e;
  }
  return previous;
}

/** Whether a node has a `;` among its own children: only a statement's end is one (a list's arguments never are). */
function holdsSemi(node: GreenNode): boolean {
  if (node.kind !== K.LetStmt && node.kind !== K.ExprStmt) return false;
  const children = node.children;
  for (let i = children.length - 1; i >= 0; i--) if (children[i].kind === K.Semi) return true;
  return false;
}

/** Counts an element's tokens as a let-scan does (`OpenBrackets`), noting when one leaves the block. */
function scanTokens(d: ScanDepth, e: GreenElement): void {
  // In order, on a stack of its own (a chain of operators nests a tree as deep as it is long).
  const stack: GreenElement[] = [e];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (x instanceof GreenNode) {
      for (let i = x.children.length - 1; i >= 0; i--) stack.push(x.children[i]);
      continue;
    }
    if (d.open.step(x.kind) || d.open.depth === 0) d.left = true;
  }
}

/**
 * Whether a let-scan that reads a block (`scans` on the path) reads its old statements and the
 * new ones alike: it reads through each, never falling back to the block's own `{` before its
 * `}` (where it would stop, or meet a `=` or a word that begins an item), and leaves it where it
 * entered. Then what the scan decides (a let or not, and where it stopped) is the same: the
 * statement around the block is parsed as before.
 */
function scanAlike(elements: readonly GreenElement[], keep: number, resume: number, fresh: readonly GreenElement[]): boolean {
  // A let-scan stops where a new item may begin, at any depth (`Parser.hasLetEquals`): a word
  // that can begin one, among the statements replaced or the new ones, may stop one scan and
  // not the other.
  if (holdsBoundaryWord(fresh, 0, fresh.length) || holdsBoundaryWord(elements, keep, resume)) return false;
  const n = elements.length;
  const entry = elements[0].kind;
  const old = scanDepth(entry);
  scanElements(old, elements, 1, n - 1, elements[0]);
  if (old.left || old.open.depth !== 1) return false;
  const d = scanDepth(entry);
  let previous = scanElements(d, elements, 1, keep, elements[0]);
  previous = scanElements(d, fresh, 0, fresh.length, previous);
  scanElements(d, elements, resume, n - 1, previous);
  return !d.left && d.open.depth === 1;
}

/** Whether `elements[from, to)` hold a name that can begin a top-level item (`BOUNDARY_WORDS`). */
function holdsBoundaryWord(elements: readonly GreenElement[], from: number, to: number): boolean {
  // On a stack of its own: a chain of operators nests a tree as deep as it is long.
  const stack: GreenElement[] = elements.slice(from, to);
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (x instanceof GreenNode) {
      for (const c of x.children) stack.push(c);
    } else if (x.kind === K.Ident && BOUNDARY_WORDS.at(x.text, 0, x.text.length) !== '') return true;
  }
  return false;
}

/** Whether a lambda is a block alone (`{ … }`, no parameters). */
function bareBlock(lambda: GreenNode): boolean {
  for (const c of lambda.children) if (c instanceof GreenNode && c.kind === K.LambdaParams) return false;
  return true;
}

/** The child of `node` (at `offset`) that holds [`start`, `end`) strictly inside, with its index and start; undefined when none does. */
function childAround(node: GreenNode, offset: number, start: number, end: number): { index: number; at: number } | undefined {
  const children = node.children;
  for (let i = 0; i < children.length; i++) {
    const w = children[i].width;
    if (offset + w > start) return offset < start && end < offset + w ? { index: i, at: offset } : undefined;
    offset += w;
  }
  return undefined;
}

/** The `BlockPath` of an edit at [`start`, `end`) in the function item at `itemStart`, from its body's `block` down. */
function blockPath(item: GreenNode, itemStart: number, body: GreenNode, block: GreenNode, start: number, end: number): BlockPath {
  const bodyStart = itemStart + item.width - body.width;
  const path: BlockPath = {
    nodes: [item, body, block],
    starts: [itemStart, bodyStart, bodyStart],
    indexes: [item.children.length - 1, 0],
    blocks: [2],
    nestings: [1],
    scans: [],
  };
  const { nodes, starts, indexes } = path;
  // Down from a block: a statement ending its turn (`stepTowardsBlock`) down to a block.
  for (;;) {
    const at = nodes.length - 1;
    const inBlock = childAround(nodes[at], starts[at], start, end);
    if (!inBlock) break;
    const statement = nodes[at].children[inBlock.index];
    if (!(statement instanceof GreenNode) || (statement.kind !== K.ExprStmt && statement.kind !== K.LetStmt) || statement.lookahead < 0)
      break;
    const down: GreenNode[] = [statement];
    const downStarts = [inBlock.at];
    const downIndexes = [inBlock.index];
    let found = false;
    let levels = 1; // the statement's expression
    // The innermost long argument list or if on the way (`turnList`): where in `down`, and its level.
    let list = -1;
    let listLevels = 0;
    for (let x: GreenNode = statement, xStart = inBlock.at; ; ) {
      const c = childAround(x, xStart, start, end);
      if (!c) break;
      const child = x.children[c.index];
      if (!(child instanceof GreenNode)) break;
      const step = stepTowardsBlock(x, child, statement);
      if (step < 0) break;
      levels += step;
      downIndexes.push(c.index);
      if (child.kind === K.Block) {
        found = true;
        down.push(child);
        downStarts.push(c.at);
        break;
      }
      down.push(child);
      downStarts.push(c.at);
      if (turnsWhenLong(child.kind) && turnList(child)) {
        list = down.length - 1;
        listLevels = levels;
      }
      x = child;
      xStart = c.at;
    }
    // No block below: the edit is among the arguments (or arms) of the innermost long list on the way, the last list of the path.
    const last = !found && list >= 0;
    if (last) {
      down.length = downStarts.length = downIndexes.length = list + 1;
      levels = listLevels;
    } else if (!found) break;
    for (let i = 0; i < down.length; i++) {
      indexes.push(downIndexes[i]);
      nodes.push(down[i]);
      starts.push(downStarts[i]);
    }
    path.scans.push(scansChild(statement, downIndexes[1]));
    path.blocks.push(nodes.length - 1);
    path.nestings.push(path.nestings[path.nestings.length - 1] + levels);
    if (last) break;
  }
  return path;
}

/**
 * The depth of the list the last re-parse by turns took (0: the function's body), whether a
 * statement around it had a let-scan that read it (`BlockPath.scans`), and the list's kind (a
 * block, a kind's members, a long list's arguments): for tests.
 */
export const bodyReparses: { depth: number; scanned: boolean; list?: K } = { depth: -1, scanned: false };

/**
 * The function item at `itemStart` of `text` (the old text; the lexer began it in plain code) with
 * the edit [`start`, `end`) → `inserted` applied by re-parsing the statements of a block the edit
 * can change, when the edit falls between the block's braces (see above): the innermost block it
 * falls in along statements of plain shapes (`blockPath`), else the one around it, up to the
 * body's; else undefined (re-parse the item).
 */
export function reparseBody(item: GreenNode, itemStart: number, edit: ItemEdit): GreenNode | undefined {
  if (item.children === RELEASED || item.endModes !== '') return undefined;
  if (!errorsKept(item)) return undefined;
  if (item.kind === K.StructItem || item.kind === K.InterfaceItem) return reparseMembers(item, itemStart, edit);
  if (item.kind !== K.FunctionItem) return undefined;
  // item → FunctionBody → Block, the body last.
  const body = item.children[item.children.length - 1];
  if (!(body instanceof GreenNode) || body.kind !== K.FunctionBody || body.children.length !== 1) return undefined;
  const block = body.children[0];
  if (!(block instanceof GreenNode) || block.kind !== K.Block) return undefined;
  const path = blockPath(item, itemStart, body, block, edit.start, edit.end);
  if (opensBlock(path, edit)) return undefined;
  for (let level = path.blocks.length - 1 - (unbalancesList(path, edit) ? 1 : 0); level >= 0; level--) {
    const fresh = reparseBlock(item, path, level, edit);
    if (fresh) {
      bodyReparses.depth = level;
      bodyReparses.scanned = path.scans.slice(0, level).includes(true);
      bodyReparses.list = path.nodes[path.blocks[level]].kind;
      return fresh;
    }
  }
  return undefined;
}

/**
 * Whether the innermost list on the edit's path is a long list's arguments whose brackets the edit
 * unbalances: the text it inserted and the text it removed hold different counts of `(` and `[`
 * less `)` and `]` (and no quote, slash or brace that could make them a string's, a comment's or
 * a block's), as a `(` typed alone or deleted. The list then ends where it did not (a `)` ends it
 * early; a `(` takes its closer), so its re-parse by elements cannot meet the old list again, and
 * the re-parse begins with the block's around it. (Inside a string already, the list would have
 * met itself again: the block's re-parse makes the same tree, reading more.)
 */
function unbalancesList(path: BlockPath, edit: ItemEdit): boolean {
  const list = path.nodes[path.blocks[path.blocks.length - 1]];
  if (list.kind !== K.ArgList || path.blocks.length < 2) return false;
  const { text, start, end, inserted } = edit;
  let open = 0;
  for (let i = 0; i < inserted.length + end - start; i++) {
    const c = i < inserted.length ? inserted.charCodeAt(i) : text.charCodeAt(start + i - inserted.length);
    const sign = i < inserted.length ? 1 : -1;
    if (c === 40 || c === 91) open += sign;
    else if (c === 41 || c === 93) open -= sign;
    else if (c === 34 || c === 39 || c === 47 || c === 123 || c === 125) return false;
  }
  return open !== 0;
}

/**
 * Whether the edit opens a block between two statements of the innermost block on its path: text
 * inserted there, in plain code, with more `{` than `}` (and no quote or slash that could make
 * them a string's or a comment's), as a `{` typed alone before a statement. The new block takes
 * the statements after it and the block's own `}`, so the block cannot end where it did, nor any
 * block around it: no re-parse by statements can meet the old ones again, and the item is
 * re-parsed at once (taking its old statements whole, reuse.ts) instead of after a re-parse of
 * each block on the path in ever longer windows.
 */
function opensBlock(path: BlockPath, edit: ItemEdit): boolean {
  const { start, end, inserted } = edit;
  if (start !== end) return false;
  let open = 0;
  for (let i = 0; i < inserted.length; i++) {
    const c = inserted.charCodeAt(i);
    if (c === 123) open++;
    else if (c === 125) open--;
    else if (c === 34 || c === 39 || c === 47) return false;
  }
  if (open <= 0) return false;
  const at = path.blocks[path.blocks.length - 1];
  const block = path.nodes[at];
  let offset = path.starts[at];
  for (const c of block.children) {
    const after = offset + c.width;
    // Between two elements, or in the blanks between them (not before the block's own `{`).
    if (start <= offset) return start === offset && c !== block.children[0];
    if (start < after) return c.kind === K.Whitespace;
    offset = after;
  }
  return false;
}

/** `reparseBody` in a struct's or an interface's members: the item's last child, its body, one list of turns at the item's nesting. */
function reparseMembers(item: GreenNode, itemStart: number, edit: ItemEdit): GreenNode | undefined {
  const body = item.children[item.children.length - 1];
  if (!(body instanceof GreenNode) || !turnList(body)) return undefined;
  const path: BlockPath = {
    nodes: [item, body],
    starts: [itemStart, itemStart + item.width - body.width],
    indexes: [item.children.length - 1],
    blocks: [1],
    nestings: [0],
    scans: [],
  };
  const fresh = reparseBlock(item, path, 0, edit);
  if (fresh) {
    bodyReparses.depth = 0;
    bodyReparses.scanned = false;
    bodyReparses.list = body.kind;
  }
  return fresh;
}

/** `reparseBody` in the block at `level` of the path (0: the body's). */
function reparseBlock(item: GreenNode, path: BlockPath, level: number, edit: ItemEdit): GreenNode | undefined {
  const { text, start, end, inserted } = edit;
  const itemStart = path.starts[0];
  const itemErrors = item.errors;
  const at = path.blocks[level];
  const block = path.nodes[at];
  const elements = block.children;
  const n = elements.length;
  // A long list's arguments between its brackets, a long if's arms (up to its last, which
  // ends the chain: a re-parse must meet the old arms again before it), else statements or
  // members between braces.
  const args = block.kind === K.ArgList;
  const arms = block.kind === K.IfExpr;
  const open = args ? elements[0].kind : arms ? K.Ident : K.LBrace;
  const close = open === K.LParen ? K.RParen : open === K.LBracket ? K.RBracket : arms ? K.ElseClause : K.RBrace;
  if ((n < minimumElements && (level === 0 || item.width < SHORT_ITEM)) || elements[0].kind !== open || elements[n - 1].kind !== close)
    return undefined;
  const blockStart = path.starts[at];
  const closeStart = blockStart + block.width - (arms ? elements[n - 1].width : 1);
  if (end > closeStart) return undefined;
  // The first element whose turn looked as far as the edit; the parse starts after the element before it.
  let offset = blockStart;
  let first = 0;
  let keep = 0; // elements kept in front: up to the last significant one before `first`
  let restart = blockStart;
  let errorsBefore = 0; // the errors of the statements kept in front
  let keptReach = 0; // how far their turns looked
  // Among arguments a turn ends at its `,` (after the `(`, the parser is where it is after one):
  // the elements since the last are kept only with it.
  let reachBefore = 0;
  let errorsUpTo = 0;
  for (; first < n; first++) {
    const e = elements[first];
    const elementEnd = offset + e.width;
    if (!isTrivia(e.kind)) {
      const reach = elementEnd + lookedPast(e);
      if (reach > start) break;
      reachBefore = Math.max(reachBefore, reach);
      if (e instanceof GreenNode) errorsUpTo += e.errors.length;
      if (args ? first === 0 || e.kind === K.Comma : !arms || e.kind === K.ElseClause || e.kind === K.Block) {
        keep = first + 1;
        restart = elementEnd;
        keptReach = reachBefore;
        errorsBefore = errorsUpTo;
      }
    }
    offset = elementEnd;
  }
  // The `{` looked that far (or the `}`: the edit is against it), or a turn kept looked past the
  // first token of the first one re-parsed (which may have read what it left): the item is re-parsed.
  // The lexer's state after the body's `{`: plain code unless the header holds a string (one left
  // open makes the body an interpolation's). After a block's below (or a list's bracket) too: the
  // path down to it holds no string, and a string or an interpolation left open before it is an
  // error of the item outside the block's statements, which refuses a block below the body (below).
  const modes = plainHeader(item) ? '' : '?';
  if (keep === 0 || first >= n - 1 || keptReach > firstTokenEnd(elements, keep, restart) + 3 || modesAfter(elements, keep, modes) !== '')
    return undefined;
  // The item's errors: its header's, then each statement's in order (below the body, only the
  // block's statements may hold any: each statement around the block holds them all).
  let inStatements = 0;
  if (itemErrors.length > 0) for (const e of elements) if (e instanceof GreenNode) inStatements += e.errors.length;
  const headerErrors = itemErrors.length - inStatements;
  if (headerErrors < 0 || (level > 0 && headerErrors > 0)) return undefined;
  const kept = headerErrors + errorsBefore;
  // Below the body, each statement around the block (and each argument of a long list on the way)
  // holds the item's errors, and no turn before the block's on the way down (in a block or a list
  // around it, or in a then-block, a lambda before it) looked as far as the edit (else they are
  // re-parsed: the block around).
  for (let d = path.blocks[0] + 1; d < at; d++)
    if (turnList(path.nodes[d - 1]) && path.nodes[d].errors.length !== itemErrors.length) return undefined;
  if (level > 0)
    for (let d = path.blocks[0]; d < at; d++)
      if (lookedPastBefore(path.nodes[d], path.indexes[d], path.starts[d + 1], start, true)) return undefined;

  const delta = inserted.length - (end - start);
  const oldLength = text.length;
  // The window starts at the restart's line (what the parser reads before a token is on its line).
  let base = restart;
  while (base > 0 && text.charCodeAt(base - 1) !== 10 && text.charCodeAt(base - 1) !== 13) base--;
  let slack = windowSlack();
  // A window too short: the next parses may take old statements whole where they meet one (reuse.ts).
  let reuse: OldStatements | undefined;
  for (;;) {
    const windowEnd = Math.min(oldLength, end + slack);
    const window = text.slice(base, start) + inserted + text.slice(end, windowEnd);
    // The old elements from `keep` on, walked as far as the parse has come, for where it meets them again.
    let cursor = keep;
    let cursorEnd = restart;
    let resume = -1;
    const parser = new Parser(window, restart - base);
    parser.copyLongTokens = true;
    parser.reuse = reuse;
    let after = kept; // the item's errors up to the cursor
    let reach = 0; // how far the old turns up to the cursor looked
    const run = parser.parseBodyRun(
      (at, lastError, lastSignificant) => {
        const oldEnd = base + at - delta;
        if (oldEnd < end || base + at < start + inserted.length) return false;
        while (cursor < n - 1 && cursorEnd + elements[cursor].width <= oldEnd) {
          const e = elements[cursor];
          cursorEnd += e.width;
          cursor++;
          if (isTrivia(e.kind)) continue;
          reach = Math.max(reach, cursorEnd + lookedPast(e));
          if (e instanceof GreenNode) after += e.errors.length;
          if (
            cursorEnd === oldEnd &&
            endsTurn(e) &&
            (args ? e.kind === K.Comma : !arms || e.kind === K.ElseClause) &&
            modesAfter(elements, cursor, modes) === '' &&
            reach <= firstTokenEnd(elements, cursor, cursorEnd) + 3 &&
            !errorBefore(elements, cursor) &&
            metAfterAlike(
              e,
              cursorEnd,
              base + lastSignificant - delta,
              itemErrors,
              itemStart,
              after,
              lastError < 0 ? -1 : base + lastError,
              delta,
            )
          ) {
            resume = cursor;
            return true;
          }
        }
        return false;
      },
      kept > 0 ? itemStart + itemErrors[kept - 1].start - base : -1,
      restart - trailingTrivia(elements[keep - 1]) - base,
      path.nestings[level],
      block.kind,
      close,
    );
    const scanned = parser.scanned;
    parser.release();
    // Met again after a statement, or at the body's own `}` (the list ended there).
    if (!run.resynced) resume = !arms && run.atBrace >= 0 && base + run.atBrace - delta === closeStart ? n - 1 : -1;
    if (windowEnd === oldLength || windowHolds(window, scanned)) {
      if (resume < 0) return undefined;
      // A statement around the block whose let-scan reads it: the scan must read the new statements
      // as the old. Not an if's arms: no bracket of the list holds their conditions, so the scan
      // reads them at its own depth, where an `=` makes the statement a let.
      if (path.scans.slice(0, level).includes(true) && (arms || !scanAlike(elements, keep, resume, run.elements))) return undefined;
      return made(item, path, at, keep, restart, run, resume, base, delta, kept);
    }
    // The parse read to the window's end, or so near it that the rest decides: a longer window.
    slack = slack * 4 + 256;
    reuse ??= oldStatements(text, [item], 0, itemStart, start, end, inserted.length, base);
  }
}

/**
 * Whether the old statements after `e` (which ends at `cursorEnd`, old offsets) read what is in
 * front of them as before: a missing token is reported where the last significant token ended
 * (`lastSignificant`, the new parse's, in old offsets), so it must have ended at the same place,
 * and their errors must be reported alike (`reportsAlike`).
 */
function metAfterAlike(
  e: GreenElement,
  cursorEnd: number,
  lastSignificant: number,
  errors: readonly RelativeSyntaxError[],
  itemStart: number,
  after: number,
  lastError: number,
  delta: number,
): boolean {
  const oldLastSignificant = cursorEnd - trailingTrivia(e);
  return lastSignificant === oldLastSignificant && reportsAlike(errors, itemStart, after, oldLastSignificant, lastError, delta);
}

/**
 * Whether the statements after a place where a re-parse met the old tree (`after`: the item's
 * errors before them; `lastSignificant`: the end of the last significant token before them, old
 * offsets) report their errors after the new statements as they did after the old (an error is
 * not reported twice at one position): the old parse's last error before them was before that
 * token's end, so it hid none of theirs (they report none before it), and the new parse's last
 * (`lastError`, new offsets, -1: none) is not where their first is.
 */
function reportsAlike(
  errors: readonly RelativeSyntaxError[],
  itemStart: number,
  after: number,
  lastSignificant: number,
  lastError: number,
  delta: number,
): boolean {
  if (after > 0 && itemStart + errors[after - 1].start >= lastSignificant) return false;
  return !(after < errors.length && lastError >= 0 && lastError === itemStart + errors[after].start + delta);
}

/**
 * Whether the turn of the elements from `index` on holds an error before its first node (one
 * reported where the turn before ended): where the turn before is re-parsed, that place may move
 * otherwise than the turn.
 */
export function errorBefore(elements: readonly GreenElement[], index: number): boolean {
  for (let i = index; i < elements.length; i++) {
    const e = elements[i];
    if (!(e instanceof GreenNode)) {
      if (isTrivia(e.kind)) continue;
      return false;
    }
    if (e.errors.some((x) => x.start < 0)) return true;
    if (e.lookahead >= 0) return false;
  }
  return false;
}

/**
 * The lexer's state after the elements before `index` (a turn ends there): the last statement's
 * (trivia and `;` change none), or `open`, the state after the `{`. A re-parse starts and stops
 * only in plain code (error recovery can leave a string's interpolation open past a statement).
 */
function modesAfter(elements: readonly GreenElement[], index: number, open: string): string {
  for (let i = index - 1; i > 0; i--) {
    const e = elements[i];
    if (e instanceof GreenNode) return e.endModes;
  }
  return open;
}

/** Whether a function's header (all but its body) holds no string, interpolation or error node: the lexer is in plain code at its body's `{`. */
function plainHeader(item: GreenNode): boolean {
  const stack: GreenElement[] = item.children.slice(0, -1);
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (x instanceof GreenToken) continue;
    if (x.kind === K.StringExpr || x.kind === K.Interpolation || x.kind === K.Error) return false;
    for (const c of x.children) stack.push(c);
  }
  return true;
}

/** The width of the trivia an element ends with (a node may end with trivia after its last significant token). */
function trailingTrivia(e: GreenElement): number {
  // From the end, on a stack of its own (a tree nests as deep as a chain of operators is long).
  let width = 0;
  const stack: GreenElement[] = [e];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (x instanceof GreenToken) {
      if (!isTrivia(x.kind)) return width;
      width += x.width;
    } else for (const c of x.children) stack.push(c);
  }
  return width;
}

/**
 * The item made again: the block at `path.nodes[at]` with the elements [`keep`, `resume`) (the
 * first at `restart`) replaced by the run's, and the nodes above it; its errors the first `kept`
 * of the old ones, the run's, and those of the statements after, moved (each statement around the
 * block holding them all, below the body); undefined where the parser's bookkeeping would have
 * made them otherwise.
 */
function made(
  item: GreenNode,
  path: BlockPath,
  at: number,
  keep: number,
  restart: number,
  run: ReturnType<Parser['parseBodyRun']>,
  resume: number,
  base: number,
  delta: number,
  kept: number,
): GreenNode | undefined {
  const { nodes, starts, indexes } = path;
  const itemStart = starts[0];
  const block = nodes[at];
  const elements = block.children;
  const itemErrors = item.errors;
  // The item's own look past its end (its parse's furthest token), and each statement's around
  // the block: the replaced statements must not have been what set one, since the new ones set
  // theirs.
  let reachLimit = itemStart + item.width + item.lookahead;
  for (let d = 1; d < at; d++)
    if (turnList(nodes[d - 1])) reachLimit = Math.min(reachLimit, starts[d] + nodes[d].width + nodes[d].lookahead);
  let offset = restart; // where element `keep` starts
  let replacedErrors = 0;
  for (let i = keep; i < resume; i++) {
    const e = elements[i];
    offset += e.width;
    if (!isTrivia(e.kind) && offset + lookedPast(e) >= reachLimit) return undefined;
    if (e instanceof GreenNode && e.errors.length > 0) {
      // The statement's errors are the item's next ones (else the item's list is not theirs in order).
      const at = offset - e.width - itemStart;
      for (const x of e.errors) {
        const y = itemErrors[kept + replacedErrors++];
        if (y === undefined || y.start !== at + x.start || y.message !== x.message) return undefined;
      }
    }
  }
  const after = kept + replacedErrors;
  const errorCount = kept + run.errors.length + (itemErrors.length - after);
  if (errorCount >= MAX_ITEM_ERRORS || run.errors.some(nestedError)) return undefined;
  let errors: RelativeSyntaxError[] | undefined;
  if (errorCount > 0) {
    errors = itemErrors.slice(0, kept);
    for (const e of run.errors) errors.push(relative(e.start + base - itemStart, e.end + base - itemStart, e));
    for (let i = after; i < itemErrors.length; i++) {
      const e = itemErrors[i];
      errors.push(relative(e.start + delta, e.end + delta, e));
    }
  }
  const furthest = base + run.furthestEnd + 3;
  const children = spliced(elements, keep, run.elements, resume);
  // A list made too short to keep its arguments' records (a parse would keep none: `ARG_TURNS`).
  if (turnsWhenLong(block.kind) && children.length < ARG_TURNS.minimum) return undefined;
  let fresh = new GreenNode(block.kind, children, block.width + delta);
  // The nodes above, each with the one child replaced; a statement of a block (its turn's node)
  // and the item with their looks and errors made again.
  for (let d = at - 1; d >= 0; d--) {
    const old = nodes[d];
    const oldChildren = old.children.slice();
    oldChildren[indexes[d]] = fresh;
    const node = new GreenNode(old.kind, oldChildren, old.width + delta);
    const end = starts[d] + old.width;
    if (d === 0 || turnList(nodes[d - 1])) {
      node.lookahead = Math.max(end + old.lookahead + delta, furthest) - (end + delta);
      node.endModes = old.endModes;
      const shift = itemStart - starts[d];
      node.errors = !errors ? NO_ERRORS : d === 0 ? errors : errors.map((e) => relative(e.start + shift, e.end + shift, e));
    } else {
      node.lookahead = old.lookahead;
      node.endModes = old.endModes;
      node.errors = old.errors;
    }
    fresh = node;
  }
  return fresh;
}

/**
 * `elements` with [`keep`, `resume`) replaced by `fresh`, made at its length: a long block's
 * children pushed one by one onto the part kept in front grew the array several times, each a
 * copy, and past about 16k elements V8 allocates each on pages of its own (a 30k-element list
 * made so took 2.2 ms, filled in place 0.9). Past `new Array`'s fast limit, joined instead.
 */
function spliced(elements: readonly GreenElement[], keep: number, fresh: readonly GreenElement[], resume: number): GreenElement[] {
  const n = keep + fresh.length + (elements.length - resume);
  if (n > 100_000) return elements.slice(0, keep).concat(fresh, elements.slice(resume));
  const out = new Array<GreenElement>(n);
  let j = 0;
  for (let i = 0; i < keep; i++) out[j++] = elements[i];
  for (let i = 0; i < fresh.length; i++) out[j++] = fresh[i];
  for (let i = resume; i < elements.length; i++) out[j++] = elements[i];
  return out;
}

/** An error at new offsets. */
function relative(start: number, end: number, e: { message: string; warning?: boolean }): RelativeSyntaxError {
  return e.warning ? { start, end, message: e.message, warning: true } : { start, end, message: e.message };
}
