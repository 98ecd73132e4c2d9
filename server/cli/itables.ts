import { READ_LIMITS, readRegularFile } from '../read';
import {
  ElfError,
  type ItableOptions,
  type LineIndex,
  Workspace,
  itableEdges,
  placeItables,
  readElfSymbols,
  symbolAddresses,
} from '../../shared';
import type { CommandResult } from './check';
import { UsageError, collectValeFiles } from './files';
import { toJson, toText } from './report';

export function itableProfileOption(name: string | undefined): ItableOptions['profile'] {
  if (name === undefined || name === 'midas' || name === 'natural') return name ?? 'midas';
  throw new UsageError(`--profile must be midas or natural (got '${name}')`);
}

/** Reads an ELF file's symbols; a missing, truncated or non-ELF file is a usage error with the reason. */
export function binaryOption(path: string | undefined): Pick<ItableOptions, 'symbols' | 'binary'> {
  if (path === undefined) return {};
  let bytes: Buffer;
  try {
    bytes = readRegularFile(path, READ_LIMITS.binary);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return { symbols: symbolAddresses(readElfSymbols(bytes)), binary: path };
  } catch (e) {
    if (e instanceof ElfError) throw new UsageError(`${path}: ${e.message}`);
    throw e;
  }
}

export function runItables(
  paths: string[],
  profileName: string | undefined,
  binaryPath: string | undefined,
  format: 'text' | 'json',
): CommandResult {
  const profile = itableProfileOption(profileName);
  const binary = binaryOption(binaryPath);
  const files = collectValeFiles(paths.length > 0 ? paths : ['.']);
  const ws = new Workspace({ incremental: false });
  const lines = new Map<string, LineIndex>();
  for (const f of files) lines.set(f.key, ws.setFile(f.key, f.text).lines);
  ws.setItableOptions({ profile, ...binary });
  const placed = placeItables(itableEdges(ws.program()), profile);
  const diagnostics = ws.files().flatMap((f) => ws.itableDiagnostics(f));
  const lineOf = (file: string): LineIndex => lines.get(file)!;
  const exitCode = diagnostics.length > 0 ? 1 : 0;
  if (format === 'json') {
    const itables = placed.map((p) => ({
      impl: `${p.struct} for ${p.iface.name}`,
      file: p.impl.file,
      line: lineOf(p.impl.file).positionAt(p.impl.itemRange.start).line + 1,
      symbol: p.symbol,
      methods: p.methods,
      size: p.size,
      address: `0x${p.address.toString(16)}`,
      aligned: p.aligned,
      ...(binary.symbols ? { binaryAddress: binary.symbols.has(p.symbol) ? `0x${binary.symbols.get(p.symbol)!.toString(16)}` : null } : {}),
    }));
    return {
      stdout: `${JSON.stringify({ profile, binary: binary.binary ?? null, itables, diagnostics: toJson(diagnostics, lineOf) }, null, 2)}\n`,
      exitCode,
    };
  }
  const rows = placed.map((p) => {
    const real = binary.symbols
      ? `  binary ${binary.symbols.has(p.symbol) ? `0x${binary.symbols.get(p.symbol)!.toString(16)}` : '(no symbol)'}`
      : '';
    return `  0x${p.address.toString(16)}  ${String(p.size).padStart(4)} bytes  ${p.aligned ? 'aligned  ' : 'UNALIGNED'}  ${p.symbol} (${p.methods.length} methods)${real}`;
  });
  const report = toText(diagnostics, lineOf);
  return {
    stdout: `itables (${profile} profile)${binary.binary ? `, checked against ${binary.binary}` : ''}\n${rows.join('\n') || '  no impls'}\n${report ? `\n${report}\n` : ''}\n${diagnostics.length} unaligned\n`,
    exitCode,
  };
}
