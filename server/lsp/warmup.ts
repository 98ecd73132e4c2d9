// The start-up warm-up's keystrokes (shared/warmup.ts) through the server's own edit path: its
// documents, its diagnostics publisher and its encoder, on the warm-up's private workspace, so
// that what a user's first keystrokes run is what V8 has compiled (the core alone left the
// publisher's code, a third of a keystroke, to be compiled during them).
import { URI } from 'vscode-uri';
import type { Connection, Message, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import type { WarmUpEditor } from '../../shared';
import { DiagnosticsPublisher } from './diagnostics';
import { Documents, keyOf } from './documents';
import { FrameBuffers, messageBytes, SentBodies } from './encoder';
import { Arrivals } from './transport';
import { idleYoungCollection } from '../heap';

/** Each keystroke applied as an editor's `didChange` and answered as the server answers one: published, encoded, and dropped. */
export function serverWarmUpEditor(
  /** Each publish's frame as encoded (for tests: the warm-up's own frames are dropped). */
  sent?: (frame: Buffer, message: Message) => void,
): WarmUpEditor & { readonly published: number; idle(): void } {
  let documents: Documents | undefined;
  let publisher: DiagnosticsPublisher | undefined;
  let uri = '';
  let version = 1;
  let published = 0;
  const quiet = (): void => undefined;
  // As the server's writer keeps them: each publish copies what it shares with the last (every
  // publish kept, however small the sample's, so that this path is compiled before the user types),
  // into buffers taken again (a fresh one per keystroke would be memory the system maps anew each
  // time), never one the last publish, kept, still holds.
  const bodies = new SentBodies(0);
  const buffers = new FrameBuffers();
  bodies.frames = buffers;
  const sink = {
    sendDiagnostics: (params: PublishDiagnosticsParams): Promise<void> => {
      const message = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params } as Message;
      let taken: Buffer | undefined;
      const frame = messageBytes(message, true, (length) => (taken = buffers.take(length)), bodies);
      sent?.(frame, message);
      // Dropped, as if written at once.
      if (taken) buffers.give(taken);
      published++;
      return Promise.resolve();
    },
    console: { error: quiet, warn: quiet, info: quiet, log: quiet },
  };
  return {
    /** Publishes made (one per keystroke, and the opening's). */
    get published() {
      return published;
    },
    open(workspace, path, text) {
      documents = new Documents(workspace);
      publisher = new DiagnosticsPublisher(sink as unknown as Connection, workspace, documents, new Arrivals());
      uri = URI.file(path).toString();
      documents.didOpen(uri, 'vale', version, text);
      publisher.answerNow(keyOf(uri));
    },
    /** What the server does once idle after an answer (`DiagnosticsPublisher`'s idle work), done now. */
    idle() {
      documents?.settle();
      idleYoungCollection();
    },
    type(start, end, newText) {
      const doc = documents?.get(uri);
      if (!doc || !publisher) return;
      documents?.didChange(uri, ++version, [{ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, text: newText }]);
      publisher.answerNow(keyOf(uri));
    },
  };
}
