import { READ_LIMITS, readRegularFile } from '../read';
import { DEFAULT_TARGET, type RecordedValue, type Recording, hex, readRecording, recordingJson } from '../../shared';
import type { CommandResult } from './check';
import { builtOption } from './check';
import { type CliContext, UsageError, collectSources, loadWorkspace } from './files';

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

export interface RecordingOptions {
  build?: string;
  source: string[];
  format: 'text' | 'json';
}

/** A parameter as the text report shows it: a recorded reference, or its type marked as not recorded. */
function paramText(c: Recording['calls'][number], p: Recording['calls'][number]['params'][number]): string {
  const a = c.args.find((x) => x.param === p.name);
  if (a) return `${p.name}=ref(object ${hex(a.reference.fields.objectPointer)} gen ${hex(a.reference.fields.objectGeneration)})`;
  return `${p.name}: ${p.type} (not recorded)`;
}

export function runRecording(file: string, options: RecordingOptions, ctx: CliContext): CommandResult {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file, READ_LIMITS.binary);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const sources = collectSources(options.source, ctx);
  const { workspace: ws } = loadWorkspace(sources);
  // Interface values carry `_Type_` numbers: a build's headers say which struct each one is.
  ws.setBuiltHeaders(builtOption(ctx, options.build, sources));
  const r = readRecording(new Uint8Array(bytes), ws.cProgram('', DEFAULT_TARGET));
  const exitCode = r.error ? 1 : 0;
  if (options.format === 'json') return { stdout: `${JSON.stringify(recordingJson(r), null, 2)}\n`, exitCode };
  const lines = [`${file}: ${r.calls.length} call${r.calls.length === 1 ? '' : 's'}, ${r.size} bytes`];
  for (const c of r.calls)
    lines.push(`  @${c.offset}  ${c.callee}(${c.params.map((p) => paramText(c, p)).join(', ')}) -> ${valueText(c.result)}`);
  if (r.error) lines.push(`stopped at byte ${r.error.offset}: ${r.error.reason}`);
  if (r.calls.some((c) => c.params.some((p) => !p.recorded)))
    lines.push('(a recording carries the universal references of mutable arguments only; other arguments are not recorded)');
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}
