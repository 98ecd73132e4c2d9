import type { FileEdit } from '../diagnostics';
import type { CFileSummary } from '../c/reader';
import type { CProgram } from '../layout/cprogram';
import type { KindDecl, OffsetRange } from '../model/declarations';
import { isPrimitiveName } from '../model/types';
import { referencesTo, symbolAt } from './navigation';

export type RenameTarget = { readonly range: OffsetRange; readonly decl: KindDecl } | { readonly refused: string };

/**
 * What a rename at an offset would rename: a struct or interface (its declaration or a reference
 * to it). Members and functions are refused, with the reason: their uses inside function bodies
 * are not indexed, and a rename that misses some would break the program.
 */
export function renameTarget(program: CProgram, file: string, offset: number): RenameTarget {
  const s = symbolAt(program.index, file, offset);
  if (!s) return { refused: 'nothing to rename here: rename works on a struct or interface name' };
  if (s.tag === 'kind') {
    if (!s.decl)
      return { refused: s.type?.tag === 'primitive' ? 'a primitive type cannot be renamed' : 'this kind is not declared in the workspace' };
    return { range: s.range, decl: s.decl };
  }
  return {
    refused: `renaming ${s.tag === 'field' ? 'a member' : 'a function'} is not offered: its uses inside function bodies are not indexed, so some would be missed`,
  };
}

/**
 * The edits that rename a kind: its declaration, every Vale reference (`export … as` lines
 * included), and in C its generated names (`<project>_<Name>`, `…Ref`, `…_Type_<Name>`) when
 * its C name follows its Vale name. Undefined with the reason when the new name cannot be used.
 */
export function renameKindEdits(
  program: CProgram,
  decl: KindDecl,
  newName: string,
  cFiles: readonly (readonly [string, CFileSummary])[],
  /** The text of a Vale file (to see whether a function body names the kind). */
  textOf: (file: string) => string | undefined,
): { edits: FileEdit[] } | { refused: string } {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return { refused: `${newName} is not a name` };
  if (isPrimitiveName(newName)) return { refused: `${newName} is a primitive type` };
  const clash = program.index.packageKindNames(decl.package).includes(newName) && newName !== decl.name;
  if (clash) return { refused: `package ${decl.package || '(root)'} already declares ${newName}` };
  // Uses inside function bodies (constructor calls, local types) are not indexed: refuse rather than miss one.
  const word = new RegExp(`\\b${decl.name}\\b`);
  for (const m of program.index.files.values()) {
    const text = textOf(m.path);
    const fn = text === undefined ? undefined : m.functions.find((f) => f.body && word.test(text.slice(f.body.start, f.body.end)));
    if (fn)
      return {
        refused: `${decl.name} is used inside the body of func ${fn.name} (${m.path}), and uses in function bodies are not indexed, so the rename would miss it`,
      };
  }
  const edits: FileEdit[] = [{ file: decl.file, ...decl.nameRange, newText: newName }];
  for (const r of referencesTo(program.index, decl)) edits.push({ file: r.file, ...r.range, newText: newName });
  const kind = program.kinds.find((k) => k.decl === decl || (k.decl?.name === decl.name && k.decl.package === decl.package));
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
  return { edits };
}
