import { Diagnostic, SYNTAX_ERROR, compareDiagnostics } from './diagnostics';
import { SyntaxTree, TextEdit, parse, reparse } from './syntax';

/**
 * The analysis entry point: files go in as (path, text) pairs, questions come
 * out as values. It never touches the file system; the server and the CLI
 * feed it. Paths are opaque keys ('/'-separated; the directory is the package).
 */
export class Workspace {
  private readonly trees = new Map<string, SyntaxTree>();

  setFile(path: string, text: string): SyntaxTree {
    const tree = parse(text);
    this.trees.set(path, tree);
    return tree;
  }

  /** Applies edits in order to an open file, re-parsing incrementally. */
  editFile(path: string, edits: readonly TextEdit[]): SyntaxTree {
    let tree = this.trees.get(path) ?? parse('');
    for (const edit of edits) tree = reparse(tree, edit);
    this.trees.set(path, tree);
    return tree;
  }

  removeFile(path: string): void {
    this.trees.delete(path);
  }

  files(): string[] {
    return [...this.trees.keys()].sort();
  }

  tree(path: string): SyntaxTree | undefined {
    return this.trees.get(path);
  }

  syntaxDiagnostics(path: string): Diagnostic[] {
    const tree = this.trees.get(path);
    if (!tree) return [];
    return tree.errors.map((e) => ({
      file: path,
      start: e.start,
      end: e.end,
      severity: e.warning ? 'warning' : 'error',
      code: SYNTAX_ERROR,
      message: e.message,
    }));
  }

  /** Every diagnostic of one file. */
  diagnostics(path: string): Diagnostic[] {
    return this.syntaxDiagnostics(path).sort(compareDiagnostics);
  }

  /** Every diagnostic of every file, in file order. */
  allDiagnostics(): Diagnostic[] {
    return this.files().flatMap((f) => this.diagnostics(f));
  }
}
