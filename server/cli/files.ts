import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { ReadError, readSourceFile } from '../read';

export class UsageError extends Error {}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'dist', '.vscode-test']);

export interface SourceFile {
  /** The path shown to users: relative to the working directory when inside it, else as given. */
  display: string;
  /** The workspace key: display path with '/' separators. */
  key: string;
  text: string;
}

/** Finds every `.vale` file under the given paths (a file given by name is taken whatever its extension). */
export function collectValeFiles(paths: readonly string[], cwd = process.cwd()): SourceFile[] {
  const found = new Map<string, SourceFile>();
  const add = (path: string): void => {
    const display = displayPath(path, cwd);
    if (found.has(display)) return;
    let text: string;
    try {
      text = readSourceFile(path);
    } catch (e) {
      throw new UsageError(`cannot read ${display}: ${e instanceof ReadError ? e.message : (e as Error).message}`);
    }
    found.set(display, { display, key: display.split(sep).join('/'), text });
  };
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new UsageError(`cannot read directory ${displayPath(dir, cwd)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(full);
      } else if (entry.isFile() && entry.name.endsWith('.vale')) {
        add(full);
      }
    }
  };
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new UsageError(`no such file or directory: ${path}`);
    }
    if (stat.isDirectory()) walk(path);
    else add(path);
  }
  return [...found.values()];
}

function displayPath(path: string, cwd: string): string {
  const abs = isAbsolute(path) ? path : join(cwd, path);
  const rel = relative(cwd, abs);
  if (rel === '') return '.';
  if (!rel.startsWith('..') && !isAbsolute(rel)) return rel;
  return path;
}
