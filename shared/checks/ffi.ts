import type { Diagnostic, QuickFix, RelatedInformation } from '../diagnostics';
import {
  type FileModel,
  type FunctionDecl,
  type ImplDecl,
  type ItemDecls,
  type KindDecl,
  type OffsetRange,
  exactList,
  inItem,
  nameRangeOf,
} from '../model/declarations';
import { flat } from '../model/flat';
import { type Dependencies, type ExportSite, type ProgramIndex, REACH_HEAD_STEPS, type Reach, signatureText } from '../model/program';
import { type TypeRef, kindText, refText } from '../model/types';
import type { Source } from '../syntax';

const isSpaceOrTab = (c: number): boolean => c === 32 || c === 9;
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

export const EXPORTED_FUNCTION_DEPENDED_ON_NON_EXPORTED_KIND = 'ExportedFunctionDependedOnNonExportedKind';
export const EXTERN_FUNCTION_DEPENDED_ON_NON_EXPORTED_KIND = 'ExternFunctionDependedOnNonExportedKind';
export const EXPORTED_IMMUTABLE_KIND_DEPENDED_ON_NON_EXPORTED_KIND = 'ExportedImmutableKindDependedOnNonExportedKind';
export const TYPE_EXPORTED_MULTIPLE_TIMES = 'TypeExportedMultipleTimes';
export const EXTERN_HAS_BODY = 'ExternHasBody';
export const NON_HIERARCHICAL_IMMUTABLE = 'NonHierarchicalImmutable';
export const UNCHECKED_EXTERNAL_KIND = 'UncheckedExternalKind';
export const UNKNOWN_KIND = 'UnknownKind';

/**
 * The text of a file, for fixes that need to look at whitespace around an edit: as the workspace
 * holds it (a long open document's pieces, read a character at a time, never joined).
 */
export type TextOf = (file: string) => Source | undefined;

/**
 * The FFI checks of one top-level item of a file: the Vale compiler's five
 * (same cases flagged, same cases accepted: Compiler.ensureDeepExports,
 * PostParser's ExternHasBody) and the ones it misses. A file's diagnostics are
 * those of its items. Every fact read from other items goes through the index
 * with `deps`, so the result can be reused while those facts hold.
 */
export function checkItem(
  index: ProgramIndex,
  model: FileModel,
  item: ItemDecls,
  textOf: TextOf,
  deps?: Dependencies,
  /** False: the diagnostics carry no quick fixes (none are made). */
  quickFixes = true,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ctx = { index, model, textOf, deps, out, quickFixes };
  // An item declares one thing at most (50,000 items in a large workspace): no lists made.
  const f = item.function;
  if (f) {
    if (f.extern && f.bodyStart !== undefined) externHasBody(ctx, f);
    if (f.exported || f.extern) checkSignature(ctx, f);
  }
  checkExportedKinds(ctx, item);
  checkDuplicateExports(ctx, item);
  checkHierarchy(ctx, item);
  return out;
}

interface Context {
  index: ProgramIndex;
  model: FileModel;
  textOf: TextOf;
  /** Where the facts read are recorded; undefined when nothing will be reused. */
  deps?: Dependencies;
  out: Diagnostic[];
  /** Whether diagnostics carry quick fixes (`report` drops those given when not). */
  quickFixes: boolean;
}

/**
 * A diagnostic at a range of the file checked, as one object literal of its keys (a spread of
 * the place followed by new keys would give every diagnostic a hidden class of its own once
 * warm, in V8 11: tens of thousands of them in a large workspace's first analysis).
 */
function report(
  ctx: Context,
  range: OffsetRange,
  severity: Diagnostic['severity'],
  code: string,
  message: string,
  related?: RelatedInformation[],
  fixes?: QuickFix[],
): void {
  const file = ctx.model.path;
  const { start, end } = range;
  if (!ctx.quickFixes) fixes = undefined;
  // Messages are kept as long as the diagnostic: one piece each, not the tree of pieces a template
  // makes (flattened before the young generation is collected, the pieces are never copied).
  message = flat(message);
  if (related) {
    for (let i = 0; i < related.length; i++) flat(related[i].message);
    // Kept with the diagnostic: at its exact length.
    related = exactList(related);
  }
  ctx.out.push(
    related && fixes
      ? { file, start, end, severity, code, message, related, fixes }
      : fixes
        ? { file, start, end, severity, code, message, fixes }
        : related
          ? { file, start, end, severity, code, message, related }
          : { file, start, end, severity, code, message },
  );
}

/** A name no module of the workspace declares and no import from outside it can provide. */
function unknownKind(ctx: Context, type: TypeRef, name: string): void {
  const suggestion = ctx.index.kindSuggestion(ctx.model.path, name, ctx.deps);
  const fixes: QuickFix[] = [];
  const offset = type.tag === 'named' ? type.text.indexOf(name) : -1;
  if (ctx.quickFixes && suggestion && offset >= 0) {
    const start = type.start + offset;
    fixes.push({
      title: `Change to ${suggestion}`,
      preferred: true,
      edits: [{ file: ctx.model.path, start, end: start + name.length, newText: suggestion }],
    });
  }
  report(
    ctx,
    type,
    'error',
    UNKNOWN_KIND,
    `${name} is not declared in this workspace, and no import of a module outside it can provide it${suggestion ? `; did you mean ${suggestion}?` : '.'}`,
    undefined,
    fixes,
  );
}

function declaredHere(decl: KindDecl, message: string): RelatedInformation {
  return { file: decl.file, start: decl.nameStart, end: decl.nameEnd, message };
}

function externHasBody(ctx: Context, f: FunctionDecl): void {
  const body = { start: f.bodyStart!, end: f.bodyEnd! };
  const text = ctx.textOf(f.file) ?? '';
  // Replace from the end of the header (no space before `;`) to the end of the body.
  let from = body.start;
  while (from > 0 && isBlank(text.charCodeAt(from - 1))) from--;
  report(
    ctx,
    body,
    'error',
    EXTERN_HAS_BODY,
    `extern func ${f.name} has a body: an extern is implemented in C, so Vale code here would never run. Declare it with \`;\` instead.`,
    undefined,
    [
      {
        title: `Replace the body of ${f.name} with \`;\``,
        preferred: true,
        edits: [{ file: f.file, start: from, end: body.end, newText: ';' }],
      },
    ],
  );
}

function checkSignature(ctx: Context, f: FunctionDecl): void {
  const code = f.extern ? EXTERN_FUNCTION_DEPENDED_ON_NON_EXPORTED_KIND : EXPORTED_FUNCTION_DEPENDED_ON_NON_EXPORTED_KIND;
  const what = f.extern ? 'C implements it' : 'C calls it';
  // The messages are written only for a diagnostic.
  const message = (role: string, kind: string): string =>
    `${signatureText(f)}: its ${role} is ${kind}, which is not exported from this package; ${what}, so C needs the ${kind} definition in a generated header.`;
  for (const p of f.params) requireExported(ctx, p.type, code, (kind) => message(`parameter ${p.name}`, kind));
  if (f.returnType) requireExported(ctx, f.returnType, code, (kind) => message('return type', kind));
}

/** Reports a non-primitive kind that is not exported in this file's package (the compiler's rule). */
function requireExported(ctx: Context, type: TypeRef, code: string, message: (kind: string) => string): void {
  const r = ctx.index.resolve(ctx.model.path, type, ctx.deps);
  switch (r.tag) {
    case 'primitive':
    case 'rune':
    case 'unknown':
      return;
    case 'external':
      if (!r.importable) {
        unknownKind(ctx, type, r.name);
        return;
      }
      report(
        ctx,
        type,
        'information',
        UNCHECKED_EXTERNAL_KIND,
        `${kindText(type)} is not declared in this workspace, so vale-ffi could not check that it is exported (and hierarchical, if immutable).`,
      );
      return;
  }
  if (ctx.index.isExported(ctx.model.package, r.id, ctx.deps)) return;
  const kind = kindText(type);
  const related: RelatedInformation[] = [];
  const fixes: QuickFix[] = [];
  if (r.tag === 'declared') {
    const decl = r.decl;
    if (decl.package === ctx.model.package && decl.generics.length === 0 && !decl.exported) {
      related.push(declaredHere(decl, `${decl.name} is declared here without \`exported\``));
      if (ctx.quickFixes) fixes.push(addExportedFix(decl));
    } else {
      related.push(
        declaredHere(
          decl,
          decl.package === ctx.model.package
            ? `${decl.name} is declared here`
            : `${decl.name} is declared in package ${decl.package || '(root)'}; exports count per package`,
        ),
      );
      if (ctx.quickFixes && decl.generics.length === 0) fixes.push(exportLineFix(ctx, type, kind, decl.name));
    }
  } else if (r.tag === 'array' && ctx.quickFixes) {
    fixes.push(exportLineFix(ctx, type, kind, arrayExportName(ctx, type)));
  }
  report(ctx, type, 'error', code, message(kind), related, fixes);
}

function addExportedFix(decl: KindDecl): QuickFix {
  return {
    title: `Add \`exported\` to ${decl.tag} ${decl.name}`,
    preferred: true,
    edits: [{ file: decl.file, start: decl.keywordOffset, end: decl.keywordOffset, newText: 'exported ' }],
  };
}

/** `export <type> as <Name>;` on its own line before the item that needs it. */
function exportLineFix(ctx: Context, type: TypeRef, kind: string, name: string): QuickFix {
  const text = ctx.textOf(ctx.model.path) ?? '';
  // The declaration holding the type (its item only is moved to where it is now).
  const decls = ctx.model.itemContaining(type.start);
  const item = [...(decls?.functions ?? []), ...(decls?.kinds ?? []), ...(decls?.exports ?? [])].find((i) =>
    inItem(i, type.start, type.end),
  );
  let lineStart = item ? item.itemStart : type.start;
  while (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 10) lineStart--;
  return {
    title: `Export ${kind} as ${name}`,
    preferred: true,
    edits: [{ file: ctx.model.path, start: lineStart, end: lineStart, newText: `export ${kind} as ${name};\n` }],
  };
}

/** A name in the style of the Vale tests: ImmIntArray, MutShipArray, ImmShipArray3 for [#3]. */
function arrayExportName(ctx: Context, type: TypeRef): string {
  const part = (t: TypeRef): string => {
    switch (t.tag) {
      case 'array':
        return `${t.mutability === 'imm' ? 'Imm' : 'Mut'}${part(t.element)}Array${t.size ?? ''}`;
      case 'primitive':
      case 'named':
      case 'rune':
        return t.name.charAt(0).toUpperCase() + t.name.slice(1);
      case 'tuple':
        return `${t.elements.map(part).join('')}Tuple`;
      default:
        return 'Elem';
    }
  };
  const base = part(type).replace(/[^A-Za-z0-9_]/g, '');
  let name = base;
  for (let n = 2; ctx.index.isNameTaken(ctx.model.package, name, ctx.deps); n++) name = `${base}${n}`;
  return name;
}

function checkExportedKinds(ctx: Context, item: ItemDecls): void {
  const code = EXPORTED_IMMUTABLE_KIND_DEPENDED_ON_NON_EXPORTED_KIND;
  const k = item.kind;
  if (k?.exported && k.tag === 'struct' && k.mutability === 'imm') {
    for (const m of k.members) {
      requireExported(
        ctx,
        m.type,
        code,
        (kind) =>
          `exported immutable struct ${k.name}: member ${m.name} is ${kind}, which is not exported from this package; C receives ${k.name} as a deep copy, so every kind inside it must have a C definition.`,
      );
    }
  }
  const e = item.exportAs;
  if (e) {
    const t = e.type;
    if (t.tag === 'array' && t.mutability === 'imm') {
      requireExported(
        ctx,
        t.element,
        code,
        (kind) =>
          `exported immutable array ${e.name} (${kindText(t)}): its element is ${kind}, which is not exported from this package; C receives the array as a deep copy, so its elements need a C definition.`,
      );
    } else if (t.tag === 'named') {
      const r = ctx.index.resolve(ctx.model.path, t, ctx.deps);
      if (
        r.tag !== 'declared' ||
        r.decl.tag !== 'struct' ||
        r.decl.mutability !== 'imm' ||
        (r.decl.file === ctx.model.path && r.decl.exported)
      )
        return;
      for (const m of r.decl.members) {
        const mr = ctx.index.resolve(r.decl.file, m.type, ctx.deps);
        if (!('id' in mr) || mr.tag === 'external' || ctx.index.isExported(ctx.model.package, mr.id, ctx.deps)) continue;
        report(
          ctx,
          t,
          'error',
          code,
          `export ${t.text} as ${e.name}: member ${m.name} of ${r.decl.name} is ${kindText(m.type)}, which is not exported from this package; C receives ${r.decl.name} as a deep copy, so every kind inside it must have a C definition.`,
          [{ file: r.decl.file, start: m.type.start, end: m.type.end, message: `${r.decl.name}.${m.name} is declared here` }],
        );
      }
    }
  }
}

function checkDuplicateExports(ctx: Context, item: ItemDecls): void {
  const { index, model, deps } = ctx;
  // Only the kinds this item exports are looked up, so a new export elsewhere
  // in the package re-checks just the items that export the same kind.
  for (const site of index.exportsInItem(model.path, model.seenIndex(item), deps)) {
    const original = index.firstExport(model.package, site.id, deps)!;
    if (original === site) continue;
    const kind = site.exportAs ? kindText(site.exportAs.type) : site.name;
    // The item's sites are in its file (the file checked).
    report(
      ctx,
      site.range,
      'error',
      TYPE_EXPORTED_MULTIPLE_TIMES,
      `${kind} is exported more than once in this package (as ${original.name} and as ${site.name}); the backend gives each kind one C name, so it must be exported once.`,
      [{ file: original.file, start: original.range.start, end: original.range.end, message: `first exported here as ${original.name}` }],
      ctx.quickFixes ? [removeExportFix(ctx, site)] : undefined,
    );
  }
}

function removeExportFix(ctx: Context, s: ExportSite): QuickFix {
  const text = ctx.textOf(s.file) ?? '';
  if (s.exportAs) {
    let start = s.exportAs.itemStart;
    let end = s.exportAs.itemEnd;
    while (start > 0 && isSpaceOrTab(text.charCodeAt(start - 1))) start--;
    if (text.charCodeAt(end) === 13) end++;
    if (text.charCodeAt(end) === 10) end++;
    return { title: `Remove the duplicate export ${s.name}`, preferred: true, edits: [{ file: s.file, start, end, newText: '' }] };
  }
  const decl = s.decl!;
  let end = decl.exportedEnd!;
  while (isSpaceOrTab(text.charCodeAt(end))) end++;
  return {
    title: `Remove \`exported\` from ${s.name}`,
    preferred: true,
    edits: [{ file: s.file, start: decl.exportedStart!, end, newText: '' }],
  };
}

function reachText(reach: Reach): string {
  const { steps, omitted = 0 } = reach;
  if (steps.length === 0) return `It crosses the boundary through ${reach.root.description}.`;
  const via =
    omitted > 0
      ? `${steps.slice(0, REACH_HEAD_STEPS).join(' → ')} → … ${omitted} more … → ${steps.slice(REACH_HEAD_STEPS).join(' → ')}`
      : steps.join(' → ');
  return `It crosses the boundary through ${reach.root.description}, via ${via}.`;
}

function reachRelated(reach: Reach): RelatedInformation {
  return {
    file: reach.root.file,
    start: reach.root.range.start,
    end: reach.root.range.end,
    message: `crosses the boundary here (${reach.root.description})`,
  };
}

/**
 * Immutable values cross as deep copies (messages), so what crosses must be a
 * tree of immutable kinds C knows completely. The compiler does not check this.
 */
function checkHierarchy(ctx: Context, item: ItemDecls): void {
  const { model } = ctx;
  const k = item.kind;
  if (k) checkKindHierarchy(ctx, k);
  const impl = item.impl;
  if (impl) checkImplHierarchy(ctx, impl);
  // A root is described only for an immutable array (what the element check can find fault with).
  const f = item.function;
  if (f && (f.exported || f.extern)) {
    for (const p of f.params)
      if (isImmArray(p.type))
        checkArrayElements(ctx, p.type, {
          root: { file: model.path, range: p.type, description: `parameter ${p.name} of ${signatureText(f)}` },
          steps: [],
        });
    if (f.returnType && isImmArray(f.returnType))
      checkArrayElements(ctx, f.returnType, {
        root: { file: model.path, range: f.returnType, description: `the return of ${signatureText(f)}` },
        steps: [],
      });
  }
  const e = item.exportAs;
  if (e && isImmArray(e.type))
    checkArrayElements(ctx, e.type, {
      root: { file: model.path, range: e.type, description: `export ${e.type.text} as ${e.name}` },
      steps: [],
    });
}

/** An immutable kind that crosses: a sealed interface, or a struct whose members can all be copied. */
function checkKindHierarchy(ctx: Context, k: KindDecl): void {
  const reach = k.mutability === 'imm' && k.generics.length === 0 ? ctx.index.reachOf(k.id, ctx.deps) : undefined;
  if (!reach) return;
  if (k.tag === 'struct') {
    for (const m of k.members) checkCopyable(ctx, m.type, () => `${k.name}.${m.name}`, reach);
    return;
  }
  if (k.sealed) return;
  report(
    ctx,
    nameRangeOf(k),
    'error',
    NON_HIERARCHICAL_IMMUTABLE,
    `immutable interface ${k.name} is not sealed: to copy a ${k.name} value, C switches over the structs that implement it, and only \`sealed\` fixes that list. ${reachText(reach)}`,
    [reachRelated(reach)],
    ctx.quickFixes
      ? [
          {
            title: `Add \`sealed\` to interface ${k.name}`,
            preferred: true,
            edits: [{ file: k.file, start: k.keywordOffset, end: k.keywordOffset, newText: 'sealed ' }],
          },
        ]
      : undefined,
  );
}

/** An impl of a sealed immutable interface that crosses: its struct must be exported. */
function checkImplHierarchy(ctx: Context, impl: ImplDecl): void {
  const { index, model, deps } = ctx;
  const iface = index.resolve(model.path, impl.interfaceType, deps);
  if (iface.tag !== 'declared' || iface.decl.mutability !== 'imm' || !iface.decl.sealed) return;
  const reach = index.reachOf(iface.id, deps);
  if (!reach) return;
  const struct = index.resolve(model.path, impl.structType, deps);
  if (struct.tag !== 'declared' || index.isExported(iface.decl.package, struct.id, deps)) return;
  const s = struct.decl;
  report(
    ctx,
    impl.structType,
    'error',
    NON_HIERARCHICAL_IMMUTABLE,
    `${s.name} implements the sealed immutable interface ${iface.decl.name} but is not exported: a ${iface.decl.name} value holding a ${s.name} cannot be copied to C, which has no definition of ${s.name}. ${reachText(reach)}`,
    [declaredHere(s, `${s.name} is declared here`), reachRelated(reach)],
    ctx.quickFixes && s.package === iface.decl.package && !s.exported && s.generics.length === 0 ? [addExportedFix(s)] : [],
  );
}

const isImmArray = (type: TypeRef): boolean => type.tag === 'array' && type.mutability === 'imm';

/** A member of a crossing immutable kind: no borrowed or weak references, no mutable kinds (`where` names it, for a diagnostic). */
function checkCopyable(ctx: Context, type: TypeRef, where: () => string, reach: Reach): void {
  const problem = copyProblem(ctx, type);
  if (problem) {
    report(
      ctx,
      type,
      'error',
      NON_HIERARCHICAL_IMMUTABLE,
      `${where()} is ${problem}: a message is a tree of owned immutable values that C receives as a deep copy, and this cannot be part of it. ${reachText(reach)}`,
      [reachRelated(reach)],
    );
    return;
  }
  checkArrayElements(ctx, type, reach);
}

function checkArrayElements(ctx: Context, type: TypeRef, reach: Reach): void {
  if (type.tag !== 'array' || type.mutability !== 'imm') return;
  checkCopyable(ctx, type.element, () => `an element of ${kindText(type)}`, reach);
}

function copyProblem(ctx: Context, type: TypeRef): string | undefined {
  if (type.ownership === '&') return `a borrowed reference (${refText(type)})`;
  if (type.ownership === '&&') return `a weak reference (${refText(type)})`;
  const r = ctx.index.resolve(ctx.model.path, type, ctx.deps);
  if (r.tag === 'declared' && r.decl.mutability === 'mut') return `the mutable ${r.decl.tag} ${r.decl.name}`;
  if (r.tag === 'array' && r.mutability === 'mut') return `the mutable array ${kindText(type)}`;
  return undefined;
}
