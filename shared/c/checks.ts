/**
 * The C side checked against the Vale declarations, through the names the backend generates
 * (`<project>_<name>`, `<project>_<Kind>`, `<project>_<Kind>Ref`, `<Iface>_Type_<Struct>`).
 */
import { closestName } from '../checks/suggest';
import type { Diagnostic, FileEdit, QuickFix } from '../diagnostics';
import type { CDeclarations, CKind, CProgram } from '../layout/cprogram';
import { type FunctionC, functionC } from '../layout/header';
import type { FunctionDecl } from '../model/declarations';
import { FfiFunctionFiles } from '../model/extern-names';
import { signatureText } from '../model/program';
import type { CFileSummary, CFunction, CItemSummary } from './reader';
import { type CFileText, externStub, implementationEdits, implementationFiles, missingExterns } from './stubs';

export const C_SIGNATURE_MISMATCH = 'CSignatureMismatch';
export const EXTERN_NOT_IMPLEMENTED = 'ExternNotImplemented';
export const UNKNOWN_C_FIELD = 'UnknownCField';
export const MISSING_INTERFACE_CASE = 'MissingInterfaceCase';
export const EXPORTED_FUNCTION_MISUSE = 'ExportedFunctionMisuse';

/** Each C spelling of a fixed-width type, as gcc sees it on the LP64 targets (stdint.h, ValeBuiltins.h). */
const SAME_TYPE: Record<string, string> = {
  int64_t: 'long',
  'long int': 'long',
  'signed long': 'long',
  'signed long int': 'long',
  'long signed int': 'long',
  int32_t: 'int',
  ValeInt: 'int',
  signed: 'int',
  'signed int': 'int',
  int16_t: 'short',
  'short int': 'short',
  'signed short': 'short',
  int8_t: 'signed char',
  uint64_t: 'unsigned long',
  'unsigned long int': 'unsigned long',
  'long unsigned int': 'unsigned long',
  size_t: 'unsigned long',
  uint32_t: 'unsigned int',
  unsigned: 'unsigned int',
  uint16_t: 'unsigned short',
  'unsigned short int': 'unsigned short',
  uint8_t: 'unsigned char',
  'long long int': 'long long',
  'signed long long': 'long long',
};

/** A type as gcc compares it: typedefs resolved, spacing and `struct` gone, top-level qualifiers dropped. */
export function canonicalCType(text: string, typedefs: ReadonlyMap<string, string>, depth = 0): string {
  const stars = (text.match(/\*/g) ?? []).length;
  let base = text
    .replace(/\*/g, ' ')
    .replace(/\b(struct|union|enum|restrict|__restrict)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // `const T` as a parameter is T; `const T *` points to something else than `T *`.
  const pointeeConst = stars > 0 && /\bconst\b/.test(base);
  base = base
    .replace(/\b(const|volatile)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const typedef = typedefs.get(base);
  if (typedef !== undefined && depth < 8) {
    const inner = canonicalCType(typedef, typedefs, depth + 1);
    return `${pointeeConst ? 'const ' : ''}${inner}${'*'.repeat(stars)}`;
  }
  base = SAME_TYPE[base] ?? base;
  return `${pointeeConst ? 'const ' : ''}${base}${'*'.repeat(stars)}`;
}

/**
 * Whether the backend can generate the function's prototype: not when a parameter or the return
 * is a kind the package does not export (the Vale side reports ExternFunctionDependedOnNonExportedKind,
 * and there is no C type to compare with or to write in a stub).
 */
export function hasPrototype(c: FunctionC): boolean {
  return !c.params.some((p) => p.type.unexported) && !c.ret?.type.unexported;
}

/** An FFI function as C names it; its prototypes are worked out when first asked (most are never compared). */
class BoundaryFunction {
  private prototypes?: FunctionC;
  constructor(
    private readonly program: CProgram,
    readonly f: FunctionDecl,
    readonly pkg: string,
  ) {}
  get c(): FunctionC {
    return (this.prototypes ??= functionC(this.program, this.f, this.pkg));
  }
}

type Tag = { readonly iface: CKind; readonly sub: CKind; readonly all: readonly string[] };

/**
 * What C can name of a program, by the names the backend generates (`<project>_<name>` for FFI
 * functions, `<project>_<Name>` and `<project>_<Name>Ref` for exported kinds, `<Iface>_Type_<Struct>`
 * for tags), each looked up when asked: in the files declaring FFI functions of that name
 * (`FfiFunctionFiles`, which the workspace keeps up to date) and the packages exporting a kind
 * under that name (`ProgramIndex.packagesExportingName`). A question reads what its name names,
 * not the workspace.
 */
class Boundary {
  private readonly functions = new Map<string, BoundaryFunction | null>();
  private readonly tagsOf = new Map<CKind, readonly string[]>();
  private readonly prefix: string;

  constructor(
    private readonly program: CProgram,
    private readonly ffi: FfiFunctionFiles,
  ) {
    this.prefix = program.project ? `${program.project}_` : '';
  }

  /** The Vale name in a C name `<project>_<name>`; undefined when the name is not one. */
  private valeName(cName: string): string | undefined {
    return cName.startsWith(this.prefix) ? cName.slice(this.prefix.length) : undefined;
  }

  /** The extern function C defines under `name` (`<project>_<name>`). */
  extern(name: string): BoundaryFunction | undefined {
    return this.function(name, true);
  }

  /** The exported function C calls as `name`. */
  exported(name: string): BoundaryFunction | undefined {
    return this.function(name, false);
  }

  private function(cName: string, extern: boolean): BoundaryFunction | undefined {
    const key = `${extern ? 'e' : 'x'}${cName}`;
    let found = this.functions.get(key);
    if (found === undefined) {
      found = null;
      const name = this.valeName(cName);
      const files = name === undefined ? undefined : this.ffi.files(name, extern);
      if (files) {
        // Several files declaring one name (which the compiler refuses): the last in path order.
        let file = '';
        for (const f of files.keys()) if (f > file) file = f;
        const model = this.program.index.model(file);
        let fn: FunctionDecl | undefined;
        for (const g of model?.functions ?? [])
          if (g.name === name && !g.builtin && (extern ? g.extern : !g.extern && g.exported && g.name !== 'main')) fn = g;
        if (fn && model) found = new BoundaryFunction(this.program, fn, model.package);
      }
      this.functions.set(key, found);
    }
    return found ?? undefined;
  }

  /** The FFI function `fn` under the name C gives it, if C knows it by that name (`extern`: as an extern, else as an exported function). */
  named(fn: FunctionDecl, extern: boolean): string | undefined {
    const name = `${this.prefix}${fn.name}`;
    return (extern ? this.extern(name) : this.exported(name))?.f === fn ? name : undefined;
  }

  /** The exported kind a C type name stands for: `<project>_<Name>` (immutable) or `<project>_<Name>Ref` (mutable). */
  kind(cName: string): CKind | undefined {
    const name = this.valeName(cName);
    if (name === undefined) return undefined;
    let found = this.last(name, (k) => k.mutability !== 'mut');
    if (name.endsWith('Ref')) {
      const mutable = this.last(name.slice(0, -3), (k) => k.mutability === 'mut');
      if (mutable && (!found || this.program.comesAfter(mutable, found))) found = mutable;
    }
    return found;
  }

  /** The exported kind of a `<project>_<Name>` (a mutable kind's too, whose C type is its `...Ref`). */
  kindNamed(cName: string): CKind | undefined {
    const name = this.valeName(cName);
    return name === undefined ? undefined : this.last(name, () => true);
  }

  /** Of the kinds exported as `exportName` that `keep` takes, the last in `CProgram.kinds`' order (a name exported twice: the later). */
  private last(exportName: string, keep: (k: CKind) => boolean): CKind | undefined {
    const kinds = this.program.kindsExportedAs(exportName);
    for (let i = kinds.length - 1; i >= 0; i--) if (keep(kinds[i])) return kinds[i];
    return undefined;
  }

  /** Whether the backend writes a header `<project>/<name>.h`: one per FFI function and per exported kind. */
  hasHeader(name: string): boolean {
    return (
      this.ffi.files(name, true) !== undefined || this.ffi.files(name, false) !== undefined || this.program.kindsExportedAs(name).length > 0
    );
  }

  /**
   * A tag constant (`vtest_IShip_Type_Kite`): its interface and all that interface's constants.
   * Only the interface the name starts with is numbered (the numbering reads its package).
   */
  tag(name: string): Tag | undefined {
    if (!name.includes('_Type_')) return undefined;
    for (let at = name.indexOf('_Type_'); at >= 0; at = name.indexOf('_Type_', at + 1)) {
      const vale = this.valeName(name.slice(0, at));
      const iface = vale === undefined ? undefined : this.last(vale, (k) => k.category === 'interface' && k.mutability === 'imm');
      if (!iface) continue;
      const subs = this.program.substructs(iface);
      let all = this.tagsOf.get(iface);
      if (!all) this.tagsOf.set(iface, (all = subs.map((s) => `${name.slice(0, at)}_Type_${s.exportName}`)));
      const index = all.indexOf(name);
      if (index >= 0) return { iface, sub: subs[index], all };
    }
    return undefined;
  }
}

const boundaries = new WeakMap<CProgram, Boundary>();
/** The FFI functions' files of the programs that were not given them (`CDeclarations.ffiFunctions`): read once per declarations. */
const ownFfiFunctions = new WeakMap<CDeclarations, FfiFunctionFiles>();

function ffiFunctionsOf(program: CProgram): FfiFunctionFiles {
  const given = program.declarations.ffiFunctions;
  if (given) return given();
  let ffi = ownFfiFunctions.get(program.declarations);
  if (!ffi) {
    ffi = new FfiFunctionFiles();
    for (const m of program.index.files.values()) ffi.set(m.path, m);
    ownFfiFunctions.set(program.declarations, ffi);
  }
  return ffi;
}

/** What C can name of a program, by the names the backend generates (kept per program). */
export function boundaryOf(program: CProgram): Boundary {
  let b = boundaries.get(program);
  if (!b) boundaries.set(program, (b = new Boundary(program, ffiFunctionsOf(program))));
  return b;
}

/** The prototype the backend generates, with the Vale parameter names (or the C ones when given). */
function fixedSignature(c: FunctionC, f: FunctionDecl, written: CFunction): string {
  const names = f.params.map((p, i) => written.params[i]?.name ?? p.name);
  const params = [...c.params.map((p, i) => `${p.type.text} ${names[i]}`), ...c.sizeParams.map((i) => `ValeInt ${names[i]}Size`)];
  return `${c.ret ? c.ret.type.text : 'void'} ${c.userName}(${params.length ? params.join(', ') : 'void'})`;
}

function writtenSignature(fn: CFunction): string {
  const params = fn.params.map((p) => `${p.type}${p.name ? ` ${p.name}` : ''}`);
  if (fn.variadic) params.push('...');
  return `${fn.returnType} ${fn.name}(${params.length ? params.join(', ') : 'void'})`;
}

function signatureDifferences(fn: CFunction, c: FunctionC, typedefs: ReadonlyMap<string, string>): string[] {
  const expected = [...c.params.map((p) => p.type.text), ...c.sizeParams.map(() => 'ValeInt')];
  const out: string[] = [];
  const canon = (t: string): string => canonicalCType(t, typedefs);
  const ret = c.ret ? c.ret.type.text : 'void';
  if (canon(fn.returnType) !== canon(ret)) out.push(`it returns \`${fn.returnType}\`, the backend expects \`${ret}\``);
  if (fn.params.length !== expected.length || fn.variadic)
    out.push(
      `it takes ${fn.params.length}${fn.variadic ? ' and more' : ''} parameter${fn.params.length === 1 ? '' : 's'}, the backend passes ${expected.length}`,
    );
  else
    fn.params.forEach((p, i) => {
      if (canon(p.type) !== canon(expected[i]))
        out.push(`parameter ${i + 1}${p.name ? ` (${p.name})` : ''} is \`${p.type}\`, the backend passes \`${expected[i]}\``);
    });
  return out;
}

const canonical = new WeakMap<ReadonlyMap<string, string>, Map<string, string>>();

/** `canonicalCType` remembered per file (its typedefs): a file writes the same few types many times. */
function canonicalIn(c: CFileSummary, text: string): string {
  let cache = canonical.get(c.typedefs);
  if (!cache) canonical.set(c.typedefs, (cache = new Map()));
  let t = cache.get(text);
  if (t === undefined) cache.set(text, (t = canonicalCType(text, c.typedefs)));
  return t;
}

/**
 * The diagnostics of a file's items checked against one program and one set of typedefs: each
 * item's from its start, and as last placed; `checked` counts the items checked.
 */
export interface CChecksMemo {
  readonly byItem: WeakMap<CItemSummary, { readonly own: readonly Diagnostic[]; at: number; placed: readonly Diagnostic[] }>;
  checked: number;
}

/**
 * The diagnostics of one C file, item by item, without their quick fixes (`cFixesOf` makes a
 * diagnostic's when asked: a keystroke moves every diagnostic behind it, and each fix with it).
 * With `memo`, an item checked before is not checked again, and its diagnostics are placed again
 * only when it moved.
 */
export function checkCFile(program: CProgram, path: string, c: CFileSummary, memo?: CChecksMemo): Diagnostic[] {
  const out: Diagnostic[] = [];
  c.items.forEach((item, k) => {
    const at = c.starts[k];
    let found = memo?.byItem.get(item);
    if (!found) {
      const own = checkCItem(program, path, item, c);
      if (memo) memo.checked++;
      found = { own, at, placed: own.length > 0 ? movedDiagnostics(own, at, path) : own };
      memo?.byItem.set(item, found);
    } else if (found.at !== at) {
      // Most items have nothing to say: nothing to move.
      found.at = at;
      if (found.own.length > 0) found.placed = movedDiagnostics(found.own, at, path);
    }
    for (const d of found.placed) out.push(d);
  });
  return out;
}

/**
 * The quick fixes of a diagnostic `checkCFile` gave for the file (none for another's): its item
 * checked again, with its fixes made, and the fixes of the same diagnostic there, placed.
 */
export function cFixesOf(program: CProgram, path: string, c: CFileSummary, d: Diagnostic): readonly QuickFix[] {
  // The last item that starts at or before the diagnostic.
  let lo = 0;
  let hi = c.starts.length - 1;
  if (hi < 0 || c.starts[0] > d.start) return [];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (c.starts[mid] <= d.start) lo = mid;
    else hi = mid - 1;
  }
  const at = c.starts[lo];
  const own = checkCItem(program, path, c.items[lo], c, true);
  const same = own.find((x) => x.start + at === d.start && x.end + at === d.end && x.code === d.code && x.message === d.message);
  return same?.fixes ? movedDiagnostics([same], at, path)[0].fixes! : [];
}

/** Diagnostics `delta` code units further in `path` (their fixes' edits there too). */
function movedDiagnostics(list: readonly Diagnostic[], delta: number, path: string): Diagnostic[] {
  return list.map((d) =>
    d.fixes
      ? {
          ...d,
          start: d.start + delta,
          end: d.end + delta,
          fixes: d.fixes.map((f) => ({
            ...f,
            edits: f.edits.map((e) => (e.file === path && !e.create ? { ...e, start: e.start + delta, end: e.end + delta } : e)),
          })),
        }
      : { ...d, start: d.start + delta, end: d.end + delta },
  );
}

/** The diagnostics of one item of a C file (`c`, for its typedefs), from the item's start; their quick fixes when `fixes`. */
function checkCItem(program: CProgram, path: string, item: CItemSummary, c: CFileSummary, fixes = false): Diagnostic[] {
  const b = boundaryOf(program);
  const out: Diagnostic[] = [];
  for (const fn of item.functions) {
    const ext = b.extern(fn.name);
    if (!ext || !hasPrototype(ext.c)) continue;
    const differences = signatureDifferences(fn, ext.c, c.typedefs);
    if (differences.length === 0) continue;
    const fixed = fixedSignature(ext.c, ext.f, fn);
    out.push({
      file: path,
      start: fn.nameRange.start,
      end: fn.nameRange.end,
      severity: 'error',
      code: C_SIGNATURE_MISMATCH,
      message: `${fn.name} is not the function the backend calls for ${signatureText(ext.f)}: ${differences.join('; ')}. Written: \`${writtenSignature(fn)}\`; generated: \`${fixed}\`.`,
      related: [{ file: ext.f.file, start: ext.f.nameStart, end: ext.f.nameEnd, message: signatureText(ext.f) }],
      ...(fixes
        ? {
            fixes: [
              {
                title: 'Use the signature the backend generates',
                preferred: true,
                edits: [{ file: path, ...fn.signatureRange, newText: fixed }],
              },
            ],
          }
        : {}),
    });
  }
  for (const call of item.calls) {
    const exp = b.exported(call.name);
    if (!exp) continue;
    const expected = exp.c.params.length + exp.c.sizeParams.length;
    if (call.argCount === expected) continue;
    out.push({
      file: path,
      start: call.range.start,
      end: call.range.end,
      severity: 'error',
      code: EXPORTED_FUNCTION_MISUSE,
      message: `${call.name} takes ${expected} argument${expected === 1 ? '' : 's'} (${signatureText(exp.f)}), this call passes ${call.argCount}.`,
      related: [{ file: exp.f.file, start: exp.f.nameStart, end: exp.f.nameEnd, message: signatureText(exp.f) }],
    });
  }
  for (const use of item.fields) {
    if (!use.baseType) continue;
    const canon = canonicalIn(c, use.baseType).replace(/^const /, '');
    const name = use.arrow ? (canon.endsWith('*') ? canon.slice(0, -1) : undefined) : canon;
    const kind = name === undefined ? undefined : b.kind(name);
    if (!kind) continue;
    const layout = program.layout(kind);
    const fields = layout.fields.map((f) => f.name);
    if (fields.includes(use.field)) continue;
    const closest = closestName(use.field, [fields]);
    out.push({
      file: path,
      start: use.range.start,
      end: use.range.end,
      severity: 'error',
      code: UNKNOWN_C_FIELD,
      message: `${layout.cName} has no member ${use.field}${closest ? `; did you mean ${closest}?` : ''} (${kind.valeName} has ${fields.join(', ') || 'no members'}).`,
      ...(kind.decl
        ? {
            related: [
              {
                file: kind.decl.file,
                start: kind.decl.nameStart,
                end: kind.decl.nameEnd,
                message: `${kind.decl.tag} ${kind.valeName}`,
              },
            ],
          }
        : {}),
      ...(closest && fixes
        ? { fixes: [{ title: `Change to ${closest}`, preferred: true, edits: [{ file: path, ...use.range, newText: closest }] }] }
        : {}),
    });
  }
  for (const s of item.switches) {
    if (s.hasDefault) continue;
    const handled = new Set(s.cases.map((x) => x.name));
    const seen = new Set<string>();
    for (const x of s.cases) {
      const tag = b.tag(x.name);
      if (!tag || seen.has(tag.iface.id)) continue;
      seen.add(tag.iface.id);
      const missing = tag.all.filter((n) => !handled.has(n));
      if (missing.length === 0) continue;
      out.push({
        file: path,
        start: s.range.start,
        end: s.range.end,
        severity: 'warning',
        code: MISSING_INTERFACE_CASE,
        message: `this switch on ${s.subject || 'a type'} handles ${tag.all.length - missing.length} of the ${tag.all.length} structs that implement ${tag.iface.valeName}, with no default: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`,
      });
    }
  }
  return out;
}

/**
 * `ExternNotImplemented` on each of a file's externs that no C file of the workspace defines
 * (`defined`: the C definitions' names). Per file, so an edit recomputes only its own file. Its
 * quick fix is made when asked (`externImplementationFix`): a workspace with many unimplemented
 * externs pays for stubs only when one is wanted.
 */
export function externsNotImplemented(functions: Iterable<FunctionDecl>, project: string, defined: ReadonlySet<string>): Diagnostic[] {
  const prefix = project ? `${project}_` : '';
  const out: Diagnostic[] = [];
  for (const f of functions) {
    const cName = `${prefix}${f.name}`;
    if (!f.extern || f.builtin || defined.has(cName)) continue;
    out.push({
      file: f.file,
      start: f.nameStart,
      end: f.nameEnd,
      severity: 'information',
      code: EXTERN_NOT_IMPLEMENTED,
      message: `no C file of the workspace defines ${cName}, the function ${signatureText(f)} calls: the program will not link until one does.`,
    });
  }
  return out;
}

/** The quick fix of an `ExternNotImplemented` at `file`/`start`: the extern's C definition where the package's others are. */
export function externImplementationFix(
  program: CProgram,
  file: string,
  start: number,
  cFiles: readonly CFileText[],
): QuickFix | undefined {
  const b = boundaryOf(program);
  const f = program.index.model(file)?.functions.find((g) => g.extern && g.nameStart === start);
  const name = f && b.named(f, true);
  const ext = name === undefined ? undefined : b.extern(name);
  if (!ext || !hasPrototype(ext.c)) return undefined;
  const target = implementationFiles(program, cFiles)(ext.f, ext.pkg);
  return {
    title: `Create C implementation in ${target.path.split('/').pop()}`,
    preferred: true,
    edits: implementationEdits(target, [externStub(program, ext.f, ext.pkg)]),
  };
}

/** The functions a C file defines, in file order (read by item: the file's lists are not placed for it). */
export function definedCFunctions(c: { readonly items: readonly CItemSummary[] }): string[] {
  const names: string[] = [];
  for (const item of c.items) for (const f of item.functions) if (f.definition) names.push(f.name);
  return names;
}

/**
 * Whether `implementMissingExterns` has something to write: an extern that no C file defines and
 * whose prototype the backend can generate. Reads the externs' names and, for a name C lacks, its
 * declarations, not every extern's stub (an editor asks at each move of the cursor in a C file).
 */
export function anyMissingExtern(program: CProgram, cFiles: readonly CFileText[]): boolean {
  const defined = new Set<string>();
  for (const c of cFiles) for (const name of definedCFunctions(c.summary)) defined.add(name);
  const prefix = program.project ? `${program.project}_` : '';
  const ffi = ffiFunctionsOf(program);
  for (const name of ffi.externNames()) {
    if (defined.has(`${prefix}${name}`)) continue;
    for (const file of ffi.files(name, true)?.keys() ?? []) {
      const model = program.index.model(file);
      for (const fn of model?.functions ?? [])
        if (fn.extern && !fn.builtin && fn.name === name && hasPrototype(functionC(program, fn, model!.package))) return true;
    }
  }
  return false;
}

/** The source action of a C file: the definitions of every extern no C file defines, added to it. */
export function implementMissingExterns(program: CProgram, file: CFileText, cFiles: readonly CFileText[]): FileEdit[] {
  const defined = new Set<string>();
  for (const c of cFiles) for (const name of definedCFunctions(c.summary)) defined.add(name);
  const missing = missingExterns(program, defined).filter((m) => hasPrototype(functionC(program, m.fn, m.pkg)));
  return missing.length === 0
    ? []
    : implementationEdits(
        file,
        missing.map((m) => externStub(program, m.fn, m.pkg)),
      );
}

/**
 * The project prefix the C files use for the workspace's externs (`fleet` for `fleet_cReport`
 * implementing `extern func cReport`): the most common one, ties to the first in code-unit
 * order. Undefined when no C definition names an extern.
 */
export function inferCProject(externNames: { has(name: string): boolean }, cFiles: Iterable<CFileSummary>): string | undefined {
  const counts = new Map<string, number>();
  for (const c of cFiles) addProjectVotes(counts, externNames, c);
  return projectOfVotes(counts);
}

/** Adds a C file's votes to `counts`: a prefix for each definition named `<prefix>_<extern>` (`inferCProject`). */
export function addProjectVotes(counts: Map<string, number>, externNames: { has(name: string): boolean }, c: CFileSummary): void {
  for (const name of definedCFunctions(c)) {
    for (let i = name.indexOf('_'); i > 0; i = name.indexOf('_', i + 1)) {
      if (externNames.has(name.slice(i + 1))) {
        const prefix = name.slice(0, i);
        counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
      }
    }
  }
}

/** The prefix with the most votes, ties to the first in code-unit order (`inferCProject`). */
export function projectOfVotes(counts: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  for (const [prefix, n] of counts)
    if (best === undefined || n > counts.get(best)! || (n === counts.get(best)! && prefix < best)) best = prefix;
  return best;
}
