import type { Diagnostic } from '../diagnostics';
import { nameRangeOf } from '../model/declarations';
import type { CProgram } from './cprogram';
import { type GeneratedHeader, allHeaders } from './header';

export const STALE_GENERATED_HEADER = 'StaleGeneratedHeader';

/**
 * The headers a real Vale build wrote (`<output_dir>/include/<project>/*.h`), read by a shell:
 * the core does no I/O. `headers` maps a header's name (`Ship` for `Ship.h`) to its text.
 */
export interface BuiltHeaders {
  readonly project: string;
  /** How messages name the directory, e.g. `build/include/vtest`. */
  readonly directory: string;
  readonly headers: ReadonlyMap<string, string>;
}

/** The `<Iface>_Type_<Struct>` numbers of one built interface header, by struct export name. */
export function builtTags(built: BuiltHeaders, iface: string): ReadonlyMap<string, number> | undefined {
  const text = built.headers.get(iface);
  if (text === undefined) return undefined;
  const prefix = `${built.project ? `${built.project}_` : ''}${iface}_Type_`;
  const tags = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^\s*#define\s+(\S+)\s+(\d+)\s*$/.exec(line);
    if (m?.[1].startsWith(prefix)) tags.set(m[1].slice(prefix.length), Number(m[2]));
  }
  return tags;
}

/** A header's meaningful lines: spacing normalized, blank lines dropped. */
function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter((l) => l !== '');
}

function differences(built: string, now: string): { gone: string[]; added: string[]; reordered?: true } | undefined {
  const a = lines(built);
  const b = lines(now);
  if (a.length === b.length && a.every((l, i) => l === b[i])) return undefined;
  const inB = new Set(b);
  const inA = new Set(a);
  const gone = a.filter((l) => !inB.has(l));
  const added = b.filter((l) => !inA.has(l));
  // Same lines in another order: a member moved.
  if (gone.length === 0 && added.length === 0) return { gone, added, reordered: true };
  return { gone, added };
}

function quote(list: readonly string[]): string {
  const shown = list.slice(0, 3).map((l) => `\`${l}\``);
  if (list.length > 3) shown.push(`and ${list.length - 3} more`);
  return shown.join(', ');
}

function declaredAt(h: GeneratedHeader): { file: string; start: number; end: number } | undefined {
  if (h.kind) {
    const at = h.kind.decl ? nameRangeOf(h.kind.decl) : h.kind.range;
    return { file: h.kind.decl?.file ?? h.kind.file, start: at.start, end: at.end };
  }
  if (h.function) return { file: h.function.file, start: h.function.nameStart, end: h.function.nameEnd };
  return undefined;
}

/** Where a kind or function of that name is declared, for a built header the source no longer generates. */
function declarationNamed(program: CProgram, name: string): { file: string; start: number; end: number; what: string } | undefined {
  for (const m of program.index.files.values()) {
    const k = m.kinds.find((d) => d.name === name);
    if (k) return { file: m.path, start: k.nameStart, end: k.nameEnd, what: `${k.tag} ${name}` };
    const f = m.functions.find((d) => d.name === name);
    if (f) return { file: m.path, start: f.nameStart, end: f.nameEnd, what: `func ${name}` };
  }
  return undefined;
}

/**
 * `StaleGeneratedHeader`: every built header that no longer matches what the current source
 * generates (a member added, removed, retyped or reordered; a signature changed; a kind or
 * function no longer exported), on the Vale declaration, with the differing lines.
 */
export function staleHeaderDiagnostics(program: CProgram, built: BuiltHeaders): Diagnostic[] {
  const now = new Map<string, GeneratedHeader>();
  for (const h of allHeaders(program)) if (!now.has(h.name)) now.set(h.name, h);
  const out: Diagnostic[] = [];
  const rebuild = 'C compiled against it disagrees with the program; rebuild (or regenerate the headers) before compiling the C side';
  for (const [name, text] of built.headers) {
    if (name === 'ValeBuiltins') continue;
    const path = `${built.directory}/${name}.h`;
    const h = now.get(name);
    if (!h) {
      const d = declarationNamed(program, name);
      if (!d) continue;
      out.push({
        ...d,
        severity: 'warning',
        code: STALE_GENERATED_HEADER,
        message: `${path} declares ${d.what}, which the source no longer exports: ${rebuild}.`,
      });
      continue;
    }
    const diff = differences(text, h.text);
    const at = diff && declaredAt(h);
    if (!diff || !at) continue;
    const parts = diff.reordered
      ? ['it has the same lines in another order (a member moved)']
      : diff.gone.length && diff.added.length
        ? [`it has ${quote(diff.gone)} where the source now generates ${quote(diff.added)}`]
        : diff.added.length
          ? [`it lacks ${quote(diff.added)}, which the source now generates`]
          : [`it has ${quote(diff.gone)}, which the source no longer generates`];
    out.push({
      ...at,
      severity: 'warning',
      code: STALE_GENERATED_HEADER,
      message: `${path} was generated from an older ${h.kind ? h.kind.valeName : `func ${name}`}: ${parts.join('')}. ${rebuild}.`,
    });
  }
  return out;
}
