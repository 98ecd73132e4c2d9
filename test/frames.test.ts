// The stdio transport: LSP frames pass with a canonical header, whatever surrounds them, in any chunking; messages are written as JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { messageBytes } from '../server/lsp/encoder';
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
        }
      },
    ),
    { numRuns: 300 },
  );
  const other = { jsonrpc: '2.0', id: 3, result: { contents: 'x' } };
  assert.equal(messageBytes(other).toString('utf8'), JSON.stringify(other));
});
