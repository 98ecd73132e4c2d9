import { CODES, codeInfo, explainMarkdown, nearestCode } from '../../shared';
import { UsageError } from './files';

/** `vale-ffi explain`: every code with its severity and title; `explain CODE`: the explanation (as `rustc --explain`). */
export function runExplain(args: readonly string[]): string {
  if (args.length === 0) {
    const width = Math.max(...CODES.map((c) => c.code.length));
    return `${CODES.map((c) => `${c.code.padEnd(width)}  ${c.severity.padEnd(11)}  ${c.title}`).join('\n')}\n`;
  }
  if (args.length > 1) throw new UsageError('explain takes one code (or none to list them all)');
  const info = codeInfo(args[0]);
  if (!info)
    throw new UsageError(`no diagnostic code '${args[0]}'; did you mean ${nearestCode(args[0])}? (vale-ffi explain lists them all)`);
  return explainMarkdown(info);
}
