import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GDB_HELPER_FILE, LLDB_HELPER_FILE, gdbHelper, lldbHelper } from '../../shared/debug/formatters';
import type { CommandResult } from './check';
import { UsageError } from './files';
import { profileOption } from './ursl';
import { VERSION } from './version';

/** `vale-ffi debug-helpers`: the gdb and lldb formatters, generated from the codec's profile. */
export function runDebugHelpers(options: { out?: string; profile?: string }): CommandResult {
  const profile = profileOption(options.profile);
  const files = [
    { name: GDB_HELPER_FILE, text: gdbHelper(profile, VERSION), load: (p: string) => `gdb -x ${p} ./app   (or, in gdb: source ${p})` },
    { name: LLDB_HELPER_FILE, text: lldbHelper(profile, VERSION), load: (p: string) => `lldb -o 'command script import ${p}' ./app` },
  ];
  if (!options.out) throw new UsageError('debug-helpers needs --out DIR (the directory to write vale_ffi_gdb.py and vale_ffi_lldb.py to)');
  const out = options.out;
  try {
    mkdirSync(out, { recursive: true });
    for (const f of files) writeFileSync(join(out, f.name), f.text);
  } catch (e) {
    throw new UsageError(`cannot write the helpers under ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const lines = [`wrote ${files.length} debugger helpers (${profile.name} profile) under ${out}`];
  for (const f of files) lines.push(`  ${f.load(join(out, f.name))}`);
  return { stdout: `${lines.join('\n')}\n`, exitCode: 0 };
}
