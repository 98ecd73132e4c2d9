import { SyntaxKind as K } from '../kinds';
import type { Parser } from '../parser';
import { parseType, startsType } from './types';

/**
 * Patterns of lets, parameters, lambdas and foreach: `x`, `x int`, `_`,
 * `virtual this IShip`, `&self`, `[a, b]`, `Ship[x, y]`, `opt Opt<K>`.
 */
/** Parses a pattern; true when it is a bare name (no type, no destructure). */
export function parsePattern(p: Parser, inLet: boolean): boolean {
  if (!p.enterNesting()) return false;
  const bare = parsePatternNested(p, inLet);
  p.leaveNesting();
  return bare;
}

function parsePatternNested(p: Parser, inLet: boolean): boolean {
  const m = p.mark();
  let bare = false;
  if (p.isWord('virtual') && p.peek(1) !== K.Comma && p.peek(1) !== K.RParen) p.bump();
  if (p.isWord('set') && p.peek(1) === K.Ident) p.bump();
  // PatternParser: `set` with nothing after it is CantUseThatLocalName.
  else if (p.isWord('set') && (p.peek(1) === K.Comma || p.peek(1) === K.RBracket || p.peek(1) === K.RParen || p.peek(1) === K.Eq))
    p.error('`set` cannot be the name of a local');
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
    else bare = p.peek() !== K.LBracket;
  } else if (k !== K.LBracket && startsType(p)) {
    parseType(p);
  }
  if (p.peek() === K.LBracket) parseDestructure(p, inLet);
  p.finish(K.Pattern, m);
  return bare;
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
