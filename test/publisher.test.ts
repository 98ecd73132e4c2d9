// The diagnostics publisher in process: what it sends after each keystroke equals the core's
// diagnostics converted afresh, and the diagnostics a keystroke did not move are sent as the
// same objects (whose JSON the encoder keeps).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapSpaceStatistics } from 'node:v8';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import type { Diagnostic as LspDiagnostic, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { Workspace, warmUp } from '../shared';
import { DiagnosticsPublisher } from '../server/lsp/diagnostics';
import { Documents, keyOf } from '../server/lsp/documents';
import { Arrivals } from '../server/lsp/transport';
import { serverWarmUpEditor } from '../server/lsp/warmup';
import { messageBytes } from '../server/lsp/encoder';
import { idleYoungCollection } from '../server/heap';
import { loadCParser } from '../server/cparser';

// FC_SCALE=10 runs ten times as many cases (for a long local soak).
const runs = (n: number): number => Math.round(n * Number(process.env.FC_SCALE ?? 1));

/** Blocks with mistakes (a kind exported twice, externs over kinds not exported), each a few lines. */
function blocks(n: number): string {
  let text = '';
  for (let k = 0; k < n; k++)
    text += [
      `// block ${k}`,
      `export [#3]<imm>int as Triple${k};`,
      `extern func weigh${k}(crate Crate${k}) int;`,
      `struct Crate${k} imm { weight int; }`,
      `extern func total${k}(weights []<imm>int) int;`,
      '',
    ].join('\n');
  return text;
}

/** A publisher on a workspace of its own, and what it sent. */
function publisherOn() {
  const workspace = new Workspace();
  const documents = new Documents(workspace);
  const sent: PublishDiagnosticsParams[] = [];
  const connection = {
    sendDiagnostics: (p: PublishDiagnosticsParams) => {
      sent.push(p);
      return Promise.resolve();
    },
    console: { error: (m: string) => assert.fail(m), warn: () => undefined, info: () => undefined, log: () => undefined },
  };
  const arrivals = new Arrivals();
  const publisher = new DiagnosticsPublisher(connection as never, workspace, documents, arrivals);
  return { workspace, documents, sent, publisher, arrivals };
}

/** A publisher over one open document; `edit` applies a change and returns what was published for it. */
function session(text: string) {
  const { documents, sent, publisher } = publisherOn();
  const uri = pathToFileURL('/ws/typed.vale').href;
  let version = 1;
  documents.didOpen(uri, 'vale', version, text);
  const published = async (): Promise<LspDiagnostic[]> => {
    publisher.schedule(keyOf(uri));
    await new Promise((resolve) => setImmediate(resolve));
    const last = sent.at(-1);
    assert.equal(last?.version, version, 'the edited version is answered');
    return last!.diagnostics;
  };
  return {
    published,
    publisher,
    text: () => documents.get(uri)!.getText(),
    async edit(start: { line: number; character: number }, end: { line: number; character: number }, newText: string) {
      version++;
      documents.didChange(uri, version, [{ range: { start, end }, text: newText }]);
      return published();
    },
    /** Several changes, each a version, then one publish (keystrokes that came faster than the passes). */
    async edits(
      changes: readonly { start: { line: number; character: number }; end: { line: number; character: number }; text: string }[],
    ) {
      for (const c of changes) documents.didChange(uri, ++version, [{ range: { start: c.start, end: c.end }, text: c.text }]);
      return published();
    },
  };
}

/** What a fresh publisher sends for the text (nothing reused). */
async function afresh(text: string): Promise<LspDiagnostic[]> {
  return session(text).published();
}

test('after each keystroke the publisher sends what a fresh one sends for the same text (lines added, removed and edited)', async () => {
  const edit = fc.record({
    line: fc.nat({ max: 40 }),
    character: fc.nat({ max: 50 }),
    length: fc.nat({ max: 3 }),
    text: fc.constantFrom('', 'x', ' ', '\n', '\n\n', ';', 'Crate1', '// ', 'struct Extra imm { }\n'),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 12 }), async (edits) => {
      const s = session(blocks(6));
      await s.published();
      for (const e of edits) {
        const start = { line: e.line, character: e.character };
        const got = await s.edit(start, { line: e.line, character: e.character + e.length }, e.text);
        assert.deepEqual(got, await afresh(s.text()));
      }
    }),
    { numRuns: runs(40) },
  );
});

test('keystrokes on lines holding two items: the diagnostics of the item not edited follow the edit along the line', async () => {
  // Each line a struct then an extern over it: a keystroke in the struct keeps the extern's check
  // (its item is not parsed again) but moves its diagnostic along the line. Some passes answer
  // several keystrokes, on several lines.
  let text = '';
  for (let k = 0; k < 6; k++)
    text += `struct Crate${k} imm { weight int; } extern func weigh${k}(crate Crate${k}) int; export [#2]<imm>int as Pair${k};\n`;
  const edit = fc.record({
    line: fc.nat({ max: 6 }),
    character: fc.nat({ max: 40 }),
    length: fc.nat({ max: 2 }),
    text: fc.constantFrom('', 'x', ' ', ';', '  ', 'Crate1'),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(edit, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 10 }), async (passes) => {
      const s = session(text);
      await s.published();
      for (const edits of passes) {
        const got = await s.edits(
          edits.map((e) => ({
            start: { line: e.line, character: e.character },
            end: { line: e.line, character: e.character + e.length },
            text: e.text,
          })),
        );
        assert.deepEqual(got, await afresh(s.text()));
      }
    }),
    { numRuns: runs(40) },
  );
});

test('a keystroke on a line without diagnostics sends every other diagnostic as the same object', async () => {
  const s = session(blocks(6));
  const before = await s.published();
  assert.ok(before.length >= 12, `the blocks have diagnostics (${before.length})`);
  // In the comment of the third block: the diagnostics above and below it stay where they were.
  const comment = s.text().split('\n').indexOf('// block 2');
  const after = await s.edit({ line: comment, character: 8 }, { line: comment, character: 8 }, 'x');
  assert.deepEqual(
    after.map((d) => `${d.range.start.line}:${d.code}`),
    before.map((d) => `${d.range.start.line}:${d.code}`),
  );
  for (let i = 0; i < after.length; i++) assert.equal(after[i], before[i], `diagnostic ${i} is the same object`);
  // A line added at the top moves every diagnostic: none is the same object, and each reads as a fresh publish.
  const moved = await s.edit({ line: 0, character: 0 }, { line: 0, character: 0 }, '\n');
  assert.deepEqual(moved, await afresh(s.text()));
  for (let i = 0; i < moved.length; i++) assert.notEqual(moved[i], after[i]);
  // Emptying a block's export line (its diagnostics gone, no line moved): every diagnostic that
  // reads as one sent before is that object.
  const lines = s.text().split('\n');
  const line = lines.findIndex((l) => l.startsWith('export [#3]<imm>int as Triple2;'));
  const removed = await s.edit({ line, character: 0 }, { line, character: lines[line].length }, '');
  assert.deepEqual(removed, await afresh(s.text()));
  assert.ok(removed.length < moved.length, 'a diagnostic went');
  for (const d of removed) {
    const was = moved.find((m) => JSON.stringify(m) === JSON.stringify(d));
    assert.ok(was, `${d.code} at line ${d.range.start.line} was sent before`);
    assert.equal(d, was, `${d.code} at line ${d.range.start.line} is the object sent before`);
  }
});

test('a keystroke in a long document looks again at the parts on its line only, and sends what a fresh publisher sends', async () => {
  const s = session(blocks(60));
  const first = await s.published();
  assert.ok(first.length >= 120, `the blocks have diagnostics (${first.length})`);
  const lines = s.text().split('\n');
  const counts = s.publisher.counts;
  const typed = async (line: number, character: number, text: string): Promise<LspDiagnostic[]> => {
    const got = await s.edit({ line, character }, { line, character }, text);
    assert.deepEqual(got, await afresh(s.text()));
    return got;
  };
  // In a comment: the parts anchored to the item it leads (which starts on its line) looked at
  // again, found where they were; every diagnostic is the one sent before.
  const comment = lines.indexOf('// block 30');
  let { byPart, partsLooked } = counts;
  const same = await typed(comment, 3, 'x');
  assert.equal(counts.byPart, byPart + 1, 'made from the last publish');
  assert.ok(counts.partsLooked - partsLooked <= 2, `${counts.partsLooked - partsLooked} parts looked at again`);
  assert.equal(same.length, first.length);
  for (let i = 0; i < same.length; i++) assert.equal(same[i], first[i], `diagnostic ${i} is the one sent before`);
  // In an export's kind name: its block (and the elements anchored on its line) looked at again, a few of hundreds.
  const exported = lines.findIndex((l) => l.startsWith('export [#3]<imm>int as Triple40;'));
  ({ byPart, partsLooked } = counts);
  await typed(exported, 26, 'z');
  assert.equal(counts.byPart, byPart + 1);
  assert.ok(counts.partsLooked - partsLooked <= 4, `${counts.partsLooked - partsLooked} parts looked at again`);
  // A syntax error typed into a struct, then taken out: its element's errors come and go.
  const struct = lines.findIndex((l) => l.startsWith('struct Crate45 imm'));
  await typed(struct, 7, '(');
  await typed(struct, 7, '');
  // A line broken: every line below moved, the publish is gathered whole.
  ({ byPart } = counts);
  await typed(comment, 0, '\n');
  assert.equal(counts.byPart, byPart, 'not made from the last publish');
});

test("the start-up warm-up types through the server's own path: a publish per keystroke, and the core's answers", () => {
  // Each frame read at once (the next is encoded into the buffers the writer takes again): as sent.
  let frames = 0;
  const editor = serverWarmUpEditor((frame, message) => {
    frames++;
    assert.ok(frame.equals(messageBytes(message, true)), `frame ${frames} reads as the publish encoded alone`);
  });
  const served = warmUp(120, 2, undefined, editor);
  assert.equal(editor.published, 121, 'the opening and each keystroke published');
  assert.equal(frames, 121);
  const core = warmUp(120, 2);
  assert.equal(served.text, core.text);
  assert.deepEqual(served.diagnostics, core.diagnostics);
  assert.deepEqual(served.hovers, core.hovers);
  assert.ok(served.diagnostics.length > 0, 'the sample has mistakes to publish');
});

test('new severities reach the blocks already converted: a code made a warning is sent as one, a code turned off is not sent', async () => {
  const s = session(blocks(3));
  const before = await s.published();
  const code = 'TypeExportedMultipleTimes';
  assert.ok(
    before.some((d) => d.code === code && d.severity === 1),
    `${code} is an error`,
  );
  s.publisher.severity = { [code]: 'warning' };
  const warned = await s.published();
  assert.ok(warned.some((d) => d.code === code));
  for (const d of warned) if (d.code === code) assert.equal(d.severity, 2, `${code} is now a warning`);
  assert.deepEqual(
    warned.filter((d) => d.code !== code),
    before.filter((d) => d.code !== code),
  );
  s.publisher.severity = { [code]: 'off' };
  const off = await s.published();
  assert.ok(!off.some((d) => d.code === code), `${code} is off`);
  assert.equal(off.length, before.filter((d) => d.code !== code).length);
});

test("a block pointing into another file follows it: a line added above the first export moves the related location of the second file's diagnostic", async () => {
  const { workspace, documents, sent, publisher } = publisherOn();
  const a = pathToFileURL('/ws/pkg/a.vale').href;
  const b = pathToFileURL('/ws/pkg/b.vale').href;
  documents.didOpen(a, 'vale', 1, 'struct Pad { x int; }\n\nexport [#3]<imm>int as TripleA;\n');
  documents.didOpen(b, 'vale', 1, '// b\nexport [#3]<imm>int as TripleB;\n');
  const publishedFor = async (uri: string): Promise<LspDiagnostic[]> => {
    publisher.schedule(keyOf(uri));
    // The pass sends the edited document, then (after typing pauses) the others it owes.
    for (let i = 0; i < 50 && !sent.some((p) => p.uri === uri); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const last = [...sent].reverse().find((p) => p.uri === uri);
    assert.ok(last, `${uri} published`);
    return last.diagnostics;
  };
  const [twice] = (await publishedFor(b)).filter((d) => d.code === 'TypeExportedMultipleTimes');
  assert.ok(twice, 'the second export is reported');
  const related = twice.relatedInformation?.[0];
  assert.equal(related?.location.uri, a);
  assert.equal(related?.location.range.start.line, 2);
  // Lines added inside the struct above: the export's item is kept as it was (not parsed again,
  // its check in b not run again), two lines further down.
  await publishedFor(a);
  const checked = workspace.stats.itemsChecked;
  sent.length = 0;
  documents.didChange(a, 2, [{ range: { start: { line: 0, character: 19 }, end: { line: 0, character: 19 } }, text: '\n\n' }]);
  publisher.schedule(keyOf(a));
  const [moved] = (await publishedFor(b)).filter((d) => d.code === 'TypeExportedMultipleTimes');
  assert.equal(moved?.relatedInformation?.[0]?.location.range.start.line, 4, 'the related location moved with the first export');
  assert.equal(workspace.stats.itemsChecked - checked, 1, 'only the struct was checked again');
  assert.equal(moved.range.start.line, twice.range.start.line, 'its own range did not move');
});

test('while the other files are held (the reach walk made ahead at start-up), a pass answers the open document only; released, it sends the others', async () => {
  const { workspace, documents, sent, publisher } = publisherOn();
  // Two closed files with a diagnostic each, and an open document.
  workspace.setFile('/ws/pkg/b.vale', 'extern func weighB(crate CrateB) int;\nstruct CrateB imm { weight int; }\n');
  workspace.setFile('/ws/pkg/c.vale', 'extern func weighC(crate CrateC) int;\nstruct CrateC imm { weight int; }\n');
  const a = pathToFileURL('/ws/pkg/a.vale').href;
  documents.didOpen(a, 'vale', 1, blocks(2));
  publisher.holdOthers();
  publisher.schedule(keyOf(a));
  // Long enough for a pass to reach the owed files (it waits QUIET_MS after the edited ones).
  for (let i = 0; i < 30; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(
    sent.map((p) => p.uri),
    [a],
    'the open document answered, the closed files left owed',
  );
  // A keystroke meanwhile is answered too; still nothing else.
  documents.didChange(a, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }]);
  publisher.schedule(keyOf(a));
  for (let i = 0; i < 30; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(
    sent.map((p) => `${p.uri}@${p.version ?? ''}`),
    [`${a}@1`, `${a}@2`],
  );
  publisher.releaseOthers();
  for (let i = 0; i < 100 && sent.length < 4; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  const others = sent
    .slice(2)
    .map((p) => p.uri)
    .sort();
  assert.deepEqual(others, [pathToFileURL('/ws/pkg/b.vale').href, pathToFileURL('/ws/pkg/c.vale').href], 'released: the owed files sent');
  for (const p of sent.slice(2)) assert.equal(p.diagnostics.length, 1, `${p.uri}: its diagnostic`);
});

test('once an edit is answered and no other waits, the idle work runs (not while an edit waits for its answer)', async () => {
  const s = session(blocks(4));
  await s.published();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(s.publisher.counts.idle, 1, 'after the answer to the opening');
  // An edit arrives before the idle work's turn: that work waits for the edit's answer.
  await s.edit({ line: 1, character: 0 }, { line: 1, character: 0 }, ' ');
  s.publisher.schedule(keyOf(pathToFileURL('/ws/typed.vale').href));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(s.publisher.counts.idle, 1, 'an edit waiting: no idle work');
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(s.publisher.counts.idle, 2, 'after its answer');
});

test('an idle collection collects the young generation only when it is fuller than the threshold', () => {
  const young = () => getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')!;
  // Emptied first (a collection that finds it full), then filled past the threshold with garbage.
  idleYoungCollection();
  const fill = (fraction: number): void => {
    let keep: number[][] = [];
    for (let i = 0; ; i++) {
      const y = young();
      if (y.space_used_size >= fraction * (y.space_used_size + y.space_available_size)) break;
      keep.push(new Array(64).fill(i));
      if (keep.length > 64) keep = [];
    }
  };
  fill(0.5);
  assert.equal(idleYoungCollection(), false, 'under the threshold');
  fill(0.95);
  const before = young().space_used_size;
  assert.equal(idleYoungCollection(), true, 'over the threshold');
  assert.ok(young().space_used_size < before / 2, `collected: ${young().space_used_size} of ${before} bytes left`);
});

/**
 * A publisher over a Vale file of two externs and a C document defining them, and the C
 * document typed into until its reparses met a syntax error: `vid vtest_h(void)`, a `}` at the
 * top, then `q` in `void`. Over its last tree, tree-sitter reads `vqoid` as a parameter's type;
 * from scratch it is a K&R name list (the engine's test of the same case says so when
 * tree-sitter comes to agree).
 */
async function unsettledCDocument() {
  const parser = await loadCParser();
  assert.ok(parser, 'the C parser loads');
  const vale = pathToFileURL('/ws/main.vale').href;
  const c = pathToFileURL('/ws/impl.c').href;
  /** A publisher over the Vale file and the C document, and a pass made for the C document. */
  const open = (cText: string) => {
    const s = publisherOn();
    s.workspace.setCParser(parser);
    s.documents.didOpen(vale, 'vale', 1, 'extern func h() void;\nextern func f(p int) int;\n');
    s.documents.didOpen(c, 'c', 1, cText);
    const pass = async (): Promise<PublishDiagnosticsParams | undefined> => {
      s.publisher.schedule(keyOf(c));
      for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
      return s.sent.filter((p) => p.uri === c).at(-1);
    };
    return { ...s, pass };
  };
  let text =
    'int vtest_f(ShipPtr p) { return p->fule + g->fuel; }\nvoid vtest_h(void) { vtest_fuelOf(g, 2); }\nint k(void) { return 1; }\n';
  const s = open(text);
  await s.pass();
  let version = 1;
  const type = async (at: number, remove: number, newText: string) => {
    const start = s.documents.get(c)!.positionAt(at);
    const end = s.documents.get(c)!.positionAt(at + remove);
    text = text.slice(0, at) + newText + text.slice(at + remove);
    s.documents.didChange(c, ++version, [{ range: { start, end }, text: newText }]);
    return s.pass();
  };
  await type(text.indexOf('void vtest_h') + 1, 1, ''); // vid vtest_h(void)
  await type(0, 0, '}'); // a syntax error before it
  const typed = await type(text.indexOf('(void)', text.indexOf('_h(')) + 2, 0, 'q'); // vtest_h(vqoid)
  assert.equal(typed?.version, version);
  assert.deepEqual(s.workspace.unsettledCFiles(), [keyOf(c)]);
  return { s, c, typed, version, text, open };
}

/** The message of the diagnostic about vtest_h. */
const aboutH = (p: PublishDiagnosticsParams | undefined): string =>
  p?.diagnostics.map((d) => (typeof d.message === 'string' ? d.message : d.message.value)).find((m) => m.startsWith('vtest_h')) ?? '';

/** Resolves after `ms`, then a few turns of the event loop. */
async function after(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
}

test('a C document whose reparses met a syntax error is parsed again from scratch once typing pauses, and what that changed is sent', async () => {
  const { s, c, typed, version, text, open } = await unsettledCDocument();
  assert.match(aboutH(typed), /it takes 1 parameter/);
  const fresh = open(text);
  const expected = await fresh.pass();
  assert.match(aboutH(expected), /^vtest_h is not/);
  assert.doesNotMatch(aboutH(expected), /it takes 1 parameter/);
  // Typing paused: the document is parsed again, and its new diagnostics sent for the same version.
  const sentBefore = s.sent.length;
  await after(600);
  assert.equal(s.publisher.counts.settled, 1);
  assert.deepEqual(s.workspace.unsettledCFiles(), []);
  const settled = s.sent.slice(sentBefore).filter((p) => p.uri === c);
  assert.equal(settled.length, 1, 'one publish after the settle');
  assert.equal(settled[0].version, version);
  assert.deepEqual(settled[0].diagnostics, expected?.diagnostics);
});

test('a settle under way gives way to a message that arrives: dropped, then made once typing pauses again', async () => {
  const { s, c } = await unsettledCDocument();
  // A request read while the settle reads its items (each step slowed, so that it needs slices).
  const begin = s.workspace.beginSettleC.bind(s.workspace);
  let steps = 0;
  s.workspace.beginSettleC = (path: string) => {
    const settle = begin(path);
    return (
      settle && {
        step: () => {
          if (++steps === 2) s.arrivals.observe({ jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: {} } as never);
          const until = performance.now() + 2;
          while (performance.now() < until);
          return settle.step(1);
        },
        cancel: () => settle.cancel(),
      }
    );
  };
  const sentBefore = s.sent.length;
  await after(450);
  assert.equal(s.publisher.counts.settlesDropped, 1, 'dropped when the request came');
  assert.equal(s.publisher.counts.settled, 0);
  assert.deepEqual(s.workspace.unsettledCFiles(), [keyOf(c)], 'still unsettled');
  assert.equal(s.sent.length, sentBefore, 'nothing sent');
  // Armed again: once no message came for the pause, made whole.
  await after(600);
  assert.equal(s.publisher.counts.settled, 1);
  assert.deepEqual(s.workspace.unsettledCFiles(), []);
  assert.doesNotMatch(aboutH(s.sent.filter((p) => p.uri === c).at(-1)), /it takes 1 parameter/);
});
