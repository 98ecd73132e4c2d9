import { SyntaxKind as K } from '../kinds';
import type { Parser } from '../parser';
import { ARGUMENTS_END, ARG_TURNS, PARENS_END, Words, binaryPrecedence, describe, isOperatorName } from './common';
import { parseAngleList } from './generics';
import { parsePattern } from './patterns';
import { atSetKeyword, atStatementEnd, parseBlock, parseBlockExpr, parseForeach, parseIf, parseWhile } from './statements';
import { parseArrayHead, parseType, startsType } from './types';

export function parseExpression(p: Parser, noCurly: boolean): void {
  parseBinary(p, 1, noCurly);
}

export function binaryOperatorPrecedence(p: Parser): number {
  const k = p.peek();
  if (k === K.Ident) {
    // A word between two operands is a binary call (`a mod b`, `x and y`),
    // but only when an operand follows it.
    if (!startsExpressionAt(p, 1)) return 0;
    const word = p.wordIn(BINARY_WORDS);
    if (word === 'where' || word === 'in' || word === 'else') return 0;
    if (p.atItemBoundaryInBlock()) return 0;
    return binaryPrecedence(k, word);
  }
  if ((k === K.Lt || k === K.Gt) && p.isAngle()) return 0;
  return binaryPrecedence(k, null);
}

export function parseBinary(p: Parser, minPrecedence: number, noCurly: boolean): void {
  const m = p.mark();
  const before = p.here();
  parseUnary(p, noCurly);
  if (!p.movedSince(before)) return;
  for (;;) {
    const prec = binaryOperatorPrecedence(p);
    if (prec < minPrecedence || prec === 0) return;
    p.bump(); // operator
    const rhs = p.here();
    parseBinary(p, prec + 1, noCurly);
    if (!p.movedSince(rhs)) p.errorMissing('an operand');
    p.finish(K.BinaryExpr, m);
  }
}

export function startsExpressionAt(p: Parser, n: number): boolean {
  switch (p.peek(n)) {
    case K.Ident:
    case K.Int:
    case K.Float:
    case K.StringStart:
    case K.LParen:
    case K.LBracket:
    case K.Amp:
    case K.Caret:
    case K.Hash:
    case K.Quote:
    case K.LBrace:
      return true;
    default:
      return false;
  }
}

/** Prefix forms (`not`, `&`, `^`, regions, keyword expressions), else a postfix expression. */
export function parseUnary(p: Parser, noCurly: boolean): void {
  if (!p.enterNesting()) return;
  parseUnaryNested(p, noCurly);
  p.leaveNesting();
}

function parseUnaryNested(p: Parser, noCurly: boolean): void {
  const m = p.mark();
  const k = p.peek();
  if (k === K.Ident) {
    if (parseKeywordExpr(p, m, p.wordIn(EXPRESSION_WORDS), noCurly)) return;
    if (p.peek(1) === K.Quote && p.tight(0) && startsExpressionAt(p, 2)) {
      p.bump();
      p.bump();
      parsePostfix(p, noCurly);
      p.finish(K.RegionExpr, m);
      return;
    }
  }
  if (k === K.Quote && p.peek(1) === K.Ident) {
    p.bump();
    p.bump();
    parseUnary(p, noCurly);
    p.finish(K.RegionExpr, m);
    return;
  }
  if (k === K.Amp || k === K.Caret) {
    p.bump();
    if (k === K.Amp && p.peek() === K.Amp) p.bump();
    parsePostfix(p, noCurly);
    p.finish(K.PrefixExpr, m);
    return;
  }
  parsePostfix(p, noCurly);
}

/** The words `binaryOperatorPrecedence` tells apart (any other word between operands is a binary call). */
const BINARY_WORDS = new Words(['where', 'in', 'else', 'and', 'or']);
/** The words `parseKeywordExpr` begins an expression with (any other is a name). */
const EXPRESSION_WORDS = new Words([
  'if',
  'while',
  'foreach',
  'parallel',
  'pure',
  'block',
  'unsafe',
  'not',
  'destruct',
  'inl',
  'unlet',
  'set',
  'mut',
  'return',
  'break',
]);
/** The words a name expression is not a name for. */
const NAME_WORDS = new Words(['true', 'false', '_']);

/** An expression a word begins (`if`, `while`, `not x`, `set x = y`, `return`, …); false when the word is just a name here. */
function parseKeywordExpr(p: Parser, m: number, word: string, noCurly: boolean): boolean {
  switch (word) {
    case 'if':
      parseIf(p);
      return true;
    case 'while':
      parseWhile(p);
      return true;
    case 'foreach':
      parseForeach(p);
      return true;
    case 'parallel':
      if (!p.isWord('foreach', 1)) return false;
      parseForeach(p);
      return true;
    case 'pure':
      if (p.isWord('foreach', 1)) parseForeach(p);
      else if (p.isWord('block', 1)) parseBlockExpr(p);
      else return false;
      return true;
    case 'block':
    case 'unsafe':
      if (word === 'block' ? p.peek(1) !== K.LBrace : !p.isWord('block', 1)) return false;
      parseBlockExpr(p);
      return true;
    case 'not':
      return parsePrefixWord(p, m, K.NotExpr, noCurly, parseUnary);
    case 'destruct':
      return parsePrefixWord(p, m, K.DestructExpr, noCurly, parseUnary);
    case 'inl':
      return parsePrefixWord(p, m, K.PrefixExpr, noCurly, parsePostfix);
    case 'unlet':
      if (p.peek(1) !== K.Ident) return false;
      p.bump();
      p.bump();
      p.finish(K.UnletExpr, m);
      return true;
    case 'set':
    case 'mut':
      if (!atSetKeyword(p)) return false;
      p.bump();
      parseExpression(p, noCurly);
      p.expect(K.Eq, "'='");
      parseExpression(p, noCurly);
      p.finish(K.SetExpr, m);
      return true;
    // Statements begin with these (statements.ts); inside an expression Vale rejects them
    // (CantUseReturnInExpression, CantUseBreakInExpression: see BRCOBS in its parser).
    case 'return':
      p.error('`return` cannot be part of an expression: make it a statement of its own');
      p.bump();
      if (!atStatementEnd(p, noCurly)) parseExpression(p, noCurly);
      p.finish(K.ReturnExpr, m);
      return true;
    case 'break':
      p.error('`break` cannot be part of an expression: make it a statement of its own');
      p.bump();
      p.finish(K.BreakExpr, m);
      return true;
    default:
      return false;
  }
}

/** `not x`, `destruct x`, `inl x`: a word applied to the operand that follows it (when one does). */
function parsePrefixWord(p: Parser, m: number, kind: K, noCurly: boolean, operand: (p: Parser, noCurly: boolean) => void): boolean {
  if (!startsExpressionAt(p, 1)) return false;
  p.bump();
  operand(p, noCurly);
  p.finish(kind, m);
  return true;
}

export function parsePostfix(p: Parser, noCurly: boolean): void {
  const m = p.mark();
  const before = p.here();
  parseAtom(p, noCurly);
  if (!p.movedSince(before)) return;
  finishSuffixesAt(p, m, noCurly);
}

/** Applies call, index, member, generic, range and postfix-borrow suffixes to the expression at `m`. */
export function finishSuffixesAt(p: Parser, m: number, noCurly: boolean): void {
  for (;;) {
    const k = p.peek();
    switch (k) {
      case K.LParen:
        parseArgList(p, K.LParen, K.RParen);
        p.finish(K.CallExpr, m);
        continue;
      case K.LBracket:
        parseArgList(p, K.LBracket, K.RBracket);
        p.finish(K.IndexExpr, m);
        continue;
      case K.Lt:
        if (!p.isAngle()) return;
        parseAngleList(p, K.GenericArgList, K.TypeSeq);
        p.finish(K.GenericExpr, m);
        continue;
      case K.Amp:
        // Postfix borrow, as in `x&.method()`.
        if (!p.tightWithPrevious()) return;
        if (p.peek(1) !== K.Dot && startsExpressionAt(p, 1)) return;
        p.bump();
        p.finish(K.AugmentExpr, m);
        continue;
      case K.DotDot: {
        p.bump();
        const before = p.here();
        // The range's end takes the suffixes after it, a `..` among them: a chain of ranges
        // recurses, so each end counts as a level (20,000 of them overflowed the stack).
        if (p.enterNesting()) {
          parsePostfix(p, noCurly);
          p.leaveNesting();
        }
        if (!p.movedSince(before)) p.errorMissing('the end of the range');
        p.finish(K.RangeExpr, m);
        continue;
      }
      case K.Star:
        if (!(p.peek(1) === K.Dot && p.tight(0))) return;
        p.bump();
        parseMemberTail(p, noCurly);
        p.finish(K.MemberExpr, m);
        continue;
      case K.Dot:
        parseMemberTail(p, noCurly);
        p.finish(K.MemberExpr, m);
        continue;
      default:
        return;
    }
  }
}

/** `.name`, `.0`, `.+` followed by optional generic arguments and call arguments. */
export function parseMemberTail(p: Parser, _noCurly: boolean): void {
  p.bump(); // .
  const k = p.peek();
  if (k === K.Ident || k === K.Int || isOperatorName(k)) {
    const n = p.mark();
    p.bump();
    p.finish(K.Name, n);
  } else {
    p.errorMissing("a member or method name after '.'");
    return;
  }
  if (p.peek() === K.Lt && p.isAngle()) parseAngleList(p, K.GenericArgList, K.TypeSeq);
  if (p.peek() === K.LParen) parseArgList(p, K.LParen, K.RParen);
}

/** `(a, b)` or `[a, b]` argument lists: a long one's arguments record their turns (`parseArgTurns`). */
export function parseArgList(p: Parser, _open: K, close: K): void {
  const m = p.mark();
  p.bump();
  parseArgTurns(p, close, undefined);
  p.expect(close, close === K.RParen ? "')'" : "']'");
  // A short list keeps no records (`ARG_TURNS`): it is re-parsed with its statement.
  if (p.stackTop() - m < ARG_TURNS.minimum) p.forgetTurns(m);
  p.finish(K.ArgList, m);
}

/**
 * An argument list's arguments, up to its `close`: each turn an argument and the `,` after it,
 * the argument's node recording how far the turn looked past its end, the lexer's state and the
 * syntax errors it found (`Parser.looked`), as a block's statements do, so that an edit among the
 * arguments of a long list re-parses only those that read it (syntax/body.ts). `resync`, after
 * each turn that ended with its `,`: stop there (a re-parse that has met the old tree again).
 * Returns whether `resync` stopped it.
 */
export function parseArgTurns(p: Parser, close: K, resync: (() => boolean) | undefined): boolean {
  for (;;) {
    const k = p.peek();
    if (k === close || k === K.EOF || ARGUMENTS_END.has(k) || p.atItemBoundaryInBlock()) return false;
    const saved = p.lookFrom();
    const errors = p.errorCount();
    const from = p.stackTop();
    if (p.reuseElement()) p.looked(saved, true, errors, from);
    else {
      const before = p.here();
      parseExpression(p, false);
      const stuck = p.skipIfStuck(before, 'an argument');
      p.looked(saved, p.stackTop() > from, errors, from);
      if (stuck) continue;
    }
    if (!p.eat(K.Comma)) {
      if (p.peek() !== close) p.errorMissing(`',' or '${close === K.RParen ? ')' : ']'}'`);
      return false;
    }
    if (resync?.()) return true;
  }
}

export function parseAtom(p: Parser, noCurly: boolean): void {
  const m = p.mark();
  const k = p.peek();
  switch (k) {
    case K.Int:
    case K.Float:
      p.bump();
      p.finish(K.LiteralExpr, m);
      return;
    case K.StringStart:
      parseString(p);
      return;
    case K.Ident:
      parseWordAtom(p, m, noCurly);
      return;
    case K.LBrace:
      if (noCurly) return;
      parseBlock(p);
      p.finish(K.LambdaExpr, m);
      return;
    case K.LParen:
      if (isLambdaParams(p, noCurly)) {
        parseLambdaParams(p);
        p.eat(K.Arrow);
        parseLambdaBody(p, noCurly);
        p.finish(K.LambdaExpr, m);
        return;
      }
      parseParenOrTuple(p);
      return;
    case K.LBracket:
    case K.Hash:
      if (k === K.Hash && p.peek(1) !== K.LBracket) break;
      parseArrayExpr(p, noCurly);
      return;
    case K.Unknown:
      // `…` is a placeholder expression (ExpressionParser.parseExpressionDataElement reads it as 0).
      if (p.tokenText() === '\u2026') {
        p.bump();
        p.finish(K.LiteralExpr, m);
        return;
      }
      p.errorToken(`unexpected character ${JSON.stringify(p.tokenText())}`);
      return;
    default:
      if (isOperatorName(k) && (p.peek(1) === K.RParen || p.peek(1) === K.Comma || (p.peek(1) === K.LParen && p.tight(0)))) {
        // An operator used as a function: `+(a, b)`, `-(x)`, `foo(+)`.
        p.bump();
        p.finish(K.NameExpr, m);
        return;
      }
  }
  // Nothing starts here; the caller reports it.
  if (!p.builtSince(m) && k !== K.EOF && !atStatementEnd(p, noCurly) && k !== K.Comma && k !== K.Eq) {
    p.error(`expected an expression, found ${describe(k, p.tokenText())}`);
  }
}

/** `x => body`, `true`/`false`, `_`, or a name. */
function parseWordAtom(p: Parser, m: number, noCurly: boolean): void {
  if (p.peek(1) === K.Arrow) {
    const params = p.mark();
    const name = p.mark();
    p.bump();
    p.finish(K.Name, name);
    p.finish(K.Pattern, params);
    p.finish(K.LambdaParams, params);
    p.bump(); // =>
    parseLambdaBody(p, noCurly);
    p.finish(K.LambdaExpr, m);
    return;
  }
  const word = p.wordIn(NAME_WORDS);
  p.bump();
  if (word === 'true' || word === 'false') p.finish(K.LiteralExpr, m);
  else if (word === '_') p.finish(K.MagicParam, m);
  else p.finish(K.NameExpr, m);
}

export function parseLambdaBody(p: Parser, noCurly: boolean): void {
  if (p.peek() === K.LBrace) parseBlock(p);
  else {
    const before = p.here();
    parseExpression(p, noCurly);
    if (!p.movedSince(before)) p.errorMissing("the lambda's body");
  }
}

/** A `(` whose matching `)` is followed by `=>`. */
export function isLambdaParams(p: Parser, noCurly: boolean): boolean {
  const close = p.matchingClose(0);
  if (close < 0) return false;
  const after = p.peek(close + 1);
  // `(x) => ...`, and the older `(x) { ... }`.
  return after === K.Arrow || (after === K.LBrace && !noCurly && p.tight(close));
}

export function parseLambdaParams(p: Parser): void {
  const m = p.mark();
  p.bump(); // (
  while (p.peek() !== K.RParen && p.peek() !== K.EOF) {
    const before = p.here();
    parsePattern(p, false);
    if (p.skipIfStuck(before, 'a lambda parameter')) continue;
    if (!p.eat(K.Comma)) break;
  }
  p.expect(K.RParen, "')'");
  p.finish(K.LambdaParams, m);
}

export function parseParenOrTuple(p: Parser): void {
  const m = p.mark();
  p.bump(); // (
  let elements = 0;
  let commas = 0;
  while (p.peek() !== K.RParen && p.peek() !== K.EOF) {
    const k = p.peek();
    if (PARENS_END.has(k) || p.atItemBoundaryInBlock()) break;
    if (atSetKeyword(p)) {
      const before = p.here();
      parseUnary(p, false);
      if (p.skipIfStuck(before, 'an expression')) continue;
    } else if (!p.reuseElement(true)) {
      const before = p.here();
      parseExpression(p, false);
      if (p.skipIfStuck(before, 'an expression')) continue;
    }
    elements++;
    if (!p.eat(K.Comma)) break;
    commas++;
  }
  p.expect(K.RParen, "')'");
  p.finish(elements === 1 && commas === 0 ? K.ParenExpr : K.TupleExpr, m);
}

/** `[#3](1, 2, 3)`, `#[](5, f)`, `[]int(5, f)`, `#[#]["a", "b"]`. */
export function parseArrayExpr(p: Parser, noCurly: boolean): void {
  const m = p.mark();
  parseArrayHead(p);
  if (p.peek() === K.Lt && p.isAngle()) parseAngleList(p, K.GenericArgList, K.TypeSeq);
  if (p.peek() !== K.LParen && p.peek() !== K.LBracket && startsType(p)) parseType(p);
  if (p.peek() === K.LParen) parseArgList(p, K.LParen, K.RParen);
  else if (p.peek() === K.LBracket) parseArgList(p, K.LBracket, K.RBracket);
  else if (!noCurly || p.peek() !== K.LBrace) p.errorMissing("the array's arguments '(...)'");
  p.finish(K.ArrayExpr, m);
}

export function parseString(p: Parser): void {
  const m = p.mark();
  const quote = p.start();
  // The lexer's nesting outside the string: a token back at it (or under) is past a line where the
  // lexer dropped an interpolation left open (`Lexer.leaveAtItemLine`).
  const outside = p.depthAt();
  p.bump(); // StringStart
  for (;;) {
    const k = p.peek();
    if (k === K.StringEnd) {
      p.bump();
      break;
    }
    if (k === K.EOF || p.depthAt() <= outside) {
      p.error('unterminated string', quote, p.start());
      break;
    }
    if (k === K.StringText) {
      p.bump();
      continue;
    }
    if (k === K.InterpStart) {
      const i = p.mark();
      p.bump();
      const before = p.here();
      if (p.peek() !== K.InterpEnd) parseExpression(p, false);
      if (!p.movedSince(before) && p.peek() !== K.InterpEnd) p.errorMissing('an expression to interpolate');
      // Whatever the expression did not take, up to the closing brace, is an error (not past a
      // line where the lexer dropped the interpolation).
      const inside = (): boolean => p.peek() !== K.InterpEnd && p.peek() !== K.EOF && p.peek() !== K.StringEnd && p.depthAt() > outside;
      if (inside()) {
        p.error(`expected '}' to end the interpolation, found ${describe(p.peek(), p.tokenText())}`);
        const e = p.mark();
        while (inside()) p.bump();
        p.finish(K.Error, e);
      }
      if (!p.eat(K.InterpEnd) && p.peek() !== K.StringEnd) p.errorMissing("'}'");
      p.finish(K.Interpolation, i);
      continue;
    }
    // Inside an interpolation's expression the lexer never yields other tokens at this level.
    p.bump();
  }
  p.finish(K.StringExpr, m);
}
