/**
 * The C side checked against the Vale declarations, through the names the backend generates
 * (`<project>_<name>`, `<project>_<Kind>`, `<project>_<Kind>Ref`, `<Iface>_Type_<Struct>`).
 */
import { closestName } from '../checks/suggest';
import type { Diagnostic, FileEdit, QuickFix } from '../diagnostics';
import type { CKind, CProgram } from '../layout/cprogram';
import { type FunctionC, functionC } from '../layout/header';
import type { FunctionDecl } from '../model/declarations';
import { signatureText } from '../model/program';
import type { CFileSummary, CFunction } from './reader';
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

/** Where a C name's Vale function is: the last FFI function of that name in the file (`extern`: the externs', else the exported ones'). */
interface FunctionPlace {
  readonly file: string;
  readonly pkg: string;
  readonly name: string;
  readonly extern: boolean;
}

/** Where a C name's exported kind is: its package and id. */
interface KindPlace {
  readonly pkg: string;
  readonly id: string;
}

/**
 * The names the backend generates for a program's declarations, and where each one's Vale side
 * is (no positions): made once for the programs of the same declarations and project
 * (`CProgram.declarations`), which each keystroke's new program reads through.
 */
class BoundaryNames {
  readonly externs = new Map<string, FunctionPlace>();
  readonly exports = new Map<string, FunctionPlace>();
  /** C type names of exported kinds (`vtest_Ship`, `vtest_ShipRef`). */
  readonly kinds = new Map<string, KindPlace>();
  /** `<project>_<Name>` of every exported kind, mutable ones too (C names their `...Ref`). */
  readonly kindNames = new Map<string, KindPlace>();
  /** The C names of immutable interfaces (their tag constants begin with them). */
  readonly interfaces = new Map<string, KindPlace>();
  /** The headers the backend writes, by name (`Ship` for `<project>/Ship.h`). */
  readonly headerNames = new Set<string>();

  constructor(program: CProgram) {
    const prefix = program.project ? `${program.project}_` : '';
    for (const m of program.index.files.values()) {
      for (const f of m.functions) {
        if (f.builtin || !(f.extern || (f.exported && f.name !== 'main'))) continue;
        (f.extern ? this.externs : this.exports).set(`${prefix}${f.name}`, {
          file: m.path,
          pkg: m.package,
          name: f.name,
          extern: f.extern,
        });
        this.headerNames.add(f.name);
      }
    }
    for (const k of program.kinds) {
      const cName = program.cName(k);
      const place = { pkg: k.package, id: k.id };
      this.kinds.set(k.mutability === 'mut' ? `${cName}Ref` : cName, place);
      this.kindNames.set(cName, place);
      this.headerNames.add(k.exportName);
      if (k.category === 'interface' && k.mutability === 'imm') this.interfaces.set(cName, place);
    }
  }
}

/**
 * What C can name of a program, by the names the backend generates: the names from the
 * declarations (`BoundaryNames`), each read through this program when asked.
 */
class Boundary {
  private readonly functions = new Map<string, BoundaryFunction | null>();
  private readonly tagsOf = new Map<CKind, readonly string[]>();

  constructor(
    private readonly program: CProgram,
    readonly names: BoundaryNames,
  ) {}

  /** The extern function C defines under `name` (`<project>_<name>`). */
  extern(name: string): BoundaryFunction | undefined {
    return this.function(name, this.names.externs.get(name));
  }

  /** The exported function C calls as `name`. */
  exported(name: string): BoundaryFunction | undefined {
    return this.function(name, this.names.exports.get(name));
  }

  private function(name: string, place: FunctionPlace | undefined): BoundaryFunction | undefined {
    if (!place) return undefined;
    const key = `${place.extern ? 'e' : 'x'}${name}`;
    let found = this.functions.get(key);
    if (found === undefined) {
      const fns = this.program.index.model(place.file)?.functions ?? [];
      let f: FunctionDecl | undefined;
      for (const g of fns)
        if (g.name === place.name && !g.builtin && (place.extern ? g.extern : !g.extern && g.exported && g.name !== 'main')) f = g;
      this.functions.set(key, (found = f ? new BoundaryFunction(this.program, f, place.pkg) : null));
    }
    return found ?? undefined;
  }

  /** The exported kind a C type name stands for (`vtest_Ship`, `vtest_ShipRef`). */
  kind(name: string): CKind | undefined {
    const place = this.names.kinds.get(name);
    return place && this.program.kindIn(place.pkg, place.id);
  }

  /** The exported kind of a `<project>_<Name>` (a mutable kind's too, whose C type is its `...Ref`). */
  kindNamed(name: string): CKind | undefined {
    const place = this.names.kindNames.get(name);
    return place && this.program.kindIn(place.pkg, place.id);
  }

  /** The FFI function `fn` under the name C gives it, if C knows it by that name (`extern`: as an extern, else as an exported function). */
  named(fn: FunctionDecl, extern: boolean): string | undefined {
    const name = this.program.project ? `${this.program.project}_${fn.name}` : fn.name;
    return (extern ? this.extern(name) : this.exported(name))?.f === fn ? name : undefined;
  }

  /**
   * A tag constant (`vtest_IShip_Type_Kite`): its interface and all that interface's constants.
   * Only the interface the name starts with is numbered (the numbering reads its package).
   */
  tag(name: string): Tag | undefined {
    if (!name.includes('_Type_')) return undefined;
    for (let at = name.indexOf('_Type_'); at >= 0; at = name.indexOf('_Type_', at + 1)) {
      const place = this.names.interfaces.get(name.slice(0, at));
      const iface = place && this.program.kindIn(place.pkg, place.id);
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
/** The names of each declarations' token (`CProgram.declarations`): shared by its programs. */
const boundaryNames = new WeakMap<object, BoundaryNames>();

/** What C can name of a program, by the names the backend generates (kept per program; the names per declarations). */
export function boundaryOf(program: CProgram): Boundary {
  let b = boundaries.get(program);
  if (!b) {
    let names = boundaryNames.get(program.declarations);
    if (!names) boundaryNames.set(program.declarations, (names = new BoundaryNames(program)));
    boundaries.set(program, (b = new Boundary(program, names)));
  }
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

/** The diagnostics of one C file. */
export function checkCFile(program: CProgram, path: string, c: CFileSummary): Diagnostic[] {
  const b = boundaryOf(program);
  const out: Diagnostic[] = [];
  for (const fn of c.functions) {
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
      related: [{ file: ext.f.file, start: ext.f.nameRange.start, end: ext.f.nameRange.end, message: signatureText(ext.f) }],
      fixes: [
        {
          title: 'Use the signature the backend generates',
          preferred: true,
          edits: [{ file: path, ...fn.signatureRange, newText: fixed }],
        },
      ],
    });
  }
  for (const call of c.calls) {
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
      related: [{ file: exp.f.file, start: exp.f.nameRange.start, end: exp.f.nameRange.end, message: signatureText(exp.f) }],
    });
  }
  for (const use of c.fields) {
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
                start: kind.decl.nameRange.start,
                end: kind.decl.nameRange.end,
                message: `${kind.decl.tag} ${kind.valeName}`,
              },
            ],
          }
        : {}),
      ...(closest
        ? { fixes: [{ title: `Change to ${closest}`, preferred: true, edits: [{ file: path, ...use.range, newText: closest }] }] }
        : {}),
    });
  }
  for (const s of c.switches) {
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
      start: f.nameRange.start,
      end: f.nameRange.end,
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
  const f = program.index.model(file)?.functions.find((g) => g.extern && g.nameRange.start === start);
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

/** The source action of a C file: the definitions of every extern no C file defines, added to it. */
export function implementMissingExterns(program: CProgram, file: CFileText, cFiles: readonly CFileText[]): FileEdit[] {
  const defined = new Set<string>();
  for (const c of cFiles) for (const fn of c.summary.functions) if (fn.definition) defined.add(fn.name);
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
  for (const c of cFiles) {
    for (const fn of c.functions) {
      if (!fn.definition) continue;
      for (let i = fn.name.indexOf('_'); i > 0; i = fn.name.indexOf('_', i + 1)) {
        if (externNames.has(fn.name.slice(i + 1))) {
          const prefix = fn.name.slice(0, i);
          counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
        }
      }
    }
  }
  let best: string | undefined;
  for (const [prefix, n] of counts)
    if (best === undefined || n > counts.get(best)! || (n === counts.get(best)! && prefix < best)) best = prefix;
  return best;
}
