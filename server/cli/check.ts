import { type ItableOptions, type LineIndex, Workspace } from '../../shared';
import { collectValeFiles, UsageError } from './files';
import { summary, toJson, toText } from './report';

export interface CheckOptions {
  paths: string[];
  format: 'text' | 'json';
  itables?: ItableOptions;
}

export interface CommandResult {
  stdout: string;
  exitCode: number;
}

export function runCheck(options: CheckOptions, progress?: (done: number, total: number) => void): CommandResult {
  const files = collectValeFiles(options.paths.length > 0 ? options.paths : ['.']);
  const workspace = new Workspace({ incremental: false });
  if (options.itables) workspace.setItableOptions(options.itables);
  const indexes = new Map<string, LineIndex>();
  files.forEach((f, i) => {
    const tree = workspace.setFile(f.key, f.text);
    indexes.set(f.key, tree.lines);
    progress?.(i + 1, files.length);
  });
  const diagnostics = workspace.allDiagnostics();
  const lines = (file: string): LineIndex => {
    const index = indexes.get(file);
    if (!index) throw new UsageError(`internal: no text for ${file}`);
    return index;
  };
  const exitCode = diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  if (options.format === 'json') {
    return { stdout: `${JSON.stringify({ files: files.length, diagnostics: toJson(diagnostics, lines) }, null, 2)}\n`, exitCode };
  }
  const text = toText(diagnostics, lines);
  return { stdout: `${(text ? `${text}\n\n` : '') + summary(diagnostics, files.length)}\n`, exitCode };
}
