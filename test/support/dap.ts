// A small Debug Adapter Protocol endpoint for tests: Content-Length framed JSON over any pair of
// streams (a debug adapter's stdio, or an in-process fake adapter). The client side sends
// requests and waits for responses and events; the adapter side answers requests by a handler.
import type { Readable, Writable } from 'node:stream';

export interface DapMessage {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  arguments?: Record<string, unknown>;
  body?: Record<string, unknown>;
  success?: boolean;
  message?: string;
  request_seq?: number;
}

/** Splits a byte stream into DAP messages. */
function reader(input: Readable, onMessage: (m: DapMessage) => void): void {
  let buffer = Buffer.alloc(0);
  input.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(buffer.subarray(0, end).toString('ascii'))?.[1]);
      if (!Number.isFinite(length)) throw new Error(`bad DAP header: ${buffer.subarray(0, end).toString('ascii')}`);
      if (buffer.length < end + 4 + length) return;
      const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      buffer = buffer.subarray(end + 4 + length);
      onMessage(JSON.parse(body) as DapMessage);
    }
  });
}

function writer(output: Writable): (m: Omit<DapMessage, 'seq'>) => void {
  let seq = 1;
  return (m) => {
    const json = JSON.stringify({ seq: seq++, ...m });
    output.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`);
  };
}

export class DapClient {
  private readonly pending = new Map<number, { resolve: (m: DapMessage) => void; command: string }>();
  private readonly events: DapMessage[] = [];
  private readonly waiters: { event: string; resolve: (m: DapMessage) => void }[] = [];
  private readonly send: (m: Omit<DapMessage, 'seq'>) => void;
  private seq = 1;
  /** Every message seen, for failure messages. */
  readonly log: string[] = [];

  constructor(input: Readable, output: Writable) {
    const write = writer(output);
    this.send = (m) => {
      this.log.push(`> ${JSON.stringify(m).slice(0, 300)}`);
      write(m);
    };
    reader(input, (m) => {
      this.log.push(`< ${JSON.stringify(m).slice(0, 300)}`);
      if (m.type === 'response' && m.request_seq !== undefined) {
        this.pending.get(m.request_seq)?.resolve(m);
        this.pending.delete(m.request_seq);
      } else if (m.type === 'event') {
        const i = this.waiters.findIndex((w) => w.event === m.event);
        if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
        else this.events.push(m);
      } else if (m.type === 'request') {
        // Reverse requests (runInTerminal, startDebugging): refused, the launch runs without a terminal.
        this.send({
          type: 'response',
          request_seq: m.seq,
          command: m.command,
          success: false,
          message: 'not supported by the test client',
        });
      }
    });
  }

  /** The response of a request (success or not). */
  raw(command: string, args: Record<string, unknown> = {}): Promise<DapMessage> {
    const seq = this.seq++;
    return new Promise((resolve) => {
      this.pending.set(seq, { resolve, command });
      this.log.push(`> ${command} ${JSON.stringify(args).slice(0, 300)}`);
      // The writer numbers messages itself; keep our numbering in step by sending seq explicitly.
      this.send({ type: 'request', command, arguments: args, ...({ seq } as object) });
    });
  }

  /** The body of a successful response; a failed one throws with the adapter's message. */
  async request(command: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const r = await this.raw(command, args);
    if (!r.success) throw new Error(`${command} failed: ${r.message ?? JSON.stringify(r.body)}`);
    return r.body ?? {};
  }

  /** The next event of that name (or one that already came). */
  event(name: string, timeoutMs = 30_000): Promise<DapMessage> {
    const i = this.events.findIndex((e) => e.event === name);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${name} event within ${timeoutMs} ms:\n${this.log.slice(-20).join('\n')}`)),
        timeoutMs,
      );
      this.waiters.push({
        event: name,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }
}

/** An adapter answering each request with `handle` (a body, or an Error for a failed response, or undefined for no answer). */
export function serveDap(
  input: Readable,
  output: Writable,
  handle: (command: string, args: Record<string, unknown>) => Record<string, unknown> | Error | undefined,
): void {
  const write = writer(output);
  reader(input, (m) => {
    if (m.type !== 'request' || !m.command) return;
    const answer = handle(m.command, m.arguments ?? {});
    if (answer === undefined) return;
    if (answer instanceof Error)
      write({ type: 'response', request_seq: m.seq, command: m.command, success: false, message: answer.message });
    else write({ type: 'response', request_seq: m.seq, command: m.command, success: true, body: answer });
  });
}
