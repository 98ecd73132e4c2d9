import {
  AbstractMessageWriter,
  type Message,
  type MessageWriter,
  type NotificationMessage,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { sameEnds } from '../../shared';

/** Each diagnostic object's JSON as UTF-8 bytes, made once: the publisher sends an unchanged diagnostic as the same object. */
const fragments = new WeakMap<object, Buffer>();
const COMMA_BYTE = 0x2c; // ','
const END = Buffer.from(']}}');

/** Below this many bytes, a publish's diagnostics are not kept for the next publish of the document to copy from. */
export const KEPT_BODY_BYTES = 64 * 1024;
/** Documents whose last large publish is kept (the ones being typed in); the one published longest ago is let go first. */
const KEPT_BODIES = 4;

/** A large publish's diagnostics as sent: the list, and its bytes (each diagnostic's JSON, comma-separated). */
interface SentBody {
  readonly list: readonly object[];
  /** `offsets[i]`: where `list[i]` starts in `bytes`; `offsets[list.length]`: `length` + 1 (where another would start). */
  readonly offsets: Int32Array;
  readonly length: number;
  /** At least `length` bytes: a view into the frame they were sent in. */
  readonly bytes: Buffer;
  /** The frame's buffer (as its writer allocated it), which the body keeps from being written into again. */
  readonly frame: Buffer;
}

/**
 * Per document, its last large publish's diagnostics as bytes. A keystroke changes the
 * diagnostics in one place: the next publish shares the ones before and after it (the same
 * objects, in the same order), and copies their bytes in two pieces instead of looking up and
 * copying each one's (hundreds of lookups and small copies from as many places in memory, what
 * the encoder spent most of a keystroke's time on once the client's work between keystrokes has
 * evicted the server's data from the caches).
 */
export class SentBodies {
  private readonly byUri = new Map<string, SentBody>();

  /** `minBytes`: the smallest publish kept (the server's warm-up keeps every one, so that it runs this path). */
  constructor(readonly minBytes = KEPT_BODY_BYTES) {}

  /** Diagnostics whose bytes were copied with their neighbours, and those encoded one by one: for tests. */
  readonly counts = { shared: 0, single: 0 };

  /**
   * A writer that writes into its frames' buffers again once written (`FrameBuffers`) is told
   * which ones a kept body holds: `hold` when one is kept, `letGo` when no body holds it any more.
   */
  frames?: { hold(frame: Buffer): void; letGo(frame: Buffer): void };

  /** The document's last large publish, taken out (`done` lets its frame go once it is read). */
  take(uri: string): SentBody | undefined {
    const body = this.byUri.get(uri);
    if (body) this.byUri.delete(uri);
    return body;
  }

  keep(uri: string, body: SentBody): void {
    this.frames?.hold(body.frame);
    this.byUri.set(uri, body);
    if (this.byUri.size > KEPT_BODIES) {
      const oldest = this.byUri.keys().next().value!;
      this.done(this.byUri.get(oldest)!);
      this.byUri.delete(oldest);
    }
  }

  /** A body taken out and read: its frame may be written into again. */
  done(body: SentBody): void {
    this.frames?.letGo(body.frame);
  }
}

/**
 * A message as UTF-8 JSON. A `publishDiagnostics` notification (hundreds of
 * diagnostics after each keystroke, most of them unchanged) is assembled from
 * each diagnostic's bytes, kept per object, with one copy each (no joined
 * string to encode again), into a buffer of at least its length from `allocate`;
 * with `bodies`, the diagnostics it shares at either end with the document's
 * last large publish are copied from that one's bytes in one piece each. Every
 * other message is `JSON.stringify`. The publisher never changes a diagnostic
 * object, nor a list, it has sent.
 */
export function messageBytes(
  message: Message,
  framed = false,
  allocate: (length: number) => Buffer = Buffer.allocUnsafe,
  bodies?: SentBodies,
): Buffer {
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
  const list = params.diagnostics;
  const n = list.length;
  // What this list shares with the last one at each end: `before` first and `after` last entries, the same objects.
  const last = bodies?.take(params.uri);
  const was = last?.list ?? [];
  const { head: before, tail: after } = sameEnds<object>(was, list);
  const beforeBytes = before > 0 ? last!.offsets[before] - 1 : 0;
  const afterFrom = after > 0 ? last!.offsets[was.length - after] : 0;
  const afterBytes = after > 0 ? last!.length - afterFrom : 0;
  const parts = new Array<Buffer>(n - before - after);
  // The commas between the diagnostics but those inside the two shared pieces.
  let length = beforeBytes + afterBytes + Math.max(0, n - 1) - Math.max(0, before - 1) - Math.max(0, after - 1);
  for (let i = 0; i < parts.length; i++) {
    const d = list[before + i];
    let bytes = fragments.get(d);
    if (bytes === undefined) fragments.set(d, (bytes = Buffer.from(JSON.stringify(d), 'utf8')));
    parts[i] = bytes;
    length += bytes.length;
  }
  const bodyLength = length;
  length += head.length + END.length;
  // With its frame's header in front, when asked: the message goes out in one write.
  const header = framed ? `Content-Length: ${length}\r\n\r\n` : '';
  const total = header.length + length;
  const given = allocate(total);
  const out = given.length === total ? given : given.subarray(0, total);
  let at = framed ? out.write(header, 0, 'latin1') : 0;
  // `set`, not `Buffer.copy`: a copy makes a view of its source per call (hundreds per publish).
  out.set(head, at);
  at += head.length;
  const bodyStart = at;
  const keep = bodies !== undefined && bodyLength >= bodies.minBytes;
  const offsets = keep ? new Int32Array(n + 1) : undefined;
  if (before > 0) {
    out.set(last!.bytes.subarray(0, beforeBytes), at);
    if (offsets) offsets.set(last!.offsets.subarray(0, before));
    at += beforeBytes;
  }
  for (let i = 0; i < parts.length; i++) {
    if (at > bodyStart) out[at++] = COMMA_BYTE;
    if (offsets) offsets[before + i] = at - bodyStart;
    out.set(parts[i], at);
    at += parts[i].length;
  }
  if (after > 0) {
    if (at > bodyStart) out[at++] = COMMA_BYTE;
    if (offsets)
      for (let k = 0; k < after; k++) offsets[n - after + k] = at - bodyStart + last!.offsets[was.length - after + k] - afterFrom;
    out.set(last!.bytes.subarray(afterFrom, last!.length), at);
    at += afterBytes;
  }
  out.set(END, at);
  if (bodies) {
    bodies.counts.shared += before + after;
    bodies.counts.single += parts.length;
  }
  if (offsets) {
    offsets[n] = bodyLength + 1;
    // The body as sent, in its frame: the writer does not write into a frame a kept body holds.
    bodies!.keep(params.uri, {
      list: list.slice(),
      offsets,
      length: bodyLength,
      bytes: out.subarray(bodyStart, bodyStart + bodyLength),
      frame: given,
    });
  }
  // Its bytes are all copied by now.
  if (last) bodies!.done(last);
  return out;
}

/** Frames of at least this many bytes are written from buffers used again (`FrameBuffers`); smaller ones come from Node's shared pool. */
export const KEPT_FRAME_BYTES = 64 * 1024;
/** A buffer over this size is not kept once written (a rare huge message keeps no memory). */
const MAX_KEPT_FRAME_BYTES = 16 * 1024 * 1024;
/** Written buffers kept for the next frames. */
const KEPT_FRAMES = 2;

/**
 * Buffers for large frames, taken again once the stream has written them. A keystroke in a long
 * document publishes hundreds of kilobytes (a megabyte at 40,000 lines): a fresh buffer that size
 * is memory the system maps page by page as it is first written, and external memory that counts
 * towards the next collection; one already written is neither.
 */
export class FrameBuffers {
  private readonly free: Buffer[] = [];
  /** Buffers a kept body holds (`SentBodies`), and those of them already written: they come back when let go. */
  private readonly held = new Set<Buffer>();
  private readonly written = new Set<Buffer>();
  /** Buffers made, and frames written into a kept one: for tests. */
  readonly counts = { made: 0, reused: 0 };

  hold(buffer: Buffer): void {
    this.held.add(buffer);
  }

  letGo(buffer: Buffer): void {
    this.held.delete(buffer);
    if (this.written.delete(buffer)) this.give(buffer);
  }

  take(length: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++)
      if (this.free[i].length >= length && (best < 0 || this.free[i].length < this.free[best].length)) best = i;
    if (best >= 0) {
      this.counts.reused++;
      return this.free.splice(best, 1)[0];
    }
    this.counts.made++;
    // Room to grow: the next keystroke's publish is about as long.
    return Buffer.allocUnsafeSlow(length + (length >> 3));
  }

  /** A frame written: its buffer is free again, unless a kept body holds it (then once it is let go). */
  give(buffer: Buffer): void {
    if (this.held.has(buffer)) {
      this.written.add(buffer);
      return;
    }
    if (buffer.length > MAX_KEPT_FRAME_BYTES) return;
    this.free.push(buffer);
    if (this.free.length > KEPT_FRAMES) this.free.sort((a, b) => b.length - a.length).length = KEPT_FRAMES;
  }
}

/**
 * Writes each message to a stream as one buffer, its `Content-Length` header and its body
 * together: one write, so one wake-up of the reader, per message. vscode-jsonrpc's stream
 * writer makes two, the body's once the header's has been handed to the system: on a
 * machine where a pipe write costs a tenth of a millisecond that is a hover's floor doubled.
 * Messages go out in the order `write` is called (each is encoded at once, then queued).
 *
 * With `reuseBuffers`, a large frame's buffer is written into again once its write has called
 * back: only for a stream that is done with a chunk then (a pipe, a socket, a file: the server's
 * stdout), never one that hands the chunk on to a reader (a PassThrough).
 */
export class FramedStreamWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;
  /** Large frames' buffers (with `reuseBuffers`). */
  readonly buffers: FrameBuffers | undefined;
  /** Each document's last large publish, for the next to copy what it shares. */
  readonly bodies = new SentBodies();

  constructor(
    private readonly out: NodeJS.WritableStream,
    options: { reuseBuffers?: boolean } = {},
  ) {
    super();
    if (options.reuseBuffers) this.buffers = this.bodies.frames = new FrameBuffers();
    out.on('error', (e: Error) => this.fireError(e));
    out.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    let frame: Buffer;
    let kept: Buffer | undefined;
    const buffers = this.buffers;
    try {
      frame = buffers
        ? messageBytes(
            message,
            true,
            (length) => (length < KEPT_FRAME_BYTES ? Buffer.allocUnsafe(length) : (kept = buffers.take(length))),
            this.bodies,
          )
        : messageBytes(message, true, undefined, this.bodies);
    } catch (e) {
      if (kept) buffers?.give(kept);
      this.fireError(e, message, ++this.errors);
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      this.out.write(frame, (e?: Error | null) => {
        // Written (or failed): the stream holds the buffer no longer.
        if (kept) buffers?.give(kept);
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
