/**
 * C implementation skeletons for extern functions: the prototype the backend generates (with
 * the Vale parameter names), the includes it needs, how each argument crosses, and a body that
 * compiles without warnings and returns the zero value of the return type.
 */
import type { FileEdit } from '../diagnostics';
import type { CFieldType, CProgram } from '../layout/cprogram';
import { type FunctionC, functionC } from '../layout/header';
import type { FunctionDecl } from '../model/declarations';
import { signatureText } from '../model/program';
import { kindText } from '../model/types';
import type { CFileSummary } from './reader';

const C_KEYWORDS = new Set(
  'auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while _Bool _Complex _Imaginary bool true false NULL'.split(
    ' ',
  ),
);

/** A Vale parameter name as a C identifier (a C keyword gets a `_` after it). */
function cIdentifier(name: string): string {
  return C_KEYWORDS.has(name) ? `${name}_` : name;
}

/** A C type as written: a kind C has no name for (an unexported `[]<imm>int`) stays valid C as `void*`. */
function cType(t: CFieldType): string {
  return /^[A-Za-z_][A-Za-z0-9_ ]*\**$/.test(t.text) ? t.text : 'void*';
}

/** How a value crosses, for a comment. */
function crossing(t: CFieldType): string {
  if (t.form === 'void') return 'nothing';
  if (t.string) return 'a string, copied (ValeStr*)';
  if (t.bool) return 'a bool (int8_t, 0 or 1)';
  if (t.form === 'scalar') return `a value (${t.text})`;
  const k = t.kind;
  if (!k) return `${t.text}, which C has no definition of`;
  if (k.mutability === 'mut') return 'a universal reference (32 bytes, opaque to C)';
  if (k.category === 'interface') return 'an interface value: {obj, type}, obj points into a message';
  return 'a message, deep-copied, behind a pointer';
}

/** `return <zero>;` for a C return type, or nothing for void. */
function zeroReturn(c: FunctionC): string[] {
  const t = c.ret?.type;
  if (!t || t.form === 'void') return [];
  if (t.form === 'pointer') return ['  return NULL;'];
  if (t.form === 'inline' && cType(t) === t.text) return [`  ${t.text} result = {0};`, '  return result;'];
  if (t.form === 'inline') return ['  return NULL;'];
  return [t.text === 'double' ? '  return 0.0;' : '  return 0;'];
}

export interface ExternStub {
  readonly fn: FunctionDecl;
  /** The C name the backend calls (`<project>_<name>`). */
  readonly cName: string;
  /** `<project>/<name>.h`: the function's generated header (it includes its kinds' headers). */
  readonly header: string;
  /** The definition, comment included, ending with a newline. */
  readonly text: string;
}

/** The C definition of one extern, as the backend will call it. */
export function externStub(program: CProgram, fn: FunctionDecl, pkg: string): ExternStub {
  const c = functionC(program, fn, pkg);
  const names = fn.params.map((p) => cIdentifier(p.name));
  const params = [...c.params.map((p, i) => `${cType(p.type)} ${names[i]}`), ...c.sizeParams.map((i) => `ValeInt ${names[i]}Size`)];
  const ret = c.ret ? cType(c.ret.type) : 'void';
  const lines = [
    `// ${signatureText(fn)}`,
    ...fn.params.map(
      (p, i) =>
        `//   ${names[i]} (${kindText(p.type)}): ${crossing(c.params[i].type)}${c.sizeParams.includes(i) ? `; its message size in ${names[i]}Size` : ''}`,
    ),
    ...(c.ret ? [`//   returns ${kindText(c.ret.vale)}: ${crossing(c.ret.type)}`] : []),
    `${ret} ${c.userName}(${params.length > 0 ? params.join(', ') : 'void'}) {`,
    ...names.map((n) => `  (void)${n};`),
    ...c.sizeParams.map((i) => `  (void)${names[i]}Size;`),
    `  // TODO: implement ${fn.name}.`,
    ...zeroReturn(c),
    '}',
  ];
  return { fn, cName: c.userName, header: `${program.project}/${fn.name}.h`, text: `${lines.join('\n')}\n` };
}

/** The `#include` lines a set of stubs needs, once each, in order. */
export function stubIncludes(stubs: readonly ExternStub[], already: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const s of stubs) {
    if (already.has(s.header) || out.includes(`#include "${s.header}"`)) continue;
    out.push(`#include "${s.header}"`);
  }
  return out;
}

/** A whole C file defining the stubs: the headers first, then each definition. */
export function stubsFile(stubs: readonly ExternStub[]): string {
  const head = [
    '// C implementations of Vale extern functions, written by vale-ffi stubs.',
    '// Each prototype is the one the backend generates; its header below makes gcc check it.',
    ...stubIncludes(stubs),
  ];
  return `${[head.join('\n'), ...stubs.map((s) => s.text)].join('\n')}`;
}

/** The externs of the program that no C file defines (every one with `all`), in file order. */
export function missingExterns(program: CProgram, defined: ReadonlySet<string>, all = false): { fn: FunctionDecl; pkg: string }[] {
  const out: { fn: FunctionDecl; pkg: string }[] = [];
  const models = [...program.index.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const prefix = program.project ? `${program.project}_` : '';
  for (const m of models)
    for (const fn of m.functions)
      if (fn.extern && !fn.builtin && (all || !defined.has(`${prefix}${fn.name}`))) out.push({ fn, pkg: m.package });
  return out;
}

/** A C file of the workspace, as the quick fixes see it. */
export interface CFileText {
  readonly path: string;
  readonly text: string;
  readonly summary: CFileSummary;
}

function dirnameOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * Where the C implementation of an extern goes: the C file that already implements most externs
 * of its package, else a new `<dir>/native/<package>_externs.c` beside its Vale file. Made once
 * per program and set of C files; each extern is then a lookup.
 */
export function implementationFiles(
  program: CProgram,
  cFiles: readonly CFileText[],
): (fn: FunctionDecl, pkg: string) => CFileText | { readonly path: string } {
  const prefix = program.project ? `${program.project}_` : '';
  const packageOf = new Map<string, string>();
  for (const m of program.index.files.values())
    for (const f of m.functions) if (f.extern && !f.builtin) packageOf.set(`${prefix}${f.name}`, m.package);
  // Per package, the C file defining most of its externs (first in path order on a tie).
  const counts = new Map<string, Map<CFileText, number>>();
  for (const c of [...cFiles].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    for (const d of c.summary.functions) {
      const pkg = d.definition ? packageOf.get(d.name) : undefined;
      if (pkg === undefined) continue;
      let byFile = counts.get(pkg);
      if (!byFile) counts.set(pkg, (byFile = new Map()));
      byFile.set(c, (byFile.get(c) ?? 0) + 1);
    }
  }
  const best = new Map<string, CFileText>();
  for (const [pkg, byFile] of counts) {
    let top: CFileText | undefined;
    for (const [c, n] of byFile) if (!top || n > byFile.get(top)!) top = c;
    if (top) best.set(pkg, top);
  }
  return (fn, pkg) => {
    const found = best.get(pkg);
    if (found) return found;
    const last = pkg.split('/').pop() || 'main';
    return { path: `${dirnameOf(fn.file) ? `${dirnameOf(fn.file)}/` : ''}native/${last.replace(/\W/g, '_')}_externs.c` };
  };
}

/** The edits that add stubs to a C file (their includes after its last `#include`), or create it. */
export function implementationEdits(target: CFileText | { readonly path: string }, stubs: readonly ExternStub[]): FileEdit[] {
  if (!('text' in target)) return [{ file: target.path, start: 0, end: 0, newText: stubsFile(stubs), create: true }];
  const { path, text, summary } = target;
  const included = new Set(summary.includes.map((i) => i.path));
  const includes = stubIncludes(stubs, included);
  const edits: FileEdit[] = [];
  if (includes.length > 0) {
    const last = summary.includes[summary.includes.length - 1];
    const lineEnd = last ? text.indexOf('\n', last.range.end) : -1;
    if (last && lineEnd >= 0) edits.push({ file: path, start: lineEnd + 1, end: lineEnd + 1, newText: `${includes.join('\n')}\n` });
    else edits.push({ file: path, start: 0, end: 0, newText: `${includes.join('\n')}\n` });
  }
  const separator = text.length === 0 || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  edits.push({ file: path, start: text.length, end: text.length, newText: `${separator}${stubs.map((s) => s.text).join('\n')}` });
  return edits;
}
