// The editing section's yardstick: a language server that analyses nothing. It answers every
// didOpen and didChange with the diagnostics the real server last published for that document,
// and every hover with the real server's answer at that kind of place, recorded in a JSON file
// (`Replayed`). Its messages go out through the real server's writer (each diagnostic's bytes
// made once, each message one write, a large frame into a buffer written before), so the same client timed against it measures what this machine's pipe, scheduling
// and the client's JSON parsing cost for the same answers: the floor under the editing latencies.
import { readFileSync } from 'node:fs';
import { createConnection, type Diagnostic, type Hover, StreamMessageReader, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { FramedStreamWriter } from '../server/lsp/encoder';

/** What the replaying server answers: per document URI, its diagnostics and its hover. */
export interface Replayed {
  readonly diagnostics: Record<string, Diagnostic[]>;
  readonly hovers: Record<string, Hover>;
}

/** Runs the replaying server over stdio, answering from `file` (a `Replayed` as JSON). */
export function replayServer(file: string): void {
  const replayed = JSON.parse(readFileSync(file, 'utf8')) as Replayed;
  const connection = createConnection(
    new StreamMessageReader(process.stdin),
    new FramedStreamWriter(process.stdout, { reuseBuffers: true }),
  );
  connection.onInitialize(() => ({ capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, hoverProvider: true } }));
  // As the real server does: the diagnostics of a document's newest version, after the change is taken.
  const publish = (uri: string, version: number): void => {
    setImmediate(() => void connection.sendDiagnostics({ uri, version, diagnostics: replayed.diagnostics[uri] ?? [] }));
  };
  connection.onDidOpenTextDocument(({ textDocument }) => publish(textDocument.uri, textDocument.version));
  connection.onDidChangeTextDocument(({ textDocument }) => publish(textDocument.uri, textDocument.version));
  connection.onHover(({ textDocument }) => replayed.hovers[textDocument.uri] ?? null);
  connection.listen();
}
