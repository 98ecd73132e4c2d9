import { SyntaxKind as K } from '../kinds';
import type { Parser } from '../parser';
import { OWNERSHIPS, isOperatorName } from './common';
import { parseExpression, parseString } from './expressions';
import { parseAngleList } from './generics';

export function startsType(p: Parser): boolean {
  switch (p.peek()) {
    case K.Ident:
      return !p.isWord('where');
    case K.Amp:
    case K.Caret:
    case K.At:
    case K.Star:
    case K.LBracket:
    case K.Hash:
    case K.LParen:
    case K.Int:
    case K.Quote:
      return true;
    case K.StringStart:
      return p.inRules;
    default:
      return false;
  }
}

/** One or more templexes side by side, like `E Ref imm` or `M Mutability`. */
export function parseTypeSeq(p: Parser, inList: boolean, wrap = true): void {
  const m = p.mark();
  let count = 0;
  while (startsType(p)) {
    if (count > 0) {
      // A `(` continues a sequence only in lists (`func(&F)void` is one templex).
      if (p.peek() === K.LParen) break;
      if (!inList && p.peek() === K.Ident && p.atItemStart()) break;
    }
    const before = p.here();
    parseType(p);
    if (!p.movedSince(before)) break;
    count++;
  }
  if (count > 1 && wrap) p.finish(K.TypeSeq, m);
}

/** One templex: dispatches on its first token to the construct it begins. */
export function parseType(p: Parser): void {
  if (!p.enterTypeNesting()) return;
  parseTypeNested(p);
  p.leaveTypeNesting();
}

function parseTypeNested(p: Parser): void {
  const m = p.mark();
  const k = p.peek();
  if (k === K.Amp || k === K.Caret || k === K.At || k === K.Star) parseOwnershipType(p, m, k);
  else if (k === K.Ident && p.wordIn(OWNERSHIPS) !== '' && p.peek(1) !== K.Comma && p.peek(1) !== K.Gt && startsTypeAt(p, 1))
    parseOwnershipType(p, m, k);
  else if (k === K.Quote || (k === K.Ident && p.peek(1) === K.Quote && p.tight(0))) parseRegionType(p, m);
  else if (k === K.LBracket || (k === K.Hash && p.peek(1) === K.LBracket)) parseArrayType(p, m);
  else if (k === K.LParen) parseTupleType(p, m);
  else if (k === K.Int) {
    p.bump();
    p.finish(K.LiteralType, m);
  } else if (k === K.StringStart) {
    parseString(p);
    p.finish(K.LiteralType, m);
  } else if (k === K.Ident && p.isWord('func')) parseFuncType(p, m);
  else if (k === K.Ident) parseNamedType(p, m);
  else p.errorMissing('a type');
}

/** `&T`, `&&T`, `^T`, `@T`, `*T`, or an ownership word (`inl T`, `heap T`, …). */
function parseOwnershipType(p: Parser, m: number, k: K): void {
  p.bump();
  if (k === K.Amp && p.peek() === K.Amp) p.bump();
  parseType(p);
  p.finish(K.OwnershipType, m);
}

/** `'r T`, `'T`, or `r'T` (a region before a type). */
function parseRegionType(p: Parser, m: number): void {
  if (p.peek() === K.Quote) {
    p.bump();
    if (p.peek() === K.Ident && p.tightWithPrevious()) p.bump();
    if (startsType(p)) parseType(p);
  } else {
    p.bump();
    p.bump();
    if (startsType(p) && !p.isWord('imm') && !p.isWord('ro') && !p.isWord('rw') && !p.isWord('additive')) parseType(p);
  }
  p.finish(K.RegionType, m);
}

/** `[]<imm>T`, `[#N]T`, `#[]T`. */
function parseArrayType(p: Parser, m: number): void {
  parseArrayHead(p);
  if (p.peek() === K.Lt && p.isAngle()) parseAngleList(p, K.GenericArgList, K.TypeSeq);
  if (startsType(p)) parseType(p);
  p.finish(K.ArrayType, m);
}

/** `(T, U)`. */
function parseTupleType(p: Parser, m: number): void {
  p.bump();
  while (p.peek() !== K.RParen && p.peek() !== K.EOF) {
    const before = p.here();
    parseTypeSeq(p, true);
    if (!p.movedSince(before) || !p.eat(K.Comma)) break;
  }
  p.expect(K.RParen, "')'");
  p.finish(K.TupleType, m);
}

/** `func name<G>(T, U)R` in rules. */
function parseFuncType(p: Parser, m: number): void {
  p.bump(); // func
  const k = p.peek();
  if (k === K.Ident || (isOperatorName(k) && (k !== K.Lt || p.peek(1) === K.LParen))) {
    const n = p.mark();
    p.bump();
    p.finish(K.Name, n);
  }
  if (p.peek() === K.Lt && p.isAngle()) parseAngleList(p, K.GenericParamList, K.GenericParam);
  if (p.peek() === K.LParen) parseTypeTuple(p);
  else p.errorMissing("'(' and the parameter types");
  if (startsType(p) && p.peek() !== K.LParen) parseType(p);
  p.finish(K.FuncType, m);
}

/** A name with optional generic arguments (`List<int>`), a literal word, or (in rules) a call-like templex. */
function parseNamedType(p: Parser, m: number): void {
  if (p.isWord('true') || p.isWord('false') || p.isWord('_')) {
    p.bump();
    p.finish(K.LiteralType, m);
    return;
  }
  p.bump();
  if (p.peek() === K.Lt && p.isAngle()) parseAngleList(p, K.GenericArgList, K.TypeSeq);
  if (p.inRules && (p.peek() === K.LParen || p.peek() === K.LBracket) && p.tightWithPrevious()) {
    parseTypeTuple(p);
    p.finish(K.CallType, m);
    return;
  }
  p.finish(K.PathType, m);
}

export function startsTypeAt(p: Parser, n: number): boolean {
  switch (p.peek(n)) {
    case K.Ident:
    case K.Amp:
    case K.Caret:
    case K.At:
    case K.LBracket:
    case K.Hash:
    case K.LParen:
    case K.Quote:
      return true;
    default:
      return false;
  }
}

/** `(T, U)` after `func` in rules, or `(...)`/`[...]` after a call-like templex. */
export function parseTypeTuple(p: Parser): void {
  const m = p.mark();
  const close = p.peek() === K.LBracket ? K.RBracket : K.RParen;
  p.bump(); // ( or [
  while (p.peek() !== close && p.peek() !== K.EOF) {
    const before = p.here();
    parseTypeSeq(p, true);
    if (!p.movedSince(before)) {
      p.errorMissing('a type');
      break;
    }
    if (!p.eat(K.Comma)) break;
  }
  p.expect(close, close === K.RParen ? "')'" : "']'");
  p.finish(K.TupleType, m);
}

/** `[]`, `[#N]`, `[#]`, `#[]`, `#[#N]`: the head of an array type or array expression. */
export function parseArrayHead(p: Parser): void {
  if (p.peek() === K.Hash) p.bump();
  p.bump(); // [
  if (p.eat(K.Hash)) {
    if (p.peek() !== K.RBracket) parseExpression(p, false);
  }
  p.expect(K.RBracket, "']'");
}
