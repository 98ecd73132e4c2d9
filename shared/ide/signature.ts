import type { CProgram } from '../layout/cprogram';
import type { Source } from '../syntax';
import { functionC } from '../layout/header';
import type { FunctionDecl } from '../model/declarations';

export interface SignatureAt {
  /** `func weigh(s Ship, n int) int`, with each parameter's span in it. */
  readonly label: string;
  readonly parameters: readonly { readonly start: number; readonly end: number; readonly documentation?: string }[];
  /** The C prototype, for extern and exported functions. */
  readonly documentation?: string;
  readonly active: number;
}

/** The call around an offset: the callee's name and the index of the argument being written. */
function callAt(text: Source, offset: number): { name: string; argument: number } | undefined {
  let depth = 0;
  let argument = 0;
  for (let i = offset - 1, seen = 0; i >= 0 && seen < 2000; i--, seen++) {
    const ch = text.charCodeAt(i);
    if (ch === 41 /* ) */ || ch === 93 /* ] */ || ch === 125 /* } */) depth++;
    else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (depth === 0) return undefined;
      depth--;
    } else if (ch === 40 /* ( */) {
      if (depth > 0) {
        depth--;
        continue;
      }
      const name = /([A-Za-z_]\w*)\s*$/.exec(text.slice(Math.max(0, i - 100), i));
      return name ? { name: name[1], argument } : undefined;
    } else if (ch === 44 /* , */ && depth === 0) argument++;
    else if (ch === 59 /* ; */ && depth === 0) return undefined;
  }
  return undefined;
}

/** Signature help inside a call of a function the workspace declares (its own package first). */
export function signatureAt(program: CProgram, file: string, text: Source, offset: number): SignatureAt | undefined {
  const call = callAt(text, offset);
  if (!call) return undefined;
  const model = program.index.model(file);
  const candidates: { fn: FunctionDecl; pkg: string }[] = [];
  for (const m of program.index.files.values())
    for (const fn of m.functions) if (fn.name === call.name && !fn.abstract) candidates.push({ fn, pkg: m.package });
  const found = candidates.find((c) => c.pkg === model?.package) ?? candidates[0];
  if (!found) return undefined;
  const { fn, pkg } = found;
  const c = fn.extern || fn.exported ? functionC(program, fn, pkg) : undefined;
  let label = `${fn.extern ? 'extern ' : fn.exported ? 'exported ' : ''}func ${fn.name}(`;
  const parameters = fn.params.map((p, i) => {
    if (i > 0) label += ', ';
    const start = label.length;
    label += `${p.name} ${p.type.text}`;
    return { start, end: label.length, documentation: c ? `C: \`${c.params[i].type.text}\`` : undefined };
  });
  label += `)${fn.returnType ? ` ${fn.returnType.text}` : ''}`;
  return {
    label,
    parameters,
    documentation: c ? `\`\`\`c\n${c.userPrototype};\n\`\`\`` : undefined,
    active: Math.min(call.argument, Math.max(0, parameters.length - 1)),
  };
}
