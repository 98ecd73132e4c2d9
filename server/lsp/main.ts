import {
  createConnection,
  Diagnostic as LspDiagnostic,
  DiagnosticSeverity,
  InitializeResult,
  ProposedFeatures,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { Diagnostic, Workspace } from '../../shared';
import { Documents } from './documents';

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

// Transport (stdio, IPC, socket) comes from the command line, as vscode-languageclient passes it.
const connection = createConnection(ProposedFeatures.all);
const workspace = new Workspace();
const documents = new Documents(workspace);

connection.onInitialize((): InitializeResult => ({
  capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental } },
  serverInfo: { name: 'vale-ffi' },
}));

function publish(uri: string): void {
  const doc = documents.get(uri);
  if (!doc) return;
  const diagnostics: LspDiagnostic[] = workspace.diagnostics(uri).map((d) => ({
    range: { start: doc.positionAt(d.start), end: doc.positionAt(d.end) },
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'vale-ffi',
    message: d.message,
  }));
  void connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
}

connection.onDidOpenTextDocument(({ textDocument: t }) => {
  documents.didOpen(t.uri, t.languageId, t.version, t.text);
  publish(t.uri);
});
connection.onDidChangeTextDocument(({ textDocument: t, contentChanges }) => {
  documents.didChange(t.uri, t.version, contentChanges);
  publish(t.uri);
});
connection.onDidCloseTextDocument(({ textDocument: t }) => {
  documents.didClose(t.uri);
  workspace.removeFile(t.uri);
  void connection.sendDiagnostics({ uri: t.uri, diagnostics: [] });
});

connection.listen();
