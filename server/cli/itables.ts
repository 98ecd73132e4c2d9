import { READ_LIMITS, readRegularFile } from '../read';
import { ElfError, type ItableOptions, itableEdges, placeItables, readElfSymbols, applySeverity, symbolAddresses } from '../../shared';
import { type CommandResult, findingsStatus } from './check';
import { type CliContext, UsageError, collectSources, configPath, loadWorkspace } from './files';
import { ansi, colorChoice, plain, toJson, toText } from './report';

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

export interface ItablesOptions {
  profile?: string;
  binary?: string;
  format: 'text' | 'json';
  color?: string;
}

export function runItables(paths: readonly string[], options: ItablesOptions, ctx: CliContext): CommandResult {
  const profile = itableProfileOption(options.profile ?? ctx.settings.itableProfile);
  const binary = binaryOption(options.binary ?? configPath(ctx, ctx.settings.binary));
  const { workspace: ws, lines: lineOf } = loadWorkspace(collectSources(paths, ctx));
  ws.setItableOptions({ profile, ...binary });
  const placed = placeItables(itableEdges(ws.program()), profile);
  const diagnostics = applySeverity(
    ws.files().flatMap((f) => ws.itableDiagnostics(f)),
    ctx.settings.severity,
  );
  const exitCode = findingsStatus(diagnostics);
  if (options.format === 'json') {
    const itables = placed.map((p) => ({
      impl: `${p.struct} for ${p.iface.name}`,
      file: p.impl.file,
      line: lineOf(p.impl.file).positionAt(p.impl.itemStart).line + 1,
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
  const report = toText(diagnostics, lineOf, colorChoice(options.color, ctx.io) ? ansi : plain);
  return {
    stdout: `itables (${profile} profile)${binary.binary ? `, checked against ${binary.binary}` : ''}\n${rows.join('\n') || '  no impls'}\n${report ? `\n${report}\n` : ''}\n${diagnostics.filter((d) => d.code === 'UnalignedItable').length} unaligned\n`,
    exitCode,
  };
}
