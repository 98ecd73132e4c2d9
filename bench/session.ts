// The bench's long session (`--only session`): the bundled server over stdio on a workspace on
// disk, files opened, typed into and closed again and again, and the server's heap read after
// full collections. What a day of editing would show as a leak shows here as growth per edit.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient } from '../test/support/lsp-client';
import { tempDir } from '../test/support/temp';
import { random, workspaceOfLines } from './corpus';

/** What the session child reports (on stdout, as JSON). */
export interface SessionFigures {
  readonly files: number;
  readonly lines: number;
  /** Cycles run before the first reading (caches the server makes once, when first asked, are made by then). */
  readonly warmCycles: number;
  readonly cycles: number;
  /** Edits (a character or a kind's new name typed, then deleted) after the first reading. */
  readonly edits: number;
  /** Versions whose diagnostics never came (within 10 s): none expected. */
  readonly unanswered: number;
  /** The server's heap after two full collections (MB): once the start-up pass is done, after the warm cycles, at the end. */
  readonly heapStartMB: number;
  readonly heapWarmMB: number;
  readonly heapEndMB: number;
  /** The objects the heap holds (`objectsIn`) at the same three times. */
  readonly objectsStart: number;
  readonly objectsWarm: number;
  readonly objectsEnd: number;
  readonly seconds: number;
}

/** How long the server may take to report its heap (two full collections, then the snapshot written). */
const HEAP_WAIT_MS = 300_000;

/**
 * Loaded into the server with `--require` (the bench's, not the product's): on SIGUSR2 it collects
 * everything twice, writes a heap snapshot beside the file the environment names, then appends
 * the heap's size and the snapshot's path to that file.
 */
const HEAP_HOOK = `const { appendFileSync } = require('node:fs');
const { writeHeapSnapshot } = require('node:v8');
let n = 0;
process.on('SIGUSR2', () => {
  global.gc();
  global.gc();
  const snapshot = writeHeapSnapshot(process.env.VALE_FFI_BENCH_HEAP + '.' + ++n + '.heapsnapshot');
  appendFileSync(process.env.VALE_FFI_BENCH_HEAP, process.memoryUsage().heapUsed + ' ' + snapshot + '\\n');
});
`;

/**
 * The objects a heap snapshot holds that a program makes (objects, arrays, strings, closures,
 * numbers, regular expressions): not V8's code and metadata, which grow as it compiles. A count,
 * not bytes: a map whose keys come and go grows its table to twice its size once (V8 doubles a
 * full table whose deleted entries are under half), which no edit keeps.
 */
export function objectsIn(snapshotText: string): number {
  const snapshot = JSON.parse(snapshotText) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
  };
  const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const counted = new Set(['object', 'array', 'string', 'concatenated string', 'sliced string', 'closure', 'number', 'regexp']);
  const countedType = types[0].map((t) => counted.has(t));
  let n = 0;
  for (let i = typeAt; i < snapshot.nodes.length; i += width) if (countedType[snapshot.nodes[i]]) n++;
  return n;
}

const LINES = 20_000;
const WARM_CYCLES = 2;
const CYCLES = 14;
/** Edit pairs per file opened: every tenth a kind's name lengthened by a suffix new to the cycle (`Q3`), then restored. */
const PAIRS = 60;
const CHARS = 'abcxyz019 _;,.(){}<>&';

/** The child's work: a fresh process, its output the figures. */
export async function sessionChild(repo: string): Promise<void> {
  const started = performance.now();
  const dir = tempDir('vale-ffi-bench-session-');
  cpSync(join(repo, 'examples'), dir, { recursive: true });
  let files = 0;
  let lines = 0;
  for (const f of workspaceOfLines(LINES)) {
    const p = join(dir, 'generated', f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.text);
    files++;
    lines += f.text.split('\n').length - 1;
  }
  const hook = join(dir, 'heap-hook.js');
  writeFileSync(hook, HEAP_HOOK);
  const heapFile = join(dir, 'heap.txt');
  const client = new TestClient(join(repo, 'dist', 'server.js'), {
    ...process.env,
    NODE_OPTIONS: `--expose-gc --require ${JSON.stringify(hook)}`,
    VALE_FFI_BENCH_HEAP: heapFile,
  });
  await client.initialize(
    pathToFileURL(dir).href,
    {},
    { textDocument: { publishDiagnostics: { versionSupport: true, relatedInformation: true } } },
  );
  await client.waitFor('the ready status', () => client.statuses.some((s) => s.state === 'ready'), 120_000);
  await client.waitFor('the warm-up', () => client.logs.some((m) => m.startsWith('vale-ffi: edit path warmed up')), 120_000);
  /** Waits until no diagnostics were published for a second (the server's passes over other files are done). */
  const settle = async (): Promise<void> => {
    let seen = -1;
    while (seen !== client.published.length) {
      seen = client.published.length;
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  const readings = (): string[] => (existsSync(heapFile) ? readFileSync(heapFile, 'utf8').trim().split('\n') : []);
  const heap = async (when: string): Promise<{ heapMB: number; objects: number }> => {
    await settle();
    const before = readings().length;
    client.process.kill('SIGUSR2');
    // The file is polled: the server sends no message to wait for. Node 20 writes a snapshot of
    // the server's heap (about 65 MB, 690,000 objects) in 24–34 s on the bench's two-vCPU machine.
    for (let i = 0; i < HEAP_WAIT_MS / 50 && readings().length <= before; i++) await new Promise((r) => setTimeout(r, 50));
    const last = readings();
    if (last.length <= before) {
      const { exitCode, signalCode } = client.process;
      throw new Error(
        `the server did not report its heap ${when} within ${HEAP_WAIT_MS / 1000} s (${exitCode === null && signalCode === null ? 'still running' : `exited: code ${exitCode}, signal ${signalCode}`}); its stderr ends: ${client.stderr.slice(-2000)}`,
      );
    }
    const [heapBytes, snapshot] = last[last.length - 1].split(' ');
    const objects = objectsIn(readFileSync(snapshot, 'utf8'));
    rmSync(snapshot);
    return { heapMB: Number(heapBytes) / 2 ** 20, objects };
  };
  const start = await heap('at the start');
  const rng = random(7);
  const opened = ['fleet/fleet.vale', 'fleet/ships.vale', 'harbor/mistakes.vale', 'fleet/native/report.c'].map((f) => join(dir, f));
  let edits = 0;
  let unanswered = 0;
  let warm = start;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    if (cycle === WARM_CYCLES) {
      warm = await heap(`after ${WARM_CYCLES} cycles`);
      edits = 0;
    }
    for (const path of opened) {
      const uri = pathToFileURL(path).href;
      let doc = TextDocument.create(uri, path.endsWith('.c') ? 'c' : 'vale', 1, readFileSync(path, 'utf8'));
      await client.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: doc.languageId, version: doc.version, text: doc.getText() },
      });
      for (let pair = 0; pair < PAIRS; pair++) {
        const text = doc.getText();
        const kinds = [...text.matchAll(/\n(?:struct|interface) (\w+)/g)];
        let at: number;
        let typed: string;
        if (pair % 10 === 0 && kinds.length > 0) {
          const k = kinds[Math.floor(rng() * kinds.length)];
          at = k.index! + k[0].length;
          typed = `Q${cycle}`;
        } else {
          at = Math.floor(rng() * text.length);
          typed = CHARS[Math.floor(rng() * CHARS.length)];
        }
        for (const insert of [true, false]) {
          const change = {
            range: { start: doc.positionAt(at), end: doc.positionAt(insert ? at : at + typed.length) },
            text: insert ? typed : '',
          };
          doc = TextDocument.update(doc, [change], doc.version + 1);
          const v = doc.version;
          await client.connection.sendNotification('textDocument/didChange', {
            textDocument: { uri, version: v },
            contentChanges: [change],
          });
          await client.waitFor(`diagnostics of version ${v}`, () => client.versions.get(uri) === v, 10_000).catch(() => unanswered++);
          edits++;
          if (pair % 3 === 0)
            await client.connection.sendRequest('textDocument/hover', {
              textDocument: { uri },
              position: doc.positionAt(Math.floor(rng() * doc.getText().length)),
            });
        }
      }
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
  }
  const end = await heap('at the end');
  await client.shutdown();
  const figures: SessionFigures = {
    files,
    lines,
    warmCycles: WARM_CYCLES,
    cycles: CYCLES,
    edits,
    unanswered,
    heapStartMB: start.heapMB,
    heapWarmMB: warm.heapMB,
    heapEndMB: end.heapMB,
    objectsStart: start.objects,
    objectsWarm: warm.objects,
    objectsEnd: end.objects,
    seconds: (performance.now() - started) / 1000,
  };
  process.stdout.write(JSON.stringify(figures));
}
