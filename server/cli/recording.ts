import { READ_LIMITS, readRegularFile } from '../read';
import { DEFAULT_TARGET, type RecordedValue, Workspace, CProgram, hex, readRecording, recordingJson } from '../../shared';
import type { CommandResult } from './check';
import { UsageError, collectValeFiles } from './files';

function valueText(v: RecordedValue): string {
  switch (v.kind) {
    case 'void':
      return 'void';
    case 'reference':
      return `reference object ${hex(v.reference.fields.objectPointer)} gen ${hex(v.reference.fields.objectGeneration)}`;
    case 'message':
      return `${v.type} ${JSON.stringify(v.value)} (${v.size}-byte message)`;
    default:
      return String(v.value);
  }
}

export function runRecording(file: string | undefined, sources: string[], format: 'text' | 'json'): CommandResult {
  if (!file) throw new UsageError('recording takes the recording file (recording.vale.bin) and --source PATH...');
  if (sources.length === 0) throw new UsageError('--source PATH is required: the extern declarations say how to read each call');
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file, READ_LIMITS.binary);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const ws = new Workspace({ incremental: false });
  for (const f of collectValeFiles(sources)) ws.setFile(f.key, f.text);
  const r = readRecording(new Uint8Array(bytes), new CProgram(ws.program(), '', DEFAULT_TARGET));
  const exitCode = r.error ? 1 : 0;
  if (format === 'json') return { stdout: `${JSON.stringify(recordingJson(r), null, 2)}\n`, exitCode };
  const lines = [`${file}: ${r.calls.length} call${r.calls.length === 1 ? '' : 's'}, ${r.size} bytes`];
  for (const c of r.calls) {
    const args = c.args
      .map((a) => `${a.param}=ref(object ${hex(a.reference.fields.objectPointer)} gen ${hex(a.reference.fields.objectGeneration)})`)
      .join(', ');
    lines.push(`  @${c.offset}  ${c.callee}(${args}) -> ${valueText(c.result)}`);
  }
  if (r.error) lines.push(`stopped at byte ${r.error.offset}: ${r.error.reason}`);
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}
