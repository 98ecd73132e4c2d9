import * as path from 'node:path';
import {
  commands,
  DiagnosticSeverity,
  EventEmitter,
  StatusBarAlignment,
  type ExtensionContext,
  languages,
  type TextDocumentContentProvider,
  Uri,
  ViewColumn,
  type WebviewPanel,
  window,
  workspace,
} from 'vscode';
import { CodeLensRequest, LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { DECODE, HEADER, KINDS, LAYOUT, RECORDING, type RequestSpec, STATUS, type StatusParams } from '../shared/protocol';
import { registerDebugSupport } from './debug';
import { LensRefresh } from './lenses';
import { layoutPage, recordingPage, referenceMarkdown, statusItem } from './views';

let client: LanguageClient | undefined;

/** A request of the protocol (shared/protocol.ts), typed by its spec. */
function request<P, R>(spec: RequestSpec<P, R>, params: P): Promise<R> {
  return client!.sendRequest<R>(spec.method, params);
}

const HEADER_SCHEME = 'vale-ffi-header';
const REFERENCE_SCHEME = 'vale-ffi-reference';

/** Read-only documents the commands open: generated headers (C) and decoded references (Markdown). */
class ReadOnlyDocuments implements TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new EventEmitter<Uri>();
  readonly onDidChange = this.changed.event;
  set(uri: Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }
  /** A generated header not shown yet (a document link in C opens it): asked of the server by name. */
  async provideTextDocumentContent(uri: Uri): Promise<string> {
    const known = this.texts.get(uri.toString());
    if (known !== undefined || uri.scheme !== HEADER_SCHEME) return known ?? '';
    const name = path.posix.basename(uri.path, '.h');
    try {
      return (await request(HEADER, { name })).text;
    } catch (e) {
      return `// Vale FFI: ${(e as Error).message}\n`;
    }
  }
}

function settings(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(workspace.getConfiguration('valeFfi')));
}

export async function activate(context: ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Vale files for everything; C, C++, plain text and logs for universal reference hovers.
    documentSelector: [
      { scheme: 'file', language: 'vale' },
      { scheme: 'untitled', language: 'vale' },
      { language: 'c' },
      { language: 'cpp' },
      { language: 'plaintext' },
      { language: 'log' },
    ],
    synchronize: {
      fileEvents: [
        workspace.createFileSystemWatcher('**/*.vale'),
        workspace.createFileSystemWatcher('**/*.{c,h,cc,cpp,hpp,hh,cxx}'),
        workspace.createFileSystemWatcher('**/{vale-ffi,package}.json'),
        // A rebuild rewrites the generated headers (valeFfi.buildDir).
        workspace.createFileSystemWatcher('**/include/**/*.h'),
        // Anything created or deleted: VS Code reports a folder deleted or moved, not the files in
        // it (the server drops or reads the source files under it, and skips other paths).
        workspace.createFileSystemWatcher('**/*', false, true, false),
      ],
      configurationSection: 'valeFfi',
    },
    initializationOptions: settings(),
  };
  client = new LanguageClient('valeFfi', 'Vale FFI', serverOptions, clientOptions);

  // The status bar item: indexing, then the files analysed and the problems found; a click shows the output.
  const statusBar = window.createStatusBarItem('valeFfi.status', StatusBarAlignment.Left, 10);
  statusBar.name = 'Vale FFI';
  statusBar.command = 'valeFfi.showOutput';
  let status: StatusParams | undefined;
  const renderStatus = (): void => {
    let errors = 0;
    let warnings = 0;
    for (const [, diagnostics] of languages.getDiagnostics())
      for (const d of diagnostics) {
        if (d.source !== 'vale-ffi') continue;
        if (d.severity === DiagnosticSeverity.Error) errors++;
        else if (d.severity === DiagnosticSeverity.Warning) warnings++;
      }
    const item = statusItem(status, { errors, warnings });
    statusBar.text = item.text;
    statusBar.tooltip = item.tooltip;
  };
  renderStatus();
  statusBar.show();
  context.subscriptions.push(
    statusBar,
    languages.onDidChangeDiagnostics(renderStatus),
    client.onNotification(STATUS.method, (p: StatusParams) => {
      status = p;
      renderStatus();
    }),
    commands.registerCommand('valeFfi.showOutput', () => client?.outputChannel.show(true)),
  );
  await client.start();

  // VS Code's lens cache can draw the previous file's lenses (client/lenses.ts): ask again after a switch.
  const lensFeature = client.getFeature(CodeLensRequest.method);
  const lensRefresh = new LensRefresh();
  context.subscriptions.push(
    lensRefresh,
    window.onDidChangeActiveTextEditor((editor) => {
      const document = editor?.document;
      if (document?.languageId !== 'vale') return;
      lensRefresh.switched(() => lensFeature.getProvider(document)?.onDidChangeCodeLensEmitter.fire());
    }),
  );

  const documents = new ReadOnlyDocuments();
  context.subscriptions.push(
    workspace.registerTextDocumentContentProvider(HEADER_SCHEME, documents),
    workspace.registerTextDocumentContentProvider(REFERENCE_SCHEME, documents),
  );

  /** Decodes a reference written in any accepted form and shows it beside the editor; `label` heads it. */
  const showDecoded = async (text: string, label: string = text): Promise<void> => {
    try {
      const decoded = await request(DECODE, { text, profile: workspace.getConfiguration('valeFfi').get<string>('hover.profile') });
      const uri = Uri.parse(`${REFERENCE_SCHEME}:Universal Reference.md`);
      documents.set(uri, referenceMarkdown(label === text ? text : `${label}\n${text}`, decoded));
      const doc = await workspace.openTextDocument(uri);
      await languages.setTextDocumentLanguage(doc, 'markdown');
      await window.showTextDocument(doc, { preview: true, viewColumn: ViewColumn.Beside });
    } catch (e) {
      void window.showErrorMessage(`Vale FFI: ${(e as Error).message}`);
    }
  };

  context.subscriptions.push(
    commands.registerCommand('valeFfi.decodeReference', async (initial?: string) => {
      const text =
        initial ??
        (await window.showInputBox({
          title: 'Decode Universal Reference',
          prompt: '0x + 64 hex digits, 32 bytes, the five C words of a ...Ref, or gdb x/4gx output',
          ignoreFocusOut: true,
        }));
      if (text) await showDecoded(text);
    }),
  );
  registerDebugSupport(context, showDecoded);

  context.subscriptions.push(
    commands.registerCommand('valeFfi.showHeader', async (uriArg?: string, name?: string) => {
      const active = window.activeTextEditor?.document;
      const uri = uriArg ?? (active?.languageId === 'vale' ? active.uri.toString() : undefined);
      try {
        const header = await request(HEADER, name ? { name } : { uri });
        const target = Uri.parse(`${HEADER_SCHEME}:${name ? header.path : `${path.basename(uri ?? 'all')}.h`}`);
        documents.set(target, header.text);
        const doc = await workspace.openTextDocument(target);
        await languages.setTextDocumentLanguage(doc, 'c');
        await window.showTextDocument(doc, { preview: true, viewColumn: ViewColumn.Beside });
      } catch (e) {
        void window.showErrorMessage(`Vale FFI: ${(e as Error).message}`);
      }
    }),
  );

  context.subscriptions.push(
    commands.registerCommand('valeFfi.showLayout', async (name?: string) => {
      let kind = name;
      if (!kind) {
        const kinds = await request(KINDS, {});
        if (kinds.length === 0) {
          void window.showInformationMessage('Vale FFI: no exported kinds in this workspace.');
          return;
        }
        const picked = await window.showQuickPick(
          kinds.map((k) => ({ label: k.name, description: k.valeName })),
          { title: 'Show Memory Layout' },
        );
        kind = picked?.label;
      }
      if (!kind) return;
      try {
        const layout = await request(LAYOUT, { name: kind });
        const panel = window.createWebviewPanel('valeFfi.layout', `Layout: ${kind}`, ViewColumn.Beside, { enableScripts: false });
        panel.webview.html = layoutPage(layout);
      } catch (e) {
        void window.showErrorMessage(`Vale FFI: ${(e as Error).message}`);
      }
    }),
  );

  // Recordings open read-only: the calls as a table, decoded with the workspace's declarations.
  context.subscriptions.push(
    window.registerCustomEditorProvider(
      'valeFfi.recording',
      {
        openCustomDocument: (uri: Uri) => ({ uri, dispose: () => undefined }),
        resolveCustomEditor: async (document: { uri: Uri }, panel: WebviewPanel) => {
          panel.webview.options = { enableScripts: false };
          try {
            const recording = await request(RECORDING, { uri: document.uri.toString() });
            panel.webview.html = recordingPage(path.basename(document.uri.fsPath), recording);
          } catch (e) {
            panel.webview.html = `<p>Vale FFI could not read this recording: ${(e as Error).message.replace(/</g, '&lt;')}</p>`;
          }
        },
      },
      { supportsMultipleEditorsPerDocument: true },
    ),
  );

  context.subscriptions.push(
    commands.registerCommand('valeFfi.restartServer', async () => {
      await client?.restart();
    }),
  );

  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
