import type { ContentTypeEncoder, Message, NotificationMessage, PublishDiagnosticsParams } from 'vscode-languageserver/node';

/** Each diagnostic object's JSON text, made once: the publisher sends an unchanged diagnostic as the same object. */
const fragments = new WeakMap<object, string>();

/**
 * A message as JSON. A `publishDiagnostics` notification (hundreds of diagnostics
 * after each keystroke, most of them unchanged) is assembled from each
 * diagnostic's JSON text, kept per object; every other message is `JSON.stringify`.
 * The publisher never changes a diagnostic object it has sent.
 */
export function messageJson(message: Message): string {
  const m = message as NotificationMessage;
  const params = m.params as PublishDiagnosticsParams | undefined;
  if (m.method !== 'textDocument/publishDiagnostics' || !Array.isArray(params?.diagnostics)) return JSON.stringify(message);
  const parts = new Array<string>(params.diagnostics.length);
  for (let i = 0; i < parts.length; i++) {
    const d = params.diagnostics[i];
    let text = fragments.get(d);
    if (text === undefined) fragments.set(d, (text = JSON.stringify(d)));
    parts[i] = text;
  }
  const version = params.version === undefined ? '' : `,"version":${JSON.stringify(params.version)}`;
  return `{"jsonrpc":${JSON.stringify(m.jsonrpc)},"method":"textDocument/publishDiagnostics","params":{"uri":${JSON.stringify(params.uri)}${version},"diagnostics":[${parts.join(',')}]}}`;
}

/** vscode-jsonrpc's JSON encoder with `messageJson` (the writer's hook for this). */
export const messageEncoder: ContentTypeEncoder = {
  name: 'application/json',
  encode(message, options) {
    try {
      return Promise.resolve(Buffer.from(messageJson(message as Message), options.charset));
    } catch (e) {
      return Promise.reject(e);
    }
  },
};
