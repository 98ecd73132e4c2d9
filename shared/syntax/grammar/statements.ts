import { SyntaxKind as K } from '../kinds';
import type { Parser } from '../parser';
import { ARG_TURNS, SEMI_OPTIONAL_BEFORE, STATEMENT_END, STRAY_CLOSERS, describe } from './common';
import { parseExpression, parseUnary } from './expressions';
import { parsePattern } from './patterns';

/** `{ statements }`: each turn of its statements records what it read (`parseStatementTurns`). */
export function parseBlock(p: Parser): void {
  if (!p.enterNesting()) return;
  parseBlockNested(p);
  p.leaveNesting();
}

function parseBlockNested(p: Parser): void {
  const m = p.mark();
  const openStart = p.start();
  const openEnd = p.end();
  p.bump(); // {
  const saved = p.enterStatements();
  parseStatementTurns(p, undefined);
  p.leaveStatements(saved);
  if (!p.eat(K.RBrace)) {
    // Point at the brace that is never closed: that is where the fix goes.
    // (No line numbers in messages: a reused item must not carry a stale one.)
    const where = p.peek() === K.EOF ? 'the end of the file' : describe(p.peek(), p.tokenText());
    p.error(`'{' is never closed: expected '}' before ${where}`, openStart, openEnd);
  }
  p.finish(K.Block, m);
}

/**
 * A block's statements, each node recording how far its turn of the list looked past its end, the
 * lexer's state after it and the syntax errors the turn found (`Parser.looked`), so that an edit
 * among them re-parses only the statements that read it (syntax/body.ts). `resync`, after
 * each turn that put a statement or a `;` in the tree: stop there (a re-parse that has met the
 * old tree again). Returns whether `resync` stopped it.
 */
export function parseStatementTurns(p: Parser, resync: (() => boolean) | undefined): boolean {
  for (;;) {
    const saved = p.lookFrom();
    const errors = p.errorCount();
    const from = p.stackTop();
    const going = parseStatementTurn(p);
    p.looked(saved, going, errors, from);
    if (!going) return false;
    if (resync?.()) return true;
  }
}

/** One turn of a statement list: a statement, a `;`, or a stray closer skipped; false at the list's end (nothing read). */
function parseStatementTurn(p: Parser): boolean {
  const k = p.peek();
  if (k === K.RBrace || k === K.EOF || k === K.InterpEnd) return false;
  if (p.atItemBoundaryInBlock()) return false;
  if (k === K.Semi) {
    p.bump();
    return true;
  }
  if (STRAY_CLOSERS.has(k)) {
    p.errorToken(`unexpected ${describe(k, p.tokenText())}`);
    return true;
  }
  if (p.reuseStatement()) return true;
  const before = p.here();
  parseStatement(p, false);
  p.skipIfStuck(before, 'a statement');
  return true;
}

export function parseStatement(p: Parser, noCurly: boolean): void {
  const m = p.mark();
  if (
    p.isWord('while') ||
    p.isWord('foreach') ||
    p.isWord('if') ||
    atBlockKeyword(p) ||
    ((p.isWord('parallel') || p.isWord('pure')) && (p.isWord('foreach', 1) || p.isWord('block', 1)))
  ) {
    // As in Vale, a statement-level if/while/foreach/block ends at its `}`.
    parseUnary(p, noCurly);
    p.eat(K.Semi);
    p.finish(K.ExprStmt, m);
    return;
  }
  if (p.isWord('return')) {
    p.bump();
    if (!atStatementEnd(p, noCurly)) parseExpression(p, noCurly);
    p.finish(K.ReturnExpr, m);
    endStatement(p, m, noCurly, K.ExprStmt);
    return;
  }
  if (p.isWord('break')) {
    p.bump();
    p.finish(K.BreakExpr, m);
    endStatement(p, m, noCurly, K.ExprStmt);
    return;
  }
  if (atSetKeyword(p)) {
    parseExpression(p, noCurly);
    endStatement(p, m, noCurly, K.ExprStmt);
    return;
  }
  // A statement that starts a block or a lambda (`{`, `x =>`) is not a let: no scan for `=` through its body.
  if (p.peek() !== K.LBrace && p.peek(1) !== K.Arrow && p.hasLetEquals(noCurly)) {
    if (p.peek() === K.Ident && (p.peek(1) === K.Dot || p.peek(1) === K.LParen)) {
      // `self.hp = 10;` in a constructor sets a member being constructed (PatternParser's
      // isConstructing); any other `ship.x = 4;` is a mutation without its `set` (ForgotSetKeyword).
      const start = p.start();
      const member = p.peek(1) === K.Dot && !p.isWord('self');
      parseUnary(p, noCurly);
      if (member && p.peek() === K.Eq)
        p.error("changing a struct's member must start with the `set` keyword: `set a.b = …;`", start, p.prevEnd());
    } else {
      parsePattern(p, true);
    }
    p.expect(K.Eq, "'='");
    parseExpression(p, noCurly);
    endStatement(p, m, noCurly, K.LetStmt);
    return;
  }
  const before = p.here();
  parseExpression(p, noCurly);
  if (p.skipIfStuck(before, 'a statement')) return;
  endStatement(p, m, noCurly, K.ExprStmt);
}

export function atBlockKeyword(p: Parser): boolean {
  return (p.isWord('block') && p.peek(1) === K.LBrace) || (p.isWord('unsafe') && p.isWord('block', 1));
}

export function atSetKeyword(p: Parser): boolean {
  return (p.isWord('set') || p.isWord('mut')) && !p.tight(0) && p.peek(1) !== K.Eq && p.peek(1) !== K.Semi;
}

export function atStatementEnd(p: Parser, noCurly: boolean): boolean {
  const k = p.peek();
  return STATEMENT_END.has(k) || (noCurly && k === K.LBrace);
}

/** Takes the `;` that ends a statement, or reports it missing. Wraps from `m` when `kind` is given. */
export function endStatement(p: Parser, m: number, noCurly: boolean, kind?: K): void {
  if (!p.eat(K.Semi)) {
    const k = p.peek();
    const ok = SEMI_OPTIONAL_BEFORE.has(k) || (noCurly && k === K.LBrace) || p.atItemBoundaryInBlock();
    if (!ok) p.errorMissing("';'");
  }
  if (kind !== undefined) p.finish(kind, m);
}

/**
 * `if c { } else if d { } else { }`: one `IfExpr` whose arms after the first are its
 * `ElseClause`s, side by side (`else if d { }` holds its `if`, condition and block; a last
 * `else { }` its block). Read in a loop, so a chain of any length nests no deeper, on the stack or
 * in the tree: an edit in an arm's block is as deep as in the first arm's.
 */
export function parseIf(p: Parser): void {
  const m = p.mark();
  // The first arm is a turn too (`if`, condition and block; the block records it).
  const saved = p.lookFrom();
  const errors = p.errorCount();
  p.bump(); // if
  parseArm(p);
  p.looked(saved, true, errors, m);
  parseArmTurns(p, undefined);
  // A short chain keeps no records (`ARG_TURNS`): it is re-parsed with its statement.
  if (p.stackTop() - m < ARG_TURNS.minimum) p.forgetTurns(m);
  p.finish(K.IfExpr, m);
}

/**
 * An `if`'s arms after its first, each a turn (`else if c { }`, or a last `else { }`) whose
 * `ElseClause` records how far it looked past its end, the lexer's state and its errors
 * (`Parser.looked`), as a block's statements do, so that an edit among the arms of a long chain
 * re-parses only those that read it (syntax/body.ts). `resync`, after each `else if` arm: stop
 * there (a re-parse that has met the old tree again). Returns whether `resync` stopped it.
 */
export function parseArmTurns(p: Parser, resync: (() => boolean) | undefined): boolean {
  while (p.isWord('else')) {
    const saved = p.lookFrom();
    const errors = p.errorCount();
    const from = p.stackTop();
    const e = p.mark();
    p.bump();
    const elseIf = p.isWord('if');
    if (elseIf) {
      p.bump();
      parseArm(p);
    } else if (p.peek() === K.LBrace) parseBlock(p);
    else p.errorMissing("'{' or 'if' after 'else'");
    p.finish(K.ElseClause, e);
    p.looked(saved, true, errors, from);
    if (!elseIf) return false;
    if (resync?.()) return true;
  }
  return false;
}

/** An arm's condition and block, after its `if`. */
function parseArm(p: Parser): void {
  parseCondition(p);
  if (p.peek() === K.LBrace) parseBlock(p);
  else p.errorMissing("'{' and the body of the if");
}

/** The condition of `if`/`while`: statements up to the body's `{`, the last one the value. */
export function parseCondition(p: Parser): void {
  const m = p.mark();
  const saved = p.enterStatements();
  for (;;) {
    const k = p.peek();
    if (k === K.LBrace || k === K.EOF || k === K.RBrace || p.atItemBoundaryInBlock()) break;
    if (p.reuseStatement(true)) continue;
    const before = p.here();
    parseStatement(p, true);
    if (!p.movedSince(before)) break;
  }
  p.leaveStatements(saved);
  if (!p.builtSince(m)) p.errorMissing('a condition');
  p.finish(K.Condition, m);
}

export function parseWhile(p: Parser): void {
  const m = p.mark();
  p.bump(); // while
  parseCondition(p);
  if (p.peek() === K.LBrace) parseBlock(p);
  else p.errorMissing("'{' and the body of the loop");
  p.finish(K.WhileExpr, m);
}

export function parseForeach(p: Parser): void {
  const m = p.mark();
  if (p.isWord('parallel')) p.bump();
  if (p.isWord('pure')) p.bump();
  p.bump(); // foreach
  parsePattern(p, false);
  if (!p.eatWord('in')) p.errorMissing("'in'");
  // Vale reads the iterable as block contents (`foreach i in list = f(); list { }`): a sequence
  // of statements when it holds a let or a `;`, else one expression.
  if (p.hasLetEquals(true) || semicolonBeforeBody(p)) parseCondition(p);
  else parseExpression(p, true);
  if (p.peek() === K.LBrace) parseBlock(p);
  else p.errorMissing("'{' and the body of the loop");
  p.finish(K.ForeachExpr, m);
}

/** A `;` outside brackets before the next `{` (the body of a loop). */
function semicolonBeforeBody(p: Parser): boolean {
  let depth = 0;
  for (let n = 0; ; n++) {
    const k = p.peek(n);
    if (k === K.EOF || (depth === 0 && (k === K.LBrace || k === K.RBrace))) return false;
    if (k === K.Semi && depth === 0) return true;
    if (k === K.LParen || k === K.LBracket) depth++;
    else if ((k === K.RParen || k === K.RBracket) && depth > 0) depth--;
  }
}

export function parseBlockExpr(p: Parser): void {
  const m = p.mark();
  while (!p.isWord('block')) p.bump(); // unsafe / pure
  p.bump(); // block
  if (p.peek() === K.LBrace) parseBlock(p);
  else p.errorMissing("'{'");
  p.finish(K.BlockExpr, m);
}
