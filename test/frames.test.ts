// The stdio transport: LSP frames pass with a canonical header, whatever surrounds them, in any chunking; messages are written as JSON.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Message } from 'vscode-languageserver/node';
import { FramedStreamWriter, KEPT_BODY_BYTES, KEPT_FRAME_BYTES, messageBytes, SentBodies } from '../server/lsp/encoder';
import { FrameFilter } from '../server/lsp/frames';

async function filter(chunks: string[], maxBody?: number): Promise<{ out: string; dropped: string[] }> {
  const dropped: string[] = [];
  const f = new FrameFilter((reason) => dropped.push(reason), maxBody);
  const parts: Buffer[] = [];
  f.on('data', (b: Buffer) => parts.push(b));
  for (const c of chunks) f.write(Buffer.from(c));
  f.end();
  await new Promise((resolve) => f.on('end', resolve));
  return { out: Buffer.concat(parts).toString(), dropped };
}

const frame = (body: string): string => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

test('frames pass in any chunking, with other headers dropped', async () => {
  const text = `${frame('{"a":1}')}Content-Length: 7\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{"b":2}${frame('{"é":"ü"}')}`;
  for (const size of [1, 3, 7, 1000]) {
    const chunks = text.match(new RegExp(`[^]{1,${size}}`, 'g'))!;
    const r = await filter(chunks);
    assert.equal(r.out, frame('{"a":1}') + frame('{"b":2}') + frame('{"é":"ü"}'), `chunks of ${size}`);
    assert.deepEqual(r.dropped, []);
  }
});

test('what is not a frame is dropped and reading resumes at the next header', async () => {
  const good = frame('{"ok":true}');
  const cases: [string, RegExp][] = [
    [`Content-Length: abc\r\n\r\n{}${good}`, /"abc" is not a number/],
    [`Content-Length: 99999999999\r\n\r\n${good}`, /over the 1000-byte limit/],
    [`X: 1\r\n\r\n{}${good}`, /without Content-Length/],
    [`no header\r\n\r\n${good}`, /a header line without a name/],
    [`garbage${good}`, /header without Content-Length|bytes before a header/],
  ];
  for (const [input, reason] of cases) {
    const r = await filter([input], 1000);
    assert.equal(r.out, good, JSON.stringify(input));
    assert.match(r.dropped.join('\n'), reason);
  }
  // Short leftovers are dropped too (one of them looped for ever), and a header split anywhere still passes.
  for (const junk of ['\r\n\r\n', 'x\r\n\r\n', ':\r\n\r\n', 'Content-Length:\r\n\r\n']) {
    const r = await filter([junk, good]);
    assert.equal(r.out, good, JSON.stringify(junk));
    assert.ok(r.dropped.length > 0, JSON.stringify(junk));
  }
  assert.equal((await filter(['Content-Len', 'gth: 11\r\n', '\r\n{"ok":true}'])).out, good);
  // A blank before a valid header: the frame is kept, and passed on in canonical form.
  assert.equal((await filter([` ${good}`])).out, good);
});

test('a publishDiagnostics message assembled from kept diagnostic bytes is the JSON of the message', () => {
  const position = fc.record({ line: fc.nat(), character: fc.nat() });
  const diagnostic = fc.record(
    {
      range: fc.record({ start: position, end: position }),
      severity: fc.constantFrom(1, 2, 3, 4),
      code: fc.string(),
      source: fc.constant('vale-ffi'),
      message: fc.string({ unit: 'grapheme' }),
      relatedInformation: fc.array(
        fc.record({
          location: fc.record({ uri: fc.webUrl(), range: fc.record({ start: position, end: position }) }),
          message: fc.string(),
        }),
      ),
    },
    { requiredKeys: ['range', 'message'] },
  );
  const pool = fc.array(diagnostic, { minLength: 1, maxLength: 6 });
  fc.assert(
    fc.property(
      pool,
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.webUrl(),
      fc.option(fc.integer(), { nil: undefined }),
      (diags, picks, uri, version) => {
        // The same objects in several messages: the second one is built from kept texts.
        const diagnostics = picks.map((k) => diags[k % diags.length]);
        for (const params of [
          { uri, version, diagnostics },
          { uri, version, diagnostics: [...diagnostics].reverse() },
        ]) {
          const message = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params };
          assert.deepEqual(JSON.parse(messageBytes(message).toString('utf8')), JSON.parse(JSON.stringify(message)));
          assert.deepEqual(JSON.parse(unframe(messageBytes(message, true))), JSON.parse(JSON.stringify(message)));
        }
      },
    ),
    { numRuns: 300 },
  );
  const other = { jsonrpc: '2.0', id: 3, result: { contents: 'x' } };
  assert.equal(messageBytes(other).toString('utf8'), JSON.stringify(other));
  // A frame's length counts bytes, not characters.
  const wide = { jsonrpc: '2.0', id: 4, result: { contents: 'é ✓ 🚀' } };
  assert.equal(unframe(messageBytes(wide, true)), JSON.stringify(wide));
});

test("a publish copies the diagnostics it shares with its document's last one, and reads the same", () => {
  // Diagnostics long enough that a hundred make a body worth keeping.
  const pool = Array.from({ length: 400 }, (_, k) => ({
    range: { start: { line: k, character: 1 }, end: { line: k, character: 4 } },
    code: 'UnknownKind',
    message: `é ${k} ${'x'.repeat(600 + (k % 7))}`,
  }));
  const message = (uri: string, version: number, diagnostics: readonly object[]): Message =>
    ({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, version, diagnostics } }) as Message;
  // Edits to the list as keystrokes make them: some removed and some added in one place, or a new list.
  const step = fc.oneof(
    fc.record({ at: fc.nat(), remove: fc.nat({ max: 4 }), add: fc.array(fc.nat({ max: pool.length - 1 }), { maxLength: 4 }) }),
    fc.record({ fresh: fc.array(fc.nat({ max: pool.length - 1 }), { maxLength: 160 }) }),
  );
  fc.assert(
    fc.property(fc.array(fc.record({ doc: fc.nat({ max: 5 }), step }), { maxLength: 30 }), (steps) => {
      const bodies = new SentBodies();
      const lists = new Map<number, object[]>();
      let version = 0;
      for (const { doc, step: s } of steps) {
        let list = lists.get(doc) ?? pool.slice(0, 120);
        if ('fresh' in s) list = s.fresh.map((k) => pool[k]);
        else {
          list = list.slice();
          list.splice(s.at % (list.length + 1), s.remove, ...s.add.map((k) => pool[k]));
        }
        lists.set(doc, list);
        const m = message(`file:///d${doc}.vale`, ++version, list);
        const kept = messageBytes(m, true, undefined, bodies);
        assert.ok(kept.equals(messageBytes(m, true)), `step ${version}`);
      }
    }),
    { numRuns: 200 },
  );
  // One diagnostic changed in the middle of a long list: the others are copied with their neighbours.
  const bodies = new SentBodies();
  const list = pool.slice(0, 200);
  const first = messageBytes(message('file:///a.vale', 1, list), true, undefined, bodies);
  assert.ok(first.length > KEPT_BODY_BYTES);
  assert.deepEqual(bodies.counts, { shared: 0, single: 200 });
  const next = list.slice();
  next[100] = pool[300];
  const second = messageBytes(message('file:///a.vale', 2, next), true, undefined, bodies);
  assert.deepEqual(bodies.counts, { shared: 199, single: 201 });
  assert.deepEqual(JSON.parse(unframe(second)).params.diagnostics, next);
});

/** A frame's body, after checking its header's length against it. */
function unframe(frame: Buffer): string {
  const header = /^Content-Length: (\d+)\r\n\r\n/.exec(frame.toString('latin1'));
  assert.ok(header, frame.toString('latin1').slice(0, 40));
  const body = frame.subarray(header[0].length);
  assert.equal(body.length, Number(header[1]));
  return body.toString('utf8');
}

test('the server writes each message in one piece, header and body, in the order written', async () => {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const writer = new FramedStreamWriter(out);
  const messages = [
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a.vale', version: 2, diagnostics: [] } },
    { jsonrpc: '2.0', id: 1, result: { contents: 'ß' } },
    { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'x'.repeat(100_000) } },
  ];
  await Promise.all(messages.map((m) => writer.write(m as Message)));
  assert.equal(chunks.length, messages.length);
  assert.deepEqual(
    chunks.map((c) => JSON.parse(unframe(c))),
    messages,
  );
});

test('large frames are written from buffers taken again once written, every frame intact through a real pipe', async () => {
  const { writer, write, sent, read } = throughCat();
  const publish = (i: number, n: number): Message =>
    ({
      jsonrpc: '2.0',
      method: 'textDocument/publishDiagnostics',
      params: {
        uri: `file:///p${i}.vale`,
        version: i,
        diagnostics: Array.from({ length: n }, (_, k) => ({
          range: { start: { line: k, character: i }, end: { line: k, character: i + 3 } },
          message: `${i}.${k} ${String.fromCharCode(97 + (i % 26)).repeat(200)}`,
        })),
      },
    }) as Message;
  // One, then many at once (the pipe holds 64 KB: most wait, their buffers still held), then one at a
  // time, of sizes around each other's (a smaller frame fits in a larger one's buffer), small ones between.
  await write(publish(0, 600));
  await Promise.all([900, 300, 1200, 2, 600, 700, 5, 400].map((n, i) => write(publish(i + 1, n))));
  for (const [i, n] of [800, 600, 1, 900, 650, 1300, 700].entries()) await write(publish(i + 20, n));
  assert.deepEqual(await read(), sent);
  assert.ok(sent.some((m) => messageBytes(m).length < KEPT_FRAME_BYTES));
  const { made, reused } = writer.buffers!.counts;
  assert.ok(reused >= 5, `${made} buffers made, ${reused} frames in kept ones`);
});

test("a kept publish's frame is not written into again while the next publish copies from it, through a real pipe", async () => {
  const { writer, write, sent, read } = throughCat();
  const pool = Array.from({ length: 700 }, (_, k) => ({
    range: { start: { line: k, character: 1 }, end: { line: k, character: 4 } },
    message: `${k} ${String.fromCharCode(97 + (k % 26)).repeat(200)}`,
  }));
  const publish = (uri: string, version: number, diagnostics: readonly object[]): Message =>
    ({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, version, diagnostics } }) as Message;
  // A document typed into (each publish shares both ends with its last one), and between its
  // publishes another document's as large: written from the buffers freed meanwhile.
  let list = pool.slice(0, 600);
  for (let i = 0; i < 12; i++) {
    list = list.slice();
    list[300 + i] = pool[600 + i];
    await write(publish('file:///typed.vale', i, list));
    await write(publish(`file:///other${i % 2}.vale`, i, pool.slice(i, 600 + i)));
  }
  assert.deepEqual(await read(), sent);
  assert.ok(writer.bodies.counts.shared > 5000, `only ${writer.bodies.counts.shared} diagnostics copied with their neighbours`);
  assert.ok(writer.buffers!.counts.reused >= 10, `${writer.buffers!.counts.reused} frames written into kept buffers`);
});

/**
 * A writer into `cat` (a real pipe, with buffers taken again): `write` records each message sent,
 * `read` ends the pipe and parses every frame that came out of it.
 */
function throughCat(): {
  writer: FramedStreamWriter;
  write: (m: Message) => Promise<void>;
  sent: Message[];
  read: () => Promise<unknown[]>;
} {
  const cat = spawn('cat', [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  cat.stdout.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => cat.stdout.on('end', resolve));
  const writer = new FramedStreamWriter(cat.stdin, { reuseBuffers: true });
  const sent: Message[] = [];
  const write = (m: Message): Promise<void> => {
    sent.push(m);
    return writer.write(m);
  };
  const read = async (): Promise<unknown[]> => {
    cat.stdin.end();
    await ended;
    const all = Buffer.concat(chunks);
    const frames: unknown[] = [];
    for (let at = 0; at < all.length; ) {
      const header = /^Content-Length: (\d+)\r\n\r\n/.exec(all.subarray(at, at + 40).toString('latin1'));
      assert.ok(header, `a header at byte ${at}`);
      const start = at + header[0].length;
      frames.push(JSON.parse(all.subarray(start, start + Number(header[1])).toString('utf8')));
      at = start + Number(header[1]);
    }
    return frames;
  };
  return { writer, write, sent, read };
}
