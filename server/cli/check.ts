import { relative, resolve } from 'node:path';
import {
  type BuiltHeaders,
  type CParser,
  type Diagnostic,
  type ItableOptions,
  type LineIndex,
  type Workspace,
  applySeverity,
  isCPath,
} from '../../shared';
import { BuildError, readBuiltHeaders } from '../built';
import { sarifPieces, toGithub } from './formats';
import {
  type CliContext,
  type Sources,
  UsageError,
  addCFilesAsNeeded,
  collectSources,
  configPath,
  loadWorkspace,
  loadWorkspaceInWorkers,
  loadWorkspaceYielding,
} from './files';
import { autoJobs } from '../jobs';
import { binaryOption, itableProfileOption } from './itables';
import { VERSION } from './version';
import { ansi, colorChoice, jsonPieces, plain, summary, textPieces } from './report';

export interface CommandResult {
  /** What the command prints, or the pieces it prints in order (each made as it is written). */
  stdout: string | Iterable<string>;
  exitCode: number;
  stderr?: string;
}

export interface CheckOptions {
  format: 'text' | 'json' | 'sarif' | 'github';
  build?: string;
  binary?: string;
  itableProfile?: string;
  strict?: boolean;
  stdinFilename: string;
  color?: string;
  /** Threads that read the files (`--jobs`); unset: one per core when there is enough to read. */
  jobs?: string;
}

/** The reading threads `--jobs` asks for (a positive integer; 1 reads here), else `autoJobs`. */
export function jobsOption(jobs: string | undefined, files: readonly { readonly text: string }[]): number {
  if (jobs !== undefined) {
    const n = Number(jobs);
    if (!/^[0-9]+$/.test(jobs) || !Number.isSafeInteger(n) || n < 1)
      throw new UsageError(`--jobs takes a positive integer, not ${JSON.stringify(jobs)}`);
    return n;
  }
  return autoJobs(files);
}

/** Exit status of a finished analysis: 1 with an error, or with any finding under --strict. */
export function findingsStatus(diagnostics: readonly Diagnostic[], strict = false): number {
  return diagnostics.some((d) => strict || d.severity === 'error') ? 1 : 0;
}

/** The itable profile and binary from the options, else from the configuration (the binary is read here). */
export function itableOptions(ctx: CliContext, profile?: string, binary?: string): ItableOptions {
  return {
    profile: itableProfileOption(profile ?? ctx.settings.itableProfile),
    ...binaryOption(binary ?? configPath(ctx, ctx.settings.binary)),
  };
}

/**
 * A real build's headers: `--build DIR` (which must hold them), else the configuration's
 * buildDirectory when a build is there. The project: given (--project, configuration), else
 * guessed from the first module.
 */
export function builtOption(ctx: CliContext, build: string | undefined, sources: Sources, project?: string): BuiltHeaders | undefined {
  const name = project ?? ctx.settings.project;
  const which = { name: name ?? sources.modules[0]?.name, explicit: name !== undefined };
  try {
    if (build !== undefined) return readBuiltHeaders(resolve(ctx.cwd, build), build.replace(/\/+$/, '') || build, which, true);
    if (ctx.settings.buildDirectory !== undefined) {
      const dir = configPath(ctx, ctx.settings.buildDirectory)!;
      return readBuiltHeaders(dir, relative(ctx.cwd, dir) || '.', which, false);
    }
  } catch (e) {
    if (e instanceof BuildError) throw new UsageError(e.message);
    throw e;
  }
  return undefined;
}

/** Analyzes the workspace in one shot; diagnostics come with the configuration's severity overrides applied. */
export function analyze(
  sources: Sources,
  ctx: CliContext,
  itables: ItableOptions = itableOptions(ctx),
  progress?: (done: number, total: number) => void,
  built?: BuiltHeaders,
): { workspace: Workspace; diagnostics: Diagnostic[]; lines: (file: string) => LineIndex } {
  const loaded = loadWorkspace(sources, progress);
  configure(loaded.workspace, sources, ctx, itables, built);
  return finishAnalysis(loaded, ctx);
}

/** Every diagnostic of a loaded and configured workspace. */
function finishAnalysis(
  loaded: { workspace: Workspace; lines: (file: string) => LineIndex },
  ctx: CliContext,
): { workspace: Workspace; diagnostics: Diagnostic[]; lines: (file: string) => LineIndex } {
  const { workspace, lines } = loaded;
  const diagnostics = applySeverity(workspace.allDiagnostics(), ctx.settings.severity);
  return { workspace, diagnostics, lines };
}

/**
 * The options of an analysis, set before its C files are read: which of them matter depends on
 * the project their names carry (`Workspace.readCFilesThatMatter`).
 */
function configure(workspace: Workspace, sources: Sources, ctx: CliContext, itables: ItableOptions, built?: BuiltHeaders): void {
  workspace.setItableOptions(itables);
  workspace.setBuiltHeaders(built);
  // C names carry the project: the configuration's (--project), else the first module's (the
  // configuration's, then the NAME=DIR paths), else the one the C files use for the externs.
  workspace.setCProject(ctx.settings.project ?? sources.modules[0]?.name);
}

/** How this thread loads the C grammar (server/cparser.ts), and the load once started. */
let cParserLoad: () => Promise<CParser | undefined> = () => Promise.resolve(undefined);
let cParserLoading: Promise<CParser | undefined> | undefined;

/**
 * How the commands that read C files load the C grammar; `now` starts loading at once (`stubs`).
 * `check` starts it when its walk takes the first C file, before any file is read: loading it
 * costs a run with none about a sixth of its time on a 2-core machine (its compiling competes with
 * the reading), and a run with C files waited for it once the Vale files were read.
 */
export function startCParser(load: () => Promise<CParser | undefined>, now = false): void {
  cParserLoad = load;
  cParserLoading = undefined;
  if (now) void cParserPromise();
}

export function cParserPromise(): Promise<CParser | undefined> {
  cParserLoading ??= cParserLoad();
  return cParserLoading;
}

export async function runCheck(paths: readonly string[], options: CheckOptions, ctx: CliContext): Promise<CommandResult> {
  const fromStdin = paths.includes('-');
  if (!fromStdin && options.stdinFilename !== '<stdin>') throw new UsageError('--stdin-filename goes with - (read the file from stdin)');
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('- (stdin) can be given once');
  const itables = itableOptions(ctx, options.itableProfile, options.binary);
  const others = paths.filter((p) => p !== '-');
  const sources: Sources =
    fromStdin && others.length === 0
      ? { files: [], modules: [] }
      : collectSources(others, ctx, { c: true, firstC: () => void cParserPromise() });
  let files = sources.files;
  if (fromStdin) {
    const key = options.stdinFilename.split('\\').join('/');
    files = [...files.filter((f) => f.key !== key), { display: options.stdinFilename, key, text: ctx.io.readStdin() }];
  }
  const showProgress = ctx.io.stderr.isTTY === true && options.format === 'text';
  const progress = showProgress ? progressPrinter(ctx) : undefined;
  const built = builtOption(ctx, options.build, sources);
  // The Vale files first, while the C grammar loads (compiled off this thread) when there are C
  // files; then the C files.
  const vale = { files: files.filter((f) => !isCPath(f.key)), modules: sources.modules };
  const cFiles = files.filter((f) => isCPath(f.key));
  if (cFiles.length > 0) void cParserPromise();
  const jobs = jobsOption(options.jobs, vale.files);
  const warn = (m: string): void => {
    ctx.io.stderr.write(`vale-ffi: warning: ${m}\n`);
  };
  const loaded =
    jobs > 1 && vale.files.length > 1
      ? await loadWorkspaceInWorkers(vale, jobs, progress, warn)
      : cFiles.length > 0
        ? await loadWorkspaceYielding(vale, progress)
        : loadWorkspace(vale, progress);
  configure(loaded.workspace, vale, ctx, itables, built);
  // The C files that may matter read with the grammar, the others set unread (`addCFilesAsNeeded`).
  if (cFiles.length > 0) await addCFilesAsNeeded(loaded.workspace, cFiles, cParserPromise, warn);
  const { diagnostics, lines } = finishAnalysis(loaded, ctx);
  if (showProgress) ctx.io.stderr.write('\r\x1b[K');
  const exitCode = findingsStatus(diagnostics, options.strict);
  switch (options.format) {
    case 'json':
      return { stdout: jsonPieces(files.length, diagnostics, lines), exitCode };
    case 'sarif':
      return { stdout: sarifPieces(diagnostics, lines, VERSION), exitCode };
    case 'github':
      return { stdout: toGithub(diagnostics, lines), exitCode };
    default: {
      const paint = colorChoice(options.color, ctx.io) ? ansi : plain;
      // Written piece by piece: 100k lines' report is about 10 MB of text.
      const end = `${summary(diagnostics, files.length)}\n`;
      const report = function* (): Generator<string> {
        let any = false;
        for (const piece of textPieces(diagnostics, lines, paint)) {
          any = true;
          yield piece;
        }
        yield any ? `\n\n${end}` : end;
      };
      return { stdout: report(), exitCode };
    }
  }
}

function progressPrinter(ctx: CliContext): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (total < 200 || (now - last < 100 && done !== total)) return;
    last = now;
    ctx.io.stderr.write(`\rAnalyzing ${done}/${total} files`);
  };
}
