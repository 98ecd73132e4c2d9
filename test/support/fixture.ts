import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Diagnostic } from '../../shared';
import { LineIndex } from '../../shared';

/**
 * Fixture format (one format for every fixture test):
 *   //- /pkg/file.vale        starts a file of a multi-file fixture (optional)
 *   code line
 *   //   ^^^ error SyntaxError: message part
 *       an expectation for the closest code line above: the carets are the columns;
 *       `// <--- ...` starts at column 0. One `^` also matches an empty range there.
 *   $0                         a cursor marker (removed from the text; position recorded)
 */
export interface FixtureFile {
  path: string;
  text: string;
  expectations: Expectation[];
  cursor?: number;
}

export interface Expectation {
  line: number;
  startCol: number;
  endCol: number;
  severity: string;
  code: string;
  message?: string;
  source: string;
}

const EXPECTATION = /^\s*\/\/(\s*)(\^+|<-+)\s+(error|warning|information|hint)\s+([A-Za-z]+)(?::\s*(.*?))?\s*$/;

export function parseFixture(source: string, defaultPath = '/main.vale'): FixtureFile[] {
  const chunks: { path: string; lines: string[] }[] = [];
  let current: { path: string; lines: string[] } | undefined;
  for (const line of source.split('\n')) {
    const header = /^\/\/- (\S+)\s*$/.exec(line);
    if (header) {
      current = { path: header[1], lines: [] };
      chunks.push(current);
      continue;
    }
    if (!current) {
      current = { path: defaultPath, lines: [] };
      chunks.push(current);
    }
    current.lines.push(line);
  }
  return chunks.map(({ path, lines }) => {
    const expectations: Expectation[] = [];
    let lastCodeLine = -1;
    lines.forEach((line, i) => {
      const m = EXPECTATION.exec(line);
      if (!m) {
        lastCodeLine = i;
        return;
      }
      const marks = m[2];
      const startCol = marks.startsWith('<') ? 0 : line.indexOf('^');
      const endCol = marks.startsWith('<') ? marks.length - 1 : startCol + marks.length;
      expectations.push({ line: lastCodeLine, startCol, endCol, severity: m[3], code: m[4], message: m[5], source: line.trim() });
    });
    let text = lines.join('\n');
    const cursor = text.indexOf('$0');
    if (cursor >= 0) text = text.slice(0, cursor) + text.slice(cursor + 2);
    return { path, text, expectations, cursor: cursor >= 0 ? cursor : undefined };
  });
}

/** Differences between expected and actual diagnostics of one file, as readable lines (empty when they agree). */
export function compareDiagnostics(file: FixtureFile, diagnostics: readonly Diagnostic[]): string[] {
  const lines = new LineIndex(file.text);
  const problems: string[] = [];
  const unmatched = [...diagnostics];
  for (const e of file.expectations) {
    const i = unmatched.findIndex((d) => {
      const s = lines.positionAt(d.start);
      const en = lines.positionAt(d.end);
      const sameRange =
        s.line === e.line &&
        s.character === e.startCol &&
        ((en.line === e.line && en.character === e.endCol) || (e.endCol - e.startCol === 1 && d.end === d.start));
      return sameRange && d.severity === e.severity && d.code === e.code && (e.message === undefined || d.message.includes(e.message));
    });
    if (i < 0) problems.push(`${file.path}:${e.line + 1}: expected but not reported: ${e.source}`);
    else unmatched.splice(i, 1);
  }
  for (const d of unmatched) {
    const s = lines.positionAt(d.start);
    const en = lines.positionAt(d.end);
    problems.push(
      `${file.path}:${s.line + 1}:${s.character}-${en.line + 1}:${en.character}: reported but not expected: ${d.severity} ${d.code}: ${d.message}`,
    );
  }
  return problems;
}

export function listFixtures(dir: string, ext = '.vale'): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(ext)) out.push(full);
    }
  };
  walk(dir);
  return out;
}

export function readFixture(path: string): string {
  return readFileSync(path, 'utf8');
}

export function fixtureName(root: string, path: string): string {
  return relative(root, path);
}
