import { statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type CParser, LineIndex, type Module, type ReleasedFile, type ValeFfiConfig, Workspace, isCPath } from '../../shared';
import { readInWorkers } from '../jobs';
import { heapPolicyReading, heapPolicyTick } from '../heap';
import { ReadError, readSourceFile, setReadLimits } from '../read';
import { type FoundConfig, SourceFilter, findConfig, loadConfig, walkValeFiles } from '../sources';
import type { Io } from './main';

export class UsageError extends Error {}

export interface SourceFile {
  /** The path shown to users: relative to the working directory when inside it, else as given. */
  display: string;
  /** The workspace key: display path with '/' separators. */
  key: string;
  text: string;
}

/** What every command that reads a workspace knows: where it runs, the configuration, the filters. */
export interface CliContext {
  readonly io: Io;
  readonly cwd: string;
  readonly config?: FoundConfig;
  /** The configuration's settings (empty without one). */
  readonly settings: ValeFfiConfig;
  readonly exclude: readonly string[];
}

/** Loads the configuration the options ask for (`--config FILE`, `--no-config`, or the nearest one); a problem in it is a usage error. */
export function contextFor(io: Io, options: Record<string, unknown>): CliContext {
  let config: FoundConfig | undefined;
  if (typeof options.config === 'string') {
    const path = resolve(io.cwd, options.config);
    try {
      statSync(path);
    } catch {
      throw new UsageError(`--config: no such file ${options.config}`);
    }
    config = loadConfig(path);
    if (!config) throw new UsageError(`--config: ${options.config} has no "vale-ffi" key`);
  } else if (options.config !== false) {
    config = findConfig(io.cwd);
  }
  if (config && config.problems.length > 0) throw new UsageError(`invalid configuration:\n  ${config.problems.join('\n  ')}`);
  setReadLimits(config?.config ?? {});
  return { io, cwd: io.cwd, config, settings: config?.config ?? {}, exclude: (options.exclude as string[] | undefined) ?? [] };
}

/** A path from the configuration, relative to the configuration's directory. */
export function configPath(ctx: CliContext, path: string | undefined): string | undefined {
  return path === undefined || !ctx.config ? path : resolve(ctx.config.dir, path);
}

/** A workspace's files and how its packages are named (`NAME=DIR` arguments, the configuration's modules). */
export interface Sources {
  readonly files: SourceFile[];
  readonly modules: Module[];
}

/** `NAME=DIR` as valec takes it; undefined for a plain path. */
function moduleArgument(arg: string): { name: string; dir: string } | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(arg);
  return m ? { name: m[1], dir: m[2] } : undefined;
}

/** A directory's workspace key, as its files' keys start ('' for the working directory itself). */
function directoryKey(dir: string, cwd: string): string {
  const display = displayPath(resolve(cwd, dir), cwd).split(sep).join('/');
  return display === '.' ? '' : display;
}

/**
 * Finds every `.vale` file under the given paths (default: the configuration's modules, else the
 * working directory), as the configuration and --exclude filter them; a file given by name is
 * taken whatever its extension. A `NAME=DIR` path is module NAME rooted at DIR, as valec takes it.
 */
export function collectSources(
  paths: readonly string[],
  ctx: CliContext,
  options: {
    c?: boolean;
    /** Called once, when the walk takes its first C file (before any file is read). */
    firstC?: () => void;
  } = {},
): Sources {
  const modules: Module[] = [];
  const roots: string[] = [];
  for (const [name, dir] of Object.entries(ctx.settings.modules ?? {})) {
    const abs = resolve(ctx.config!.dir, dir);
    modules.push({ name, root: directoryKey(abs, ctx.cwd) });
    if (paths.length === 0) roots.push(abs);
  }
  for (const arg of paths) {
    const m = moduleArgument(arg);
    if (m && modules.some((x) => x.name === m.name && x.root !== directoryKey(m.dir, ctx.cwd)))
      throw new UsageError(`module ${m.name} is given twice, with different directories`);
    if (m) modules.push({ name: m.name, root: directoryKey(m.dir, ctx.cwd) });
    roots.push(m ? m.dir : arg);
  }
  return { files: collectValeFiles(roots, ctx, options.c === true, options.firstC), modules };
}

/** Every `.vale` file under the paths (default: the working directory), filtered as `collectSources` says. */
export function collectValeFiles(paths: readonly string[], ctx: CliContext, withC = false, firstC?: () => void): SourceFile[] {
  const roots = (paths.length > 0 ? paths : ['.']).map((p) => resolve(ctx.cwd, p));
  roots.forEach((root, i) => {
    try {
      statSync(root);
    } catch {
      throw new UsageError(`no such file or directory: ${paths[i] ?? '.'}`);
    }
  });
  const filter = new SourceFilter({ config: ctx.config, exclude: ctx.exclude, cwd: ctx.cwd });
  const files = walkValeFiles(
    roots,
    filter,
    (dir, code) => {
      throw new UsageError(`cannot read directory ${displayPath(dir, ctx.cwd)}: ${code}`);
    },
    (name) => name.endsWith('.vale') || (withC && isCPath(name)),
    (path) => {
      if (firstC && isCPath(path)) {
        firstC();
        firstC = undefined;
      }
    },
  );
  const given = new Set(roots);
  return files.map((path) => {
    const display = displayPath(path, ctx.cwd);
    let text: string;
    try {
      // A file given on the command line is looked at before it is opened; the walk listed the others as regular files.
      text = readSourceFile(path, !given.has(path));
    } catch (e) {
      throw new UsageError(`cannot read ${display}: ${e instanceof ReadError ? e.message : (e as Error).message}`);
    }
    return { display, key: display.split(sep).join('/'), text };
  });
}

/** How many line indexes `lines` keeps at once (a report asks file after file, and a few others for related locations). */
const KEPT_LINE_INDEXES = 64;

/**
 * A one-shot workspace over the sources, with the positions of each file: `lines` makes a file's
 * line index when a report first asks for it (C files too), keeping the last few (a large
 * workspace's thousands of indexes are never all held).
 */
export function loadWorkspace(
  sources: Sources,
  progress?: (done: number, total: number) => void,
): { workspace: Workspace; lines: (file: string) => LineIndex } {
  // One analysis, and reports that show no quick fixes: none are made.
  const workspace = new Workspace({ incremental: false, quickFixes: false });
  workspace.setModules(sources.modules);
  if (sources.files.length > 0) heapPolicyReading();
  sources.files.forEach((f, i) => {
    workspace.setFile(f.key, f.text);
    heapPolicyTick();
    progress?.(i + 1, sources.files.length);
  });
  const made = new Map<string, LineIndex>();
  const lines = (file: string): LineIndex => {
    let index = made.get(file);
    if (!index) {
      const text = workspace.text(file);
      if (text === undefined) throw new UsageError(`internal: no text for ${file}`);
      if (made.size >= KEPT_LINE_INDEXES) made.clear();
      made.set(file, (index = new LineIndex(text)));
    }
    return index;
  };
  return { workspace, lines };
}

/**
 * `loadWorkspace`, giving the event loop a turn every few milliseconds: the C grammar, loading
 * meanwhile (web-tree-sitter compiles and instantiates its wasm in asynchronous steps), moves
 * on between slices instead of after the last one.
 */
export async function loadWorkspaceYielding(
  sources: Sources,
  progress?: (done: number, total: number) => void,
): Promise<ReturnType<typeof loadWorkspace>> {
  const loaded = loadWorkspace({ files: [], modules: sources.modules });
  let slice = performance.now();
  if (sources.files.length > 0) heapPolicyReading();
  for (const [i, f] of sources.files.entries()) {
    loaded.workspace.setFile(f.key, f.text);
    heapPolicyTick();
    progress?.(i + 1, sources.files.length);
    if (performance.now() - slice > 3) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
  }
  return loaded;
}

/**
 * `loadWorkspace` with the files read in `jobs` worker threads (server/jobs.ts); this thread
 * rebuilds what they read. When a thread fails, the files are read here instead (with a warning).
 */
export async function loadWorkspaceInWorkers(
  sources: Sources,
  jobs: number,
  progress?: (done: number, total: number) => void,
  warn?: (message: string) => void,
): Promise<ReturnType<typeof loadWorkspace>> {
  let released: ReleasedFile[];
  try {
    released = await readInWorkers(sources.files, sources.modules, jobs, progress);
  } catch (e) {
    warn?.(`reading in ${jobs} threads failed (${(e as Error).message}); reading in one`);
    return loadWorkspace(sources, progress);
  }
  const loaded = loadWorkspace({ files: [], modules: sources.modules });
  loaded.workspace.adoptFiles(released);
  return loaded;
}

/** C files into a workspace, read with the C grammar (a warning for each one it cannot read). */
export function addCFiles(
  workspace: Workspace,
  files: readonly SourceFile[],
  parser: CParser | undefined,
  warn: (message: string) => void,
): void {
  workspace.setCParser(parser);
  for (const f of files)
    if (!workspace.setCFile(f.key, f.text)) warn(`${f.display} is not checked: ${workspace.cReadFailure ?? 'the C grammar is not loaded'}`);
}

/**
 * `check`'s C files: each set unread, then read with the C grammar (`parser`, asked for only when
 * some file's words may matter) where the core finds that they may matter
 * (`Workspace.readCFilesThatMatter`: the files that may vote for the project, smallest first
 * until the vote is decided, and those that may name its prefix). Without a grammar, the files
 * that may matter are not checked (a warning each) and no C file is kept, as if every one had
 * failed.
 */
export async function addCFilesAsNeeded(
  workspace: Workspace,
  files: readonly SourceFile[],
  parser: () => Promise<CParser | undefined>,
  warn: (message: string) => void,
): Promise<void> {
  for (const f of files) workspace.setUnreadCFile(f.key, f.text);
  const mayMatter = workspace.cFilesThatMayMatter();
  if (mayMatter.length === 0) return;
  const display = new Map(files.map((f) => [f.key, f.display]));
  const grammar = await parser();
  if (!grammar) {
    for (const path of mayMatter) warn(`${display.get(path)} is not checked: the C grammar is not loaded`);
    for (const f of files) workspace.removeCFile(f.key);
    return;
  }
  workspace.setCParser(grammar);
  for (const r of workspace.readCFilesThatMatter())
    if (r.failure !== undefined) warn(`${display.get(r.path)} is not checked: ${r.failure}`);
}

export function displayPath(path: string, cwd: string): string {
  const abs = isAbsolute(path) ? path : join(cwd, path);
  const rel = relative(cwd, abs);
  if (rel === '') return '.';
  if (!rel.startsWith('..') && !isAbsolute(rel)) return rel;
  return path;
}
