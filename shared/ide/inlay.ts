import type { CProgram } from '../layout/cprogram';
import { functionC } from '../layout/header';

/** A hint drawn after `offset`: the C side of what is written there. */
export interface InlayHintAt {
  readonly offset: number;
  readonly label: string;
  readonly kind: 'type' | 'parameter';
  readonly tooltip: string;
}

export interface InlayOptions {
  /** After an exported kind's name: its C size and alignment (and message size). */
  readonly kinds: boolean;
  /** After each parameter of an extern or exported function: its C type. */
  readonly parameters: boolean;
}

/** The inlay hints of a Vale file between two offsets. */
export function inlayHints(program: CProgram, file: string, range: { start: number; end: number }, options: InlayOptions): InlayHintAt[] {
  const out: InlayHintAt[] = [];
  const inside = (offset: number): boolean => range.start <= offset && offset <= range.end;
  if (options.kinds) {
    for (const k of program.kindsInFile(file)) {
      if (!k.decl || k.decl.file !== file || !inside(k.decl.nameEnd)) continue;
      const l = program.layout(k);
      const message = k.mutability === 'imm' ? program.staticMessageSize(k) : null;
      out.push({
        offset: k.decl.nameEnd,
        label: `${l.size} B · align ${l.align}${message !== null ? ` · message ${message} B` : ''}`,
        kind: 'type',
        tooltip: `C \`${l.cName}\`: ${l.size} bytes, aligned to ${l.align}${message !== null ? `; a value becomes a ${message}-byte message` : ''}`,
      });
    }
  }
  if (options.parameters) {
    const model = program.index.model(file);
    for (const f of model?.functions ?? []) {
      if (f.builtin || !(f.extern || f.exported) || f.name === 'main') continue;
      if (!inside(f.nameStart) && !f.params.some((p) => inside(p.type.end))) continue;
      const c = functionC(program, f, model!.package);
      f.params.forEach((p, i) => {
        if (!inside(p.type.end)) return;
        out.push({
          offset: p.type.end,
          label: c.params[i].type.text,
          kind: 'type',
          tooltip: `C receives ${p.name} as \`${c.params[i].type.text}\``,
        });
      });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}
