import { Transform, type TransformCallback } from 'node:stream';

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = Buffer.from('Content-Length:');
/** Headers longer than this are garbage, not a header still arriving. */
const MAX_HEADER = 8192;

/**
 * Passes LSP frames (`Content-Length: N` headers, then N bytes) on, with their header in its
 * canonical form, and drops
 * what cannot be a frame: a header without a valid length, a length over the cap, bytes before
 * a header. It then resumes at the next `Content-Length:`, so one malformed message costs that
 * message, not the connection (a JSON-RPC reader stops for good at a bad header).
 */
export class FrameFilter extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  /** Frames dropped, for tests and logs. */
  dropped = 0;

  constructor(
    private readonly onDrop: (reason: string) => void,
    private readonly maxBody = 64 * 2 ** 20,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.drain();
    done();
  }

  private discard(reason: string): void {
    this.dropped++;
    this.onDrop(reason);
    // Resume at the next header; without one, keep only a tail that may begin a header still
    // arriving (a proper prefix of `Content-Length:`). Either way the buffer shrinks: a filter
    // that dropped nothing here looped for ever on a lone `\r\n\r\n` (found by the LSP fuzzer).
    const next = this.buffer.indexOf(CONTENT_LENGTH, 1);
    if (next >= 0) {
      this.buffer = this.buffer.subarray(next);
      return;
    }
    let keep = Math.min(CONTENT_LENGTH.length - 1, this.buffer.length - 1);
    while (keep > 0 && !this.buffer.subarray(this.buffer.length - keep).equals(CONTENT_LENGTH.subarray(0, keep))) keep--;
    this.buffer = this.buffer.subarray(this.buffer.length - keep);
  }

  private drain(): void {
    for (;;) {
      if (this.buffer.length === 0) return;
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buffer.length > MAX_HEADER) this.discard(`no header end within ${MAX_HEADER} bytes`);
        else if (this.buffer.indexOf(CONTENT_LENGTH) > 0) this.discard('bytes before a header');
        return;
      }
      let length = -1;
      let problem = '';
      for (const line of this.buffer.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) {
          problem = `a header line without a name: ${JSON.stringify(line.slice(0, 40))}`;
          break;
        }
        if (line.slice(0, colon).trim().toLowerCase() === 'content-length') {
          const value = line.slice(colon + 1).trim();
          if (!/^\d{1,12}$/.test(value)) problem = `Content-Length ${JSON.stringify(value.slice(0, 20))} is not a number`;
          else if (Number(value) > this.maxBody) problem = `a ${value}-byte message is over the ${this.maxBody}-byte limit`;
          else length = Number(value);
        }
      }
      if (!problem && length < 0) problem = 'a header without Content-Length';
      if (problem) {
        this.discard(problem);
        continue;
      }
      const total = end + HEADER_END.length + length;
      if (this.buffer.length < total) return;
      // Passed on in the one form every reader takes (a leading blank or another header would
      // stop the JSON-RPC reader for good).
      this.push(Buffer.concat([Buffer.from(`Content-Length: ${length}\r\n\r\n`), this.buffer.subarray(end + HEADER_END.length, total)]));
      this.buffer = this.buffer.subarray(total);
    }
  }
}
