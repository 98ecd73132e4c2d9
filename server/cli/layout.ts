import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type CLayout,
  CProgram,
  DEFAULT_TARGET,
  type JsonValue,
  MessageError,
  TARGETS,
  type TargetProfile,
  VALE_BUILTINS_HEADER,
  Workspace,
  allHeaders,
  findTarget,
  layoutJson,
  serializeMessage,
} from '../../shared';
import type { CommandResult } from './check';
import { UsageError, collectValeFiles } from './files';

export function targetOption(name: string | undefined): TargetProfile {
  if (name === undefined) return DEFAULT_TARGET;
  const t = findTarget(name);
  if (!t) throw new UsageError(`--target must be one of ${TARGETS.map((x) => x.name).join(', ')} (got '${name}')`);
  return t;
}

function projectOption(name: string | undefined, required: boolean): string {
  if (name === undefined) {
    if (required) throw new UsageError('--project NAME is required: C names are <project>_<Name> and headers go to <project>/<Name>.h');
    return '';
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--project must be a C identifier (got '${name}')`);
  return name;
}

function load(paths: string[], project: string, target: TargetProfile): CProgram {
  const files = collectValeFiles(paths.length > 0 ? paths : ['.']);
  const ws = new Workspace({ incremental: false });
  for (const f of files) ws.setFile(f.key, f.text);
  return new CProgram(ws.program(), project, target);
}

/** A text table: one kind per block, fields with offsets and sizes, padding marked. */
export function layoutText(program: CProgram, l: CLayout): string {
  const message = program.staticMessageSize(l.kind);
  const lines = [
    `${l.kind.valeName} → ${l.cName}: size ${l.size}, align ${l.align}${message !== null ? `, message ${message} bytes` : ''}`,
  ];
  const rows: { offset: number; text: string }[] = l.fields.map((f) => ({
    offset: f.offset,
    text: `  ${String(f.offset).padStart(4)}  ${String(f.size).padStart(4)}  ${String(f.align).padStart(2)}  ${f.type.text} ${f.name}${f.count === undefined ? '' : `[${f.count}]`}`,
  }));
  for (const p of l.padding)
    rows.push({
      offset: p.offset,
      text: `  ${String(p.offset).padStart(4)}  ${String(p.size).padStart(4)}      (${p.tail ? 'tail padding' : 'padding'})`,
    });
  rows.sort((a, b) => a.offset - b.offset);
  lines.push('  offset size align field', ...rows.map((r) => r.text));
  return lines.join('\n');
}

export function runLayout(paths: string[], targetName: string | undefined, format: 'text' | 'json', projectName?: string): CommandResult {
  const target = targetOption(targetName);
  const program = load(paths, projectOption(projectName, false), target);
  const layouts = program.kinds.map((k) => program.layout(k));
  if (format === 'json') {
    return {
      stdout: `${JSON.stringify({ target: target.name, kinds: layouts.map((l) => layoutJson(program, l)) }, null, 2)}\n`,
      exitCode: 0,
    };
  }
  const body = layouts.map((l) => layoutText(program, l)).join('\n\n');
  return { stdout: `target ${target.name}\n\n${body || 'no exported kinds'}\n`, exitCode: 0 };
}

export function runHeader(paths: string[], projectName: string | undefined, out: string | undefined, targetName?: string): CommandResult {
  const program = load(paths, projectOption(projectName, true), targetOption(targetName));
  const headers = allHeaders(program);
  if (out === undefined) {
    const text = [{ path: 'ValeBuiltins.h', text: VALE_BUILTINS_HEADER }, ...headers].map((h) => `// ${h.path}\n${h.text}`).join('\n');
    return { stdout: text, exitCode: 0 };
  }
  const written: string[] = [];
  try {
    for (const h of [{ path: 'ValeBuiltins.h', text: VALE_BUILTINS_HEADER }, ...headers]) {
      const file = join(out, h.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, h.text);
      written.push(file);
    }
  } catch (e) {
    throw new UsageError(`cannot write headers under ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { stdout: `wrote ${written.length} headers under ${out}\n`, exitCode: 0 };
}

export function runMessage(
  paths: string[],
  typeName: string | undefined,
  valueText: string | undefined,
  format: 'json' | 'hex',
  targetName?: string,
  baseText?: string,
): CommandResult {
  if (!typeName) throw new UsageError('--type NAME is required (an exported immutable kind)');
  if (valueText === undefined) throw new UsageError('--value JSON is required');
  let value: JsonValue;
  try {
    value = JSON.parse(valueText);
  } catch (e) {
    throw new UsageError(`--value is not JSON: ${(e as Error).message}`);
  }
  let base = 0n;
  if (baseText !== undefined) {
    if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(baseText)) throw new UsageError(`--base must be an address like 0x7f0000001000 (got '${baseText}')`);
    base = BigInt(baseText);
    if (base % 16n !== 0n) throw new UsageError('--base must be a multiple of 16: messages start 16-byte aligned');
  }
  const program = load(paths, '', targetOption(targetName));
  const kind = program.findKind(typeName);
  if (!kind)
    throw new UsageError(`no exported kind named ${typeName} (exported: ${program.kinds.map((k) => k.exportName).join(', ') || 'none'})`);
  let message;
  try {
    message = serializeMessage(program, kind, value, base);
  } catch (e) {
    if (e instanceof MessageError) throw new UsageError(`cannot lay out ${typeName}: ${e.message}`);
    throw e;
  }
  const bytesHex = Buffer.from(message.bytes).toString('hex');
  if (format === 'hex') return { stdout: `${bytesHex}\n`, exitCode: 0 };
  const json: Record<string, unknown> = { size: message.size, objects: message.objects, bytesHex };
  if (message.interfaceValue)
    json.interfaceValue = {
      obj: `0x${message.interfaceValue.obj.toString(16)}`,
      type: message.interfaceValue.type,
      struct: message.interfaceValue.struct,
    };
  return { stdout: `${JSON.stringify(json, null, 2)}\n`, exitCode: 0 };
}
