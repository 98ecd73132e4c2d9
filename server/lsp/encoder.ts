import {
  AbstractMessageWriter,
  type Message,
  type MessageWriter,
  type NotificationMessage,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';

/** Each diagnostic object's JSON as UTF-8 bytes, made once: the publisher sends an unchanged diagnostic as the same object. */
const fragments = new WeakMap<object, Buffer>();
const COMMA_BYTE = 0x2c; // ','
const END = Buffer.from(']}}');

/**
 * A message as UTF-8 JSON. A `publishDiagnostics` notification (hundreds of
 * diagnostics after each keystroke, most of them unchanged) is assembled from
 * each diagnostic's bytes, kept per object, with one copy each (no joined
 * string to encode again); every other message is `JSON.stringify`.
 * The publisher never changes a diagnostic object it has sent.
 */
export function messageBytes(message: Message, framed = false): Buffer {
  const m = message as NotificationMessage;
  const params = m.params as PublishDiagnosticsParams | undefined;
  if (m.method !== 'textDocument/publishDiagnostics' || !Array.isArray(params?.diagnostics)) {
    const json = JSON.stringify(message);
    if (!framed) return Buffer.from(json, 'utf8');
    const length = Buffer.byteLength(json, 'utf8');
    const header = `Content-Length: ${length}\r\n\r\n`;
    const out = Buffer.allocUnsafe(header.length + length);
    out.write(json, out.write(header, 0, 'latin1'), 'utf8');
    return out;
  }
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
  // With its frame's header in front, when asked: the message goes out in one write.
  const header = framed ? `Content-Length: ${length}\r\n\r\n` : '';
  const out = Buffer.allocUnsafe(header.length + length);
  let at = framed ? out.write(header, 0, 'latin1') : 0;
  // `set`, not `Buffer.copy`: a copy makes a view of its source per call (hundreds per publish).
  out.set(head, at);
  at += head.length;
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) out[at++] = COMMA_BYTE;
    out.set(parts[i], at);
    at += parts[i].length;
  }
  out.set(END, at);
  return out;
}

/**
 * Writes each message to a stream as one buffer, its `Content-Length` header and its body
 * together: one write, so one wake-up of the reader, per message. vscode-jsonrpc's stream
 * writer makes two, the body's once the header's has been handed to the system: on a
 * machine where a pipe write costs a tenth of a millisecond that is a hover's floor doubled.
 * Messages go out in the order `write` is called (each is encoded at once, then queued).
 */
export class FramedStreamWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  constructor(private readonly out: NodeJS.WritableStream) {
    super();
    out.on('error', (e: Error) => this.fireError(e));
    out.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    let frame: Buffer;
    try {
      frame = messageBytes(message, true);
    } catch (e) {
      this.fireError(e, message, ++this.errors);
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      this.out.write(frame, (e?: Error | null) => {
        if (!e) return resolve();
        this.fireError(e, message, ++this.errors);
        reject(e);
      });
    });
  }

  end(): void {
    this.out.end();
  }
}
