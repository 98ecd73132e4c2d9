import { SyntaxKind as K } from '../kinds';
import type { Parser } from '../parser';
import { OWNERSHIP_WORDS, isOperatorName } from './common';
import { parseExpression, parseString } from './expressions';
import { parseAngleList } from './generics';

export function startsType(p: Parser): boolean {
  switch (p.peek()) {
    case K.Ident: return !p.isWord('where');
    case K.Amp: case K.Caret: case K.At: case K.Star: case K.LBracket: case K.Hash: case K.LParen: case K.Int: case K.Quote:
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

export function parseType(p: Parser): void {
  const m = p.mark();
  const k = p.peek();
  if (k === K.Amp || k === K.Caret || k === K.At || k === K.Star) {
    p.bump();
    if (k === K.Amp && p.peek() === K.Amp) p.bump();
    parseType(p);
    p.finish(K.OwnershipType, m);
    return;
  }
  if (k === K.Ident && OWNERSHIP_WORDS.has(p.tokenText()) && p.peek(1) !== K.Comma && p.peek(1) !== K.Gt && startsTypeAt(p, 1)) {
    p.bump();
    parseType(p);
    p.finish(K.OwnershipType, m);
    return;
  }
  if (k === K.Quote) {
    p.bump();
    if (p.peek() === K.Ident && p.tightWithPrevious()) p.bump();
    if (startsType(p)) parseType(p);
    p.finish(K.RegionType, m);
    return;
  }
  if (k === K.Ident && p.peek(1) === K.Quote && p.tight(0)) {
    p.bump();
    p.bump();
    if (startsType(p) && !p.isWord('imm') && !p.isWord('ro') && !p.isWord('rw') && !p.isWord('additive')) parseType(p);
    p.finish(K.RegionType, m);
    return;
  }
  if (k === K.LBracket || (k === K.Hash && p.peek(1) === K.LBracket)) {
    parseArrayHead(p);
    if (p.peek() === K.Lt && p.isAngle()) parseAngleList(p, K.GenericArgList, K.TypeSeq);
    if (startsType(p)) parseType(p);
    p.finish(K.ArrayType, m);
    return;
  }
  if (k === K.LParen) {
    p.bump();
    while (p.peek() !== K.RParen && p.peek() !== K.EOF) {
      const before = p.here();
      parseTypeSeq(p, true);
      if (!p.movedSince(before)) break;
      if (!p.eat(K.Comma)) break;
    }
    p.expect(K.RParen, "')'");
    p.finish(K.TupleType, m);
    return;
  }
  if (k === K.Int) {
    p.bump();
    p.finish(K.LiteralType, m);
    return;
  }
  if (k === K.StringStart) {
    parseString(p);
    p.finish(K.LiteralType, m);
    return;
  }
  if (k === K.Ident) {
    if (p.isWord('func')) {
      p.bump();
      const k1 = p.peek();
      if (k1 === K.Ident || isOperatorName(k1) && (k1 !== K.Lt || p.peek(1) === K.LParen)) {
        const n = p.mark();
        p.bump();
        p.finish(K.Name, n);
      }
      if (p.peek() === K.Lt && p.isAngle()) parseAngleList(p, K.GenericParamList, K.GenericParam);
      if (p.peek() === K.LParen) {
        parseTypeTuple(p);
      } else {
        p.errorMissing("'(' and the parameter types");
      }
      if (startsType(p) && p.peek() !== K.LParen) parseType(p);
      p.finish(K.FuncType, m);
      return;
    }
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
    return;
  }
  p.errorMissing('a type');
}

export function startsTypeAt(p: Parser, n: number): boolean {
  switch (p.peek(n)) {
    case K.Ident: case K.Amp: case K.Caret: case K.At: case K.LBracket: case K.Hash: case K.LParen: case K.Quote:
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
