import type { CProgram } from '../layout/cprogram';
import { functionC } from '../layout/header';
import { type FileModel, type OffsetRange, itemRangeOf, nameRangeOf } from '../model/declarations';
import type { ProgramIndex } from '../model/program';

export type OutlineKind = 'struct' | 'interface' | 'field' | 'function' | 'export';

export interface OutlineSymbol {
  readonly name: string;
  readonly detail: string;
  readonly kind: OutlineKind;
  /** The whole item, and the name to select. */
  readonly range: OffsetRange;
  readonly selection: OffsetRange;
  readonly children: readonly OutlineSymbol[];
}

/** The outline of one file: kinds with their fields, functions, export lines. */
export function documentSymbols(model: FileModel): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  for (const k of model.kinds) {
    const flags = [k.exported ? 'exported' : '', k.sealed ? 'sealed' : '', k.mutability].filter(Boolean).join(' ');
    out.push({
      name: k.name,
      detail: flags,
      kind: k.tag,
      range: itemRangeOf(k),
      selection: nameRangeOf(k),
      children: k.members.map((m) => ({
        name: m.name,
        detail: m.type.text,
        kind: 'field' as const,
        range: { start: m.nameStart, end: m.type.end },
        selection: nameRangeOf(m),
        children: [],
      })),
    });
  }
  for (const f of model.functions) {
    const flags = [f.extern ? 'extern' : '', f.exported ? 'exported' : '', f.builtin ? `builtin ${f.builtin}` : '']
      .filter(Boolean)
      .join(' ');
    out.push({ name: f.name, detail: flags, kind: 'function', range: itemRangeOf(f), selection: nameRangeOf(f), children: [] });
  }
  for (const e of model.exports)
    out.push({
      name: e.name,
      detail: `export ${e.type.text}`,
      kind: 'export',
      range: itemRangeOf(e),
      selection: nameRangeOf(e),
      children: [],
    });
  return out.sort((a, b) => a.range.start - b.range.start);
}

export interface WorkspaceSymbol {
  readonly name: string;
  readonly kind: OutlineKind;
  readonly file: string;
  readonly range: OffsetRange;
  readonly container: string;
}

/** Kinds, fields and functions whose name contains the query's characters in order (case-insensitive). */
export function workspaceSymbols(index: ProgramIndex, query: string, limit = 500): WorkspaceSymbol[] {
  const q = query.toLowerCase();
  const matches = (name: string): boolean => {
    let i = 0;
    for (const c of name.toLowerCase()) if (c === q[i]) i++;
    return i === q.length;
  };
  const out: WorkspaceSymbol[] = [];
  for (const [file, m] of [...index.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const k of m.kinds) {
      if (matches(k.name)) out.push({ name: k.name, kind: k.tag, file, range: nameRangeOf(k), container: m.package });
      for (const f of k.members)
        if (matches(f.name)) out.push({ name: f.name, kind: 'field', file, range: nameRangeOf(f), container: k.name });
    }
    for (const f of m.functions)
      if (matches(f.name)) out.push({ name: f.name, kind: 'function', file, range: nameRangeOf(f), container: m.package });
    if (out.length >= limit) break;
  }
  return out.slice(0, limit);
}

export interface Lens {
  readonly range: OffsetRange;
  readonly title: string;
  /** The header the lens opens: an exported kind's or an FFI function's name. */
  readonly header: string;
}

/** Code lenses: the size of exported kinds, what crosses for FFI functions. */
export function codeLenses(program: CProgram, file: string): Lens[] {
  const model = program.index.model(file);
  if (!model) return [];
  const out: Lens[] = [];
  for (const k of program.kindsInFile(file)) {
    const l = program.layout(k);
    const message = program.staticMessageSize(k);
    out.push({
      range: k.range,
      title: `${l.cName}: ${l.size} bytes, align ${l.align}${message !== null ? `, message ${message} bytes` : ''}${k.mutability === 'mut' ? ' (universal reference)' : ''}`,
      header: k.exportName,
    });
  }
  for (const f of model.functions) {
    if (!f.extern && !(f.exported && f.name !== 'main')) continue;
    const c = functionC(program, f, model.package);
    const what = (t: (typeof c.params)[number]): string =>
      t.type.form === 'scalar' || t.type.form === 'void'
        ? 'value'
        : t.type.string
          ? 'string'
          : t.type.kind?.mutability === 'mut'
            ? 'reference'
            : 'message';
    const parts = c.params.map((p, i) => `${f.params[i].name}: ${what(p)}`);
    out.push({ range: nameRangeOf(f), title: `C ${c.userName}(${parts.join(', ')})${c.ret ? ` → ${what(c.ret)}` : ''}`, header: f.name });
  }
  return out.sort((a, b) => a.range.start - b.range.start);
}
