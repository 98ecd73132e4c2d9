import { checkFile } from './checks/ffi';
import { Diagnostic, SYNTAX_ERROR, compareDiagnostics } from './diagnostics';
import { FileModel, readFileModel } from './model/declarations';
import { Dependencies, ProgramIndex } from './model/program';
import { CProgram } from './layout/cprogram';
import { TargetProfile } from './layout/targets';
import { ItableProfile, itableEdges, placeItables, unalignedItableDiagnostic } from './simulate/itables';

/** How itables are checked: the simulated placement, and the symbols of a real build when one is given. */
export interface ItableOptions {
  profile: ItableProfile;
  /** Symbol name → address, read from an ELF file; `binary` names it in messages. */
  symbols?: ReadonlyMap<string, bigint>;
  binary?: string;
  /** How the backend names an itable global. */
  symbolPattern?: string;
}
import { SyntaxTree, TextEdit, parse, reparse } from './syntax';

/** Counters that show how much work the workspace did (tests and benchmarks read them). */
export interface WorkspaceStats {
  /** File models read from syntax trees. */
  modelsRead: number;
  /** Program indexes built (one per batch of changes that a query sees). */
  indexesBuilt: number;
  /** Files whose FFI checks ran. */
  filesChecked: number;
  /** Files whose cached FFI checks were reused because nothing they read changed. */
  checksReused: number;
}

interface CachedCheck {
  readonly tree: SyntaxTree;
  readonly diagnostics: Diagnostic[];
  readonly deps: Dependencies;
}

/**
 * The analysis entry point: files go in as (path, text) pairs, questions come
 * out as values. It never touches the file system; the server and the CLI
 * feed it. Paths are opaque keys ('/'-separated; the directory is the package).
 */
export class Workspace {
  private readonly trees = new Map<string, SyntaxTree>();
  private readonly models = new Map<string, { tree: SyntaxTree; model: FileModel }>();
  private readonly checks = new Map<string, CachedCheck>();
  private index?: ProgramIndex;
  private itableOptions: ItableOptions = { profile: 'midas' };
  private itableCache?: { index: ProgramIndex; options: ItableOptions; byFile: Map<string, Diagnostic[]> };
  private cPrograms?: { index: ProgramIndex; project: string; target: TargetProfile; program: CProgram };
  readonly stats: WorkspaceStats = { modelsRead: 0, indexesBuilt: 0, filesChecked: 0, checksReused: 0 };

  setFile(path: string, text: string): SyntaxTree {
    const tree = parse(text);
    this.trees.set(path, tree);
    this.index = undefined;
    return tree;
  }

  /** Applies edits in order to an open file, re-parsing incrementally. */
  editFile(path: string, edits: readonly TextEdit[]): SyntaxTree {
    let tree = this.trees.get(path) ?? parse('');
    for (const edit of edits) tree = reparse(tree, edit);
    this.trees.set(path, tree);
    this.index = undefined;
    return tree;
  }

  removeFile(path: string): void {
    this.trees.delete(path);
    this.models.delete(path);
    this.checks.delete(path);
    this.index = undefined;
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

  text(path: string): string | undefined {
    return this.trees.get(path)?.text;
  }

  /** What a file declares (kinds, functions, exports, impls), read from its tree once per version. */
  model(path: string): FileModel | undefined {
    const tree = this.trees.get(path);
    if (!tree) return undefined;
    const cached = this.models.get(path);
    if (cached && cached.tree === tree) return cached.model;
    const model = readFileModel(path, tree);
    this.stats.modelsRead++;
    this.models.set(path, { tree, model });
    return model;
  }

  /** The declarations of every file, indexed; rebuilt after changes. */
  program(): ProgramIndex {
    if (this.index) return this.index;
    const models = new Map<string, FileModel>();
    for (const path of this.trees.keys()) models.set(path, this.model(path)!);
    this.stats.indexesBuilt++;
    this.index = new ProgramIndex(models);
    return this.index;
  }

  /** The C side of the workspace for a project name and target, kept until the next change. */
  cProgram(project: string, target: TargetProfile): CProgram {
    const index = this.program();
    const c = this.cPrograms;
    if (c && c.index === index && c.project === project && c.target === target) return c.program;
    const program = new CProgram(index, project, target);
    this.cPrograms = { index, project, target, program };
    return program;
  }

  /**
   * The FFI checks of one file. A file's cached result is reused when the file
   * is unchanged and every fact the check read from other files (a kind's
   * declaration, a package's exports, an interface's impls, how a kind is
   * reached) still has the value it had.
   */
  ffiDiagnostics(path: string): Diagnostic[] {
    const tree = this.trees.get(path);
    if (!tree) return [];
    const index = this.program();
    const cached = this.checks.get(path);
    if (cached && cached.tree === tree && [...cached.deps].every(([key, value]) => index.fact(key) === value)) {
      this.stats.checksReused++;
      return cached.diagnostics;
    }
    const deps: Dependencies = new Map();
    const diagnostics = checkFile(index, this.model(path)!, (file) => this.text(file), deps);
    this.stats.filesChecked++;
    this.checks.set(path, { tree, diagnostics, deps });
    return diagnostics;
  }

  setItableOptions(options: ItableOptions): void {
    this.itableOptions = options;
  }

  /** `UnalignedItable` diagnostics of one file: simulated placement, then the real build's symbols. */
  itableDiagnostics(path: string): Diagnostic[] {
    const index = this.program();
    const options = this.itableOptions;
    if (!this.itableCache || this.itableCache.index !== index || this.itableCache.options !== options) {
      const byFile = new Map<string, Diagnostic[]>();
      const add = (d: Diagnostic): void => void byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
      const edges = itableEdges(index, 8, options.symbolPattern);
      for (const p of placeItables(edges, options.profile)) {
        if (!p.aligned) add(unalignedItableDiagnostic(p, p.address, `in the simulated data section (${options.profile} profile)`));
      }
      if (options.symbols) {
        for (const e of edges) {
          const address = options.symbols.get(e.symbol);
          if (address !== undefined && address % 16n !== 0n) add(unalignedItableDiagnostic(e, address, `in ${options.binary ?? 'the binary'}`));
        }
      }
      this.itableCache = { index, options, byFile };
    }
    return this.itableCache.byFile.get(path) ?? [];
  }

  /** Every diagnostic of one file. */
  diagnostics(path: string): Diagnostic[] {
    return [...this.syntaxDiagnostics(path), ...this.ffiDiagnostics(path), ...this.itableDiagnostics(path)].sort(compareDiagnostics);
  }

  /** Every diagnostic of every file, in file order. */
  allDiagnostics(): Diagnostic[] {
    return this.files().flatMap((f) => this.diagnostics(f));
  }
}
