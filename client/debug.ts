// The debugger side of the extension: the gdb/lldb helpers added to C debug sessions, and
// "Decode as Vale Reference" on the Variables and Watch views.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  commands,
  type DebugConfiguration,
  type DebugSession,
  DebugStackFrame,
  debug,
  type ExtensionContext,
  type WorkspaceFolder,
  window,
  workspace,
} from 'vscode';
import { GDB_HELPER_FILE, LLDB_HELPER_FILE, gdbHelper, lldbHelper } from '../shared/debug/formatters';
import { BACKEND_PROFILE, findProfile } from '../shared/ursl/profile';
import { HELPED_TYPES, type HelperPaths, helpersNotice, withHelpers } from './debug-config';
import { debugItemOf, readReferenceBytes, referenceText } from './debug-read';

/** Writes the helpers for the profile under the extension's storage (regenerated at each start: they follow the codec). */
function writeHelpers(context: ExtensionContext, profileName: string | undefined): HelperPaths {
  const profile = findProfile(profileName ?? 'backend') ?? BACKEND_PROFILE;
  const version = String(context.extension.packageJSON.version ?? 'dev');
  const dir = path.join(context.globalStorageUri.fsPath, 'debug-helpers', profile.name);
  mkdirSync(dir, { recursive: true });
  const paths = { gdb: path.join(dir, GDB_HELPER_FILE), lldb: path.join(dir, LLDB_HELPER_FILE) };
  writeFileSync(paths.gdb, gdbHelper(profile, version));
  writeFileSync(paths.lldb, lldbHelper(profile, version));
  return paths;
}

const enabled = (): boolean => workspace.getConfiguration('valeFfi').get<boolean>('debug.helpers', true);
const profileSetting = (): string | undefined => workspace.getConfiguration('valeFfi').get<string>('hover.profile');

/** `show` displays a decoded reference (the text `vale-ffi decode` takes) under a title. */
export function registerDebugSupport(context: ExtensionContext, show: (text: string, title: string) => Promise<void>): void {
  const written = new Map<string, HelperPaths>();
  const helperPaths = (): HelperPaths => {
    const profile = profileSetting() ?? 'backend';
    let paths = written.get(profile);
    if (!paths) written.set(profile, (paths = writeHelpers(context, profile)));
    return paths;
  };

  for (const type of HELPED_TYPES) {
    context.subscriptions.push(
      debug.registerDebugConfigurationProvider(type, {
        async resolveDebugConfiguration(_folder: WorkspaceFolder | undefined, config: DebugConfiguration): Promise<DebugConfiguration> {
          if (!enabled()) return config;
          const vale = await workspace.findFiles('**/*.vale', '**/node_modules/**', 1);
          if (vale.length === 0) return config;
          try {
            return withHelpers(config.type ?? type, config, helperPaths()) ?? config;
          } catch (e) {
            void window.showWarningMessage(`Vale FFI: could not write the debugger helpers: ${(e as Error).message}`);
            return config;
          }
        },
      }),
    );
  }

  // Once per session, in its debug console: what decodes the references, and how to turn it off.
  context.subscriptions.push(
    debug.onDidStartDebugSession((session: DebugSession) => {
      const c = session.configuration;
      const loads = JSON.stringify([c.setupCommands ?? [], c.initCommands ?? []]).includes('vale_ffi_');
      if (loads && (HELPED_TYPES as readonly string[]).includes(session.type)) {
        debug.activeDebugConsole.appendLine(helpersNotice(session.type, helperPaths()));
      }
    }),
  );

  // Which adapters offer readMemory: their initialize answer, seen by a tracker.
  const readMemory = new Map<string, boolean>();
  context.subscriptions.push(
    debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session: DebugSession) => ({
        onDidSendMessage: (m: { type?: string; command?: string; body?: { supportsReadMemoryRequest?: boolean } }) => {
          if (m.type === 'response' && m.command === 'initialize') readMemory.set(session.id, m.body?.supportsReadMemoryRequest === true);
        },
        onExit: () => readMemory.delete(session.id),
      }),
    }),
  );

  context.subscriptions.push(
    commands.registerCommand('valeFfi.decodeDebugVariable', async (arg?: unknown) => {
      const item = debugItemOf(arg);
      const sessionId = (arg as { sessionId?: string } | undefined)?.sessionId;
      const session = debug.activeDebugSession;
      if (!item || !session || (sessionId !== undefined && session.id !== sessionId)) {
        void window.showErrorMessage('Vale FFI: Decode as Vale Reference works on a variable of the paused debug session.');
        return;
      }
      const frame = debug.activeStackItem instanceof DebugStackFrame ? debug.activeStackItem.frameId : undefined;
      try {
        const read = await readReferenceBytes(async (command, args) => session.customRequest(command, args), item, {
          supportsReadMemory: readMemory.get(session.id) === true,
          frameId: frame,
        });
        await show(referenceText(read.bytes), `${item.name} (read with ${read.via})`);
      } catch (e) {
        void window.showErrorMessage(`Vale FFI: cannot read ${item.name} as a Vale reference: ${(e as Error).message}`);
      }
    }),
  );
}
