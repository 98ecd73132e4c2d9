// What worker threads hand back (`Workspace.packFiles`) must unpack to what reading the text
// gives: the same trees (top-level elements), syntax errors, declarations, lambda counts, and so
// the same diagnostics, whatever the files hold.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { GreenNode, type Module, Workspace, unpackFiles } from '../shared';
import { fixtureTexts, mutatedText } from './support/arbitraries';
import { tempDir } from './support/temp';

/** Reads the files in one workspace, hands them to another as packed batches of `batch` files. */
function handOver(
  files: readonly (readonly [string, string])[],
  batch: number,
  modules: { read?: readonly Module[]; adopt?: readonly Module[] } = {},
): { read: Workspace; adopted: Workspace } {
  const read = new Workspace({ incremental: false });
  read.setModules(modules.read ?? []);
  const adopted = new Workspace({ incremental: false });
  adopted.setModules(modules.adopt ?? modules.read ?? []);
  const texts = new Map(files);
  for (let i = 0; i < files.length; i += batch) {
    const part = files.slice(i, i + batch);
    for (const [path, text] of part) read.setFile(path, text);
    const packed = read.packFiles(part.map(([path]) => path));
    adopted.adoptFiles(unpackFiles(structuredClone(packed), (path) => texts.get(path)!));
  }
  return { read, adopted };
}

function assertSameFile(read: Workspace, adopted: Workspace, path: string): void {
  const a = read.tree(path)!;
  const b = adopted.tree(path)!;
  assert.equal(b.text, a.text, path);
  assert.deepEqual(
    b.green.children.map((c) => [c.kind, c.width, c instanceof GreenNode]),
    a.green.children.map((c) => [c.kind, c.width, c instanceof GreenNode]),
    path,
  );
  assert.deepEqual(adopted.syntaxDiagnostics(path), read.syntaxDiagnostics(path), path);
  const ma = read.model(path)!;
  const mb = adopted.model(path)!;
  assert.equal(mb.package, ma.package);
  assert.equal(mb.items.length, ma.items.length, path);
  assert.equal(mb.seen.length, ma.seen.length, path);
  ma.items.forEach((x, i) => {
    const y = mb.items[i];
    assert.equal(y.start, x.start);
    assert.equal(y.summary, x.summary);
    // Every declaration, key for key (an absent key and an undefined one are told apart).
    assert.deepStrictEqual({ ...y.unplaced }, { ...x.unplaced }, `${path} item ${i}`);
    if (x.unplacedFunction !== undefined) assert.equal(y.lambdas, x.lambdas, `${path} item ${i} lambdas`);
  });
}

describe('packed files', () => {
  test('every fixture and example unpacks to the tree, model and diagnostics that reading it gives', () => {
    const files = fixtureTexts().map((text, i) => [`/ws/p${i % 7}/f${i}.vale`, text] as const);
    for (const batch of [1, 5, files.length]) {
      const { read, adopted } = handOver(files, batch);
      for (const [path] of files) assertSameFile(read, adopted, path);
      assert.deepEqual(adopted.allDiagnostics(), read.allDiagnostics());
      // Nothing was parsed on the adopting side.
      assert.equal(adopted.stats.modelsRead, 0);
    }
  });

  test('a file read under other modules (another package) is read again where it is adopted', () => {
    const files = [
      ['/ws/core/ship.vale', 'exported struct Ship imm { fuel int; }\n'],
      ['/ws/port/dock.vale', 'import fleet.core.*;\nextern func dock(s Ship) int;\n'],
    ] as const;
    const modules = [{ name: 'fleet', root: '/ws' }];
    const { adopted } = handOver(files, 2, { read: [], adopt: modules });
    const direct = new Workspace({ incremental: false });
    direct.setModules(modules);
    for (const [path, text] of files) direct.setFile(path, text);
    assert.equal(adopted.model('/ws/port/dock.vale')!.package, 'fleet/port');
    assert.deepEqual(adopted.allDiagnostics(), direct.allDiagnostics());
  });

  test('property: any mutated fixture unpacks to the diagnostics reading it gives', () => {
    fc.assert(
      fc.property(fc.array(mutatedText(fixtureTexts()), { minLength: 1, maxLength: 4 }), (texts) => {
        const files = texts.map((text, i) => [`/ws/p${i % 2}/f${i}.vale`, text] as const);
        const { read, adopted } = handOver(files, 2);
        for (const [path] of files) assertSameFile(read, adopted, path);
        assert.deepEqual(adopted.allDiagnostics(), read.allDiagnostics());
      }),
      { numRuns: 150 },
    );
  });
});

describe('reading in worker threads', () => {
  test('by default: none below 4 cores, one per core but one from 4, never more than 4', async () => {
    const { defaultJobs, MAX_DEFAULT_JOBS } = await import('../server/jobs');
    assert.deepEqual(
      [1, 2, 3, 4, 5, 8, 64].map((cores) => defaultJobs(cores)),
      [1, 1, 1, 3, 4, 4, 4],
    );
    assert.equal(MAX_DEFAULT_JOBS, 4);
  });

  test('a thread that stops or throws fails the read with the reason, and none is left running', async () => {
    const { readInWorkers } = await import('../server/jobs');
    const dir = tempDir('vale-ffi-jobs-');
    const files = Array.from({ length: 40 }, (_, i) => ({ key: `/ws/f${i}.vale`, text: 'exported struct S imm { x int; }\n'.repeat(400) }));
    const cases: [string, RegExp][] = [
      ['process.exit(3);', /a reading thread stopped \(exit 3\)/],
      ["require('node:worker_threads').parentPort.on('message', () => { throw new Error('broken batch'); });", /broken batch/],
    ];
    for (const [code, reason] of cases) {
      const script = join(dir, `w${cases.findIndex((c) => c[0] === code)}.js`);
      writeFileSync(script, code);
      await assert.rejects(readInWorkers(files, [], 2, undefined, script), reason);
    }
  });

  test('every file comes back, in the order given, as reading it here gives it', async () => {
    const { readInWorkers } = await import('../server/jobs');
    // Large enough for several batches per thread.
    const texts = fixtureTexts();
    const files = Array.from({ length: 400 }, (_, i) => ({ key: `/ws/p${i % 9}/f${i}.vale`, text: texts[i % texts.length] }));
    const released = await readInWorkers(files, [], 3);
    assert.deepEqual(
      released.map((f) => f.path),
      files.map((f) => f.key),
    );
    const adopted = new Workspace({ incremental: false });
    adopted.adoptFiles(released);
    const read = new Workspace({ incremental: false });
    for (const f of files) read.setFile(f.key, f.text);
    for (const f of files) assertSameFile(read, adopted, f.key);
    assert.deepEqual(adopted.allDiagnostics(), read.allDiagnostics());
  });
});
