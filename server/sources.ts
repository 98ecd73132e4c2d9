// Which `.vale` files make up a workspace, for the CLI and the server alike: the configuration
// file (vale-ffi.json, or the "vale-ffi" key of package.json) found upward from a directory,
// and a walk that honours .gitignore files, the configuration's include/exclude patterns,
// --exclude patterns and the build output directory.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { CONFIG_FILE, CONFIG_PACKAGE_KEY, type ValeFfiConfig, readConfig } from '../shared/config';
import { READ_LIMITS, readRegularFile } from './read';

export interface FoundConfig {
  /** The file it was read from (vale-ffi.json or package.json). */
  readonly path: string;
  /** The directory paths and patterns in it are relative to. */
  readonly dir: string;
  readonly config: ValeFfiConfig;
  /** Problems, each prefixed with the file's path; the fields they name are left out of `config`. */
  readonly problems: readonly string[];
}

/**
 * The nearest configuration at or above `start`: in each directory, vale-ffi.json first, then a
 * package.json with a "vale-ffi" key. A file that cannot be read or parsed is reported as a problem.
 */
export function findConfig(start: string): FoundConfig | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const own = join(dir, CONFIG_FILE);
    if (existsSync(own)) return loadConfig(own);
    const pkg = join(dir, 'package.json');
    const found = existsSync(pkg) ? loadConfig(pkg) : undefined;
    if (found) return found;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Reads one configuration file: a package.json holds it under its "vale-ffi" key (undefined
 * when it has none), any other file is the configuration itself.
 */
export function loadConfig(path: string): FoundConfig | undefined {
  const pick = (raw: unknown): unknown =>
    basename(path) === 'package.json' ? (raw as Record<string, unknown> | null)?.[CONFIG_PACKAGE_KEY] : raw;
  const dir = dirname(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readRegularFile(path, READ_LIMITS.source).toString('utf8'));
  } catch (e) {
    const reason = e instanceof SyntaxError ? `not valid JSON (${e.message})` : `cannot be read (${(e as Error).message})`;
    return { path, dir, config: {}, problems: [`${path}: ${reason}`] };
  }
  const picked = pick(raw);
  if (picked === undefined) return undefined;
  const reading = readConfig(picked);
  return { path, dir, config: reading.config, problems: reading.problems.map((p) => `${path}: ${p}`) };
}

/** Directories never searched for sources, whatever the configuration says. */
const ALWAYS_SKIPPED = new Set(['node_modules']);

export interface SourceFilterOptions {
  readonly config?: FoundConfig;
  /** Extra gitignore-style patterns (e.g. from --exclude), relative to `cwd`. */
  readonly exclude?: readonly string[];
  readonly cwd: string;
}

/** Decides which files and directories a walk takes. */
export class SourceFilter {
  private readonly scopes: { dir: string; rules: Ignore }[] = [];
  private readonly include?: { dir: string; rules: Ignore };
  private readonly buildDirectory: string;
  private readonly gitignoresRead = new Set<string>();

  constructor(options: SourceFilterOptions) {
    const config = options.config;
    const base = config?.dir ?? options.cwd;
    this.buildDirectory = resolve(base, config?.config.buildDirectory ?? 'build');
    if (config?.config.exclude?.length) this.scopes.push({ dir: config.dir, rules: ignore().add(config.config.exclude as string[]) });
    if (options.exclude?.length) this.scopes.push({ dir: options.cwd, rules: ignore().add(options.exclude as string[]) });
    if (config?.config.include?.length) this.include = { dir: config.dir, rules: ignore().add(config.config.include as string[]) };
  }

  /** Reads the .gitignore files from `dir` up to the repository's root (the directory holding .git). */
  readGitignoresAbove(dir: string): void {
    const chain: string[] = [];
    for (let d = resolve(dir); ; d = dirname(d)) {
      chain.push(d);
      if (existsSync(join(d, '.git')) || dirname(d) === d) break;
    }
    // Without a repository above, only the walked directory's own .gitignore counts.
    if (!existsSync(join(chain[chain.length - 1], '.git'))) chain.splice(1);
    for (const d of chain.reverse()) this.readGitignore(d);
  }

  /** Adds `dir/.gitignore` (once) to the rules; `listed` false: the directory's listing has none (nothing is looked up). */
  readGitignore(dir: string, listed?: boolean): void {
    if (this.gitignoresRead.has(dir)) return;
    this.gitignoresRead.add(dir);
    const file = join(dir, '.gitignore');
    if (listed === false || (listed === undefined && !existsSync(file))) return;
    try {
      this.scopes.push({ dir, rules: ignore().add(readRegularFile(file, READ_LIMITS.source).toString('utf8')) });
    } catch {
      // An unreadable .gitignore ignores nothing.
    }
  }

  private static matches(scope: { dir: string; rules: Ignore }, path: string, isDirectory: boolean): boolean {
    const rel = relative(scope.dir, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
    const posix = rel.split(sep).join('/');
    return scope.rules.ignores(isDirectory ? `${posix}/` : posix);
  }

  /** Whether a walk enters this directory. */
  takesDirectory(path: string, name: string): boolean {
    if (ALWAYS_SKIPPED.has(name) || name.startsWith('.')) return false;
    if (resolve(path) === this.buildDirectory) return false;
    return !this.scopes.some((s) => SourceFilter.matches(s, path, true));
  }

  /** Whether a file under `root` would be taken by a walk of `root` (every directory on the way checked). */
  takesPath(root: string, path: string): boolean {
    const rel = relative(root, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
    const parts = rel.split(sep);
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      dir = join(dir, part);
      this.readGitignore(dirname(dir));
      if (!this.takesDirectory(dir, part)) return false;
    }
    this.readGitignore(dirname(path));
    return path.endsWith('.vale') && this.takesFile(path);
  }

  /** Whether a walk takes this `.vale` file. */
  takesFile(path: string): boolean {
    if (this.scopes.some((s) => SourceFilter.matches(s, path, false))) return false;
    return !this.include || SourceFilter.matches(this.include, path, false);
  }
}

/**
 * Every `.vale` file under the roots the filter takes, in a stable order (absolute paths).
 * A root that is a file is always taken; every other path was listed as a regular file (read it
 * with `listed`: see `readRegularFile`). `onDirectoryError` hears about unreadable directories
 * (the server skips them; the CLI stops).
 */
export function walkValeFiles(
  roots: readonly string[],
  filter: SourceFilter,
  onDirectoryError?: (dir: string, code: string) => void,
  /** Which file names are sources (default: `.vale` files). */
  takes: (name: string) => boolean = (name) => name.endsWith('.vale'),
  /** Told each file as it is taken (the walk's answer is the list, in order, once it ends). */
  found?: (path: string) => void,
): string[] {
  const steps = walkValeFileSteps(roots, filter, onDirectoryError, takes, found);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `walkValeFiles` a directory at a time: each `next()` lists one directory (the language server
 * walks a large workspace between its messages); the last answers the list.
 */
export function* walkValeFileSteps(
  roots: readonly string[],
  filter: SourceFilter,
  onDirectoryError?: (dir: string, code: string) => void,
  takes: (name: string) => boolean = (name) => name.endsWith('.vale'),
  found?: (path: string) => void,
): Generator<void, string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = function* (dir: string, depth: number): Generator<void, void> {
    if (depth > 64) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      filter.readGitignore(dir);
      onDirectoryError?.(dir, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
      return;
    }
    // The listing says whether there is a .gitignore to read (a lookup per directory took a fifth of a large walk).
    filter.readGitignore(
      dir,
      entries.some((e) => e.name === '.gitignore'),
    );
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    yield;
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (filter.takesDirectory(full, entry.name)) yield* walk(full, depth + 1);
      } else if (entry.isFile() && takes(entry.name) && filter.takesFile(full) && !seen.has(full)) {
        seen.add(full);
        out.push(full);
        found?.(full);
      }
    }
  };
  for (const root of roots) {
    const abs = resolve(root);
    let isDirectory = false;
    try {
      isDirectory = statSync(abs).isDirectory();
    } catch {
      onDirectoryError?.(root, 'ENOENT');
      continue;
    }
    if (isDirectory) {
      filter.readGitignoresAbove(abs);
      yield* walk(abs, 0);
    } else if (!seen.has(abs)) {
      seen.add(abs);
      out.push(abs);
      found?.(abs);
    }
  }
  return out;
}
