import { SyntaxKind as K } from '../kinds';
import type { Parser } from '../parser';
import { ATTRIBUTES, PARAMS_END, describe, isOperatorName } from './common';
import { parseString } from './expressions';
import { parseAngleList, parseWhere } from './generics';
import { parsePattern } from './patterns';
import { parseBlock } from './statements';
import { parseType, parseTypeSeq, startsType } from './types';

export function parseItem(p: Parser): void {
  const m = p.mark();
  parseAttributes(p);
  // Vale's lexer takes `funky` for `func` (Lexer.scala).
  if (p.isWord('func') || p.isWord('funky')) parseFunction(p, m);
  else if (p.isWord('struct')) parseStruct(p, m);
  else if (p.isWord('interface') || p.isWord('trait')) parseInterface(p, m);
  else if (p.isWord('impl')) parseImpl(p, m);
  else if (p.isWord('import')) parseImport(p, m);
  else if (p.isWord('export')) parseExportAs(p, m);
  else {
    p.errorMissing("'func', 'struct', 'interface' or 'impl' after the attributes");
    p.finish(K.FunctionItem, m);
  }
}

export function parseAttributes(p: Parser): void {
  for (;;) {
    if (p.peek() === K.Hash && (p.peek(1) === K.Bang || p.peek(1) === K.Ident) && p.tight(0)) {
      const m = p.mark();
      p.bump();
      if (p.peek() === K.Bang && p.tight(0)) p.bump();
      if (p.peek() === K.Ident) p.bump();
      else p.errorMissing('an attribute name');
      p.finish(K.Attribute, m);
      continue;
    }
    const word = p.wordIn(ATTRIBUTES);
    if (word === '') return;
    const m = p.mark();
    p.bump();
    if (word === 'extern' && p.peek() === K.LParen) {
      p.bump();
      if (p.peek() === K.StringStart) parseString(p);
      else p.errorMissing('the C name as a string');
      p.expect(K.RParen, "')'");
    }
    p.finish(K.Attribute, m);
  }
}

export function parseName(p: Parser, what: string): boolean {
  if (p.peek() !== K.Ident) {
    p.errorMissing(what);
    return false;
  }
  const m = p.mark();
  p.bump();
  p.finish(K.Name, m);
  return true;
}

/** A function item; `inCitizen`: a method in an interface's body, whose parameters may omit their types. */
export function parseFunction(p: Parser, m: number, inCitizen = false): void {
  p.bump(); // func
  if (p.peek() === K.Ident || isOperatorName(p.peek())) {
    const n = p.mark();
    p.bump();
    p.finish(K.Name, n);
  } else {
    p.errorMissing('a function name');
  }
  if (p.peek() === K.Lt && p.isAngle()) parseAngleList(p, K.GenericParamList, K.GenericParam);
  if (p.peek() === K.LParen) parseParamList(p, !inCitizen);
  else if (p.peek() === K.Ident) {
    // `func f x T {` reads as a header without parentheses (one scratch file
    // in Vale's repository has it); say so without failing the file.
    const at = p.prevEnd();
    p.error("expected '(' and the parameters; reading the rest of the header as its return type", at, at, true);
  } else p.errorMissing("'(' and the parameters");
  if (!atFunctionHeaderEnd(p)) {
    const r = p.mark();
    parseTypeSeq(p, false);
    p.finish(K.ReturnType, r);
  }
  if (p.isWord('where')) parseWhere(p);
  if (p.peek() === K.LBrace) {
    const b = p.mark();
    parseBlock(p);
    p.finish(K.FunctionBody, b);
  } else if (!p.eat(K.Semi)) {
    p.errorMissing("'{' or ';'");
  }
  p.finish(K.FunctionItem, m);
}

export function atFunctionHeaderEnd(p: Parser): boolean {
  const k = p.peek();
  return k === K.LBrace || k === K.Semi || k === K.EOF || p.isWord('where') || p.atItemStart();
}

/** `(params)`; `typed`: each parameter needs a type (a named function's; LightFunctionMustHaveParamTypes). */
export function parseParamList(p: Parser, typed = false): void {
  const m = p.mark();
  p.bump(); // (
  while (p.peek() !== K.RParen && p.peek() !== K.EOF && !p.atItemBoundaryInBlock()) {
    const param = p.mark();
    const before = p.here();
    const start = p.start();
    if (parsePattern(p, false) && typed) {
      p.error('a parameter of a named function needs a type (only a lambda may leave it out)', start, p.prevEnd());
    }
    p.finish(K.Param, param);
    if (!p.movedSince(before) && PARAMS_END.has(p.peek())) break;
    p.skipIfStuck(before, 'a parameter');
    if (!p.eat(K.Comma)) {
      if (p.peek() !== K.RParen) {
        p.errorMissing("',' or ')'");
        if (p.peek() === K.LBrace || p.peek() === K.Semi) break;
      }
    }
  }
  p.expect(K.RParen, "')'");
  p.finish(K.ParamList, m);
}

/** `struct`/`interface` Name <generics>? mutability? where...? region R? */
export function parseKindHeader(p: Parser, nameWhat: string): void {
  p.bump(); // struct / interface / trait
  parseName(p, nameWhat);
  if (p.peek() === K.Lt && p.isAngle()) parseAngleList(p, K.GenericParamList, K.GenericParam);
  if (p.peek() !== K.LBrace && !p.isWord('where') && !p.isWord('region') && startsType(p)) parseTypeSeq(p, false);
  if (p.isWord('where')) parseWhere(p);
  if (p.isWord('region')) {
    p.bump();
    parseType(p);
  }
}

/**
 * A kind's members (a struct's, or an interface's methods), each turn of the list recording what
 * it read as a block's statements do (`Parser.looked`), so that an edit among many members
 * re-parses only those that read it (syntax/body.ts). `resync`, after each member: stop there (a
 * re-parse that has met the old tree again). Returns whether `resync` stopped it.
 */
export function parseMemberTurns(p: Parser, member: (p: Parser) => void, resync: (() => boolean) | undefined): boolean {
  for (;;) {
    const saved = p.lookFrom();
    const errors = p.errorCount();
    const from = p.stackTop();
    const going = p.peek() !== K.RBrace && p.peek() !== K.EOF && !p.atItemBoundaryInBlock();
    if (going) member(p);
    p.looked(saved, going, errors, from);
    if (!going) return false;
    if (resync?.()) return true;
  }
}

export function parseStruct(p: Parser, m: number): void {
  parseKindHeader(p, 'a struct name');
  if (p.peek() === K.LBrace) {
    const b = p.mark();
    p.bump();
    parseMemberTurns(p, parseStructMember, undefined);
    p.expect(K.RBrace, "'}' to close the struct");
    p.finish(K.StructBody, b);
  } else {
    p.errorMissing("'{' and the struct's members");
  }
  p.finish(K.StructItem, m);
}

export function parseStructMember(p: Parser): void {
  const m = p.mark();
  const k = p.peek();
  if (k === K.Ident || k === K.Int) {
    const n = p.mark();
    p.bump();
    p.finish(K.Name, n);
    if (p.peek() === K.Bang) p.bump(); // varying
    if (p.peek() === K.DotDot) p.bump(); // variadic
    if (startsType(p)) parseType(p);
    else p.errorMissing("the member's type");
    // Vale reads a member's name and type and ignores what follows up to the `;`
    // (`x MyHashSet<bool>();` is accepted): say so, since a `;` is often what is missing.
    const k2 = p.peek();
    if (k2 !== K.Semi && k2 !== K.RBrace && k2 !== K.EOF && !p.atItemBoundaryInBlock()) {
      const start = p.start();
      while (p.peek() !== K.Semi && p.peek() !== K.RBrace && p.peek() !== K.EOF && !p.atItemBoundaryInBlock()) p.bump();
      const end = p.prevEnd();
      const ignored = p.textBetween(start, end);
      p.error(
        `Vale ignores ${JSON.stringify(ignored.length > 40 ? `${ignored.slice(0, 40)}…` : ignored)} after the member's type, up to ';' (is a ';' missing?)`,
        start,
        end,
        true,
      );
    }
  } else {
    p.error(`expected a member (name and type), found ${describe(k, p.tokenText())}`);
    while (p.peek() !== K.Semi && p.peek() !== K.RBrace && p.peek() !== K.EOF && !p.atItemBoundaryInBlock()) p.bump();
  }
  if (!p.eat(K.Semi) && p.peek() !== K.RBrace) p.errorMissing("';'");
  p.finish(k === K.Ident || k === K.Int ? K.StructMember : K.Error, m);
}

export function parseInterface(p: Parser, m: number): void {
  parseKindHeader(p, 'an interface name');
  if (p.peek() === K.LBrace) {
    const b = p.mark();
    p.bump();
    parseMemberTurns(p, parseInterfaceMember, undefined);
    p.expect(K.RBrace, "'}' to close the interface");
    p.finish(K.InterfaceBody, b);
  } else {
    p.errorMissing("'{'");
  }
  p.finish(K.InterfaceItem, m);
}

/** A method of an interface (`func …`, attributes before it), or what is there instead as an error. */
export function parseInterfaceMember(p: Parser): void {
  const f = p.mark();
  parseAttributes(p);
  if (p.isWord('func')) {
    parseFunction(p, f, true);
  } else {
    p.error(`expected a method ('func ...'), found ${describe(p.peek(), p.tokenText())}`);
    while (p.peek() !== K.RBrace && p.peek() !== K.EOF && !p.isWord('func') && !p.atItemBoundaryInBlock()) p.bump();
    p.finish(K.Error, f);
  }
}

export function parseImpl(p: Parser, m: number): void {
  p.bump(); // impl
  if (p.peek() === K.Lt && p.isAngle()) parseAngleList(p, K.GenericParamList, K.GenericParam);
  if (startsType(p)) parseType(p);
  else p.errorMissing('the interface');
  if (p.eatWord('for')) {
    if (startsType(p)) parseType(p);
    else p.errorMissing('the struct');
  } else {
    p.errorMissing("'for'");
  }
  if (p.isWord('where')) parseWhere(p);
  p.expect(K.Semi, "';'");
  p.finish(K.ImplItem, m);
}

export function parseImport(p: Parser, m: number): void {
  p.bump(); // import
  const path = p.mark();
  for (;;) {
    if (p.peek() === K.Ident || p.peek() === K.Star) p.bump();
    else {
      p.errorMissing('a module, package or name');
      break;
    }
    if (!p.eat(K.Dot)) break;
  }
  p.finish(K.ImportPath, path);
  p.expect(K.Semi, "';'");
  p.finish(K.ImportItem, m);
}

export function parseExportAs(p: Parser, m: number): void {
  p.bump(); // export
  if (startsType(p)) parseType(p);
  else p.errorMissing('the type to export');
  if (p.eatWord('as')) parseName(p, 'the exported name');
  else p.errorMissing("'as' and a name");
  p.expect(K.Semi, "';'");
  p.finish(K.ExportAsItem, m);
}
