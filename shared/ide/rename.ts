import type { CFileSummary } from '../c/reader';
import { cSymbolAt } from '../c/navigation';
import type { FileEdit } from '../diagnostics';
import type { CProgram } from '../layout/cprogram';
import { type FunctionDecl, type KindDecl, type MemberDecl, type OffsetRange, nameRangeOf } from '../model/declarations';
import { isPrimitiveName } from '../model/types';
import { ITEM_START_WORDS, OWNERSHIP_WORDS } from '../syntax/grammar/common';
import { SyntaxKind } from '../syntax/kinds';
import type { SyntaxNode } from '../syntax/red';
import type { SyntaxTree } from '../syntax/tree';
import { referencesTo, symbolAt } from './navigation';

export type RenameTarget =
  | { readonly tag: 'kind'; readonly range: OffsetRange; readonly decl: KindDecl }
  | { readonly tag: 'member'; readonly range: OffsetRange; readonly decl: KindDecl; readonly member: MemberDecl }
  | { readonly tag: 'function'; readonly range: OffsetRange; readonly name: string; readonly functions: readonly FunctionDecl[] }
  | { readonly refused: string };

/** How a name is used inside function bodies (and as parameters), read from the syntax tree. */
type Role = 'member' | 'method' | 'name' | 'type' | 'binding';
interface Use {
  readonly file: string;
  readonly range: OffsetRange;
  readonly role: Role;
}

const identOf = (n: SyntaxNode | undefined): { text: string; range: OffsetRange } | undefined => {
  const t = n?.directTokens().find((x) => x.kind === SyntaxKind.Ident);
  return t ? { text: t.text, range: { start: t.offset, end: t.end } } : undefined;
};

/**
 * Every use of `name` in the bodies and parameter lists of a file's functions: `x.name` (member),
 * `x.name(…)` (method call), `name` as an expression (a call or a value), `name` in a type, and
 * `name` bound by a pattern (a parameter or a local). The declarations themselves come from the index.
 */
function usesIn(file: string, tree: SyntaxTree, name: string): Use[] {
  if (!tree.text.includes(name)) return [];
  const out: Use[] = [];
  // Each node with whether it is in a function body, on a stack of its own (a chain of operators
  // nests as deep as it is long), in document order.
  const stack: [SyntaxNode, boolean][] = [[tree.root, false]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [n, inBody] = top;
    const body = inBody || n.kind === SyntaxKind.FunctionBody;
    switch (n.kind) {
      case SyntaxKind.MemberExpr: {
        const id = identOf(n.child(SyntaxKind.Name));
        if (id?.text === name) out.push({ file, range: id.range, role: n.child(SyntaxKind.ArgList) ? 'method' : 'member' });
        break;
      }
      case SyntaxKind.NameExpr: {
        const id = identOf(n);
        if (id?.text === name) out.push({ file, range: id.range, role: 'name' });
        break;
      }
      case SyntaxKind.PathType: {
        const id = identOf(n);
        if (body && id?.text === name) out.push({ file, range: id.range, role: 'type' });
        break;
      }
      case SyntaxKind.Pattern: {
        const id = identOf(n.child(SyntaxKind.Name));
        if (id?.text === name && (body || n.parent?.kind === SyntaxKind.Param)) out.push({ file, range: id.range, role: 'binding' });
        break;
      }
    }
    const cs = n.childNodes();
    for (let i = cs.length - 1; i >= 0; i--) stack.push([cs[i], body]);
  }
  return out;
}

function allUses(program: CProgram, treeOf: TreeOf, name: string): Use[] {
  const out: Use[] = [];
  for (const m of program.index.files.values()) {
    const tree = treeOf(m.path, name);
    if (tree) out.push(...usesIn(m.path, tree, name));
  }
  return out;
}

/**
 * A Vale file's whole syntax tree (bodies are read there), for uses of `name`: a file whose
 * syntax was let go is parsed again (`Workspace.syntaxTree`), unless its text lacks the name.
 */
export type TreeOf = (file: string, name: string) => SyntaxTree | undefined;

const where = (u: Use): string => `${u.file}`;

/**
 * What a rename at an offset would rename: a struct or interface, a member of one, or a function
 * (with every overload of its name: Vale picks among them by argument types, which a rename
 * must not change). Refused, with the reason, where a use could be missed or confused.
 */
export function renameTarget(program: CProgram, file: string, offset: number): RenameTarget {
  const s = symbolAt(program.index, file, offset);
  if (!s)
    return {
      refused:
        'nothing to rename here: rename works on the name of a struct, interface, member or function where it is declared or used in a signature',
    };
  if (s.tag === 'kind') {
    if (!s.decl)
      return { refused: s.type?.tag === 'primitive' ? 'a primitive type cannot be renamed' : 'this kind is not declared in the workspace' };
    return { tag: 'kind', range: s.range, decl: s.decl };
  }
  if (s.tag === 'field') return { tag: 'member', range: s.range, decl: s.decl, member: s.member };
  const functions = [...program.index.files.values()].flatMap((m) => m.functions.filter((f) => f.name === s.fn.name));
  return { tag: 'function', range: s.range, name: s.fn.name, functions };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Words a name cannot take: the grammar's item and attribute words, and those of statements and expressions. */
const KEYWORDS: ReadonlySet<string> = new Set([
  ...ITEM_START_WORDS,
  ...OWNERSHIP_WORDS,
  ...['virtual', 'imm', 'mut', 'if', 'else', 'while', 'foreach', 'in', 'return', 'break', 'set', 'destruct', 'unlet'],
  ...['block', 'unsafe', 'self', 'true', 'false', 'and', 'or', 'not', 'as', 'where', 'region'],
]);

function badName(newName: string): string | undefined {
  if (!NAME.test(newName)) return `${newName} is not a name`;
  if (KEYWORDS.has(newName)) return `${newName} is a keyword`;
  return undefined;
}

export type RenameResult = { edits: FileEdit[] } | { refused: string };

/**
 * The edits of a rename: the declarations, every use in signatures and bodies, and the
 * generated names in C. `treeOf` gives each Vale file's syntax tree (bodies are read there).
 */
export function renameEdits(
  program: CProgram,
  target: Exclude<RenameTarget, { refused: string }>,
  newName: string,
  cFiles: readonly (readonly [string, CFileSummary])[],
  treeOf: TreeOf,
): RenameResult {
  const bad = badName(newName);
  if (bad) return { refused: bad };
  switch (target.tag) {
    case 'kind':
      return renameKind(program, target.decl, newName, cFiles, treeOf);
    case 'member':
      return renameMember(program, target.decl, target.member, newName, cFiles, treeOf);
    case 'function':
      return renameFunction(program, target.name, target.functions, newName, cFiles, treeOf);
  }
}

/** A kind: its declaration, every reference (`impl`, `export … as`, bodies) and its generated names in C. */
function renameKind(
  program: CProgram,
  decl: KindDecl,
  newName: string,
  cFiles: readonly (readonly [string, CFileSummary])[],
  treeOf: TreeOf,
): RenameResult {
  if (isPrimitiveName(newName)) return { refused: `${newName} is a primitive type` };
  const clash = program.index.packageKindNames(decl.package).includes(newName) && newName !== decl.name;
  if (clash) return { refused: `package ${decl.package || '(root)'} already declares ${newName}` };
  const uses = allUses(program, treeOf, decl.name);
  const binding = uses.find((u) => u.role === 'binding');
  if (binding) return { refused: `${decl.name} is also a local or parameter name (${where(binding)}): its uses cannot be told apart` };
  const edits: FileEdit[] = [{ file: decl.file, ...nameRangeOf(decl), newText: newName }];
  for (const r of referencesTo(program.index, decl)) edits.push({ file: r.file, ...r.range, newText: newName });
  // In bodies: constructor calls (`Ship(3)`) and types of locals or generic arguments.
  for (const u of uses) if (u.role === 'name' || u.role === 'type') edits.push({ file: u.file, ...u.range, newText: newName });
  const kind = program.kindOfDecl(decl, false);
  if (kind && kind.exportName === decl.name) {
    const prefix = program.project ? `${program.project}_` : '';
    const old = `${prefix}${decl.name}`;
    const renamed = `${prefix}${newName}`;
    for (const [file, c] of cFiles) {
      for (const use of c.names) {
        let text: string | undefined;
        if (use.name === old || use.name === `${old}Ref`) text = renamed + use.name.slice(old.length);
        else if (use.name.startsWith(`${old}_Type_`)) text = renamed + use.name.slice(old.length);
        else if (use.name.startsWith(prefix) && use.name.endsWith(`_Type_${decl.name}`))
          text = use.name.slice(0, -decl.name.length) + newName;
        if (text !== undefined) edits.push({ file, ...use.range, newText: text });
      }
    }
  }
  return { edits: dedupe(edits) };
}

/**
 * A member: its declaration, every `x.member` in bodies, and `p->member` / `p.member` in C on the
 * generated struct. Refused when another kind of the workspace has a member of that name (without
 * types, `x.name` could be either) or when the new name is taken in the kind.
 */
function renameMember(
  program: CProgram,
  decl: KindDecl,
  member: MemberDecl,
  newName: string,
  cFiles: readonly (readonly [string, CFileSummary])[],
  treeOf: TreeOf,
): RenameResult {
  if (decl.members.some((m) => m.name === newName)) return { refused: `${decl.name} already has a member ${newName}` };
  for (const m of program.index.files.values())
    for (const k of m.kinds)
      if (k !== decl && !(k.name === decl.name && k.package === decl.package) && k.members.some((x) => x.name === member.name))
        return {
          refused: `${k.name} (${m.path}) also has a member ${member.name}: without types, the uses of the two cannot be told apart`,
        };
  const edits: FileEdit[] = [{ file: decl.file, ...nameRangeOf(member), newText: newName }];
  for (const u of allUses(program, treeOf, member.name))
    if (u.role === 'member') edits.push({ file: u.file, ...u.range, newText: newName });
  for (const [file, c] of cFiles)
    for (const use of c.fields) {
      if (use.field !== member.name) continue;
      const s = cSymbolAt(program, c, use.range.start);
      if (s?.tag === 'field' && s.member === member) edits.push({ file, ...use.range, newText: newName });
    }
  return { edits: dedupe(edits) };
}

/**
 * A function and its overloads: their declarations, every call (`f(x)`, `x.f()`) and value use
 * in bodies, and for an extern or exported one its C name (`<project>_<name>`) in C files.
 * Refused when the name is also a parameter or local (a call of that value would look the same).
 */
function renameFunction(
  program: CProgram,
  name: string,
  functions: readonly FunctionDecl[],
  newName: string,
  cFiles: readonly (readonly [string, CFileSummary])[],
  treeOf: TreeOf,
): RenameResult {
  if (name === 'main') return { refused: 'main is where the program starts: the compiler looks for it by name' };
  const taken = [...program.index.files.values()].some((m) => m.functions.some((f) => f.name === newName));
  if (taken) return { refused: `a function named ${newName} already exists: the two would become one overload set` };
  const uses = allUses(program, treeOf, name);
  const binding = uses.find((u) => u.role === 'binding');
  if (binding)
    return { refused: `${name} is also a local or parameter name (${where(binding)}): its calls cannot be told apart from the function's` };
  const edits: FileEdit[] = functions.map((f) => ({ file: f.file, ...nameRangeOf(f), newText: newName }));
  for (const u of uses) if (u.role === 'name' || u.role === 'method') edits.push({ file: u.file, ...u.range, newText: newName });
  if (functions.some((f) => f.extern || f.exported)) {
    const prefix = program.project ? `${program.project}_` : '';
    for (const [file, c] of cFiles)
      for (const use of c.names) if (use.name === `${prefix}${name}`) edits.push({ file, ...use.range, newText: `${prefix}${newName}` });
  }
  return { edits: dedupe(edits) };
}

function dedupe(edits: FileEdit[]): FileEdit[] {
  const seen = new Set<string>();
  return edits.filter((e) => {
    const key = `${e.file}:${e.start}:${e.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
