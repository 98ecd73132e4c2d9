import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  type CLayout,
  type CParser,
  type CProgram,
  DEFAULT_TARGET,
  type JsonValue,
  MessageError,
  TARGETS,
  type TargetProfile,
  VALE_BUILTINS_HEADER,
  type GeneratedHeader,
  type Workspace,
  allHeaders,
  externStub,
  findTarget,
  isCPath,
  missingExterns,
  stubsFile,
  layoutJson,
  serializeMessage,
} from '../../shared';
import { type CommandResult, analyze, builtOption, cParserPromise, findingsStatus } from './check';
import { type CliContext, UsageError, addCFiles, collectSources } from './files';
import { ansi, colorChoice, plain, summary, toText } from './report';

export function targetOption(name: string | undefined): TargetProfile {
  if (name === undefined) return DEFAULT_TARGET;
  const t = findTarget(name);
  if (!t) throw new UsageError(`--target must be one of ${TARGETS.map((x) => x.name).join(', ')} (got '${name}')`);
  return t;
}

function projectOption(name: string | undefined, required: boolean): string {
  if (name === undefined || name === '') {
    if (required)
      throw new UsageError(
        '--project NAME is required (or "project" in vale-ffi.json, or a NAME=DIR module): C names are <project>_<Name> and headers go to <project>/<Name>.h',
      );
    return '';
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--project must be a C identifier (got '${name}')`);
  return name;
}

interface Loaded {
  program: CProgram;
  workspace: Workspace;
  /** 1 when the sources have errors (reported on stderr), else 0. */
  exitCode: number;
  /** The errors as compiler-style text, for stderr ('' without errors). */
  errors: string;
}

/** Analyzes the sources and builds the C program; the sources' errors are reported, not fatal. */
function load(
  paths: readonly string[],
  project: { name?: string; required: boolean },
  target: TargetProfile,
  ctx: CliContext,
  color?: string,
  build?: string,
  /** Read the C files under the paths too, with this parser (`stubs`: which externs C defines). */
  cParser?: CParser,
): Loaded {
  const all = collectSources(paths, ctx, { c: cParser !== undefined });
  const sources = cParser ? { files: all.files.filter((f) => !isCPath(f.key)), modules: all.modules } : all;
  // As valec: the project name defaults to the first module's.
  const projectName = projectOption(project.name ?? ctx.settings.project ?? sources.modules[0]?.name, project.required);
  const files = sources.files;
  const built = builtOption(ctx, build, sources, projectName || undefined);
  const { workspace, diagnostics, lines } = analyze(sources, ctx, undefined, undefined, built);
  if (cParser)
    addCFiles(
      workspace,
      all.files.filter((f) => isCPath(f.key)),
      cParser,
      () => undefined,
    );
  const program = workspace.cProgram(projectName, target);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return { program, workspace, exitCode: 0, errors: '' };
  const paint = colorChoice(color, { stdout: ctx.io.stderr, env: ctx.io.env }) ? ansi : plain;
  return {
    program,
    workspace,
    exitCode: findingsStatus(errors),
    errors: `${toText(errors, lines, paint)}

${summary(errors, files.length)} (vale-ffi check shows every finding)
`,
  };
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

export interface LayoutOptions {
  build?: string;
  target?: string;
  project?: string;
  format: 'text' | 'json';
}

/** The layouts are printed even when the sources have errors (reported on stderr, exit 1). */
export function runLayout(paths: readonly string[], options: LayoutOptions, ctx: CliContext): CommandResult {
  const target = targetOption(options.target ?? ctx.settings.target);
  const { program, exitCode, errors } = load(paths, { name: options.project, required: false }, target, ctx, undefined, options.build);
  const layouts = program.kinds.map((k) => program.layout(k));
  if (options.format === 'json') {
    return {
      stdout: `${JSON.stringify({ target: target.name, kinds: layouts.map((l) => layoutJson(program, l)) }, null, 2)}\n`,
      stderr: errors,
      exitCode,
    };
  }
  const body = layouts.map((l) => layoutText(program, l)).join('\n\n');
  return { stdout: `target ${target.name}\n\n${body || 'no exported kinds'}\n`, stderr: errors, exitCode };
}

export interface HeaderOptions {
  build?: string;
  project?: string;
  out?: string;
  target?: string;
  force?: boolean;
  color?: string;
}

/** With errors in the sources nothing is printed or written (exit 1) unless --force, which still exits 1. */
export function runHeader(paths: readonly string[], options: HeaderOptions, ctx: CliContext): CommandResult {
  const target = targetOption(options.target ?? ctx.settings.target);
  const { program, exitCode, errors } = load(paths, { name: options.project, required: true }, target, ctx, options.color, options.build);
  if (exitCode !== 0 && !options.force) {
    return {
      stdout: '',
      stderr: `${errors}no headers ${options.out === undefined ? 'printed' : 'written'}: fix the errors, or pass --force\n`,
      exitCode,
    };
  }
  const headers: GeneratedHeader[] = [{ name: 'ValeBuiltins', path: 'ValeBuiltins.h', text: VALE_BUILTINS_HEADER }, ...allHeaders(program)];
  // Numbers the model cannot be sure of are said on stderr, never written into a header.
  const notes = headers.flatMap((h) => (h.notes ?? []).map((n) => `warning: ${h.path}: ${n}\n`)).join('');
  if (options.out === undefined) {
    return { stdout: headers.map((h) => `// ${h.path}\n${h.text}`).join('\n'), stderr: errors + notes, exitCode };
  }
  const out = options.out;
  const written: string[] = [];
  try {
    for (const h of headers) {
      const file = join(out, h.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, h.text);
      written.push(file);
    }
  } catch (e) {
    throw new UsageError(`cannot write headers under ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { stdout: `wrote ${written.length} headers under ${out}\n`, stderr: errors + notes, exitCode };
}

export interface MessageOptions {
  build?: string;
  type: string;
  value: string;
  format: 'json' | 'hex';
  target?: string;
  base?: string;
}

export function runMessage(paths: readonly string[], options: MessageOptions, ctx: CliContext): CommandResult {
  let value: JsonValue;
  try {
    value = JSON.parse(options.value);
  } catch (e) {
    throw new UsageError(`--value is not JSON: ${(e as Error).message}`);
  }
  let base = 0n;
  const baseText = options.base;
  if (baseText !== undefined) {
    if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(baseText)) throw new UsageError(`--base must be an address like 0x7f0000001000 (got '${baseText}')`);
    base = BigInt(baseText);
    if (base % 16n !== 0n) throw new UsageError('--base must be a multiple of 16: messages start 16-byte aligned');
  }
  const { program } = load(
    paths,
    { name: '', required: false },
    targetOption(options.target ?? ctx.settings.target),
    ctx,
    undefined,
    options.build,
  );
  const typeName = options.type;
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
  if (options.format === 'hex') return { stdout: `${bytesHex}\n`, exitCode: 0 };
  const json: Record<string, unknown> = { size: message.size, objects: message.objects, bytesHex };
  if (message.interfaceValue)
    json.interfaceValue = {
      obj: `0x${message.interfaceValue.obj.toString(16)}`,
      type: message.interfaceValue.type,
      struct: message.interfaceValue.struct,
    };
  return { stdout: `${JSON.stringify(json, null, 2)}\n`, exitCode: 0 };
}

export interface StubsOptions {
  build?: string;
  project?: string;
  out?: string;
  all?: boolean;
  force?: boolean;
  color?: string;
}

/**
 * One C file defining the externs no C file under the paths defines (every one with --all):
 * their headers, then each prototype as the backend generates it with a body that compiles.
 */
export async function runStubs(paths: readonly string[], options: StubsOptions, ctx: CliContext): Promise<CommandResult> {
  const parser = options.all ? undefined : await cParserPromise();
  if (!options.all && !parser)
    throw new UsageError('the C grammar is not loaded, so the C files cannot be read: pass --all to write every extern');
  const { program, workspace, exitCode, errors } = load(
    paths,
    { name: options.project, required: true },
    DEFAULT_TARGET,
    ctx,
    options.color,
    options.build,
    parser,
  );
  if (exitCode !== 0 && !options.force)
    return {
      stdout: '',
      stderr: `${errors}no stubs ${options.out === undefined ? 'printed' : 'written'}: fix the errors, or pass --force\n`,
      exitCode,
    };
  const defined = new Set<string>();
  for (const f of workspace.cFiles()) for (const fn of workspace.cFile(f)!.functions) if (fn.definition) defined.add(fn.name);
  const missing = missingExterns(program, defined, options.all);
  if (missing.length === 0)
    return { stdout: '', stderr: `${errors}every extern is defined by a C file under the paths (--all writes them all)\n`, exitCode };
  const text = stubsFile(missing.map((m) => externStub(program, m.fn, m.pkg)));
  if (options.out === undefined) return { stdout: text, stderr: errors, exitCode };
  const out = resolve(ctx.cwd, options.out);
  if (existsSync(out) && !options.force) throw new UsageError(`${options.out} exists: pass --force to overwrite it`);
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
  } catch (e) {
    throw new UsageError(`cannot write ${options.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { stdout: `wrote ${missing.length} extern stub${missing.length === 1 ? '' : 's'} to ${options.out}\n`, stderr: errors, exitCode };
}
