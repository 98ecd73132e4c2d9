// Adding the debugger helpers to a debug configuration, per debug type. No vscode import: the
// DebugConfigurationProvider in debug.ts calls this, and the tests call it directly.

/** The debug types whose debuggers take the helpers: cpptools over gdb, CodeLLDB, LLDB DAP. */
export const HELPED_TYPES = ['cppdbg', 'lldb', 'lldb-dap'] as const;
export type HelpedType = (typeof HELPED_TYPES)[number];

export interface HelperPaths {
  gdb: string;
  lldb: string;
}

interface SetupCommand {
  description?: string;
  text: string;
  ignoreFailures?: boolean;
}

/** Quotes a path for a gdb or lldb command line. */
const quoted = (path: string): string => `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function gdbSourceCommand(paths: HelperPaths): string {
  return `source ${quoted(paths.gdb)}`;
}

export function lldbImportCommand(paths: HelperPaths): string {
  return `command script import ${quoted(paths.lldb)}`;
}

/**
 * The configuration with the helpers added, or undefined when it already loads them (a user's
 * own launch.json line, or a configuration resolved twice). cppdbg (gdb) gets
 * `-enable-pretty-printing` and `source …` in setupCommands; lldb and lldb-dap get
 * `command script import …` in initCommands. Anything else in the configuration is kept.
 */
export function withHelpers<C extends Record<string, unknown>>(type: string, config: C, paths: HelperPaths): C | undefined {
  if (type === 'cppdbg') {
    if (config.MIMode !== undefined && config.MIMode !== 'gdb') return undefined;
    const setup = Array.isArray(config.setupCommands) ? [...(config.setupCommands as SetupCommand[])] : [];
    if (setup.some((c) => typeof c?.text === 'string' && c.text.includes('vale_ffi_gdb.py'))) return undefined;
    if (!setup.some((c) => typeof c?.text === 'string' && c.text.trim() === '-enable-pretty-printing')) {
      setup.push({ description: 'Enable pretty-printing for gdb', text: '-enable-pretty-printing', ignoreFailures: true });
    }
    setup.push({ description: 'Vale FFI: decode universal references', text: gdbSourceCommand(paths), ignoreFailures: true });
    return { ...config, setupCommands: setup };
  }
  if (type === 'lldb' || type === 'lldb-dap') {
    const init = Array.isArray(config.initCommands) ? [...(config.initCommands as string[])] : [];
    if (init.some((c) => typeof c === 'string' && c.includes('vale_ffi_lldb.py'))) return undefined;
    init.push(lldbImportCommand(paths));
    return { ...config, initCommands: init };
  }
  return undefined;
}

/** The one line the debug console shows when a session starts with the helpers. */
export function helpersNotice(type: string, paths: HelperPaths): string {
  const file = type === 'cppdbg' ? paths.gdb : paths.lldb;
  return `Vale FFI: universal references (<project>_<Name>Ref) are decoded by ${file} in this session (setting valeFfi.debug.helpers; right-click a variable for "Decode as Vale Reference").`;
}
