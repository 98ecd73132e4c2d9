import { statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ValeFfiConfig } from '../../shared';
import { ReadError, readSourceFile } from '../read';
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
    config = loadConfig(path, (raw) => (path.endsWith('package.json') ? (raw as Record<string, unknown> | null)?.['vale-ffi'] : raw));
    if (!config) throw new UsageError(`--config: ${options.config} has no "vale-ffi" key`);
  } else if (options.config !== false) {
    config = findConfig(io.cwd);
  }
  if (config && config.problems.length > 0) throw new UsageError(`invalid configuration:\n  ${config.problems.join('\n  ')}`);
  return { io, cwd: io.cwd, config, settings: config?.config ?? {}, exclude: (options.exclude as string[] | undefined) ?? [] };
}

/** A path from the configuration, relative to the configuration's directory. */
export function configPath(ctx: CliContext, path: string | undefined): string | undefined {
  return path === undefined || !ctx.config ? path : resolve(ctx.config.dir, path);
}

/**
 * Finds every `.vale` file under the given paths (default: the working directory), as the
 * configuration and --exclude filter them; a file given by name is taken whatever its extension.
 */
export function collectValeFiles(paths: readonly string[], ctx: CliContext): SourceFile[] {
  const roots = (paths.length > 0 ? paths : ['.']).map((p) => resolve(ctx.cwd, p));
  roots.forEach((root, i) => {
    try {
      statSync(root);
    } catch {
      throw new UsageError(`no such file or directory: ${paths[i] ?? '.'}`);
    }
  });
  const filter = new SourceFilter({ config: ctx.config, exclude: ctx.exclude, cwd: ctx.cwd });
  const files = walkValeFiles(roots, filter, (dir, code) => {
    throw new UsageError(`cannot read directory ${displayPath(dir, ctx.cwd)}: ${code}`);
  });
  return files.map((path) => {
    const display = displayPath(path, ctx.cwd);
    let text: string;
    try {
      text = readSourceFile(path);
    } catch (e) {
      throw new UsageError(`cannot read ${display}: ${e instanceof ReadError ? e.message : (e as Error).message}`);
    }
    return { display, key: display.split(sep).join('/'), text };
  });
}

export function displayPath(path: string, cwd: string): string {
  const abs = isAbsolute(path) ? path : join(cwd, path);
  const rel = relative(cwd, abs);
  if (rel === '') return '.';
  if (!rel.startsWith('..') && !isAbsolute(rel)) return rel;
  return path;
}
