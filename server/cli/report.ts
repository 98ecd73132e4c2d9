import type { Diagnostic, LineIndex } from '../../shared';

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

/** Compiler-style text: `file:line:col: error[Code]: message`, the line, and carets under the range. */
export function toText(diagnostics: readonly Diagnostic[], lines: (file: string) => LineIndex): string {
  const out: string[] = [];
  for (const d of diagnostics) {
    const index = lines(d.file);
    const start = index.positionAt(d.start);
    const end = index.positionAt(d.end);
    out.push(`${d.file}:${start.line + 1}:${start.character + 1}: ${d.severity}[${d.code}]: ${d.message}`);
    const lineText = index.lineText(start.line).replace(/\t/g, ' ');
    const width = end.line === start.line ? Math.max(1, end.character - start.character) : Math.max(1, lineText.length - start.character);
    out.push(`    ${lineText}`);
    out.push(`    ${' '.repeat(start.character)}${'^'.repeat(width)}`);
    for (const r of d.related ?? []) {
      const p = lines(r.file).positionAt(r.start);
      out.push(`  note: ${r.file}:${p.line + 1}:${p.character + 1}: ${r.message}`);
    }
  }
  return out.join('\n');
}

export function summary(diagnostics: readonly Diagnostic[], files: number): string {
  const count = (s: Diagnostic['severity']): number => diagnostics.filter((d) => d.severity === s).length;
  const errors = count('error');
  const warnings = count('warning');
  const infos = count('information') + count('hint');
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(files, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'note')}`;
}
