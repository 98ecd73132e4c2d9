// The system tools the test suites drive (C compilers, Neovim, Chromium, code-server's build
// headers), declared once. `tsx scripts/system-tools.ts [GROUP...]` installs what is missing
// (as root or with passwordless sudo, on Debian/Ubuntu through apt-get), otherwise prints the
// one install line for this platform. It exits 0 either way, unless CI=true and something is
// still missing: CI never skips a suite silently. Tests ask `missingTools(group)` (through
// test/support/tools.ts) and skip with the same install line.
import { spawnSync } from 'node:child_process';

export type Group = 'c' | 'c++' | 'c-aarch64' | 'neovim' | 'e2e' | 'python' | 'gdb' | 'lldb';

interface Tool {
  /** What is probed: a command on PATH, or a pkg-config module (headers and their .pc file). */
  probe: { command: string } | { pkgConfig: string };
  debian: string;
  fedora: string;
  group: Group;
}

export const TOOLS: Tool[] = [
  { probe: { command: 'gcc' }, debian: 'gcc', fedora: 'gcc', group: 'c' },
  { probe: { command: 'g++' }, debian: 'g++', fedora: 'gcc-c++', group: 'c++' },
  { probe: { command: 'aarch64-linux-gnu-gcc' }, debian: 'gcc-aarch64-linux-gnu', fedora: 'gcc-aarch64-linux-gnu', group: 'c-aarch64' },
  { probe: { command: 'python3' }, debian: 'python3', fedora: 'python3', group: 'python' },
  { probe: { command: 'gdb' }, debian: 'gdb', fedora: 'gdb', group: 'gdb' },
  // Debian's lldb-19 brings lldb-dap-19 and its Python (python3-lldb-19).
  { probe: { command: 'lldb-19' }, debian: 'lldb-19', fedora: 'lldb', group: 'lldb' },
  { probe: { command: 'lldb-dap-19' }, debian: 'lldb-19', fedora: 'lldb', group: 'lldb' },
  { probe: { command: 'nvim' }, debian: 'neovim', fedora: 'neovim', group: 'neovim' },
  { probe: { command: 'chromium' }, debian: 'chromium', fedora: 'chromium', group: 'e2e' },
  // code-server's install (test/e2e/install-code-server.sh) builds native modules from source
  // and puts Debian's rg where @vscode/ripgrep would download one.
  { probe: { command: 'rg' }, debian: 'ripgrep', fedora: 'ripgrep', group: 'e2e' },
  { probe: { command: 'pkg-config' }, debian: 'pkg-config', fedora: 'pkgconf-pkg-config', group: 'e2e' },
  { probe: { pkgConfig: 'krb5' }, debian: 'libkrb5-dev', fedora: 'krb5-devel', group: 'e2e' },
  { probe: { pkgConfig: 'x11' }, debian: 'libx11-dev', fedora: 'libX11-devel', group: 'e2e' },
  { probe: { pkgConfig: 'xkbfile' }, debian: 'libxkbfile-dev', fedora: 'libxkbfile-devel', group: 'e2e' },
  { probe: { pkgConfig: 'libsecret-1' }, debian: 'libsecret-1-dev', fedora: 'libsecret-devel', group: 'e2e' },
];

export const GROUPS: Record<Group, string> = {
  c: 'layouts, headers and itables compiled by gcc',
  'c++': "interface tags checked against libstdc++'s unordered_map (g++)",
  'c-aarch64': 'layouts checked by the aarch64 cross compiler',
  neovim: 'Neovim as an LSP client',
  e2e: 'the extension in code-server and Chromium',
  python: "the debugger helpers' Python decoder checked against the codec",
  gdb: 'the gdb pretty-printer run on a real program',
  lldb: 'the lldb formatter and lldb-dap run on a real program',
};

function succeeds(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function present(tool: Tool): boolean {
  if ('command' in tool.probe) return succeeds('sh', ['-c', `command -v ${tool.probe.command}`]);
  return succeeds('pkg-config', ['--exists', tool.probe.pkgConfig]);
}

export function missingTools(groups: readonly Group[] = Object.keys(GROUPS) as Group[]): Tool[] {
  return TOOLS.filter((t) => groups.includes(t.group) && !present(t));
}

type Platform = 'debian' | 'fedora' | 'other';

function platform(): Platform {
  if (succeeds('sh', ['-c', 'command -v apt-get'])) return 'debian';
  if (succeeds('sh', ['-c', 'command -v dnf'])) return 'fedora';
  return 'other';
}

/** The one command a user runs to install `tools` on this platform. */
export function installLine(tools: readonly Tool[]): string {
  const p = platform();
  if (p === 'debian') return `sudo apt-get install -y ${[...new Set(tools.map((t) => t.debian))].join(' ')}`;
  if (p === 'fedora') return `sudo dnf install -y ${tools.map((t) => t.fedora).join(' ')}`;
  return `install ${tools.map((t) => ('command' in t.probe ? t.probe.command : t.debian)).join(', ')} (Debian names: ${tools.map((t) => t.debian).join(' ')})`;
}

function canInstall(): 'root' | 'sudo' | undefined {
  if (platform() !== 'debian') return undefined;
  if (process.getuid?.() === 0) return 'root';
  return succeeds('sudo', ['-n', 'true']) ? 'sudo' : undefined;
}

function install(tools: readonly Tool[], as: 'root' | 'sudo'): void {
  const prefix = as === 'sudo' ? ['sudo', '-n'] : [];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const packages = [...new Set(tools.map((t) => t.debian))];
  console.error(`[system-tools] apt-get install ${packages.join(' ')}`);
  for (const args of [
    ['apt-get', 'update', '-qq'],
    ['apt-get', 'install', '-y', '-qq', ...packages],
  ]) {
    const command = [...prefix, ...args];
    const r = spawnSync(command[0], command.slice(1), { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.error || r.status !== 0) {
      console.error(`[system-tools] ${command.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
      return;
    }
  }
}

function main(args: string[]): number {
  const unknown = args.filter((a) => !(a in GROUPS));
  if (unknown.length > 0) {
    console.error(`unknown group ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`);
    return 2;
  }
  const groups = (args.length > 0 ? args : Object.keys(GROUPS)) as Group[];
  let missing = missingTools(groups);
  const as = missing.length > 0 ? canInstall() : undefined;
  if (as) {
    install(missing, as);
    missing = missingTools(groups);
  }
  if (missing.length === 0) {
    console.error(`[system-tools] all present: ${groups.join(', ')}`);
    return 0;
  }
  const suites = [...new Set(missing.map((t) => GROUPS[t.group]))];
  const fate = process.env.CI === 'true' ? 'cannot run' : 'will be skipped';
  console.error(`[system-tools] missing ${missing.map((t) => t.debian).join(', ')}: these suites ${fate} (${suites.join('; ')}).`);
  console.error(`[system-tools] install them with: ${installLine(missing)}`);
  if (process.env.CI === 'true') {
    console.error('[system-tools] CI=true: a missing tool fails the run.');
    return 1;
  }
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
