import type { CProgram } from '../layout/cprogram';
import type { Source } from '../syntax';
import { type FunctionDecl, type KindDecl, itemRangeOf } from '../model/declarations';
import { type TypeRef, shapedType } from '../model/types';

export interface CompletionAt {
  readonly label: string;
  readonly kind: 'struct' | 'interface' | 'keyword' | 'property' | 'snippet' | 'type';
  /** The C side, where there is one: `vtest_Ship*`, `int32_t`, an offset. */
  readonly detail?: string;
  /** Snippet text (`${1:name}` placeholders) when it differs from the label. */
  readonly snippet?: string;
  /** Orders the list: the likeliest first. */
  readonly rank: number;
}

const PRIMITIVES: readonly [string, string][] = [
  ['int', 'int32_t'],
  ['i64', 'int64_t'],
  ['bool', 'int8_t'],
  ['float', 'double'],
  ['str', 'ValeStr*'],
  ['void', 'void'],
];

const KEYWORDS = ['exported', 'extern', 'sealed', 'imm', 'struct', 'interface', 'func', 'impl', 'export', 'import'];

/** A snippet's tab stop `${n:text}` (built, not written, so it is not taken for a template string). */
const stop = (n: number, text: string): string => `$${'{'}${n}:${text}}`;

const inside = (r: { start: number; end: number }, offset: number): boolean => r.start < offset && offset <= r.end;

/** Whether the offset is in the function's body. */
const inBodyOf = (f: FunctionDecl, offset: number): boolean =>
  f.bodyStart !== undefined && f.bodyEnd !== undefined && f.bodyStart < offset && offset <= f.bodyEnd;

/**
 * Completions at an offset of a Vale file. After `name.`: the members of the kind of the
 * enclosing function's parameter `name`. In a struct body or a function header: kinds visible
 * from the file (their C names in the detail), primitives, the array forms. Elsewhere: the same,
 * after the keywords and attributes and a snippet for a new `extern func`.
 */
export function completionsAt(program: CProgram, file: string, text: Source, offset: number): CompletionAt[] {
  const index = program.index;
  const model = index.model(file);
  if (!model) return [];
  const before = text.slice(Math.max(0, offset - 200), offset);
  const member = /([A-Za-z_]\w*)\.\w*$/.exec(before);
  if (member) {
    const fn = model.functions.find((f) => inBodyOf(f, offset));
    const param = fn?.params.find((p) => p.name === member[1]);
    const r = param ? index.resolve(file, param.type) : undefined;
    if (r?.tag !== 'declared') return [];
    const kind = program.kindOfDecl(r.decl, false);
    const layout = kind && program.layout(kind);
    return r.decl.members.map((m, i) => {
      const f = layout?.fields.find((x) => x.name === m.name);
      return { label: m.name, kind: 'property', detail: f ? `${f.type.text} at offset ${f.offset}` : m.type.text, rank: i };
    });
  }
  const inBody = model.functions.some((f) => inBodyOf(f, offset));
  const inKind = model.kinds.some((k) => inside(itemRangeOf(k), offset));
  const inHeader = model.functions.some((f) => f.itemStart < offset && offset <= f.headerEnd);
  const typePosition = inKind || inHeader;
  const out: CompletionAt[] = [];
  const typeRank = typePosition ? 0 : 100;
  const seen = new Set<string>();
  for (const names of index.visibleKindNames(file)) {
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      const ref: TypeRef = shapedType({ tag: 'named', name, args: [], text: name, start: 0, end: 0, ownership: '' });
      const r = index.resolve(file, ref);
      const decl: KindDecl | undefined = r.tag === 'declared' ? r.decl : undefined;
      const kind = decl && program.kindOfDecl(decl, false);
      out.push({
        label: name,
        kind: decl?.tag === 'interface' ? 'interface' : 'struct',
        detail: kind
          ? `C ${program.layout(kind).cName}`
          : decl
            ? `${decl.mutability === 'imm' ? 'imm ' : ''}${decl.tag}, not exported`
            : undefined,
        rank: typeRank + (kind ? 0 : 1),
      });
    }
  }
  PRIMITIVES.forEach(([name, c], i) => out.push({ label: name, kind: 'type', detail: c, rank: typeRank + 2 + i / 10 }));
  out.push({
    label: '[]<imm>T',
    kind: 'snippet',
    detail: 'an immutable array (export it to cross)',
    snippet: `[]<imm>${stop(1, 'int')}`,
    rank: typeRank + 3,
  });
  out.push({
    label: '[#N]<imm>T',
    kind: 'snippet',
    detail: 'a static-sized immutable array',
    snippet: `[#${stop(1, '3')}]<imm>${stop(2, 'int')}`,
    rank: typeRank + 3,
  });
  if (!typePosition && !inBody) {
    KEYWORDS.forEach((k, i) => out.push({ label: k, kind: 'keyword', rank: 10 + i / 100 }));
    out.push({
      label: 'extern func',
      kind: 'snippet',
      detail: 'a function implemented in C',
      snippet: `extern func ${stop(1, 'name')}(${stop(2, 'x')} ${stop(3, 'int')}) ${stop(4, 'int')};`,
      rank: 5,
    });
  }
  return out.sort((a, b) => a.rank - b.rank || (a.label < b.label ? -1 : 1));
}
