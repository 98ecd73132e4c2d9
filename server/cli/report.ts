import type { Diagnostic, LineIndex } from '../../shared';

/** The pieces a report is written in: about 16 KB each (larger ones outlive the young generation: 64 KB pieces cost a 100k-line JSON report 9 MB more peak RSS). */
const PIECE = 1 << 14;

export interface JsonDiagnostic {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: Diagnostic['severity'];
  code: string;
  message: string;
  related?: { file: string; range: JsonDiagnostic['range']; message: string }[];
}

/** Converts core diagnostics (offsets) into the CLI's JSON contract (LSP positions). */
export function toJson(diagnostics: readonly Diagnostic[], lines: (file: string) => LineIndex): JsonDiagnostic[] {
  return diagnostics.map((d) => {
    const out: JsonDiagnostic = {
      file: d.file,
      range: lines(d.file).range(d.start, d.end),
      severity: d.severity,
      code: d.code,
      message: d.message,
    };
    if (d.related && d.related.length > 0) {
      out.related = d.related.map((r) => ({ file: r.file, range: lines(r.file).range(r.start, r.end), message: r.message }));
    }
    return out;
  });
}

/** What `piecesOfJson` finds in its value where the long array goes. */
export const LONG_ARRAY = '\u0000vale-ffi: the long array\u0000';

/**
 * `JSON.stringify(value, null, 2)` and a newline, where `value` holds `LONG_ARRAY` once in
 * place of an array of `count` elements that `element(i)` gives: in pieces of about 16 KB, each
 * made as it is written (the same bytes, never held whole).
 */
export function* piecesOfJson(value: unknown, count: number, element: (i: number) => unknown): Generator<string> {
  const text = JSON.stringify(value, null, 2);
  const marker = JSON.stringify(LONG_ARRAY);
  const at = text.indexOf(marker);
  if (at < 0) throw new Error('piecesOfJson: the value holds no LONG_ARRAY');
  const rest = text.slice(at + marker.length);
  if (count === 0) {
    yield `${text.slice(0, at)}[]${rest}\n`;
    return;
  }
  // The array's key starts its line: its elements are indented two spaces more, its `]` as the key.
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const indent = ' '.repeat(/^ */.exec(text.slice(lineStart, at))![0].length);
  const inner = `\n${indent}  `;
  let piece = `${text.slice(0, at)}[`;
  for (let i = 0; i < count; i++) {
    piece += `${i > 0 ? ',' : ''}${inner}${JSON.stringify(element(i), null, 2).replace(/\n/g, inner)}`;
    if (piece.length >= PIECE) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}\n${indent}]${rest}\n`;
}

/** `JSON.stringify({ files, diagnostics: toJson(diagnostics, lines) }, null, 2)` and a newline, in pieces. */
export function jsonPieces(files: number, diagnostics: readonly Diagnostic[], lines: (file: string) => LineIndex): Generator<string> {
  return piecesOfJson({ files, diagnostics: LONG_ARRAY }, diagnostics.length, (i) => toJson([diagnostics[i]], lines)[0]);
}

/** Compiler-style text: `file:line:col: error[Code]: message`, the line, and carets under the range. */
export function toText(diagnostics: readonly Diagnostic[], lines: (file: string) => LineIndex, paint: Paint = plain): string {
  return [...textPieces(diagnostics, lines, paint)].join('');
}

/**
 * `toText` made as it is written: pieces of about 16 KB whose concatenation is `toText`'s
 * answer, each made when asked for (a large workspace's report is never held whole).
 */
export function* textPieces(
  diagnostics: readonly Diagnostic[],
  lines: (file: string) => LineIndex,
  paint: Paint = plain,
): Generator<string> {
  let out: string[] = [];
  let size = 0;
  for (const d of diagnostics) {
    if (size >= PIECE) {
      yield `${out.join('\n')}\n`;
      out = [];
      size = 0;
    }
    const before = out.length;
    const index = lines(d.file);
    const start = index.positionAt(d.start);
    const end = index.positionAt(d.end);
    out.push(
      `${paint('bold', `${d.file}:${start.line + 1}:${start.character + 1}:`)} ${paint(severityStyle(d.severity), `${d.severity}[${d.code}]`)}: ${d.message}`,
    );
    const lineText = index.lineText(start.line).replace(/\t/g, ' ');
    const width = end.line === start.line ? Math.max(1, end.character - start.character) : Math.max(1, lineText.length - start.character);
    out.push(`    ${lineText}`);
    out.push(`    ${' '.repeat(start.character)}${paint(severityStyle(d.severity), '^'.repeat(width))}`);
    for (const r of d.related ?? []) {
      const p = lines(r.file).positionAt(r.start);
      out.push(`  ${paint('cyan', 'note')}: ${r.file}:${p.line + 1}:${p.character + 1}: ${r.message}`);
    }
    for (let i = before; i < out.length; i++) size += out[i].length + 1;
  }
  if (out.length > 0) yield out.join('\n');
}

export function summary(diagnostics: readonly Diagnostic[], files: number): string {
  const count = (s: Diagnostic['severity']): number => diagnostics.filter((d) => d.severity === s).length;
  const errors = count('error');
  const warnings = count('warning');
  const infos = count('information') + count('hint');
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(files, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'note')}`;
}

/** Whether text output is coloured: `--color always|never`, or on a terminal unless NO_COLOR is set. */
export function colorChoice(
  when: string | undefined,
  io: { stdout: { isTTY?: boolean }; env: Readonly<Record<string, string | undefined>> },
): boolean {
  if (when === 'always') return true;
  if (when === 'never') return false;
  return io.stdout.isTTY === true && !io.env.NO_COLOR;
}

const STYLE = { bold: '1', red: '1;31', yellow: '1;33', cyan: '1;36', dim: '2' } as const;
export type Paint = (style: keyof typeof STYLE, text: string) => string;
export const plain: Paint = (_style, text) => text;
export const ansi: Paint = (style, text) => `\x1b[${STYLE[style]}m${text}\x1b[0m`;

export function severityStyle(s: Diagnostic['severity']): keyof typeof STYLE {
  return s === 'error' ? 'red' : s === 'warning' ? 'yellow' : 'cyan';
}
