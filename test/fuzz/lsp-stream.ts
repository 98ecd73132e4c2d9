// The LSP message stream as a fuzz target: the bundled server over stdio gets a run of hostile
// input (malformed headers and JSON, wrong shapes, out-of-range positions and ranges, requests
// before initialize, unknown URIs, changes to documents never opened, cancel storms, random
// edits of real Vale) and must stay up, answer a known request correctly after it, log no
// handler failure, and exit 0 on shutdown.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { type Message, StreamMessageReader } from 'vscode-jsonrpc/node';
import { anyText, fixtureTexts, mutatedText, repoRoot, tokenSoup } from '../support/arbitraries';

export const SERVER = join(repoRoot(), 'dist', 'server.js');

const DOC = 'file:///fuzz/ws/app.vale';
const C_DOC = 'file:///fuzz/ws/native.c';
const uris = fc.constantFrom(DOC, C_DOC, 'file:///fuzz/ws/other.vale', 'untitled:Untitled-1', 'file:///nope.vale', 'nonsense', '');
const num = fc.oneof(fc.nat(40), fc.integer(), fc.constantFrom(-1, 2 ** 31, 1e300, 0.5, Number.MAX_SAFE_INTEGER));
const position = fc.oneof(
  { weight: 8, arbitrary: fc.record({ line: num, character: num }) },
  { weight: 1, arbitrary: fc.constantFrom(null, 'x', { line: 'a' }, {}) },
);
const range = fc.record({ start: position, end: position });
const text = fc.oneof(mutatedText(fixtureTexts().map((t) => t.slice(0, 2000))), tokenSoup, anyText);
const wrong = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 5 }),
  fc.integer(),
  fc.array(fc.nat(), { maxLength: 3 }),
);

const METHODS = [
  'textDocument/hover',
  'textDocument/definition',
  'textDocument/references',
  'textDocument/documentSymbol',
  'textDocument/codeAction',
  'textDocument/codeLens',
  'workspace/symbol',
  'valeFfi/layout',
  'valeFfi/kinds',
  'valeFfi/header',
  'valeFfi/decode',
  'valeFfi/encode',
  'valeFfi/recording',
];

/** One hostile item of the stream: a message (as JSON), or raw bytes. */
export type StreamItem = { json: unknown } | { raw: string };

const requestParams = fc.record(
  {
    textDocument: fc.oneof(fc.record({ uri: uris }), wrong),
    position,
    range,
    context: fc.oneof(fc.record({ includeDeclaration: fc.boolean(), diagnostics: fc.constant([]) }), wrong),
    query: fc.oneof(fc.string({ maxLength: 6 }), wrong),
    name: fc.oneof(fc.constantFrom('Ship', 'Engine', 'Nope', ''), wrong),
    uri: uris,
    text: fc.oneof(fc.string({ maxLength: 80 }), wrong),
    fields: fc.oneof(
      fc.dictionary(fc.constantFrom('objectGeneration', 'typePointer', '__proto__', 'x'), fc.oneof(fc.string(), fc.integer())),
      wrong,
    ),
    profile: fc.oneof(fc.constantFrom('backend', 'seed', 'nope'), wrong),
  },
  { requiredKeys: [] },
);

let nextId = 1000;
const item: fc.Arbitrary<StreamItem> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom(...METHODS), fc.oneof({ weight: 9, arbitrary: requestParams }, { weight: 1, arbitrary: wrong }))
      .map(([method, params]) => ({
        json: { jsonrpc: '2.0', id: nextId++, method, params },
      })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.constant(DOC), uris),
        fc.integer({ min: -1, max: 1e6 }),
        fc.array(fc.record({ range: fc.option(range, { nil: undefined }), text }, { requiredKeys: ['text'] }), { maxLength: 3 }),
      )
      .map(([uri, version, contentChanges]) => ({
        json: { jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version }, contentChanges } },
      })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(uris, fc.constantFrom('vale', 'c', 'plaintext', ''), text).map(([uri, languageId, t]) => ({
      json: { jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId, version: 1, text: t } } },
    })),
  },
  {
    weight: 1,
    arbitrary: uris.map((uri) => ({ json: { jsonrpc: '2.0', method: 'textDocument/didClose', params: { textDocument: { uri } } } })),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 900, max: 100000 }).map((id) => ({ json: { jsonrpc: '2.0', method: '$/cancelRequest', params: { id } } })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.record({
          jsonrpc: fc.constant('2.0'),
          id: fc.oneof(fc.object(), fc.string(), fc.constant(null)),
          method: fc.string({ maxLength: 12 }),
        }),
        fc.record({ jsonrpc: fc.constant('2.0'), id: fc.integer(), result: fc.jsonValue() }),
        fc.record({
          jsonrpc: fc.constant('2.0'),
          method: fc.constantFrom('workspace/didChangeWatchedFiles', 'workspace/didChangeConfiguration', 'initialized', 'exit?'),
          params: fc.jsonValue(),
        }),
        fc.jsonValue(),
      )
      .map((json) => ({ json })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 40 }).map((body) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`),
        fc.constantFrom(
          'Content-Length: abc\r\n\r\n{}',
          'Content-Length: 99999999999999\r\n\r\n',
          'no header here\r\n\r\n',
          'X: 1\r\n\r\n{}',
          '\r\n\r\n',
        ),
        fc.string({ maxLength: 30 }),
      )
      .map((raw) => ({ raw })),
  },
);

export function frame(json: unknown): string {
  const body = JSON.stringify(json) ?? 'null';
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The items of one run, from a seed (reproducible). */
export function streamItems(seed: number, count: number): StreamItem[] {
  nextId = 1000;
  return fc.sample(item, { numRuns: count, seed });
}

export interface StreamResult {
  readonly sent: number;
  /** Why the run failed; undefined when every invariant held. */
  readonly failure?: string;
}

/**
 * Starts the server, sends a few requests before initialize, initializes, opens a Vale and a C
 * document, sends the items (in writes of a few dozen), then checks it still answers a decode
 * and a hover correctly, has logged no handler failure, and exits 0 after shutdown and exit.
 */
export async function runStream(items: readonly StreamItem[], timeoutMs = 120_000): Promise<StreamResult> {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => undefined); // a server that died is reported below
  const failures: string[] = [];
  const answers = new Map<number, Message>();
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  const reader = new StreamMessageReader(child.stdout);
  reader.listen((m) => {
    const msg = m as { id?: number; method?: string; params?: { type?: number; message?: string } };
    if (typeof msg.id === 'number' && !msg.method) answers.set(msg.id, m);
    // A handler that threw: vscode-languageserver logs "Request ... failed" / "Notification handler ... failed".
    if (msg.method === 'window/logMessage' && msg.params?.type === 1 && /failed/.test(msg.params.message ?? ''))
      failures.push(`logged: ${msg.params.message?.slice(0, 300)}`);
    if (typeof msg.id === 'number' && msg.method) child.stdin.write(frame({ jsonrpc: '2.0', id: msg.id, result: null }));
  });
  const write = (s: string): void => {
    if (exited === undefined) child.stdin.write(s);
  };
  const waitFor = async (id: number): Promise<Message | undefined> => {
    const until = Date.now() + timeoutMs;
    while (!answers.has(id) && exited === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    return answers.get(id);
  };
  write(
    frame({
      jsonrpc: '2.0',
      id: 1,
      method: 'textDocument/hover',
      params: { textDocument: { uri: DOC }, position: { line: 0, character: 0 } },
    }),
  );
  write(frame({ jsonrpc: '2.0', id: 2, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
  write(frame({ jsonrpc: '2.0', method: 'initialized', params: {} }));
  write(
    frame({
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: { textDocument: { uri: DOC, languageId: 'vale', version: 1, text: 'exported struct Ship imm { fuel int; }\n' } },
    }),
  );
  write(
    frame({
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: { textDocument: { uri: C_DOC, languageId: 'c', version: 1, text: 'int x;\n' } },
    }),
  );
  let sent = 5;
  for (let i = 0; i < items.length; i += 40) {
    write(
      items
        .slice(i, i + 40)
        .map((x) => ('raw' in x ? x.raw : frame(x.json)))
        .join(''),
    );
    sent += Math.min(40, items.length - i);
    // Let the server read: a pipe's buffer is finite, and a stalled writer would measure nothing.
    if (i % 4000 === 0) await new Promise((r) => setImmediate(r));
  }
  // A clean frame boundary after any unfinished raw bytes, then the probes.
  write('\r\n\r\n');
  const I256 = '0x2265b1f591b7584a0066b0d8f16ad8000813c386bbc000f17414c3437ed4c2ce';
  write(frame({ jsonrpc: '2.0', id: 900001, method: 'valeFfi/decode', params: { text: I256 } }));
  const decoded = (await waitFor(900001)) as { result?: { fields?: { objectPointer?: string } } } | undefined;
  if (decoded?.result?.fields?.objectPointer !== '0x66b0d8f16ad8')
    failures.push(`decode after the stream: ${JSON.stringify(decoded)?.slice(0, 200) ?? 'no answer'}`);
  write(
    frame({
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: {
        textDocument: { uri: 'file:///fuzz/probe.vale', languageId: 'vale', version: 1, text: 'exported struct Probe imm { n int; }\n' },
      },
    }),
  );
  write(
    frame({
      jsonrpc: '2.0',
      id: 900002,
      method: 'textDocument/hover',
      params: { textDocument: { uri: 'file:///fuzz/probe.vale' }, position: { line: 0, character: 17 } },
    }),
  );
  const hover = (await waitFor(900002)) as { result?: { contents?: { value?: string } } } | undefined;
  if (!/Probe/.test(hover?.result?.contents?.value ?? ''))
    failures.push(`hover after the stream: ${JSON.stringify(hover)?.slice(0, 200) ?? 'no answer'}`);
  write(frame({ jsonrpc: '2.0', id: 900003, method: 'shutdown' }));
  await waitFor(900003);
  write(frame({ jsonrpc: '2.0', method: 'exit' }));
  const timer = setTimeout(() => child.kill(), 10_000);
  await exit;
  clearTimeout(timer);
  if (exited !== 0) failures.push(`exit status ${exited} (stderr: ${stderr.slice(-300)})`);
  if (/\n\s+at /.test(stderr)) failures.push(`a stack trace on stderr: ${stderr.slice(0, 500)}`);
  return { sent, failure: failures.length > 0 ? failures.join('\n') : undefined };
}
