import type { CFieldType, CKind, CLayout, CProgram } from '../layout/cprogram';
import { type FunctionC, functionC } from '../layout/header';
import type { FunctionDecl } from '../model/declarations';
import { kindText } from '../model/types';
import { BACKEND_PROFILE, FIELD_MEANING, FIELD_NAMES, type FieldName, PLACEHOLDERS, type UrslProfile, fieldFormat } from '../ursl/profile';
import { URSL_CHECKS, decodeUniversalReference, hex } from '../ursl/codec';
import { findUniversalReferenceAt } from '../ursl/recognize';
import { type SymbolAt, symbolAt } from './navigation';
import type { Source } from '../syntax';

export type NumberFormat = 'decimal' | 'hex' | 'both';

export interface HoverOptions {
  /** Layout of kinds and fields. */
  layout: boolean;
  /** C prototypes of FFI functions. */
  functions: boolean;
  /** Decoded universal references. */
  references: boolean;
  numbers: NumberFormat;
  profile: UrslProfile;
}

export const DEFAULT_HOVER_OPTIONS: HoverOptions = {
  layout: true,
  functions: true,
  references: true,
  numbers: 'decimal',
  profile: BACKEND_PROFILE,
};

export interface HoverResult {
  /** Markdown. */
  readonly contents: string;
  readonly start: number;
  readonly end: number;
}

export function formatNumber(n: number | bigint, format: NumberFormat): string {
  const dec = n.toString();
  const hx = `0x${n.toString(16)}`;
  return format === 'decimal' ? dec : format === 'hex' ? hx : `${dec} (${hx})`;
}

function layoutTable(l: CLayout, fmt: NumberFormat): string {
  const rows: { offset: number; line: string }[] = l.fields.map((f) => ({
    offset: f.offset,
    line: `| ${formatNumber(f.offset, fmt)} | ${formatNumber(f.size, fmt)} | ${f.align} | \`${f.name}${f.count === undefined ? '' : `[${f.count}]`}\` | \`${f.type.text}\` |`,
  }));
  for (const p of l.padding)
    rows.push({
      offset: p.offset,
      line: `| ${formatNumber(p.offset, fmt)} | ${formatNumber(p.size, fmt)} | | *${p.tail ? 'tail padding' : 'padding'}* | |`,
    });
  rows.sort((a, b) => a.offset - b.offset);
  return ['| offset | size | align | field | C type |', '| ---: | ---: | ---: | --- | --- |', ...rows.map((r) => r.line)].join('\n');
}

/** Vale text inside Markdown prose: `<` escaped, so `[]<imm>int` is not taken for an HTML tag and dropped. */
export function markdownText(text: string): string {
  return text.replace(/[\\<>*_[\]`]/g, (c) => `\\${c}`);
}

/** The markdown for an exported kind: C type, size, alignment, fields, padding, message size. */
export function kindHover(program: CProgram, kind: CKind, fmt: NumberFormat): string {
  const l = program.layout(kind);
  const message = program.staticMessageSize(kind);
  const crossing =
    kind.mutability === 'mut'
      ? 'crosses as a 32-byte universal reference'
      : kind.category === 'interface'
        ? 'crosses by value (`obj` points into a message)'
        : 'crosses as a message (deep copy)';
  const lines = [
    `**${kind.category === 'rsa' || kind.category === 'ssa' ? 'array' : kind.category} ${markdownText(kind.valeName)}** (${kind.mutability}) — C \`${l.cName}\``,
    '',
    `size ${formatNumber(l.size, fmt)}, align ${l.align}; ${crossing}${message !== null ? `; message ${formatNumber(message, fmt)} bytes` : ''}`,
    '',
    layoutTable(l, fmt),
  ];
  if (kind.category === 'interface' && kind.mutability === 'imm') {
    const tags = program.interfaceTags(kind);
    lines.push(
      '',
      `\`type\`: ${tags.structs.map((s, i) => `${i} = ${markdownText(s.valeName)}`).join(', ') || 'no exported implementations'}`,
    );
    if (!tags.certain) lines.push('', `The backend may number these differently: ${tags.caveats.join('; ')}.`);
  }
  return lines.join('\n');
}

function crossingText(t: CFieldType): string {
  if (t.form === 'void') return 'nothing';
  if (t.string) return 'a string, copied (`ValeStr*`)';
  if (t.form === 'scalar') return `a value (\`${t.text}\`)`;
  if (t.unexported) return `**${markdownText(t.unexported)} is not exported**: C has no type for it`;
  const k = t.kind;
  // A type the parser could not read (a syntax error in the signature): say so instead of guessing.
  if (!k) return `\`${t.text}\`, from a type vale-ffi cannot read (see the syntax errors)`;
  if (k.mutability === 'mut') return `a universal reference (\`${t.text}\`, 32 bytes)`;
  if (k.category === 'interface') return `an interface value (\`${t.text}\`) whose object is a message`;
  return `a message, deep-copied (\`${t.text}\`)`;
}

/** A placeholder value of a C type, for a call written out in a hover. */
function placeholder(t: CFieldType): string {
  if (t.form === 'pointer') return `(${t.text})NULL`;
  if (t.form === 'inline') return `(${t.text}){0}`;
  return t.text === 'double' ? '0.0' : '0';
}

/** A call of an exported function as C writes it, with placeholders of the right C types. */
function exportCall(c: FunctionC, f: FunctionDecl): string {
  const args = [
    ...c.params.map((p, i) => `/* ${f.params[i].name} */ ${placeholder(p.type)}`),
    ...c.sizeParams.map((i) => `/* ${f.params[i].name} size */ 0`),
  ];
  const call = `${c.userName}(${args.join(', ')});`;
  return c.ret && c.ret.type.form !== 'void' ? `${c.ret.type.text} result = ${call}` : call;
}

export function functionHover(program: CProgram, f: FunctionDecl, pkg: string): string {
  const c = functionC(program, f, pkg);
  const lines = [
    `**${f.extern ? 'extern' : 'exported'} func ${f.name}** — ${f.extern ? 'implemented in C' : 'called from C'}`,
    '',
    '```c',
    `${c.userPrototype};`,
    `${c.abiPrototype};`,
    '```',
    '',
    ...f.params.map(
      (p, i) =>
        `- \`param${i}\` (${p.name} ${markdownText(p.type.text)}): ${crossingText(c.params[i].type)}${c.sizeParams.includes(i) ? `, with its message size in \`param${i}size\`` : ''}`,
    ),
    `- returns ${c.ret ? `${markdownText(kindText(c.ret.vale))}: ${crossingText(c.ret.type)}${c.ret.byPointer ? ' (through `__ret` at the ABI)' : ''}` : 'nothing'}`,
  ];
  if (!f.extern) lines.push('', 'Called from C (placeholder arguments):', '', '```c', exportCall(c, f), '```');
  return lines.join('\n');
}

/**
 * A universal reference: one line per member with its value (pointers in hex; the other members
 * as the number format says) and what it is for, then every check run and its result.
 */
export function universalReferenceHover(bytes: Uint8Array, profile: UrslProfile, fmt: NumberFormat): string {
  const d = decodeUniversalReference(bytes, profile);
  const value = (f: FieldName): string => (fieldFormat(f) === 'hex' ? hex(d.fields[f]) : formatNumber(d.fields[f], fmt));
  const placeholder = (f: FieldName): string => (PLACEHOLDERS[f]?.value === d.fields[f] ? ' (placeholder)' : '');
  const checks = URSL_CHECKS.flatMap(({ code, passed }) => {
    const found = d.problems.filter((p) => p.code === code);
    if (found.length === 0) return [`- ✓ ${passed}`];
    return found.map(
      (p) => `- ${p.severity === 'information' ? 'ⓘ' : p.severity === 'warning' ? '⚠' : '✗'} **${p.code}** (${p.field}): ${p.message}`,
    );
  });
  const lines = [
    `**universal reference** (${profile.name} profile)`,
    '',
    ...FIELD_NAMES.map((f) => `- **${f}** \`${value(f)}\`${placeholder(f)}: ${FIELD_MEANING[f]}`),
    '',
    'Checks:',
    '',
    ...checks,
    '',
    `Packed bits: ${FIELD_NAMES.map((f) => `\`${f}=${hex(d.raw[f])}\``).join(' ')}`,
    '',
    `C words: ${Object.entries(d.cWords)
      .map(([k, v]) => `\`${k}=${hex(v)}\``)
      .join(' ')}`,
  ];
  return lines.join('\n');
}

/** A hover on any text: a universal reference under the cursor, in any language. */
export function hoverReferenceInText(text: Source, offset: number, options: HoverOptions): HoverResult | undefined {
  if (!options.references) return undefined;
  // Search whole lines around the cursor: a reference spans at most a few lines.
  const from = offset > 600 ? text.lastIndexOf('\n', offset - 600) + 1 : 0;
  const next = text.indexOf('\n', offset + 600);
  const to = next < 0 ? text.length : next;
  const found = findUniversalReferenceAt(text.slice(from, to), offset - from, options.profile);
  if (!found) return undefined;
  return {
    contents: universalReferenceHover(found.bytes, options.profile, options.numbers),
    start: from + found.start,
    end: from + found.end,
  };
}

/** A hover in a Vale file: kinds, fields, FFI functions, then universal references in the text. */
export function hoverInVale(program: CProgram, file: string, text: Source, offset: number, options: HoverOptions): HoverResult | undefined {
  const s: SymbolAt | undefined = symbolAt(program.index, file, offset);
  const pkg = program.index.model(file)?.package ?? '';
  if (s?.tag === 'function' && options.functions && (s.fn.extern || s.fn.exported)) {
    return { contents: functionHover(program, s.fn, pkg), ...s.range };
  }
  if (s?.tag === 'kind' && options.layout) {
    const kind = s.type ? program.kindFor(file, pkg, s.type) : s.decl ? program.kindOfDecl(s.decl, true) : undefined;
    if (kind) return { contents: kindHover(program, kind, options.numbers), ...s.range };
    const name = s.decl?.name ?? (s.type ? kindText(s.type) : '');
    if (name)
      return {
        contents: `**${markdownText(name)}** is not exported from this package: it has no C type, and C cannot receive it.`,
        ...s.range,
      };
  }
  if (s?.tag === 'field' && options.layout) {
    const kind = program.kindOfDecl(s.decl, true);
    const field = kind ? program.layout(kind).fields.find((f) => f.name === s.member.name) : undefined;
    if (kind && field) {
      return {
        contents: `**${s.decl.name}.${field.name}** — \`${field.type.text}\`\n\noffset ${formatNumber(field.offset, options.numbers)}, size ${formatNumber(field.size, options.numbers)}, align ${field.align} in \`${program.layout(kind).cName}\``,
        ...s.range,
      };
    }
  }
  return hoverReferenceInText(text, offset, options);
}
