import type { ContentTypeEncoder, Message, NotificationMessage, PublishDiagnosticsParams } from 'vscode-languageserver/node';

/** Each diagnostic object's JSON as UTF-8 bytes, made once: the publisher sends an unchanged diagnostic as the same object. */
const fragments = new WeakMap<object, Buffer>();
const COMMA = Buffer.from(',');
const END = Buffer.from(']}}');

/**
 * A message as UTF-8 JSON. A `publishDiagnostics` notification (hundreds of
 * diagnostics after each keystroke, most of them unchanged) is assembled from
 * each diagnostic's bytes, kept per object, with one copy each (no joined
 * string to encode again); every other message is `JSON.stringify`.
 * The publisher never changes a diagnostic object it has sent.
 */
export function messageBytes(message: Message): Buffer {
  const m = message as NotificationMessage;
  const params = m.params as PublishDiagnosticsParams | undefined;
  if (m.method !== 'textDocument/publishDiagnostics' || !Array.isArray(params?.diagnostics))
    return Buffer.from(JSON.stringify(message), 'utf8');
  const version = params.version === undefined ? '' : `,"version":${JSON.stringify(params.version)}`;
  const head = Buffer.from(
    `{"jsonrpc":${JSON.stringify(m.jsonrpc)},"method":"textDocument/publishDiagnostics","params":{"uri":${JSON.stringify(params.uri)}${version},"diagnostics":[`,
    'utf8',
  );
  const parts = new Array<Buffer>(params.diagnostics.length);
  let length = head.length + END.length + Math.max(0, parts.length - 1);
  for (let i = 0; i < parts.length; i++) {
    const d = params.diagnostics[i];
    let bytes = fragments.get(d);
    if (bytes === undefined) fragments.set(d, (bytes = Buffer.from(JSON.stringify(d), 'utf8')));
    parts[i] = bytes;
    length += bytes.length;
  }
  const out = Buffer.allocUnsafe(length);
  let at = head.copy(out, 0);
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) at += COMMA.copy(out, at);
    at += parts[i].copy(out, at);
  }
  END.copy(out, at);
  return out;
}

/** vscode-jsonrpc's JSON encoder with `messageBytes` (the writer's hook for this; the writer is made with charset utf-8). */
export const messageEncoder: ContentTypeEncoder = {
  name: 'application/json',
  encode(message, options) {
    try {
      if (options.charset !== 'utf-8') return Promise.resolve(Buffer.from(JSON.stringify(message), options.charset));
      return Promise.resolve(messageBytes(message as Message));
    } catch (e) {
      return Promise.reject(e);
    }
  },
};
