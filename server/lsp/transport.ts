import {
  createServerPipeTransport,
  createServerSocketTransport,
  type DataCallback,
  type Disposable,
  IPCMessageReader,
  IPCMessageWriter,
  type Message,
  type MessageReader,
  type MessageWriter,
  type NotificationMessage,
  StreamMessageReader,
} from 'vscode-languageserver/node';
import { FramedStreamWriter } from './encoder';
import { FrameFilter } from './frames';

/**
 * What has arrived on the wire, seen before the connection queues it: the
 * newest document version received per URI. The diagnostics scheduler compares
 * it with the version applied, so it never computes a version that a queued
 * edit already supersedes (a burst of edits gets one computation, for the last).
 */
/**
 * How long after a message is read the work that can wait (the warm-up's slices, other files'
 * diagnostics) waits (`Arrivals.quietFor`): the connection handles one message per turn of the
 * event loop, so a request read with others, or just after one, is answered before the next slice
 * of that work rather than after it.
 */
export const MESSAGE_GAP_MS = 2;

/** The longest such work gives way to messages (a client that sends without a pause). */
export const MESSAGE_WAIT_MS = 50;

export class Arrivals {
  private readonly received = new Map<string, number>();
  /** When the last message was read (performance.now()). */
  private lastRead = Number.NEGATIVE_INFINITY;

  observe(message: Message): void {
    this.lastRead = performance.now();
    const m = message as NotificationMessage;
    if (m.method !== 'textDocument/didChange' && m.method !== 'textDocument/didOpen') return;
    const doc = (m.params as { textDocument?: { uri?: unknown; version?: unknown } } | undefined)?.textDocument;
    if (typeof doc?.uri === 'string' && typeof doc.version === 'number') this.received.set(doc.uri, doc.version);
  }

  /**
   * Whether no message was read in the last `ms`: work that can wait (the warm-up, other files'
   * diagnostics) runs then, so that a message read meanwhile, which the connection handles on a
   * later turn of the event loop, and those read with it, are handled before it, not after a slice
   * of it.
   */
  quietFor(ms: number): boolean {
    return performance.now() - this.lastRead >= ms;
  }

  /** Whether a message was read at or after `time` (performance.now()). */
  readSince(time: number): boolean {
    return this.lastRead >= time;
  }

  /** The newest version received for a document (applied or still queued). */
  newest(uri: string): number | undefined {
    return this.received.get(uri);
  }

  forget(uri: string): void {
    this.received.delete(uri);
  }
}

/** A reader that shows every message to `arrivals` as it is read, then passes it on. */
class ObservedReader implements MessageReader {
  constructor(
    private readonly inner: MessageReader,
    private readonly arrivals: Arrivals,
  ) {}
  get onError() {
    return this.inner.onError;
  }
  get onClose() {
    return this.inner.onClose;
  }
  get onPartialMessage() {
    return this.inner.onPartialMessage;
  }
  listen(callback: DataCallback): Disposable {
    return this.inner.listen((message) => {
      this.arrivals.observe(message);
      callback(message);
    });
  }
  dispose(): void {
    this.inner.dispose();
  }
}

/**
 * The transport the client asked for on the command line, as vscode-languageclient
 * passes it: --stdio, --node-ipc, --socket=PORT or --pipe=NAME.
 */
export function transportFromArgs(argv: readonly string[], arrivals: Arrivals): [MessageReader, MessageWriter] {
  const value = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
  };
  let transport: [MessageReader, MessageWriter];
  if (argv.includes('--node-ipc')) transport = [new IPCMessageReader(process), new IPCMessageWriter(process)];
  else if (value('socket')) transport = createServerSocketTransport(Number(value('socket')));
  else if (value('pipe')) transport = createServerPipeTransport(value('pipe')!);
  else if (argv.includes('--stdio')) {
    // A malformed frame costs that frame only (logged), never the connection.
    const frames = new FrameFilter((reason) =>
      process.stderr.write(`vale-ffi server: dropped input that is not an LSP message: ${reason}\n`),
    );
    process.stdin.pipe(frames);
    transport = [new StreamMessageReader(frames), new FramedStreamWriter(process.stdout, { reuseBuffers: true })];
  } else {
    process.stderr.write('vale-ffi server: give the transport: --stdio, --node-ipc, --socket=PORT or --pipe=NAME\n');
    process.exit(2);
  }
  return [new ObservedReader(transport[0], arrivals), transport[1]];
}
