import { SyntaxKind as K } from '../kinds';
import type { Parser } from '../parser';
import { parseType, startsType } from './types';

/**
 * Patterns of lets, parameters, lambdas and foreach: `x`, `x int`, `_`,
 * `virtual this IShip`, `&self`, `[a, b]`, `Ship[x, y]`, `opt Opt<K>`.
 */
export function parsePattern(p: Parser, inLet: boolean): void {
  if (!p.enterNesting()) return;
  parsePatternNested(p, inLet);
  p.leaveNesting();
}

function parsePatternNested(p: Parser, inLet: boolean): void {
  const m = p.mark();
  if (p.isWord('virtual') && p.peek(1) !== K.Comma && p.peek(1) !== K.RParen) p.bump();
  if (p.isWord('set') && p.peek(1) === K.Ident) p.bump();
  const k = p.peek();
  if (k === K.Amp && p.isWord('self', 1)) {
    p.bump();
    const n = p.mark();
    p.bump();
    p.finish(K.Name, n);
  } else if (k === K.Ident && !(p.peek(1) === K.LBracket && p.tight(0)) && !(p.peek(1) === K.Lt && p.isAngle(1))) {
    const n = p.mark();
    p.bump();
    p.finish(K.Name, n);
    if (p.peek() === K.Bang) p.bump();
    if (startsType(p) && !(inLet && p.peek() === K.LBracket) && !p.isWord('in')) parseType(p);
  } else if (k !== K.LBracket && startsType(p)) {
    parseType(p);
  }
  if (p.peek() === K.LBracket) parseDestructure(p, inLet);
  p.finish(K.Pattern, m);
}

export function parseDestructure(p: Parser, inLet: boolean): void {
  const m = p.mark();
  p.bump(); // [
  while (p.peek() !== K.RBracket && p.peek() !== K.EOF) {
    const before = p.here();
    parsePattern(p, inLet);
    if (!p.movedSince(before)) {
      p.errorMissing('a pattern');
      break;
    }
    if (!p.eat(K.Comma)) break;
  }
  p.expect(K.RBracket, "']'");
  p.finish(K.DestructurePattern, m);
}
