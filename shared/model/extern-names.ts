// The FFI functions the Vale files declare, by name, kept up to date by edits: a file's new
// model shares its unchanged items with the last one (declarations.ts), so only the window of
// items between the shared front and the shared back is looked at. What infers the C project
// and what finds a C name's Vale function ask it; a keystroke in one item costs that item.
import { changedWindow } from '../syntax';
import type { FileModel, ItemDecls } from './declarations';

/**
 * The files that declare each FFI function name: the externs', and the exported functions' (but
 * `main`), each file with how many. Kept up to date as `ExternNames` is, from the window of items
 * an edit changed; the C side finds the function a C name stands for here (shared/c/checks.ts).
 */
export class FfiFunctionFiles {
  private readonly externs = new Map<string, Map<string, number>>();
  private readonly exported = new Map<string, Map<string, number>>();
  private readonly models = new Map<string, FileModel>();
  /** Bumped when an extern name is declared by a first file or loses its last one. */
  version = 0;

  /** Whether some file declares an extern of this name. */
  has(name: string): boolean {
    return this.externs.has(name);
  }

  /** Every name an extern has (in no particular order). */
  externNames(): IterableIterator<string> {
    return this.externs.keys();
  }

  /** The files declaring `name`: as an extern (`extern`), else as an exported function. */
  files(name: string, extern: boolean): ReadonlyMap<string, number> | undefined {
    return (extern ? this.externs : this.exported).get(name);
  }

  /** A file's model now (undefined: the file is gone). */
  set(path: string, model: FileModel | undefined): void {
    const before = this.models.get(path);
    if (before === model) return;
    // A model made from the one here shares its items outside its window: only the window is compared.
    const w = model?.window;
    const known = before && w?.base === before ? { head: w.itemsFrom, tail: before.items.length - w.itemsBaseTo } : undefined;
    const { removed, added } = changedWindow(before?.items ?? [], model?.items ?? [], undefined, known);
    for (const item of removed) this.count(path, item, -1);
    for (const item of added) this.count(path, item, 1);
    if (model) this.models.set(path, model);
    else this.models.delete(path);
  }

  private count(path: string, item: ItemDecls, by: 1 | -1): void {
    const f = item.unplacedFunction;
    if (!f || f.builtin) return;
    const table = f.extern ? this.externs : f.exported && f.name !== 'main' ? this.exported : undefined;
    if (!table) return;
    let files = table.get(f.name);
    if (!files) {
      table.set(f.name, (files = new Map()));
      if (f.extern) this.version++;
    }
    const n = (files.get(path) ?? 0) + by;
    if (n > 0) files.set(path, n);
    else {
      files.delete(path);
      if (files.size > 0) return;
      table.delete(f.name);
      if (f.extern) this.version++;
    }
  }
}
