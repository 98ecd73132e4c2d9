// Protocol tests: the bundled dist/server.js over stdio, driven by a real client.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { URI } from 'vscode-uri';
import type {
  CodeAction,
  CompletionItem,
  DocumentSymbol,
  Hover,
  Location,
  MarkupContent,
  TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from './support/lsp-client';
import {
  CODES,
  SEMANTIC_MODIFIERS,
  SEMANTIC_TYPES,
  DECODE,
  HEADER,
  LAYOUT,
  MAX_WARM_UP_COPIES,
  MAX_WARM_UP_KEYSTROKES,
  MIN_WARM_UP_KEYSTROKES,
  RECORDING,
  REQUESTS,
  warmUpCopies,
  warmUpKeystrokes,
} from '../shared';
import { tempDir } from './support/temp';

const EXAMPLES = join(__dirname, '..', 'examples');

/** Where `struct Fleet`'s name starts in a text holding it (examples/fleet/fleet.vale's). */
function fleetName(text: string): { line: number; character: number } {
  const name = text.indexOf('struct Fleet') + 'struct '.length;
  return { line: text.slice(0, name).split('\n').length - 1, character: name - text.lastIndexOf('\n', name - 1) - 1 };
}

/** A hover on struct Fleet's name in an open document holding `text`. */
async function hoverOnFleet(client: TestClient, uri: string, text: string): Promise<Hover | null> {
  const { line, character } = fleetName(text);
  return (await client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line, character: character + 1 },
  })) as Hover | null;
}
const uri = (rel: string): string => URI.file(join(EXAMPLES, rel)).toString();
const MISTAKES = uri('harbor/mistakes.vale');

/** A workspace of `n` packages, each a copy of fleet.vale and, with `crates`, a crates.vale of `crates(i)`: its directory and fleet.vale's text. */
function fleetPackages(prefix: string, n: number, crates?: (i: number) => string): { dir: string; fleet: string } {
  const dir = tempDir(prefix);
  const fleet = readFileSync(join(EXAMPLES, 'fleet', 'fleet.vale'), 'utf8');
  for (let i = 0; i < n; i++) {
    mkdirSync(join(dir, `p${i}`));
    writeFileSync(join(dir, `p${i}`, 'fleet.vale'), fleet);
    if (crates) writeFileSync(join(dir, `p${i}`, 'crates.vale'), crates(i));
  }
  return { dir, fleet };
}
const SHIPS = uri('fleet/ships.vale');
const VECTORS = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'ursl', 'vectors.json'), 'utf8'));

function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const offset = text.indexOf(needle) + delta;
  assert.ok(offset >= delta, `${needle} is in the text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function hoverText(h: Hover | null): string {
  assert.ok(h, 'a hover');
  return (h.contents as MarkupContent).value;
}

/** Applies LSP text edits to a text (edits do not overlap). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

describe('language server over stdio', () => {
  const client = new TestClient();
  const mistakes = readFileSync(join(EXAMPLES, 'harbor', 'mistakes.vale'), 'utf8');
  const ships = readFileSync(join(EXAMPLES, 'fleet', 'ships.vale'), 'utf8');

  before(async () => {
    await client.initialize(URI.file(EXAMPLES).toString(), { projectName: 'fleet' });
  });
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('indexes the workspace with progress and publishes every FFI code', async () => {
    await client.waitFor('diagnostics of harbor/mistakes.vale', () => (client.diagnostics.get(MISTAKES)?.length ?? 0) >= 6);
    assert.ok(
      client.progress.some((p) => /^begin: Indexing 6 files$/.test(p)),
      client.progress.join('\n'),
    );
    // The status bar item's notifications: indexing, then what is analysed.
    await client.waitFor('the ready status', () => client.statuses.some((s) => s.state === 'ready'));
    // Once the files were read, the edit path was warmed up on a sample of its own, as long as the
    // workspace's Vale (its four files) asks for.
    const valeChars = ['harbor/mistakes.vale', 'fleet/arrays.vale', 'fleet/fleet.vale', 'fleet/ships.vale'].reduce(
      (n, f) => n + readFileSync(join(EXAMPLES, f), 'utf8').length,
      0,
    );
    const warmed = new RegExp(
      `^vale-ffi: edit path warmed up \\(${warmUpKeystrokes(valeChars)} keystrokes on a sample of ${warmUpCopies(valeChars)} copies, \\d+ ms, done \\d+ ms after it began\\)$`,
    );
    assert.ok(warmUpKeystrokes(valeChars) > MIN_WARM_UP_KEYSTROKES, String(valeChars));
    await client.waitFor('the warm-up', () => client.logs.some((m) => m.startsWith('vale-ffi: edit path warmed up')));
    assert.ok(
      client.logs.some((m) => warmed.test(m)),
      client.logs.join('\n'),
    );
    assert.deepEqual(client.statuses[0], { state: 'indexing', valeFiles: 4, cFiles: 2, project: 'fleet' });
    assert.deepEqual(
      client.statuses.find((s) => s.state === 'ready'),
      { state: 'ready', valeFiles: 4, cFiles: 2, project: 'fleet' },
    );
    // The codes the examples do not show come from a document that exists only in the editor.
    const extra = uri('harbor/extra.vale');
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: {
        uri: extra,
        languageId: 'vale',
        version: 1,
        text: 'struct Quay imm { n int; }\nexported struct Pier imm { quay Quay; }\nexported func moor(q Quay) int { 0 }\nextern func far(x Opt<int>) int;\nextern func lost(q Quy) int;\n',
      },
    });
    await client.waitFor('diagnostics of the editor-only document', () => (client.diagnostics.get(extra)?.length ?? 0) >= 3);
    // The C codes come from a C document open in the editor, checked against examples/fleet (project fleet, as its C files say).
    const native = uri('fleet/native/extra.c');
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: {
        uri: native,
        languageId: 'c',
        version: 1,
        text: [
          '#include <stdint.h>',
          'int64_t fleet_cFirstOfTriple(fleet_IntTriple* triple);',
          'int32_t fuel(fleet_Engine* e) { return e->fule; }',
          'int32_t kind(fleet_IShip s) { switch (s.type) { case fleet_IShip_Type_Shuttle: return 1; } return fleet_fleetSize(); }',
          '',
        ].join('\n'),
      },
    });
    await client.waitFor('diagnostics of the C document', () => (client.diagnostics.get(native)?.length ?? 0) >= 4);
    const all = [...client.diagnostics.values()].flat();
    const codes = new Set(all.map((d) => d.code));
    // Every registered code but those these files cannot show (no syntax error; itables at the backend's alignment; no build).
    for (const { code } of CODES.filter((c) => !['SyntaxError', 'UnalignedItable', 'StaleGeneratedHeader'].includes(c.code)))
      assert.ok(codes.has(code), `received ${code}`);
    // Each links to its explanation, shipped beside the bundle.
    for (const d of all) {
      const href = d.codeDescription?.href ?? '';
      assert.ok(href.endsWith(`#${String(d.code).toLowerCase()}`), href);
      assert.match(readFileSync(URI.parse(href).fsPath, 'utf8'), new RegExp(`^## ${d.code}$`, 'm'));
    }
    assert.deepEqual(client.diagnostics.get(uri('fleet/ships.vale')) ?? [], []);
    const weigh = client.diagnostics.get(MISTAKES)!.find((d) => d.code === 'ExternFunctionDependedOnNonExportedKind')!;
    assert.deepEqual(weigh.range, { start: { line: 6, character: 24 }, end: { line: 6, character: 29 } });
    assert.equal(weigh.relatedInformation?.[0].location.uri, MISTAKES);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: extra } });
  });

  test('hover on a kind, a field, an extern and a universal reference', async () => {
    const kind = hoverText(
      await client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: SHIPS },
        position: positionOf(ships, 'struct Spaceship', 8),
      }),
    );
    assert.match(kind, /\*\*struct Spaceship\*\* \(imm\) — C `fleet_Spaceship`/);
    assert.match(kind, /size 32, align 8/);
    assert.match(kind, /\| 8 \| 8 \| 8 \| `engine` \| `fleet_Engine\*` \|/);
    assert.match(kind, /\| 25 \| 7 \| \| \*tail padding\* \| \|/);
    const reference = hoverText(
      await client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: SHIPS },
        position: positionOf(ships, 'engine Engine;', 8),
      }),
    );
    assert.match(reference, /\*\*struct Engine\*\*/);
    const field = hoverText(
      await client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: SHIPS },
        position: positionOf(ships, '  crew i64', 3),
      }),
    );
    assert.match(field, /\*\*Spaceship\.crew\*\* — `int64_t`\n\noffset 16, size 8, align 8 in `fleet_Spaceship`/);
    const fleet = readFileSync(join(EXAMPLES, 'fleet', 'fleet.vale'), 'utf8');
    const externName = /extern func (\w+)/.exec(fleet)![1];
    const fn = hoverText(
      await client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: uri('fleet/fleet.vale') },
        position: positionOf(fleet, `func ${externName}`, 6),
      }),
    );
    assert.match(fn, new RegExp(`extern .* fleet_${externName}\\(`));
    assert.match(fn, /implemented in C/);
    const c = `#include "fleet/Fleet.h"\nuint8_t ref[] = { ${VECTORS[1].bytesHexLE
      .match(/../g)
      .map((b: string) => `0x${b}`)
      .join(', ')} };\n`;
    const cUri = uri('native/ref.c');
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: cUri, languageId: 'c', version: 1, text: c } });
    const ursl = hoverText(
      await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: cUri }, position: { line: 1, character: 25 } }),
    );
    assert.match(ursl, /\*\*universal reference\*\* \(backend profile\)/);
    assert.match(
      ursl,
      new RegExp(`^- \\*\\*objectGeneration\\*\\* \`${BigInt(VECTORS[1].fields.objectGeneration)}\`: the object's generation`, 'm'),
    );
    assert.match(ursl, new RegExp(`^- \\*\\*objectPointer\\*\\* \`${VECTORS[1].fields.objectPointer}\`: `, 'm'));
    assert.match(ursl, /^Checks:\n\n- ✓ objectPointer is not null$/m);
    assert.match(ursl, /C words: `unused0=0x/);
    assert.equal(
      await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: cUri }, position: { line: 0, character: 3 } }),
      null,
    );
  });

  test('a quick fix applied through its edit makes the diagnostic go', async () => {
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: MISTAKES, languageId: 'vale', version: 1, text: mistakes },
    });
    const body = client.diagnostics.get(MISTAKES)!.find((d) => d.code === 'ExternHasBody')!;
    const actions: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: MISTAKES },
      range: body.range,
      context: { diagnostics: [body] },
    });
    const fix = actions.find((a) => a.diagnostics?.[0].code === 'ExternHasBody')!;
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    const edits = fix.edit!.changes![MISTAKES];
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: MISTAKES, version: 2 },
      contentChanges: [...edits].reverse().map((e) => ({ range: e.range, text: e.newText })),
    });
    await client.waitFor('ExternHasBody to go', () => !client.diagnostics.get(MISTAKES)!.some((d) => d.code === 'ExternHasBody'));
    assert.match(applyEdits(mistakes, edits), /extern func inspect\(weight int\) int;/);
  });

  test('an incremental edit re-checks: exporting Crate removes its error', async () => {
    const line = mistakes.split('\n').findIndex((l) => l.startsWith('struct Crate'));
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: MISTAKES, version: 3 },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: 'exported ' }],
    });
    await client.waitFor(
      'the weigh error to go',
      () =>
        !client.diagnostics
          .get(MISTAKES)!
          .some((d) => d.code === 'ExternFunctionDependedOnNonExportedKind' && String(d.message).includes('func weigh')),
    );
  });

  test('folding ranges from the tree, and inlay hints with the C side of kinds and FFI parameters', async () => {
    const folds: { startLine: number; endLine: number; kind?: string }[] = await client.connection.sendRequest(
      'textDocument/foldingRange',
      {
        textDocument: { uri: SHIPS },
      },
    );
    const struct = positionOf(ships, 'exported struct Spaceship').line;
    const fold = folds.find((f) => f.startLine === struct);
    assert.ok(fold && fold.kind === 'region', JSON.stringify(folds));
    // The closing brace stays visible.
    assert.equal(ships.split('\n')[fold.endLine + 1].trim(), '}');
    const hints: { position: { line: number; character: number }; label: string }[] = await client.connection.sendRequest(
      'textDocument/inlayHint',
      {
        textDocument: { uri: SHIPS },
        range: { start: { line: 0, character: 0 }, end: { line: ships.split('\n').length, character: 0 } },
      },
    );
    const label = (needle: string, name: string): string => {
      const at = positionOf(ships, needle, name.length);
      return hints.find((h) => h.position.line === at.line && h.position.character === at.character)?.label ?? '(none)';
    };
    assert.match(label('Engine imm', 'Engine'), /^16 B · align 8 · message \d+ B$/);
    // A string inside: the message size depends on the value, so none is shown.
    assert.match(label('Spaceship imm', 'Spaceship'), /^\d+ B · align 8$/);
    const fleetUri = uri('fleet/fleet.vale');
    const fleet = readFileSync(join(EXAMPLES, 'fleet', 'fleet.vale'), 'utf8');
    const params: { position: { line: number; character: number }; label: string }[] = await client.connection.sendRequest(
      'textDocument/inlayHint',
      {
        textDocument: { uri: fleetUri },
        range: { start: { line: 0, character: 0 }, end: { line: fleet.split('\n').length, character: 0 } },
      },
    );
    const report = positionOf(fleet, 'cReportFleet(fleet &Fleet', 'cReportFleet(fleet &Fleet'.length);
    assert.ok(
      params.some((h) => h.label === 'fleet_FleetRef' && h.position.line === report.line && h.position.character === report.character),
      JSON.stringify(params),
    );
  });

  test('semantic tokens: kinds, members and functions with exported, extern, immutable, declaration', async () => {
    const r: { data: number[] } = await client.connection.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri: SHIPS } });
    // Decode the relative encoding: line delta, start delta, length, type, modifier bits.
    const tokens: { line: number; character: number; text: string; type: string; modifiers: string[] }[] = [];
    let line = 0;
    let character = 0;
    const lines = ships.split('\n');
    for (let i = 0; i < r.data.length; i += 5) {
      const [dl, dc, len, type, mods] = r.data.slice(i, i + 5);
      line += dl;
      character = dl === 0 ? character + dc : dc;
      tokens.push({
        line,
        character,
        text: lines[line].slice(character, character + len),
        type: SEMANTIC_TYPES[type],
        modifiers: SEMANTIC_MODIFIERS.filter((_, b) => mods & (1 << b)),
      });
    }
    const at = positionOf(ships, 'Spaceship imm');
    assert.deepEqual(
      tokens.find((t) => t.line === at.line && t.character === at.character),
      { ...at, text: 'Spaceship', type: 'struct', modifiers: ['declaration', 'exported', 'immutable'] },
    );
    assert.ok(tokens.some((t) => t.text === 'crew' && t.type === 'property'));
    assert.ok(tokens.some((t) => t.text === 'IShip' && t.type === 'interface' && !t.modifiers.includes('declaration')));
  });

  test('completion: members after a parameter and a dot, kinds with their C names in a struct body', async () => {
    const doc = uri('fleet/completion.vale');
    const text =
      'exported struct Probe imm { depth int; fuel float; }\nexported func probeDepth(p Probe) int { p. }\nexported struct Pod imm { probe  }\n';
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: doc, languageId: 'vale', version: 1, text } });
    const complete = async (needle: string, delta: number): Promise<CompletionItem[]> =>
      client.connection.sendRequest('textDocument/completion', { textDocument: { uri: doc }, position: positionOf(text, needle, delta) });
    const members = await complete('p. }', 2);
    assert.deepEqual(
      members.map((m) => [m.label, m.detail]),
      [
        ['depth', 'int32_t at offset 0'],
        ['fuel', 'double at offset 8'],
      ],
    );
    const types = await complete('probe  }', 6);
    const probe = types.find((t) => t.label === 'Probe');
    assert.equal(probe?.detail, 'C fleet_Probe');
    assert.ok(types.findIndex((t) => t.label === 'Probe') < types.findIndex((t) => t.label === 'int'), 'kinds first in a type position');
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: doc } });
  });

  test('signature help in a call of an extern: the Vale signature, the active parameter and its C type', async () => {
    const doc = uri('fleet/signature.vale');
    const text = 'func report(f &Fleet) void { cReportFleet( }\n';
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: doc, languageId: 'vale', version: 1, text } });
    const help: { signatures: { label: string; parameters: { label: [number, number] }[] }[]; activeParameter: number } =
      await client.connection.sendRequest('textDocument/signatureHelp', {
        textDocument: { uri: doc },
        position: positionOf(text, 'Fleet( }', 6),
      });
    const [sig] = help.signatures;
    assert.equal(sig.label, 'extern func cReportFleet(fleet &Fleet) void');
    assert.equal(sig.label.slice(...sig.parameters[help.activeParameter].label), 'fleet &Fleet');
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: doc } });
  });

  test('code lenses belong to the file asked about, also while another file is being edited', async () => {
    type Lens = { range: { start: { line: number } }; command: { title: string; arguments: [string, string] } };
    const lenses = async (u: string): Promise<Lens[]> =>
      client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: u } });
    const ships = readFileSync(join(EXAMPLES, 'fleet/ships.vale'), 'utf8').split('\n');
    const mistakes = readFileSync(join(EXAMPLES, 'harbor/mistakes.vale'), 'utf8').split('\n');
    const check = (ls: Lens[], u: string, lines: string[], names: RegExp): void => {
      assert.ok(ls.length > 0, u);
      for (const l of ls) {
        assert.equal(l.command.arguments[0], u, "the lens opens its own file's header");
        // Each lens sits on the line that declares what it describes.
        const declared = l.command.arguments[1];
        assert.match(
          lines[l.range.start.line] ?? '',
          new RegExp(`\\b${declared}\\b`),
          `${l.command.title} on line ${l.range.start.line + 1} of ${u}`,
        );
        assert.match(l.command.title, names);
      }
    };
    // Interleaved with edits of the other file, as when a quick fix was just applied there.
    const open = { uri: MISTAKES, languageId: 'vale', version: 100, text: mistakes.join('\n') };
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: open });
    for (let v = 101; v < 104; v++) {
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: MISTAKES, version: v },
        contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }],
      });
      const [a, b] = await Promise.all([lenses(SHIPS), lenses(MISTAKES)]);
      check(a, SHIPS, ships, /^fleet_(Engine|Spaceship|IShip|Shuttle|Freighter)\b/);
      const edited = [...Array(v - 100).fill(''), ...mistakes];
      check(b, MISTAKES, edited, /^(C fleet_|fleet_)/);
    }
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: MISTAKES } });
  });

  test('go to definition, references and the outline', async () => {
    const def: Location = await client.connection.sendRequest('textDocument/definition', {
      textDocument: { uri: SHIPS },
      position: positionOf(ships, 'engine Engine;', 8),
    });
    assert.equal(def.uri, SHIPS);
    assert.deepEqual(def.range.start, positionOf(ships, 'Engine imm'));
    const refs: Location[] = await client.connection.sendRequest('textDocument/references', {
      textDocument: { uri: SHIPS },
      position: positionOf(ships, 'Engine imm'),
      context: { includeDeclaration: false },
    });
    // The Vale references, then the C uses of fleet_Engine (extra.c, open in this session).
    assert.ok(refs.filter((r) => r.uri.endsWith('.vale')).length >= 3, JSON.stringify(refs));
    assert.deepEqual(
      refs.filter((r) => !r.uri.endsWith('.vale')).map((r) => r.uri.split('/').pop()),
      ['extra.c'],
    );
    const outline: DocumentSymbol[] = await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: SHIPS } });
    assert.ok(outline.some((s) => s.name === 'Spaceship' && s.children!.some((c) => c.name === 'crew')));
    const found: { name: string }[] = await client.connection.sendRequest('workspace/symbol', { query: 'Spaceship' });
    assert.ok(found.some((s) => s.name === 'Spaceship'));
  });

  test('a recording that is a device or a FIFO is an error answer at once', async () => {
    const fifo = join(tempDir('vale-ffi-fifo-'), 'rec.vale.bin');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    for (const path of ['/dev/zero', fifo]) {
      await assert.rejects(client.request(RECORDING, { uri: URI.file(path).toString() }), /not a regular file/);
    }
  });

  test('the server answers every request the protocol module declares', async () => {
    for (const spec of REQUESTS) {
      try {
        await client.request(spec, {});
      } catch (e) {
        // Missing parameters may be refused, but the method must exist.
        assert.notEqual((e as { code?: number }).code, -32601, `${spec.method} is not handled`);
      }
    }
  });

  test('custom requests: layout, header, decode', async () => {
    const layout = await client.request(LAYOUT, { name: 'Spaceship' });
    assert.equal(layout.cName, 'fleet_Spaceship');
    assert.equal(layout.size, 32);
    // An imm kind comes with the message a sample value becomes (the layout view draws it).
    assert.deepEqual(
      layout.message?.objects.map((o) => [o.kind, o.offset]),
      [
        ['Spaceship', 0],
        ['str', 32],
        ['Engine', 48],
      ],
    );
    assert.deepEqual(layout.message?.pointers, [
      { at: 0, to: 32 },
      { at: 8, to: 48 },
    ]);
    assert.equal(layout.message?.size, 64);
    assert.equal(
      (await client.request(LAYOUT, { name: 'Fleet' })).message,
      undefined,
      'a mutable kind crosses as a reference, not a message',
    );
    const header = await client.request(HEADER, { name: 'Spaceship' });
    assert.match(header.text, /typedef struct fleet_Spaceship \{ \n/);
    const decoded = await client.request(DECODE, { text: VECTORS[1].i256Hex });
    assert.equal(decoded.fields.objectGeneration, VECTORS[1].fields.objectGeneration);
    await assert.rejects(client.request(DECODE, { text: 'nope' }), /Accepted forms/);
    // A recording decoded with the workspace's extern declarations.
    const { CProgram, DEFAULT_TARGET, RecordingWriter, Workspace } = await import('../shared');
    const ws = new Workspace();
    for (const f of ['fleet/arrays.vale', 'fleet/fleet.vale', 'fleet/ships.vale'])
      ws.setFile(join(EXAMPLES, f), readFileSync(join(EXAMPLES, f), 'utf8'));
    const w = new RecordingWriter(new CProgram(ws.program(), '', DEFAULT_TARGET));
    w.call('cSumCrew_vasp', [], { kind: 'int', value: 12, bits: 64 });
    w.call('cReportFleet', [new Uint8Array(32).fill(1)], { kind: 'void' });
    const file = join(tempDir('vale-ffi-rec-'), 'recording.vale.bin');
    writeFileSync(file, w.bytes());
    const rec = await client.request(RECORDING, { uri: URI.file(file).toString() });
    assert.deepEqual(
      rec.calls.map((c) => [c.callee, c.args.length, c.result.value]),
      [
        ['cSumCrew_vasp', 0, 12],
        ['cReportFleet', 1, undefined],
      ],
    );
    assert.equal(rec.error, null);
  });

  test('shutdown and exit', async () => {
    assert.equal(await client.shutdown(), 0);
  });
});

describe('language server scheduling', () => {
  const dir = tempDir('vale-ffi-burst-');
  cpSync(EXAMPLES, dir, { recursive: true });
  const path = join(dir, 'fleet', 'fleet.vale');
  const docUri = URI.file(path).toString();
  const original = readFileSync(path, 'utf8');
  const client = new TestClient();

  before(async () => {
    await client.initialize(URI.file(dir).toString(), { projectName: 'fleet' });
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: docUri, languageId: 'vale', version: 1, text: original },
    });
    await client.waitFor('the first diagnostics', () => client.versions.get(docUri) === 1);
  });
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('a burst of 1,000 edits: the last version is answered, with its diagnostics; intermediate versions are skipped', async () => {
    // The first extern's `;` replaced, then a body typed character by character (ExternHasBody).
    const at = original.indexOf(';', original.indexOf('extern func'));
    const line = original.slice(0, at).split('\n').length - 1;
    const character = at - original.lastIndexOf('\n', at - 1) - 1;
    const typed = ` { 0 }${' '.repeat(994)}`;
    const before = client.published.filter((p) => p.uri === docUri).length;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 1000; i++) {
      const position = { line, character: character + i };
      const end = i === 0 ? { line, character: character + 1 } : position;
      sends.push(
        client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri: docUri, version: 2 + i },
          contentChanges: [{ range: { start: position, end }, text: typed[i] }],
        }),
      );
    }
    await Promise.all(sends);
    await client.waitFor('diagnostics of version 1001', () => client.versions.get(docUri) === 1001, 30_000);
    const answers = client.published.filter((p) => p.uri === docUri).slice(before);
    console.log(`${answers.length} publishes for 1000 edits`);
    assert.ok(answers.length < 1000, `${answers.length} publishes for 1000 edits`);
    assert.deepEqual(
      client.diagnostics.get(docUri)!.map((d) => d.code),
      ['ExternHasBody'],
    );
    // The hover answers on the newest text.
    const hover: Hover | null = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: docUri },
      position: { line, character: character + 3 },
    });
    assert.equal(hover, null, 'inside the new body: nothing to hover');
  });

  test('a document nested 100,000 levels deep gets its diagnostics, and later edits still do', async () => {
    const deep = URI.file(join(dir, 'fleet', 'deep.vale')).toString();
    const text = `func f() int { ${'('.repeat(100_000)}1${')'.repeat(100_000)} }\n`;
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: deep, languageId: 'vale', version: 1, text } });
    await client.waitFor('diagnostics of the deep document', () => client.versions.get(deep) === 1, 30_000);
    assert.match(String(client.diagnostics.get(deep)![0].message), /nested more than \d+ levels deep/);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: deep, version: 2 },
      contentChanges: [
        { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'extern func now() int { 0 }\n' },
      ],
    });
    await client.waitFor('diagnostics of version 2', () => client.versions.get(deep) === 2, 30_000);
    assert.ok(client.diagnostics.get(deep)!.some((d) => d.code === 'ExternHasBody'));
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: deep } });
  });

  test('a document with a 4 MB line gets its diagnostics, a hover at the end of the line, and later edits', async () => {
    const long = URI.file(join(dir, 'fleet', 'long.vale')).toString();
    const line = `extern func far(x Nope) int; // ${'x'.repeat(4_000_000)}`;
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: long, languageId: 'vale', version: 1, text: `${line}\nexported struct Tail imm { n int; }\n` },
    });
    await client.waitFor('diagnostics of the long line', () => client.versions.get(long) === 1, 30_000);
    // The workspace has C files (examples/fleet/native), none of which defines vtest_far.
    assert.deepEqual(
      client.diagnostics.get(long)!.map((d) => d.code),
      ['ExternNotImplemented', 'UnknownKind'],
    );
    const hover = await client.connection.sendRequest<Hover | null>('textDocument/hover', {
      textDocument: { uri: long },
      position: { line: 1, character: 17 },
    });
    assert.match(hoverText(hover), /Tail/);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: long, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 18 }, end: { line: 0, character: 22 } }, text: 'int' }],
    });
    await client.waitFor('diagnostics of version 2', () => client.versions.get(long) === 2, 30_000);
    assert.deepEqual(
      client.diagnostics.get(long)!.map((d) => d.code),
      ['ExternNotImplemented'],
    );
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: long } });
  });

  test('after any keystrokes, what was published equals what the same text gets when opened afresh (moved, changed and kept diagnostics)', async () => {
    const typed = uri('typing/typed.vale');
    // Blocks with mistakes that keystrokes mostly leave alone: each moves when a line is added above it.
    let text = '';
    for (let k = 0; k < 6; k++)
      text += [
        `// block ${k}`,
        `export [#3]<imm>int as Triple${k};`,
        `extern func weigh${k}(crate Crate${k}) int;`,
        `struct Crate${k} imm { weight int; }`,
        `extern func total${k}(weights []<imm>int) int;`,
        '',
      ].join('\n');
    let version = 1;
    const open = async (): Promise<void> => {
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: typed, languageId: 'vale', version, text } });
      const v = version;
      await client.waitFor(`diagnostics of version ${v}`, () => client.versions.get(typed) === v);
    };
    // Each diagnostic as a client reads it, in a stable order.
    const published = (): string[] =>
      client.diagnostics
        .get(typed)!
        .map((d) => JSON.stringify([d.range, d.severity, d.code, d.message, d.relatedInformation]))
        .sort();
    await open();
    let seed = 7;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 12; i++) {
        const at = next(text.length + 1);
        const typedText = ['x', ' ', '\n', '\n', '\n', ';', '}'][next(7)];
        const start = positionOf(`${text.slice(0, at)}\u0000`, '\u0000');
        text = text.slice(0, at) + typedText + text.slice(at);
        version++;
        await client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri: typed, version },
          contentChanges: [{ range: { start, end: start }, text: typedText }],
        });
        const v = version;
        await client.waitFor(`diagnostics of version ${v}`, () => client.versions.get(typed) === v);
      }
      const incremental = published();
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: typed } });
      version++;
      await open();
      assert.deepEqual(published(), incremental, `round ${round}:\n${text}`);
      assert.ok(incremental.length > 0);
    }
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: typed } });
  });

  test('a C document typed into with a syntax error is parsed again once typing pauses: its diagnostics then read as a fresh open gives them', async () => {
    const cUri = URI.file(join(dir, 'fleet', 'native', 'settle.c')).toString();
    let text =
      'int fleet_f(ShipPtr p) { return p->fule + g->fuel; }\nvoid fleet_cReportFleet(void) { fleet_x(g, 2); }\nint k(void) { return 1; }\n';
    let version = 1;
    const open = async () => {
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: cUri, languageId: 'c', version, text } });
      await client.waitFor(`the C document's version ${version}`, () => client.versions.get(cUri) === version);
    };
    const about = () =>
      (client.diagnostics.get(cUri) ?? []).map((d) => String(d.message)).find((m) => m.startsWith('fleet_cReportFleet')) ?? '';
    await open();
    /** A keystroke at an offset, answered before the next. */
    const type = async (at: number, remove: number, newText: string) => {
      const position = (o: number) => {
        const before = text.slice(0, o);
        return { line: before.split('\n').length - 1, character: o - before.lastIndexOf('\n') - 1 };
      };
      const range = { start: position(at), end: position(at + remove) };
      text = text.slice(0, at) + newText + text.slice(at + remove);
      version++;
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: cUri, version },
        contentChanges: [{ range, text: newText }],
      });
      const v = version;
      await client.waitFor(`the C document's version ${v}`, () => client.versions.get(cUri) === v);
    };
    // `vid fleet_cReportFleet(void)`, a `}` at the top, `q` in `void`: tree-sitter's reparse over
    // its last tree reads `vqoid` as a parameter's type, a parse from scratch as a K&R name list.
    await type(text.indexOf('void fleet_cReportFleet') + 1, 1, '');
    await type(0, 0, '}');
    const publishes = client.published.filter((p) => p.uri === cUri).length;
    await type(text.indexOf('(void)', text.indexOf('fleet_cReportFleet(')) + 2, 0, 'q');
    const typed = about();
    assert.match(typed, /vqoid/);
    // Typing paused: one more publish of the same version, as a fresh open reads the text.
    await client.waitFor('the settled diagnostics', () => client.published.filter((p) => p.uri === cUri).length > publishes + 1, 10_000);
    const settled = client.diagnostics.get(cUri);
    assert.equal(client.versions.get(cUri), version);
    assert.notEqual(about(), typed);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: cUri } });
    version++;
    await open();
    assert.deepEqual(client.diagnostics.get(cUri), settled);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: cUri } });
  });

  test("a client that waits for each version's diagnostics gets every version answered", async () => {
    let version = client.versions.get(docUri)!;
    for (let i = 0; i < 20; i++) {
      version++;
      const position = { line: 0, character: 0 };
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: docUri, version },
        contentChanges: [{ range: { start: position, end: position }, text: i % 2 === 0 ? '\n' : ' ' }],
      });
      const v = version;
      await client.waitFor(`diagnostics of version ${v}`, () => client.versions.get(docUri) === v);
    }
  });
});

describe('a document opened while the server reads the workspace', () => {
  const client = new TestClient();
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('is answered once every file is read, before the warm-up', async () => {
    // fleet.vale uses kinds that ships.vale declares: checked before ships.vale is read, it would show UnknownKind.
    const fleet = uri('fleet/fleet.vale');
    await client.initialize(URI.file(EXAMPLES).toString(), { projectName: 'fleet' });
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: fleet, languageId: 'vale', version: 1, text: readFileSync(join(EXAMPLES, 'fleet', 'fleet.vale'), 'utf8') },
    });
    await client.waitFor('the warm-up', () => client.logs.some((m) => m.startsWith('vale-ffi: edit path warmed up')));
    await client.waitFor('diagnostics of harbor/mistakes.vale (the pass after the warm-up)', () => client.versions.has(MISTAKES));
    const answers = client.sequence.filter((e) => e.startsWith(`publish ${fleet} `));
    assert.ok(answers.length > 0, client.sequence.join('\n'));
    assert.ok(
      answers.every((a) => a === `publish ${fleet} 1 0`),
      client.sequence.join('\n'),
    );
    const warmUp = client.sequence.findIndex((e) => e.startsWith('log vale-ffi: edit path warmed up'));
    assert.ok(client.sequence.indexOf(answers[0]) < warmUp, client.sequence.join('\n'));
  });
});

describe('a warm-up that is long (a large workspace)', () => {
  const client = new TestClient();
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('lets requests and edits through while it runs: they are answered before it ends', async () => {
    // Enough Vale for the longest warm-up (MAX_WARM_UP_KEYSTROKES into MAX_WARM_UP_COPIES: about 2 s here).
    const { dir, fleet } = fleetPackages('vale-ffi-long-warm-up-', 500);
    assert.equal(warmUpKeystrokes(500 * fleet.length), MAX_WARM_UP_KEYSTROKES);
    assert.equal(warmUpCopies(500 * fleet.length), MAX_WARM_UP_COPIES);
    const doc = URI.file(join(dir, 'p0', 'fleet.vale')).toString();
    await client.initialize(URI.file(dir).toString(), {});
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: doc, languageId: 'vale', version: 1, text: fleet },
    });
    await client.waitFor('the first diagnostics', () => client.versions.get(doc) === 1, 60_000);
    const warmed = (): boolean => client.logs.some((m) => m.startsWith('vale-ffi: edit path warmed up'));
    assert.ok(!warmed(), 'the warm-up ended before the first diagnostics');
    const { line } = fleetName(fleet);
    assert.ok(await hoverOnFleet(client, doc, fleet), 'a hover on struct Fleet');
    assert.ok(!warmed(), 'the hover waited for the warm-up');
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: doc, version: 2 },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ' ' }],
    });
    await client.waitFor('diagnostics of version 2', () => client.versions.get(doc) === 2);
    assert.ok(!warmed(), 'the edit waited for the warm-up');
    await client.waitFor('the warm-up', warmed, 60_000);
    const log = client.logs.find((m) => m.startsWith('vale-ffi: edit path warmed up'))!;
    assert.match(
      log,
      new RegExp(`^vale-ffi: edit path warmed up \\(${MAX_WARM_UP_KEYSTROKES} keystrokes on a sample of ${MAX_WARM_UP_COPIES} copies, `),
    );
  });
});

describe('requests sent while the server reads the workspace', () => {
  // Each file read 1 ms slower, so that the reading takes many slices here as on a large workspace.
  const client = new TestClient(undefined, { ...process.env, VALE_FFI_FAILPOINTS: 'slow-read' });
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('folding and the outline are answered at once; a hover waits for the files and answers from all of them', async () => {
    const { dir } = fleetPackages('vale-ffi-reading-requests-', 300, (i) => `struct Crate${i} imm { weight int; }\n`);
    // The open document names a kind that another file of its package declares.
    const text = 'exported struct Hold imm {\n  crate Crate0;\n  count int;\n}\n';
    const doc = URI.file(join(dir, 'p0', 'hold.vale')).toString();
    writeFileSync(URI.parse(doc).fsPath, text);
    await client.initialize(URI.file(dir).toString(), {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: doc, languageId: 'vale', version: 1, text } });
    const read = (): boolean => client.progress.some((p) => p.startsWith('end'));
    const reports = (): number => client.progress.filter((p) => p.startsWith('report')).length;
    // Answered while files were still being read: the reading reported its progress again after.
    const answeredWhileReading = async (method: string): Promise<() => boolean> => {
      const answer = await client.connection.sendRequest(method, { textDocument: { uri: doc } });
      assert.ok(Array.isArray(answer) && answer.length > 0, `${method}: ${JSON.stringify(answer)}`);
      const seen = reports();
      return () => reports() > seen;
    };
    await client.waitFor('the reading under way', () => client.progress.some((p) => p.startsWith('report')), 60_000);
    const hover = client.connection.sendRequest<Hover | null>('textDocument/hover', {
      textDocument: { uri: doc },
      position: { line: 0, character: 'exported struct Ho'.length },
    });
    const folding = await answeredWhileReading('textDocument/foldingRange');
    const outline = await answeredWhileReading('textDocument/documentSymbol');
    const shown = await hover;
    assert.ok(read(), 'the hover waited for the files');
    assert.ok(folding(), 'folding answered while the files were read');
    assert.ok(outline(), 'the outline answered while the files were read');
    // Its layout reads Crate0 (another file): an answer from the files read so far would not know it.
    const value = (shown?.contents as { value: string } | undefined)?.value ?? '';
    assert.match(value, /Crate0/, value);
    assert.doesNotMatch(value, /unknown/i, value);
  });
});

describe('a document opened once the workspace is read, while the server makes the reach walk ahead', () => {
  // The walk's steps made slower (2 ms each), so that it takes many slices here as on a large workspace.
  const client = new TestClient(undefined, { ...process.env, VALE_FFI_FAILPOINTS: 'slow-prepare' });
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('is answered at once; the other files wait for the walk (their first check would make it in one piece)', async () => {
    // Packages of a fleet and a file with a mistake each (a diagnostic to publish per closed file).
    const { dir, fleet } = fleetPackages(
      'vale-ffi-reach-ahead-',
      300,
      (i) => `extern func weigh${i}(crate Crate${i}) int;\nstruct Crate${i} imm { weight int; }\n`,
    );
    const doc = URI.file(join(dir, 'p0', 'fleet.vale')).toString();
    await client.initialize(URI.file(dir).toString(), {});
    await client.waitFor('the workspace read', () => client.progress.some((p) => p.startsWith('end')), 60_000);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: doc, languageId: 'vale', version: 1, text: fleet },
    });
    const closed = (e: string): boolean => e.startsWith('publish ') && e.includes('/crates.vale ');
    await client.waitFor('the closed files published', () => client.sequence.filter(closed).length === 300, 60_000);
    const opened = client.sequence.findIndex((e) => e.startsWith(`publish ${doc} 1 `));
    const walked = client.sequence.indexOf('log vale-ffi: reach walk made ahead; checking the other files');
    const firstClosed = client.sequence.findIndex(closed);
    const head = client.sequence.slice(0, 12).join('\n');
    assert.ok(opened >= 0 && walked >= 0 && opened < walked, `the document before the walk:\n${head}`);
    assert.ok(walked < firstClosed, `no closed file before the walk:\n${head}`);
    for (const e of client.sequence.filter(closed)) assert.match(e, / 1$/, "a closed file's one diagnostic");
  });
});

describe("a client that shows neither a code's link nor related locations (its publishDiagnostics capabilities say so)", () => {
  const client = new TestClient();
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('gets its diagnostics without them, and the same diagnostics otherwise', async () => {
    await client.initialize(URI.file(EXAMPLES).toString(), { projectName: 'fleet' }, { textDocument: { publishDiagnostics: {} } });
    await client.waitFor('diagnostics of harbor/mistakes.vale', () => (client.diagnostics.get(MISTAKES)?.length ?? 0) >= 6);
    const shown = client.diagnostics.get(MISTAKES)!;
    for (const d of shown) {
      assert.equal(d.codeDescription, undefined);
      assert.equal(d.relatedInformation, undefined);
    }
    // A client that shows both (VS Code's capabilities) gets the same diagnostics, with them.
    const full = new TestClient();
    try {
      await full.initialize(URI.file(EXAMPLES).toString(), { projectName: 'fleet' });
      await full.waitFor('diagnostics of harbor/mistakes.vale', () => (full.diagnostics.get(MISTAKES)?.length ?? 0) >= 6);
      const all = full.diagnostics.get(MISTAKES)!;
      assert.ok(all.every((d) => d.codeDescription?.href));
      assert.ok(all.some((d) => d.relatedInformation?.length));
      assert.deepEqual(
        shown,
        all.map(({ codeDescription: _, relatedInformation: __, ...rest }) => rest),
      );
    } finally {
      await full.shutdown();
    }
  });
});

describe('many files changed on disk at once (a branch switch)', () => {
  const client = new TestClient();
  const dir = tempDir('vale-ffi-branch-switch-');
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('requests are answered while they are read; then every one is analysed, and the status counts them', async () => {
    const fleet = readFileSync(join(EXAMPLES, 'fleet', 'fleet.vale'), 'utf8');
    mkdirSync(join(dir, 'main'));
    writeFileSync(join(dir, 'main', 'fleet.vale'), fleet);
    const doc = URI.file(join(dir, 'main', 'fleet.vale')).toString();
    await client.initialize(URI.file(dir).toString(), {});
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: doc, languageId: 'vale', version: 1, text: fleet },
    });
    await client.waitFor('the first diagnostics', () => client.versions.get(doc) === 1, 60_000);
    // The branch: 600 packages appear, each with an extern over a kind it does not export.
    const count = 600;
    const created: string[] = [];
    for (let i = 0; i < count; i++) {
      mkdirSync(join(dir, `b${i}`));
      const path = join(dir, `b${i}`, 'cargo.vale');
      writeFileSync(path, `struct Cargo${i} imm { n int; }\nextern func weigh${i}(c Cargo${i}) int;\n`);
      created.push(URI.file(path).toString());
    }
    const readLog = (): string | undefined => client.logs.find((m) => m.includes('files changed on disk'));
    const ready = client.statuses.length;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: created.map((uri) => ({ uri, type: 1 })),
    });
    assert.ok(await hoverOnFleet(client, doc, fleet), 'a hover on struct Fleet');
    assert.equal(readLog(), undefined, 'the hover waited for every changed file to be read');
    await client.waitFor('the files read', () => readLog() !== undefined, 60_000);
    assert.match(readLog()!, new RegExp(`^vale-ffi: read ${count} files changed on disk \\(\\d+ ms\\)$`));
    await client.waitFor('the status after the change', () => client.statuses.length > ready && client.statuses.at(-1)!.state === 'ready');
    assert.equal(client.statuses.at(-1)!.valeFiles, count + 1);
    // Each new file gets its diagnostics: the extern's kind is not exported.
    await client.waitFor(
      'diagnostics of every new file',
      () => created.every((uri) => (client.diagnostics.get(uri) ?? []).some((d) => d.code === 'ExternFunctionDependedOnNonExportedKind')),
      60_000,
    );
  });

  test('a folder deleted or moved (an editor reports the folder, not its files): its files go, or move', async () => {
    const fileIn = (folder: string) => URI.file(join(dir, folder, 'cargo.vale')).toString();
    const folderUri = (folder: string) => URI.file(join(dir, folder)).toString();
    const files = client.statuses.at(-1)!.valeFiles;
    for (let i = 0; i < 10; i++) rmSync(join(dir, `b${i}`), { recursive: true });
    renameSync(join(dir, 'b10'), join(dir, 'moved'));
    const statuses = client.statuses.length;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [...Array.from({ length: 11 }, (_, i) => ({ uri: folderUri(`b${i}`), type: 3 })), { uri: folderUri('moved'), type: 1 }],
    });
    await client.waitFor('the status after the change', () => client.statuses.length > statuses);
    assert.equal(client.statuses.at(-1)!.valeFiles, files - 10, 'eleven files went, one came');
    await client.waitFor('the moved file analysed', () =>
      (client.diagnostics.get(fileIn('moved')) ?? []).some((d) => d.code === 'ExternFunctionDependedOnNonExportedKind'),
    );
    for (let i = 0; i <= 10; i++) assert.deepEqual(client.diagnostics.get(fileIn(`b${i}`)), [], `b${i}'s diagnostics cleared`);
    // A plain file created: nothing came or went (the folder after it is the next status).
    writeFileSync(join(dir, 'notes.txt'), 'not a source\n');
    mkdirSync(join(dir, 'extra'));
    writeFileSync(join(dir, 'extra', 'cargo.vale'), 'exported struct Extra imm { n int; }\n');
    const before = client.statuses.length;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: URI.file(join(dir, 'notes.txt')).toString(), type: 1 }],
    });
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: folderUri('extra'), type: 1 }] });
    await client.waitFor('the status after the folder', () => client.statuses.length > before);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(client.statuses.length, before + 1, 'one status: the text file brought nothing');
    assert.equal(client.statuses.at(-1)!.valeFiles, files - 9);
    const hover = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: fileIn('moved') },
      position: { line: 0, character: 8 },
    });
    assert.ok(hover, "a hover on the moved file's struct");
  });
});

describe('a start-up whose reading of the workspace fails', () => {
  // The failpoint makes the start-up's reading throw, as a bug would.
  const client = new TestClient(undefined, { ...process.env, VALE_FFI_FAILPOINTS: 'reading' });
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('says so, and the open documents are analysed all the same, then every edit', async () => {
    const doc = uri('harbor/alone.vale');
    await client.initialize(URI.file(EXAMPLES).toString(), {});
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: doc, languageId: 'vale', version: 1, text: 'extern func lost(q Nowhere) int;\n' },
    });
    await client.waitFor('the open document answered', () => client.versions.get(doc) === 1);
    assert.deepEqual(
      client.diagnostics.get(doc)?.map((d) => d.code),
      ['UnknownKind'],
    );
    assert.ok(
      client.messages.some((m) => m.startsWith("vale-ffi could not read the workspace's files: failpoint reading reached")),
      client.messages.join('\n'),
    );
    assert.ok(client.logs.some((m) => m.startsWith('vale-ffi: reading the workspace failed: Error: failpoint reading reached')));
    await client.waitFor('the ready status', () => client.statuses.some((s) => s.state === 'ready'));
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: doc, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '' }],
    });
    await client.waitFor('the edit answered', () => client.versions.get(doc) === 2);
    assert.deepEqual(client.diagnostics.get(doc), []);
  });
});

describe('scheduling while a document is typed into', () => {
  // 300 files with a diagnostic each: the server's start-up pass over them is long.
  const dir = tempDir('vale-ffi-lsp-typing-');
  for (let i = 0; i < 300; i++) {
    mkdirSync(join(dir, `p${i}`), { recursive: true });
    writeFileSync(join(dir, `p${i}`, 'f.vale'), `extern func probe${i}(x Missing${i}) int;\n`);
  }
  const typed = URI.file(join(dir, 'p0', 'f.vale')).toString();
  // A wide pause, so the assertion does not depend on how fast this machine answers.
  const client = new TestClient(undefined, { ...process.env, VALE_FFI_QUIET_MS: '2000' });
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test("each keystroke is answered before other files' diagnostics, and the start-up pass completes once typing pauses", async () => {
    await client.initialize(URI.file(dir).toString(), {});
    await client.waitFor('indexing', () => client.progress.some((p) => p.startsWith('end')));
    let text = 'extern func probe0(x Missing0) int;\n';
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: typed, languageId: 'vale', version: 1, text },
    });
    await client.waitFor('the first answer', () => client.versions.get(typed) === 1);
    const others = (): number => new Set(client.published.filter((p) => p.uri !== typed).map((p) => p.uri)).size;
    const before = others();
    for (let version = 2; version < 40; version++) {
      const position = { line: 1, character: 0 };
      text += '/';
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: typed, version },
        contentChanges: [{ range: { start: position, end: position }, text: '/' }],
      });
      await client.waitFor(`version ${version}`, () => client.versions.get(typed) === version);
    }
    assert.equal(others(), before, 'no other file was analysed between keystrokes');
    await client.waitFor('every file published', () => others() === 299, 60_000);
    assert.equal(client.diagnostics.get(typed)?.[0]?.code, 'UnknownKind');
  });
});

describe('start-up reading in worker threads (valeFfi.jobs)', () => {
  // examples/ and 120 files in 8 packages importing each other, with syntax and FFI errors.
  const dir = tempDir('vale-ffi-lsp-jobs-');
  cpSync(EXAMPLES, join(dir, 'examples'), { recursive: true });
  for (let p = 0; p < 8; p++) {
    mkdirSync(join(dir, `p${p}`), { recursive: true });
    for (let f = 0; f < 15; f++) {
      const id = `${p}_${f}`;
      const lines = [
        p > 0 ? `import ${'jobs'}.p${p - 1}.*;` : '',
        `exported struct Ship${id} imm { fuel int; ${f > 0 ? `prev Ship${p}_${f - 1};` : ''} }`,
        `struct Crate${id} { n int; }`,
        f % 4 === 1 ? `extern func weigh${id}(c Crate${id}) int;` : `exported func fuel${id}(s Ship${id}) int { s.fuel }`,
        f % 5 === 2 ? `func broken${id}(x int) int { x + ; }` : `func fine${id}(x int) int { x + 1 }`,
        p > 0 && f === 0 ? `extern func escort${id}(s Ship${p - 1}_14) int;` : '',
      ];
      writeFileSync(join(dir, `p${p}`, `f${f}.vale`), `${lines.join('\n')}\n`);
    }
  }
  writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify({ modules: { jobs: '.' } }));
  const clients: TestClient[] = [];
  after(() => {
    for (const c of clients) if (c.process.exitCode === null) c.process.kill();
  });

  const start = async (jobs: number): Promise<TestClient> => {
    const client = new TestClient();
    clients.push(client);
    await client.initialize(URI.file(dir).toString(), { jobs });
    await client.waitFor('indexing', () => client.progress.some((p) => p.startsWith('end')), 60_000);
    // Every Vale file with a diagnostic published (one pass over all of them).
    await client.waitFor('the start-up pass', () => client.diagnostics.size >= 48, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return client;
  };

  test('files read in 3 threads give the diagnostics, hovers and edits that reading them here gives', async () => {
    const here = await start(1);
    const threads = await start(3);
    await threads.waitFor('the files read in 3 threads', () => threads.logs.some((m) => /indexed \d+ files \(read in 3 threads\)/.test(m)));
    await here.waitFor('the files read here', () => here.logs.some((m) => /indexed \d+ files$/.test(m)));
    const sorted = (c: TestClient): [string, unknown][] => [...c.diagnostics].filter(([, d]) => d.length > 0).sort();
    assert.ok(sorted(here).length >= 48);
    assert.deepEqual(sorted(threads), sorted(here));
    // A file read by a thread answers hovers, and opening and editing it re-reads it.
    const file = URI.file(join(dir, 'p2', 'f3.vale')).toString();
    const at = { line: 1, character: 'exported struct Sh'.length };
    for (const c of [here, threads]) {
      const h = (await c.connection.sendRequest('textDocument/hover', { textDocument: { uri: file }, position: at })) as Hover | null;
      assert.match(hoverText(h), /Ship2_3/);
      const text = readFileSync(join(dir, 'p2', 'f3.vale'), 'utf8');
      await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: file, languageId: 'vale', version: 1, text } });
      await c.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: file, version: 2 },
        contentChanges: [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'exported ' }],
      });
      await c.waitFor('version 2', () => c.versions.get(file) === 2);
    }
    assert.deepEqual(threads.diagnostics.get(file), here.diagnostics.get(file));
  });

  test('a document opened while the threads read keeps its text: what they read from disk does not replace it', async () => {
    const client = new TestClient();
    clients.push(client);
    const file = URI.file(join(dir, 'p5', 'f7.vale')).toString();
    // On disk the file is fine; the open document names a kind nobody declares.
    const text = 'extern func opened(s Nowhere57) int;\n';
    await client.initialize(URI.file(dir).toString(), { jobs: 3 });
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: file, languageId: 'vale', version: 1, text } });
    await client.waitFor('indexing', () => client.progress.some((p) => p.startsWith('end')), 60_000);
    await client.waitFor('the open document', () => client.versions.get(file) === 1, 60_000);
    await client.waitFor('the files read in 3 threads', () => client.logs.some((m) => /read in 3 threads/.test(m)));
    // Checked once every file is read, C files too: no C file defines `opened`.
    assert.deepEqual(
      client.diagnostics.get(file)?.map((d) => d.code),
      ['ExternNotImplemented', 'UnknownKind'],
    );
    const h = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: file },
      position: { line: 0, character: 'extern func op'.length },
    })) as Hover | null;
    assert.match(hoverText(h), /opened/);
  });
});

describe('the project configuration file in the server', () => {
  const dir = tempDir('vale-ffi-lsp-config-');
  const write = (rel: string, text: string): void => writeFileSync(join(dir, rel), text);
  const cfgUri = URI.file(join(dir, 'vale-ffi.json')).toString();
  const app = URI.file(join(dir, 'app', 'ffi.vale')).toString();
  const generated = URI.file(join(dir, 'app', 'generated', 'gen.vale')).toString();
  const ignored = URI.file(join(dir, 'app', 'scratch', 'old.vale')).toString();
  const client = new TestClient();

  before(async () => {
    for (const d of ['app/generated', 'app/scratch']) mkdirSync(join(dir, d), { recursive: true });
    write('.gitignore', 'scratch/\n');
    write(
      'vale-ffi.json',
      JSON.stringify({ project: 'port', severity: { NonHierarchicalImmutable: 'warning', UnknownKind: 'off' }, exclude: ['generated/'] }),
    );
    write(
      'app/ffi.vale',
      'exported interface Signal imm { }\nextern func raise(s Signal) int;\nextern func lost(q Quy) int;\nexported struct Dock { n int; }\n',
    );
    write('app/generated/gen.vale', 'extern func gen(x Nope) int;\n');
    write('app/scratch/old.vale', 'extern func old(x Nope) int;\n');
    await client.initialize(URI.file(dir).toString(), {});
  });
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('severities, excludes, .gitignore and the project name come from vale-ffi.json', async () => {
    await client.waitFor('the app diagnostics', () => client.diagnostics.has(app));
    assert.ok(client.progress.includes('begin: Indexing 1 files'), client.progress.join('\n'));
    assert.deepEqual(
      client.diagnostics.get(app)!.map((d) => [d.code, d.severity]),
      [['NonHierarchicalImmutable', 2]],
      'NonHierarchicalImmutable as a warning, UnknownKind off',
    );
    assert.equal(client.diagnostics.get(generated), undefined, 'an excluded file is not analyzed');
    assert.equal(client.diagnostics.get(ignored), undefined, 'a gitignored file is not analyzed');
    const header = await client.request(HEADER, { name: 'Dock' });
    assert.match(header.text, /typedef struct port_DockRef/, 'the project name of the file, not the default');
  });

  test('a changed configuration applies at once: severities and the files analyzed follow it', async () => {
    writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify({ project: 'port' }));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cfgUri, type: 2 }] });
    await client.waitFor(
      'UnknownKind back, and the generated file analyzed',
      () =>
        (client.diagnostics.get(app) ?? []).some((d) => d.code === 'UnknownKind') && (client.diagnostics.get(generated)?.length ?? 0) > 0,
    );
    assert.deepEqual(
      client.diagnostics.get(app)!.map((d) => [d.code, d.severity]),
      [
        ['NonHierarchicalImmutable', 1],
        ['UnknownKind', 1],
      ],
    );
    assert.equal(client.diagnostics.get(ignored), undefined, 'still gitignored');
  });

  test('a configuration with a mistake is reported, and the rest of it applies', async () => {
    writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify({ project: 'port', severity: { UnknwnKind: 'off', UnknownKind: 'hint' } }));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cfgUri, type: 2 }] });
    await client.waitFor('a warning about the configuration', () => client.messages.some((m) => /UnknwnKind/.test(m)));
    assert.match(client.messages.at(-1)!, /severity\.UnknwnKind: no diagnostic code UnknwnKind \(did you mean UnknownKind\?\)/);
    await client.waitFor('UnknownKind as a hint', () =>
      (client.diagnostics.get(app) ?? []).some((d) => d.code === 'UnknownKind' && d.severity === 4),
    );
  });

  test('a document edited past the source limit is kept but not analysed, and analysed again below it', async () => {
    writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify({ maxSourceBytes: 1000 }));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cfgUri, type: 2 }] });
    const big = URI.file(join(dir, 'app', 'big.vale')).toString();
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: big, languageId: 'vale', version: 1, text: 'extern func lost(x Nope) int;\n' },
    });
    await client.waitFor('version 1', () => client.versions.get(big) === 1);
    assert.deepEqual(
      client.diagnostics.get(big)!.map((d) => d.code),
      ['UnknownKind'],
    );
    const grow = { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: `// ${'x'.repeat(2000)}\n` };
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: big, version: 2 }, contentChanges: [grow] });
    await client.waitFor('version 2', () => client.versions.get(big) === 2);
    const [notice] = client.diagnostics.get(big)!;
    assert.match(String(notice.message), /does not analyse this document: it is \d+ characters, over the 1000-byte source limit/);
    const shrink = { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' };
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: big, version: 3 },
      contentChanges: [shrink],
    });
    await client.waitFor('version 3', () => client.versions.get(big) === 3);
    assert.deepEqual(
      client.diagnostics.get(big)!.map((d) => d.code),
      ['UnknownKind'],
      'the edits made while over the limit applied: the text is whole again',
    );
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: big } });
    writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify({}));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cfgUri, type: 2 }] });
  });

  test('modules from the configuration name packages as valec does', async () => {
    mkdirSync(join(dir, 'tests', 'sub'), { recursive: true });
    write('tests/main.vale', 'import vtest.sub.*;\nexported struct Ship imm { fuel int; }\n');
    write('tests/sub/use.vale', 'import vtest.*;\nexported func getFuel(s Ship) int { s.fuel }\n');
    const use = URI.file(join(dir, 'tests', 'sub', 'use.vale')).toString();
    writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify({ modules: { vtest: 'tests' } }));
    // The files written are reported too, as an editor's watcher does: the server may have read
    // one half written while it handled the last test's change of the configuration.
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: cfgUri, type: 2 },
        { uri: URI.file(join(dir, 'tests', 'main.vale')).toString(), type: 1 },
        { uri: use, type: 1 },
      ],
    });
    await client.waitFor('the export checked in its own package', () =>
      (client.diagnostics.get(use) ?? []).some((d) => d.code === 'ExportedFunctionDependedOnNonExportedKind'),
    );
    writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify({}));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cfgUri, type: 2 }] });
    await client.waitFor('without the module, vtest is outside the workspace', () =>
      (client.diagnostics.get(use) ?? []).some((d) => d.code === 'UncheckedExternalKind'),
    );
  });

  test("a build's headers: a hand-edited one is StaleGeneratedHeader until it is rebuilt", async () => {
    mkdirSync(join(dir, 'tests'), { recursive: true });
    mkdirSync(join(dir, 'out', 'include', 'vtest'), { recursive: true });
    write('tests/main.vale', 'exported struct Ship imm { fuel int; }\n');
    const main = URI.file(join(dir, 'tests', 'main.vale')).toString();
    const header = join(dir, 'out', 'include', 'vtest', 'Ship.h');
    const shipHeader = (members: string): string =>
      `#ifndef VALE_EXPORTS_Ship_H_\n#define VALE_EXPORTS_Ship_H_\n#include "ValeBuiltins.h"\ntypedef struct vtest_Ship { \n${members}} vtest_Ship;\n#endif\n`;
    writeFileSync(header, shipHeader(''));
    writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify({ modules: { vtest: 'tests' }, buildDirectory: 'out' }));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: cfgUri, type: 2 },
        { uri: main, type: 2 },
      ],
    });
    await client.waitFor('StaleGeneratedHeader on Ship', () =>
      (client.diagnostics.get(main) ?? []).some(
        (d) =>
          d.code === 'StaleGeneratedHeader' &&
          d.severity === 2 &&
          /out\/include\/vtest\/Ship\.h .*lacks `int32_t fuel;`/.test(String(d.message)) &&
          d.range.start.line === 0,
      ),
    );
    // The rebuild writes the header the source generates: the warning goes.
    writeFileSync(header, shipHeader('  int32_t fuel;\n'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: URI.file(header).toString(), type: 2 }],
    });
    await client.waitFor('no StaleGeneratedHeader after the rebuild', () =>
      (client.diagnostics.get(main) ?? []).every((d) => d.code !== 'StaleGeneratedHeader'),
    );
    writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify({}));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cfgUri, type: 2 }] });
  });
});

describe('a file whose analysis fails', () => {
  // The failpoints make the diagnostics of a text containing FAILPOINT throw, as a bug would, and
  // the start-up warm-up too.
  const client = new TestClient(undefined, { ...process.env, VALE_FFI_FAILPOINTS: 'diagnostics,warmup' });
  const doc = 'file:///failing/app.vale';
  before(async () => {
    await client.initialize(URI.file(tempDir('vale-ffi-failpoint-')).toString(), {});
  });
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('a warm-up that fails is a warning in the log, and the server goes on', async () => {
    await client.waitFor('the ready status', () => client.statuses.some((s) => s.state === 'ready'));
    await client.waitFor('the warm-up', () => client.logs.some((m) => m.startsWith('vale-ffi: warming the edit path up')));
    assert.ok(
      client.logs.some((m) => m.startsWith('vale-ffi: warming the edit path up failed: Error: failpoint warmup reached')),
      client.logs.join('\n'),
    );
    assert.ok(!client.logs.some((m) => m.includes('edit path warmed up')));
  });

  test('says so in its diagnostics, keeps its text, answers requests, and recovers at the next edit', async () => {
    const text = 'exported struct Ship imm { fuel int; }\n// FAILPOINT\nextern func lost(x Nope) int;\n';
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: doc, languageId: 'vale', version: 1, text } });
    await client.waitFor('the failure reported', () => client.versions.get(doc) === 1);
    const [failure] = client.diagnostics.get(doc)!;
    assert.match(String(failure.message), /vale-ffi could not analyse this file: failpoint diagnostics reached/);
    const hover = await client.connection.sendRequest<Hover | null>('textDocument/hover', {
      textDocument: { uri: doc },
      position: { line: 0, character: 17 },
    });
    assert.match(hoverText(hover), /Ship/, 'the document is still there');
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: doc, version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 3 }, end: { line: 1, character: 12 } }, text: 'fixed' }],
    });
    await client.waitFor('diagnostics of version 2', () => client.versions.get(doc) === 2);
    assert.deepEqual(
      client.diagnostics.get(doc)!.map((d) => d.code),
      ['UnknownKind'],
      'the edit applied to the kept text: analysis is back',
    );
  });
});

describe('closed C files that cannot matter are left unread, and read once the Vale side makes them matter', () => {
  const client = new TestClient();
  const dir = tempDir('vale-ffi-unread-c-');
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('an extern added in Vale: the C file defining it votes for the project, its mismatch is reported, definition leads there', async () => {
    const vale = 'extern func cAdd(a int, b i64) i64;\n';
    mkdirSync(join(dir, 'vtest', 'native'), { recursive: true });
    writeFileSync(join(dir, 'vtest', 'main.vale'), vale);
    writeFileSync(join(dir, 'vtest', 'native', 'alt.c'), '#include <stdint.h>\nint64_t alt_cAdd(int32_t a, int64_t b) { return a + b; }\n');
    // Neither `alt_` nor `_cAdd`: nothing the checks read, until the externs it defines are declared.
    const zed =
      '#include <stdint.h>\nint64_t zed_cMul(int32_t a, int32_t b) { return a * b; }\nint64_t zed_cDiv(int32_t a, int64_t b) { return a / b; }\n';
    writeFileSync(join(dir, 'vtest', 'native', 'zed.c'), zed);
    const main = URI.file(join(dir, 'vtest', 'main.vale')).toString();
    const zedUri = URI.file(join(dir, 'vtest', 'native', 'zed.c')).toString();
    await client.initialize(URI.file(dir).toString(), {});
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: main, languageId: 'vale', version: 1, text: vale },
    });
    await client.waitFor('the first diagnostics', () => client.versions.get(main) === 1, 60_000);
    await client.waitFor('the status', () => client.statuses.at(-1)?.state === 'ready', 60_000);
    assert.equal(client.statuses.at(-1)!.project, 'alt', 'alt_cAdd is the only vote');
    assert.equal(client.statuses.at(-1)!.cFiles, 2, 'a file left unread still counts');
    assert.deepEqual(client.diagnostics.get(main) ?? [], [], 'cAdd is implemented (alt_cAdd)');
    // Typed: two externs that only zed.c defines. It now gives two votes to alt.c's one.
    const added = 'extern func cMul(a int, b i64) i64;\nextern func cDiv(a int, b i64) i64;\n';
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: main, version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: added }],
    });
    const def: Location[] | Location = await client.connection.sendRequest('textDocument/definition', {
      textDocument: { uri: main },
      position: { line: 1, character: 'extern func c'.length },
    });
    const defs = Array.isArray(def) ? def : [def];
    assert.deepEqual(
      defs.map((d) => [d.uri, d.range.start.line]),
      [[zedUri, 1]],
      'the extern cMul leads to zed_cMul (the project is zed now)',
    );
    await client.waitFor('the edit answered', () => client.versions.get(main) === 2, 60_000);
    // The project is zed: alt_cAdd no longer implements cAdd; zed_cMul's second parameter is int32_t, not int64_t.
    assert.deepEqual(
      (client.diagnostics.get(main) ?? []).map((d) => [d.code, d.range.start.line]),
      [['ExternNotImplemented', 0]],
    );
    await client.waitFor(
      'the mismatch in zed.c',
      () => (client.diagnostics.get(zedUri) ?? []).some((d) => d.code === 'CSignatureMismatch' && d.range.start.line === 1),
      60_000,
    );
  });
});
