import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  createProtocolConnection,
  type Diagnostic,
  type ClientCapabilities,
  type InitializeParams,
  type ProtocolConnection,
  type PublishDiagnosticsClientCapabilities,
  type PublishDiagnosticsParams,
  DiagnosticTag,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

import type { RequestSpec } from '../../shared/protocol';

export const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');

/** The `publishDiagnostics` capabilities VS Code's client declares (vscode-languageclient 9). */
export const VSCODE_DIAGNOSTICS: PublishDiagnosticsClientCapabilities = {
  relatedInformation: true,
  versionSupport: false,
  tagSupport: { valueSet: [DiagnosticTag.Unnecessary, DiagnosticTag.Deprecated] },
  codeDescriptionSupport: true,
  dataSupport: true,
};

/** A real LSP client: the bundled server over stdio, driven through vscode-languageserver-protocol. */
export class TestClient {
  readonly process: ChildProcess;
  readonly connection: ProtocolConnection;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** The document version of each file's latest diagnostics, when the server gave one. */
  readonly versions = new Map<string, number | undefined>();
  /** Every publishDiagnostics received, in order. */
  readonly published: { uri: string; version?: number; count: number }[] = [];
  readonly progress: string[] = [];
  /** Every `valeFfi/status` notification, in order. */
  readonly statuses: { state: string; valeFiles: number; cFiles: number; project: string }[] = [];
  /** window/logMessage texts (the output log), in order. */
  readonly logs: string[] = [];
  /** Publishes (`publish <uri> <version> <count>`) and log messages (`log <message>`) in the order they arrived. */
  readonly sequence: string[] = [];
  /** window/showMessage texts, in order. */
  readonly messages: string[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  stderr = '';

  constructor(server = SERVER, env: NodeJS.ProcessEnv = process.env) {
    this.process = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.process.stderr!.on('data', (d) => (this.stderr += d));
    const reader = new StreamMessageReader(this.process.stdout!);
    this.connection = createProtocolConnection(reader, new StreamMessageWriter(this.process.stdin!));
    // A server killed in the middle of a message leaves it half read, and the reader re-arms its
    // partial-message timer every 10 s for good: that would keep the test process alive.
    this.process.on('close', () => {
      (reader as unknown as { clearPartialMessageTimer?: () => void }).clearPartialMessageTimer?.();
      this.connection.dispose();
    });
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.versions.set(p.uri, p.version);
      this.published.push({ uri: p.uri, version: p.version, count: p.diagnostics.length });
      this.sequence.push(`publish ${p.uri} ${p.version} ${p.diagnostics.length}`);
      this.poke();
    });
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('valeFfi/status', (p: TestClient['statuses'][number]) => {
      this.statuses.push(p);
      this.poke();
    });
    this.connection.onNotification('$/progress', (p: { value: { kind: string; title?: string; message?: string } }) => {
      this.progress.push(`${p.value.kind}: ${p.value.message ?? p.value.title ?? ''}`);
      this.poke();
    });
    this.connection.onRequest('workspace/configuration', () => [{}]);
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
      this.sequence.push(`log ${p.message}`);
      this.poke();
    });
    this.connection.onNotification('window/showMessage', (p: { message: string }) => {
      this.messages.push(p.message);
      this.poke();
    });
    this.connection.onRequest('window/showMessageRequest', (p: { message: string }) => {
      this.messages.push(p.message);
      this.poke();
      return null;
    });
    this.connection.listen();
  }

  private poke(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  /** Waits for a condition on what the server has sent, with a clear message on timeout. */
  waitFor(what: string, check: () => boolean, timeoutMs = 15000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out waiting for ${what}; diagnostics: ${JSON.stringify([...this.diagnostics].map(([u, d]) => [u, d.map((x) => x.code)]))}\n${this.stderr}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** `capabilities`: the client's, besides progress (and no configuration requests). */
  async initialize(rootUri: string, options: Record<string, unknown> = {}, capabilities: ClientCapabilities = {}): Promise<void> {
    const params: InitializeParams = {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'examples' }],
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { configuration: false },
        ...capabilities,
        // What VS Code shows of a diagnostic, unless a test says otherwise.
        textDocument: { publishDiagnostics: VSCODE_DIAGNOSTICS, ...capabilities.textDocument },
      },
      initializationOptions: options,
    };
    await this.connection.sendRequest('initialize', params);
    await this.connection.sendNotification('initialized', {});
  }

  /** A request of the vale-ffi protocol, typed by its spec (shared/protocol.ts). */
  request<P, R>(spec: RequestSpec<P, R>, params: P): Promise<R> {
    return this.connection.sendRequest<R>(spec.method, params);
  }

  async shutdown(): Promise<number | null> {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    return new Promise((resolve) => this.process.on('exit', (code) => resolve(code)));
  }
}
