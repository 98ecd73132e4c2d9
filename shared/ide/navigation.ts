import { type Decls, type FunctionDecl, type KindDecl, type MemberDecl, type OffsetRange, nameRangeOf } from '../model/declarations';
import type { ProgramIndex } from '../model/program';
import type { TypeRef } from '../model/types';

/** What sits under the cursor, as far as FFI questions go. */
export type SymbolAt =
  | { readonly tag: 'kind'; readonly range: OffsetRange; readonly decl?: KindDecl; readonly type?: TypeRef; readonly file: string }
  | { readonly tag: 'field'; readonly range: OffsetRange; readonly decl: KindDecl; readonly member: MemberDecl }
  | { readonly tag: 'function'; readonly range: OffsetRange; readonly fn: FunctionDecl };

const inside = (r: OffsetRange, offset: number): boolean => r.start <= offset && offset <= r.end;

/** The innermost named or array type reference that covers an offset. */
export function typeAt(t: TypeRef, offset: number): TypeRef | undefined {
  if (!inside(t, offset)) return undefined;
  if (t.tag === 'array') return typeAt(t.element, offset) ?? t;
  if (t.tag === 'tuple') return t.elements.map((e) => typeAt(e, offset)).find((x) => x) ?? t;
  if (t.tag === 'named') return t.args.map((a) => typeAt(a, offset)).find((x) => x) ?? t;
  return t.tag === 'primitive' || t.tag === 'rune' || t.tag === 'other' ? undefined : t;
}

/** Every type reference a file (or one of its items) writes, with where it appears. */
export function typeRefsOf(model: Decls): TypeRef[] {
  const out: TypeRef[] = [];
  for (const k of model.kinds) for (const m of k.members) out.push(m.type);
  for (const f of model.functions) {
    for (const p of f.params) out.push(p.type);
    if (f.returnType) out.push(f.returnType);
  }
  for (const e of model.exports) out.push(e.type);
  for (const i of model.impls) out.push(i.interfaceType, i.structType);
  return out;
}

export function symbolAt(index: ProgramIndex, file: string, offset: number): SymbolAt | undefined {
  const model = index.model(file);
  if (!model) return undefined;
  // Only the items that hold the offset (or end at it) can name something there: found by a
  // binary search, so a hover in a long file places no other item's declarations.
  const before = model.itemContaining(offset - 1);
  const at = model.itemContaining(offset);
  const items = before && at && before !== at ? [before, at] : before ? [before] : at ? [at] : [];
  for (const item of items)
    for (const k of item.kinds) {
      if (inside(nameRangeOf(k), offset)) return { tag: 'kind', range: nameRangeOf(k), decl: k, file };
      for (const m of k.members) if (inside(nameRangeOf(m), offset)) return { tag: 'field', range: nameRangeOf(m), decl: k, member: m };
    }
  for (const item of items)
    for (const f of item.functions) if (inside(nameRangeOf(f), offset)) return { tag: 'function', range: nameRangeOf(f), fn: f };
  for (const ref of items.flatMap(typeRefsOf)) {
    const t = typeAt(ref, offset);
    if (!t) continue;
    const r = index.resolve(file, t);
    // The name itself, not the ownership or region before it.
    const nameRange =
      t.tag === 'named'
        ? { start: t.start + t.text.indexOf(t.name), end: t.start + t.text.indexOf(t.name) + t.name.length }
        : { start: t.start, end: t.end };
    return { tag: 'kind', range: nameRange, decl: r.tag === 'declared' ? r.decl : undefined, type: t, file };
  }
  return undefined;
}

/** Where a kind is used: every type reference in the workspace that resolves to it. */
export function referencesTo(index: ProgramIndex, decl: KindDecl): { file: string; range: OffsetRange }[] {
  const out: { file: string; range: OffsetRange }[] = [];
  const visit = (file: string, t: TypeRef): void => {
    if (t.tag === 'named') {
      // A name resolves to a kind of that name only: no other name is looked up.
      const r = t.name === decl.name ? index.resolve(file, { ...t, args: [] }) : undefined;
      if (r?.tag === 'declared' && r.decl === decl) {
        const start = t.start + t.text.indexOf(t.name);
        out.push({ file, range: { start, end: start + t.name.length } });
      }
      t.args.forEach((a) => visit(file, a));
    } else if (t.tag === 'array') visit(file, t.element);
    else if (t.tag === 'tuple') t.elements.forEach((e) => visit(file, e));
  };
  // Only the files with an item whose types name a kind of that name are looked at (each item keeps
  // the names its types name, across edits that do not re-parse it).
  const naming: [string, Decls][] = [];
  for (const [file, model] of index.files) if (model.items.some((item) => item.namesKind(decl.name))) naming.push([file, model]);
  for (const [file, model] of naming.sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const t of typeRefsOf(model)) visit(file, t);
  }
  return out;
}
