// The editing section's yardstick: a language server that analyses nothing. It answers every
// didOpen and didChange with the very frame the real server published for that document and
// version (the bytes the client read from it, recorded by `recordFrames`), and every hover with
// the real server's answer at that kind of place, recorded in a JSON file (`Replayed`). Each
// frame is one write, as the real server's writer makes it, so the same client timed against it
// measures what this machine's pipe, scheduling and the client's JSON parsing cost for the same
// answers, keystroke by keystroke: the floor under the editing latencies.
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection, type Diagnostic, type Hover, StreamMessageReader, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { FramedStreamWriter } from '../server/lsp/encoder';

/** What the replaying server answers: per document URI, its frames by version and its hover. */
export interface Replayed {
  /** The file of recorded frames (`recordFrames`). */
  readonly frames: string;
  /** Per document URI and version, where its first publish is in `frames`: offset and length. */
  readonly published: Record<string, Record<number, readonly [number, number]>>;
  /** Per document URI, its last diagnostics (what a version without a recorded frame is answered). */
  readonly diagnostics: Record<string, Diagnostic[]>;
  readonly hovers: Record<string, Hover>;
}

/**
 * The publishDiagnostics frames in what a server wrote to its client (`chunks`, in order),
 * written to `file`: for each document and version, the first one (the one a client waiting for
 * that version takes), with where it is in the file.
 */
export function recordFrames(chunks: readonly Buffer[], file: string): Replayed['published'] {
  const all = Buffer.concat(chunks);
  const kept: Buffer[] = [];
  const published: Record<string, Record<number, readonly [number, number]>> = {};
  let offset = 0;
  for (let at = 0; at < all.length; ) {
    const headerEnd = all.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) break;
    const m = /Content-Length: (\d+)/i.exec(all.toString('latin1', at, headerEnd));
    if (!m) throw new Error(`recorded frames: no Content-Length at byte ${at}`);
    const bodyEnd = headerEnd + 4 + Number(m[1]);
    if (bodyEnd > all.length) break;
    const body = all.subarray(headerEnd + 4, bodyEnd);
    // Only publishes are replayed: the method is near the start of the body as the server writes it.
    if (body.subarray(0, 200).includes('textDocument/publishDiagnostics')) {
      const { uri, version } = (JSON.parse(body.toString('utf8')) as { params: { uri: string; version?: number } }).params;
      const byVersion = (published[uri] ??= {});
      if (version !== undefined && byVersion[version] === undefined) {
        const frame = all.subarray(at, bodyEnd);
        byVersion[version] = [offset, frame.length];
        kept.push(frame);
        offset += frame.length;
      }
    }
    at = bodyEnd;
  }
  writeFileSync(file, Buffer.concat(kept));
  return published;
}

/** Runs the replaying server over stdio, answering from `file` (a `Replayed` as JSON). */
export function replayServer(file: string): void {
  const replayed = JSON.parse(readFileSync(file, 'utf8')) as Replayed;
  const frames = readFileSync(replayed.frames);
  const writer = new FramedStreamWriter(process.stdout, { reuseBuffers: true });
  const connection = createConnection(new StreamMessageReader(process.stdin), writer);
  connection.onInitialize(() => ({ capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, hoverProvider: true } }));
  // As the real server does: the diagnostics of a document's newest version, after the change is taken.
  const publish = (uri: string, version: number): void => {
    const at = replayed.published[uri]?.[version];
    setImmediate(() => {
      // The recorded frame, whole, in one write (the writer's frames are whole writes too, so none interleave).
      if (at) process.stdout.write(frames.subarray(at[0], at[0] + at[1]));
      else void connection.sendDiagnostics({ uri, version, diagnostics: replayed.diagnostics[uri] ?? [] });
    });
  };
  connection.onDidOpenTextDocument(({ textDocument }) => publish(textDocument.uri, textDocument.version));
  connection.onDidChangeTextDocument(({ textDocument }) => publish(textDocument.uri, textDocument.version));
  connection.onHover(({ textDocument }) => replayed.hovers[textDocument.uri] ?? null);
  connection.listen();
}
