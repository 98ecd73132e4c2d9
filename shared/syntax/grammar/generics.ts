import { SyntaxKind as K } from '../kinds';
import type { Parser } from '../parser';
import { ANGLES_END } from './common';
import { parseTypeSeq } from './types';

/** `<...>` lists: generic parameters or arguments; each element a TypeSeq with an optional `= default`. */
export function parseAngleList(p: Parser, kind: K, itemKind: K): void {
  const m = p.mark();
  p.bump(); // <
  while (!(p.peek() === K.Gt && p.isAngle()) && p.peek() !== K.EOF) {
    const k = p.peek();
    if (ANGLES_END.has(k)) break;
    const e = p.mark();
    const before = p.here();
    parseTypeSeq(p, true, false);
    if (p.eat(K.Eq)) parseTypeSeq(p, true);
    p.finish(itemKind, e);
    p.skipIfStuck(before, 'a generic parameter or argument');
    if (!p.eat(K.Comma) && !(p.peek() === K.Gt && p.isAngle())) {
      p.errorMissing("',' or '>'");
      break;
    }
  }
  p.expect(K.Gt, "'>'");
  p.finish(kind, m);
}

export function parseWhere(p: Parser): void {
  const m = p.mark();
  p.bump(); // where
  const saved = p.inRules;
  p.inRules = true;
  do {
    const r = p.mark();
    const before = p.here();
    if (p.isWord('pure') && p.isWord('func', 1)) p.bump();
    parseTypeSeq(p, true);
    if (p.eat(K.Eq)) parseTypeSeq(p, true);
    p.finish(K.Rule, r);
    if (!p.movedSince(before)) {
      p.errorMissing('a rule');
      break;
    }
  } while (p.eat(K.Comma));
  p.inRules = saved;
  p.finish(K.WhereClause, m);
}
