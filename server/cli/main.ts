import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError, Option } from 'commander';
import { type CommandResult, runCheck, startCParser } from './check';
import { runExplain } from './explain';
import { type CliContext, UsageError, contextFor } from './files';
import { loadCParser } from '../cparser';
import { oneShotCompiler, oneShotHeap } from '../heap';
import { runItables } from './itables';
import { runHeader, runLayout, runMessage, runStubs } from './layout';
import { runRecording } from './recording';
import { runDebugHelpers } from './debug';
import { runDecode, runEncode } from './ursl';
import { VERSION } from './version';

/** What a run writes and where; tests and the binary supply their own. */
export interface Io {
  readonly stdout: { write(s: string): unknown; isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; isTTY?: boolean };
  readStdin(): string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

const processIo: Io = {
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin: () => readFileSync(0, 'utf8'),
  env: process.env,
  cwd: process.cwd(),
};

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
const FORMATS_CHECK = ['text', 'json', 'sarif', 'github'];

/** Options every command that reads a workspace takes. */
function workspaceOptions(c: Command): Command {
  return c
    .option('--exclude <glob>', 'leave out .vale files matching this gitignore-style pattern (repeatable)', collect)
    .option('--config <file>', 'read this configuration instead of the vale-ffi.json found upward from the working directory')
    .option('--no-config', 'ignore every configuration file');
}

/** For commands whose answers depend on interface tags or compare with a build. */
const buildOption = (c: Command): Command =>
  c.option(
    '--build <dir>',
    "a Vale build's output directory: its include/<project>/ headers give the _Type_ numbers, and drift from the source is a StaleGeneratedHeader warning",
  );

const colorOption = (): Option =>
  new Option('--color <when>', 'colour the text output (auto: when stdout is a terminal and NO_COLOR is unset)')
    .choices(['auto', 'always', 'never'])
    .default('auto');

/** Builds the command-line program; each action stores its exit status in `status.code`. */
export function program(io: Io, status: { code: number }): Command {
  const ctx = (options: Record<string, unknown>): CliContext => contextFor(io, options);
  const done = (result: CommandResult): void => {
    if (typeof result.stdout === 'string') io.stdout.write(result.stdout);
    else for (const piece of result.stdout) io.stdout.write(piece);
    if (result.stderr) io.stderr.write(result.stderr);
    status.code = result.exitCode;
  };
  /** A suggestion commander cannot make: -v for -V, and the commands an option belongs to. */
  const hint = (message: string): string => {
    if (/unknown option '-v'/.test(message)) return '(Did you mean -V, --version?)\n';
    const option = /unknown option '([^']+)'/.exec(message)?.[1];
    if (!option) return '';
    const owners = p.commands.filter((c) => c.options.some((o) => o.long === option.split('=')[0])).map((c) => c.name());
    return owners.length > 0 ? `(${option.split('=')[0]} is an option of: ${owners.join(', ')})\n` : '';
  };
  const p: Command = new Command('vale-ffi')
    .description("Checks Vale's extern and exported declarations, shows their C side, decodes universal references.")
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help (vale-ffi <command> --help for a command)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`vale-ffi: ${s.replace(/^error: /, '')}${hint(s)}`),
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nExit status: 0 no errors, 1 errors found (or any finding with --strict), 2 usage, configuration or I/O problem.\n' +
        'Settings are also read from vale-ffi.json (or the "vale-ffi" key of package.json), found upward from the working directory.',
    );

  workspaceOptions(
    buildOption(
      p
        .command('check')
        .summary('analyze every .vale file under the paths')
        .description(
          'Analyzes every .vale file under the paths (default: the current directory), honouring .gitignore, the configuration and --exclude.\nA path of - reads one file from stdin (named by --stdin-filename).',
        )
        .argument('[paths...]', 'files or directories (default: the working directory)')
        .addOption(new Option('--format <format>', 'report format').choices(FORMATS_CHECK).default('text'))
        .option('--binary <file>', 'check the itables of this ELF executable or object for 16-byte alignment')
        .addOption(new Option('--itable-profile <profile>', 'how itables are placed when simulated').choices(['midas', 'natural']))
        .option('--strict', 'exit 1 on any finding, notes included')
        .option('--stdin-filename <name>', 'the name of the file read from stdin with -', '<stdin>')
        .option(
          '--jobs <n>',
          'threads that parse and read the files; 1 reads them here (default: one per core but one, at most 4, on 4 cores or more, for over 512 KB of text)',
        )
        .addOption(colorOption()),
    ),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  vale-ffi check src\n  vale-ffi check --format sarif > vale-ffi.sarif\n  vale-ffi check --format github     # annotations in a GitHub Actions log\n  cat a.vale | vale-ffi check - --stdin-filename src/a.vale',
    )
    .action(async (paths: string[], o) => done(await runCheck(paths, o, ctx(o))));

  p.command('decode')
    .summary('decode a universal reference written in any usual form')
    .description(
      'Decodes a universal reference: a 256-bit integer, 32 bytes in memory order, the five C words of a ...Ref initializer, or gdb x/4gx output. - reads the text from stdin.',
    )
    .argument('<text>', 'the reference, quoted (or - for stdin)')
    .addOption(new Option('--profile <profile>', 'the packing').choices(['backend', 'seed']).default('backend'))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(colorOption())
    .addHelpText(
      'after',
      "\nExit status 1 when a field has an error-level problem.\n\nExamples:\n  vale-ffi decode 0x2265b1f591b7584a0066b0d8f16ad8000813c386bbc000f17414c3437ed4c2ce\n  gdb -batch -ex 'x/4gx &ref' ./app | vale-ffi decode -",
    )
    .action((text: string, o) => done(runDecode(text === '-' ? io.readStdin() : text, o)));

  p.command('debug-helpers')
    .summary('gdb and lldb formatters that decode universal references')
    .description(
      'Writes vale_ffi_gdb.py (a gdb pretty-printer) and vale_ffi_lldb.py (an lldb summary with synthetic children), generated from the URSL codec. Each recognises a universal-reference struct by its shape (unused0..unused4), whatever the project prefix, and shows the seven decoded fields.',
    )
    .requiredOption('--out <dir>', 'the directory to write the two files to')
    .addOption(new Option('--profile <profile>', 'the packing').choices(['backend', 'seed']).default('backend'))
    .addOption(colorOption())
    .addHelpText(
      'after',
      "\nExamples:\n  vale-ffi debug-helpers --out .vale-ffi\n  gdb -x .vale-ffi/vale_ffi_gdb.py ./app\n  lldb -o 'command script import .vale-ffi/vale_ffi_lldb.py' ./app",
    )
    .action((o) => done(runDebugHelpers(o)));

  p.command('encode')
    .summary('pack field values into a universal reference')
    .argument('<fields>', 'a JSON object of fields, e.g. \'{"objectGeneration": "0x1320", ...}\'')
    .addOption(new Option('--profile <profile>', 'the packing').choices(['backend', 'seed']).default('backend'))
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'text']).default('json'))
    .option('--fill-zero', 'take fields that are not given as 0 (and say which)')
    .addOption(colorOption())
    .addHelpText(
      'after',
      '\nExit status 1 when the packing loses bits (an unaligned pointer, a pointer past 56 bits).\n\nExample:\n  vale-ffi encode \'{"objectPointer": "0x7f0000001000", "objectGeneration": 7}\' --fill-zero --format text',
    )
    .action((fields: string, o) => done(runEncode(fields, o)));

  workspaceOptions(
    buildOption(
      p
        .command('layout')
        .summary('the C layout of every exported kind')
        .argument('[paths...]', 'files or directories (default: the working directory)')
        .option('--target <target>', 'x86_64-linux (default) or aarch64-linux')
        .option('--project <name>', 'the C project name (C types are <project>_<Name>)')
        .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text')),
    ),
  )
    .addHelpText(
      'after',
      '\nExit status 1 when the sources have FFI errors (the layout is still printed).\n\nExample:\n  vale-ffi layout src --target aarch64-linux',
    )
    .action((paths: string[], o) => done(runLayout(paths, o, ctx(o))));

  workspaceOptions(
    buildOption(
      p
        .command('header')
        .summary('the C headers the Vale backend generates')
        .argument('[paths...]', 'files or directories (default: the working directory)')
        .option('--project <name>', 'the C project name (required here, or in the configuration)')
        .option('--out <dir>', 'write the headers under this directory instead of printing them')
        .option('--target <target>', 'x86_64-linux (default) or aarch64-linux')
        .option('--force', 'write the headers even when the sources have FFI errors')
        .addOption(colorOption()),
    ),
  )
    .addHelpText(
      'after',
      '\nWith FFI errors in the sources, nothing is written and the exit status is 1 (--force writes anyway, still exiting 1).\n\nExample:\n  vale-ffi header src --project fleet --out build/include',
    )
    .action((paths: string[], o) => done(runHeader(paths, o, ctx(o))));

  workspaceOptions(
    buildOption(
      p
        .command('stubs')
        .summary('C definitions of the extern functions no C file implements yet')
        .description(
          'Writes one C file defining every extern of the workspace that no C file under the paths defines (--all: every extern): the generated headers first, then each prototype exactly as the backend generates it, with the Vale parameter names, how each argument crosses, and a body that returns the zero value.',
        )
        .argument('[paths...]', 'files or directories (default: the working directory)')
        .option('--project <name>', 'the C project name (required here, or in the configuration, or a NAME=DIR module)')
        .option('--out <file>', 'write the C file here instead of printing it')
        .option('--all', 'every extern, whether a C file defines it or not')
        .option('--force', 'overwrite --out, and write even when the sources have FFI errors')
        .addOption(colorOption()),
    ),
  )
    .addHelpText(
      'after',
      '\nAn existing --out file is not overwritten without --force (exit 2).\n\nExamples:\n  vale-ffi stubs vtest=src --out src/native/vtest_externs.c\n  vale-ffi stubs src --project fleet --all',
    )
    .action(async (paths: string[], o) => done(await runStubs(paths, o, ctx(o))));

  workspaceOptions(
    p
      .command('itables')
      .summary("where each impl's itable lands; UnalignedItable if not 16-aligned")
      .argument('[paths...]', 'files or directories (default: the working directory)')
      .addOption(new Option('--profile <profile>', 'how itables are placed when simulated').choices(['midas', 'natural']))
      .option('--binary <file>', 'read the real addresses from this ELF executable or object')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .addOption(colorOption()),
  )
    .addHelpText('after', '\nExit status 1 when an itable is not 16-byte aligned.\n\nExample:\n  vale-ffi itables src --binary build/main')
    .action((paths: string[], o) => done(runItables(paths, o, ctx(o))));

  workspaceOptions(
    buildOption(
      p
        .command('recording')
        .summary('decode a recording.vale.bin with the extern declarations of the sources')
        .argument('<file>', 'the recording (recording.vale.bin or recording.<n>.vale.bin)')
        .requiredOption('--source <path>', 'the Vale sources declaring the externs (repeatable)', collect)
        .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text')),
    ),
  )
    .addHelpText(
      'after',
      '\nExit status 1 when the file cannot be read to its end.\n\nExample:\n  vale-ffi recording recording.vale.bin --source src',
    )
    .action((file: string, o) => done(runRecording(file, o, ctx(o))));

  workspaceOptions(
    buildOption(
      p
        .command('message')
        .summary('the message an immutable value becomes at the boundary')
        .argument('[paths...]', 'files or directories (default: the working directory)')
        .requiredOption('--type <name>', 'an exported immutable kind')
        .requiredOption('--value <json>', 'the value: structs as objects, arrays as arrays, interfaces with "$kind"')
        .addOption(new Option('--format <format>', 'output format').choices(['json', 'hex']).default('json'))
        .option('--base <address>', 'print pointers as addresses from this 16-aligned base instead of offsets')
        .option('--target <target>', 'x86_64-linux (default) or aarch64-linux'),
    ),
  )
    .addHelpText('after', '\nExample:\n  vale-ffi message src --type Ship --value \'{"fuel": 3}\' --format hex')
    .action((paths: string[], o) => done(runMessage(paths, o, ctx(o))));

  p.command('explain')
    .summary('what a diagnostic code means, with an example and its fix')
    .argument('[code]', 'a diagnostic code (without: every code with its severity and title)')
    .addHelpText('after', '\nExample:\n  vale-ffi explain NonHierarchicalImmutable')
    .action((code: string | undefined) => done({ stdout: runExplain(code === undefined ? [] : [code]), exitCode: 0 }));

  return p;
}

/** Runs the CLI on `argv` (without node and the script); returns the exit status. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const status = { code: 0 };
  try {
    if ((argv[0] === 'check' || argv[0] === 'stubs') && !argv.includes('--help') && !argv.includes('-h')) {
      // One run of the C grammar's wasm: its baseline code is enough, and optimizing it in the
      // background would keep the process alive ~70 ms after the answer.
      setFlagsFromString('--liftoff-only');
      // How tree-sitter's C grammar loads: `stubs` starts at once, `check` once it has found C files.
      startCParser(() => loadCParser((m) => io.stderr.write(`vale-ffi: warning: ${m}\n`)), argv[0] === 'stubs');
    }
    await program(io, status).parseAsync(argv, { from: 'user' });
    return status.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0; // help or version shown
      return 2; // commander has written the message (with its "did you mean")
    }
    if (e instanceof UsageError) {
      io.stderr.write(`vale-ffi: ${e.message}\n`);
      return 2;
    }
    io.stderr.write(`vale-ffi: internal error: ${(e as Error).message}\n`);
    return 2;
  }
}

if (require.main === module) {
  // This process analyses once and exits (not set when a test runs `main` in its own process).
  oneShotHeap();
  oneShotCompiler();
  // A reader that stops early (`vale-ffi ... | head`) is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
