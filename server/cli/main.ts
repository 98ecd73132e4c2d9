import { parseArgs } from 'node:util';
import { runCheck } from './check';
import { runExplain } from './explain';
import { UsageError } from './files';
import { binaryOption, itableProfileOption, runItables } from './itables';
import { runHeader, runLayout, runMessage } from './layout';
import { runRecording } from './recording';
import { profileOption, runDecode, runEncode } from './ursl';

const USAGE = `Usage: vale-ffi <command> [options]

Commands:
  check [PATH...] [--format text|json] [--binary FILE] [--itable-profile midas|natural]
                                         analyze every .vale file under the paths (default: .)
  decode TEXT [--profile P] [--format text|json]
                                         decode a universal reference written in any usual form
  encode JSON-FIELDS [--profile P] [--format json|text]
                                         pack field values into a universal reference
                                         (profiles: backend (default), seed)
  layout [PATH...] [--target T] [--project NAME] [--format text|json]
                                         C layout of every exported kind
                                         (targets: x86_64-linux (default), aarch64-linux)
  header [PATH...] --project NAME [--out DIR]
                                         the C headers the backend generates (stdout without --out)
  itables [PATH...] [--profile midas|natural] [--binary FILE] [--format text|json]
                                         where each impl's itable lands; UnalignedItable if not 16-aligned
  recording FILE --source PATH... [--format text|json]
                                         decode a recording.vale.bin with the sources' extern declarations
  message [PATH...] --type NAME --value JSON [--format json|hex] [--base ADDR]
                                         the message an immutable value becomes at the boundary
  explain [CODE]                         what a diagnostic code means, with an example and its fix
                                         (without CODE: every code with its severity and title)

Options:
  -h, --help       show this help
  --version        show the version

Exit status: 0 no errors, 1 errors found, 2 usage or I/O problem.`;

declare const VALE_FFI_VERSION: string | undefined;

function formatOption(value: string | undefined, allowed: readonly string[]): string {
  const format = value ?? allowed[0];
  if (!allowed.includes(format)) throw new UsageError(`--format must be one of ${allowed.join(', ')} (got '${format}')`);
  return format;
}

export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${typeof VALE_FFI_VERSION === 'string' ? VALE_FFI_VERSION : 'dev'}\n`);
    return 0;
  }
  try {
    switch (command) {
      case 'check': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            format: { type: 'string' },
            help: { type: 'boolean', short: 'h' },
            binary: { type: 'string' },
            'itable-profile': { type: 'string' },
          },
        });
        if (values.help) {
          process.stdout.write(`${USAGE}\n`);
          return 0;
        }
        const format = formatOption(values.format, ['text', 'json']) as 'text' | 'json';
        const showProgress = process.stderr.isTTY && format === 'text';
        const itables = { profile: itableProfileOption(values['itable-profile']), ...binaryOption(values.binary) };
        const result = runCheck({ paths: positionals, format, itables }, showProgress ? progressPrinter() : undefined);
        if (showProgress) process.stderr.write('\r\x1b[K');
        process.stdout.write(result.stdout);
        return result.exitCode;
      }
      case 'explain':
        process.stdout.write(runExplain(rest));
        return 0;
      case 'decode':
      case 'encode': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { format: { type: 'string' }, profile: { type: 'string' } },
        });
        if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one argument (quote it)`);
        const profile = profileOption(values.profile);
        const result =
          command === 'decode'
            ? runDecode(positionals[0], profile, formatOption(values.format, ['text', 'json']) as 'text' | 'json')
            : runEncode(positionals[0], profile, formatOption(values.format, ['json', 'text']) as 'text' | 'json');
        process.stdout.write(result.stdout);
        return result.exitCode;
      }
      case 'itables': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { format: { type: 'string' }, profile: { type: 'string' }, binary: { type: 'string' } },
        });
        const result = runItables(
          positionals,
          values.profile,
          values.binary,
          formatOption(values.format, ['text', 'json']) as 'text' | 'json',
        );
        process.stdout.write(result.stdout);
        return result.exitCode;
      }
      case 'recording': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { format: { type: 'string' }, source: { type: 'string', multiple: true } },
        });
        if (positionals.length > 1) throw new UsageError('recording takes one file');
        const result = runRecording(positionals[0], values.source ?? [], formatOption(values.format, ['text', 'json']) as 'text' | 'json');
        process.stdout.write(result.stdout);
        return result.exitCode;
      }
      case 'layout':
      case 'header':
      case 'message': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            format: { type: 'string' },
            target: { type: 'string' },
            project: { type: 'string' },
            out: { type: 'string' },
            type: { type: 'string' },
            value: { type: 'string' },
            base: { type: 'string' },
          },
        });
        const result =
          command === 'layout'
            ? runLayout(positionals, values.target, formatOption(values.format, ['text', 'json']) as 'text' | 'json', values.project)
            : command === 'header'
              ? runHeader(positionals, values.project, values.out, values.target)
              : runMessage(
                  positionals,
                  values.type,
                  values.value,
                  formatOption(values.format, ['json', 'hex']) as 'json' | 'hex',
                  values.target,
                  values.base,
                );
        process.stdout.write(result.stdout);
        return result.exitCode;
      }
      default:
        throw new UsageError(`unknown command '${command}'\n\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`vale-ffi: ${(e as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`vale-ffi: internal error: ${(e as Error).message}\n`);
    return 2;
  }
}

function progressPrinter(): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (total < 200 || (now - last < 100 && done !== total)) return;
    last = now;
    process.stderr.write(`\rAnalyzing ${done}/${total} files`);
  };
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
