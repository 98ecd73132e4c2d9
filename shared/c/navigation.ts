/**
 * Navigation across the boundary: what a generated name in C stands for on the Vale side, where
 * C uses or defines a Vale kind or FFI function, and the hovers of generated names in C.
 */
import type { Location } from '../diagnostics';
import type { CField, CKind, CProgram } from '../layout/cprogram';
import { formatNumber, functionHover, kindHover, markdownText, type NumberFormat } from '../ide/hover';
import { type FunctionDecl, type MemberDecl, nameRangeOf } from '../model/declarations';
import { boundaryOf, canonicalCType } from './checks';
import type { CFileSummary, CRange } from './reader';

export type CSymbol =
  | { readonly tag: 'kind'; readonly range: CRange; readonly kind: CKind }
  | { readonly tag: 'function'; readonly range: CRange; readonly fn: FunctionDecl; readonly pkg: string }
  | {
      readonly tag: 'tag';
      readonly range: CRange;
      readonly name: string;
      readonly iface: CKind;
      readonly sub: CKind;
      readonly index: number;
    }
  | { readonly tag: 'field'; readonly range: CRange; readonly kind: CKind; readonly field: CField; readonly member?: MemberDecl };

const inside = (r: CRange, offset: number): boolean => r.start <= offset && offset <= r.end;

/** The Vale thing a generated name or a member access in C stands for. */
export function cSymbolAt(program: CProgram, c: CFileSummary, offset: number): CSymbol | undefined {
  const b = boundaryOf(program);
  for (const use of c.fields) {
    if (!inside(use.range, offset) || !use.baseType) continue;
    const canon = canonicalCType(use.baseType, c.typedefs).replace(/^const /, '');
    const kind = b.kind(use.arrow ? canon.replace(/\*$/, '') : canon);
    const field = kind && program.layout(kind).fields.find((f) => f.name === use.field);
    if (kind && field) return { tag: 'field', range: use.range, kind, field, member: kind.decl?.members.find((m) => m.name === use.field) };
  }
  for (const use of c.names) {
    if (!inside(use.range, offset)) continue;
    const kind = b.kind(use.name) ?? b.kindNamed(use.name);
    if (kind) return { tag: 'kind', range: use.range, kind };
    const fn = b.extern(use.name) ?? b.exported(use.name);
    if (fn) return { tag: 'function', range: use.range, fn: fn.f, pkg: fn.pkg };
    const tag = b.tag(use.name);
    if (tag) return { tag: 'tag', range: use.range, name: use.name, iface: tag.iface, sub: tag.sub, index: tag.all.indexOf(use.name) };
  }
  return undefined;
}

/** Where a C symbol is declared in Vale. */
export function cSymbolTarget(s: CSymbol): Location | undefined {
  switch (s.tag) {
    case 'kind':
      return s.kind.decl ? { file: s.kind.decl.file, ...nameRangeOf(s.kind.decl) } : { file: s.kind.file, ...s.kind.range };
    case 'function':
      return { file: s.fn.file, ...nameRangeOf(s.fn) };
    case 'tag':
      return s.sub.decl ? { file: s.sub.decl.file, ...nameRangeOf(s.sub.decl) } : { file: s.sub.file, ...s.sub.range };
    case 'field':
      return s.member && s.kind.decl ? { file: s.kind.decl.file, ...nameRangeOf(s.member) } : undefined;
  }
}

/** The hover of a C symbol: the Vale declaration, its C layout, a field's offset, a tag's meaning. */
export function cSymbolHover(program: CProgram, s: CSymbol, fmt: NumberFormat): string {
  switch (s.tag) {
    case 'kind':
      return kindHover(program, s.kind, fmt);
    case 'function':
      return functionHover(program, s.fn, s.pkg);
    case 'tag': {
      const tags = program.interfaceTags(s.iface);
      const lines = [
        `**${s.name}** = ${s.index}: the \`type\` of a \`${program.cName(s.iface)}\` whose \`obj\` is a \`${program.cName(s.sub)}*\` (Vale: ${markdownText(s.sub.valeName)} as ${markdownText(s.iface.valeName)})`,
      ];
      if (!tags.certain) lines.push('', `The backend may number these differently: ${tags.caveats.join('; ')}.`);
      return lines.join('\n');
    }
    case 'field': {
      const l = program.layout(s.kind);
      return `**${s.kind.valeName}.${s.field.name}** — \`${s.field.type.text}\`\n\noffset ${formatNumber(s.field.offset, fmt)}, size ${formatNumber(s.field.size, fmt)}, align ${s.field.align} in \`${l.cName}\``;
    }
  }
}

/** Every C use of a Vale kind (its C names) or FFI function (definitions, declarations, calls). */
export function cUses(
  program: CProgram,
  files: Iterable<readonly [string, CFileSummary]>,
  target: { readonly kind: CKind } | { readonly fn: FunctionDecl },
): Location[] {
  const names = new Set<string>();
  if ('kind' in target) {
    names.add(program.cName(target.kind));
    names.add(program.layout(target.kind).cName);
  } else {
    const b = boundaryOf(program);
    for (const name of [b.named(target.fn, true), b.named(target.fn, false)]) if (name !== undefined) names.add(name);
  }
  const out: Location[] = [];
  for (const [file, c] of files) for (const use of c.names) if (names.has(use.name)) out.push({ file, ...use.range });
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start));
}

/** The C definitions of an extern function (where go-to-definition on the Vale extern leads). */
export function cDefinitions(program: CProgram, files: Iterable<readonly [string, CFileSummary]>, fn: FunctionDecl): Location[] {
  const out: Location[] = [];
  const name = boundaryOf(program).named(fn, true);
  if (name !== undefined)
    for (const [file, c] of files) for (const d of c.functions) if (d.definition && d.name === name) out.push({ file, ...d.nameRange });
  return out;
}

/** `#include "<project>/<Name>.h"` lines that name a header the backend generates: document links. */
export function generatedIncludes(program: CProgram, c: CFileSummary): { range: CRange; header: string }[] {
  const b = boundaryOf(program);
  const prefix = `${program.project}/`;
  return c.includes
    .filter((i) => i.path.startsWith(prefix) && b.hasHeader(i.path.slice(prefix.length, -2)) && i.path.endsWith('.h'))
    .map((i) => ({ range: i.range, header: i.path.slice(prefix.length, -2) }));
}
