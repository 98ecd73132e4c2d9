import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ElfError, Workspace, itableEdges, placeItables, readElfSymbols, symbolAddresses } from '../shared';
import { haveTools } from './support/tools';
import { tempDir } from './support/temp';

const VALE = `sealed exported interface Vehicle { }
abstract func drive(virtual v &Vehicle) int;
abstract func park(virtual v &Vehicle, spot int) void;
exported struct Tank { fuel int; }
impl Vehicle for Tank;
exported struct Ship { crew int; }
impl Vehicle for Ship;
interface Horn { func honk(self &Horn) void; }
struct Bike { }
impl Horn for Bike;
`;

function workspace(): Workspace {
  const ws = new Workspace();
  ws.setFile('/garage/vehicles.vale', VALE);
  return ws;
}

describe('itables', () => {
  test('one slot per abstract method; the backend aligns them to 16, natural alignment does not', () => {
    const ws = workspace();
    const edges = itableEdges(ws.program());
    assert.deepEqual(
      edges.map((e) => [e.symbol, e.methods, e.size]),
      [
        ['TankVehicle', ['drive', 'park'], 16],
        ['ShipVehicle', ['drive', 'park'], 16],
        ['BikeHorn', ['honk'], 8],
      ],
    );
    assert.ok(placeItables(edges, 'midas').every((p) => p.address % 16n === 0n));
    const natural = placeItables(edges, 'natural');
    assert.deepEqual(
      natural.map((p) => p.address),
      [0x404008n, 0x404018n, 0x404028n],
    );
    assert.deepEqual(
      ws.diagnostics('/garage/vehicles.vale').filter((d) => d.code === 'UnalignedItable'),
      [],
    );
    ws.setItableOptions({ profile: 'natural' });
    const found = ws.diagnostics('/garage/vehicles.vale').filter((d) => d.code === 'UnalignedItable');
    assert.equal(found.length, 3);
    assert.equal(VALE.slice(found[0].start, found[0].end), 'impl Vehicle for Tank;');
    assert.match(
      found[0].message,
      /TankVehicle \(Tank as Vehicle\) is at 0x404008 in the simulated data section \(natural profile\), not a multiple of 16: a universal reference keeps only 52 bits of its type pointer/,
    );
  });

  test('a real build: gcc places one itable off a 16-byte boundary; --binary reports it at its impl line', () => {
    const dir = tempDir('vale-ffi-elf-');
    // Two itable-named globals: ShipVehicle 16-aligned, TankVehicle 8 bytes past a boundary.
    writeFileSync(
      join(dir, 'itables.c'),
      [
        '__asm__(".data\\n.balign 16\\n.globl ShipVehicle\\nShipVehicle: .quad 0\\n.quad 0\\n.globl TankVehicle\\nfiller: .quad 0\\nTankVehicle: .quad 0\\n.quad 0\\n");',
        'int main(void) { return 0; }',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'vehicles.vale'), VALE);
    for (const [name, args] of [
      ['itables.o', ['-c']],
      ['itables', []],
    ] as const) {
      const cc = spawnSync('gcc', [...args, '-o', join(dir, name), join(dir, 'itables.c')], { encoding: 'utf8' });
      assert.equal(cc.status, 0, cc.stderr);
      const symbols = symbolAddresses(readElfSymbols(readFileSync(join(dir, name))));
      const tank = symbols.get('TankVehicle');
      const ship = symbols.get('ShipVehicle');
      assert.ok(tank !== undefined && ship !== undefined, `${name} has both symbols`);
      assert.equal(tank! % 16n, 8n);
      assert.equal(ship! % 16n, 0n);
      const cli = spawnSync(
        process.execPath,
        [join(__dirname, '..', 'dist', 'cli.js'), 'check', dir, '--binary', join(dir, name), '--format', 'json'],
        { encoding: 'utf8' },
      );
      assert.equal(cli.status, 1, cli.stderr);
      const report = JSON.parse(cli.stdout);
      const unaligned = report.diagnostics.filter((d: { code: string }) => d.code === 'UnalignedItable');
      assert.equal(unaligned.length, 1);
      assert.equal(unaligned[0].range.start.line, 4, 'the impl Vehicle for Tank line');
      assert.match(unaligned[0].message, new RegExp(`TankVehicle \\(Tank as Vehicle\\) is at 0x${tank!.toString(16)} in `));
    }
  });

  for (const profile of ['midas', 'natural'] as const) {
    test(`${profile}: the simulated placement is where gcc puts the same globals in the same order`, (t) => {
      if (!haveTools(t, 'c')) return;
      const placed = placeItables(itableEdges(workspace().program()), profile);
      const align = profile === 'midas' ? 16 : 8;
      const dir = tempDir('vale-ffi-place-');
      // The preceding 8-byte global, then one global per itable, initialized so they land in .data.
      const c = [
        'long vale_preceding = 1;',
        ...placed.map((p) => `void* ${p.symbol}[${p.methods.length}] __attribute__((aligned(${align}))) = { (void*)1 };`),
      ].join('\n');
      writeFileSync(join(dir, 'place.c'), `${c}\n`);
      const cc = spawnSync('gcc', ['-c', '-O0', '-fno-toplevel-reorder', '-fno-common', '-o', join(dir, 'place.o'), join(dir, 'place.c')], {
        encoding: 'utf8',
      });
      assert.equal(cc.status, 0, cc.stderr);
      const symbols = symbolAddresses(readElfSymbols(readFileSync(join(dir, 'place.o'))));
      assert.equal(symbols.get('vale_preceding'), 0n);
      // In an object file a symbol's value is its offset in .data; the simulation starts .data at DATA_SECTION_BASE.
      assert.deepEqual(
        placed.map((p) => [p.symbol, p.address - 0x404000n]),
        placed.map((p) => [p.symbol, symbols.get(p.symbol)]),
      );
    });
  }

  test('truncated, corrupt or non-ELF files are clear errors, never crashes', (t) => {
    if (!haveTools(t, 'c')) return;
    const dir = tempDir('vale-ffi-elf-');
    writeFileSync(join(dir, 'x.c'), 'int TankVehicle[4]; int main(void) { return 0; }');
    assert.equal(spawnSync('gcc', ['-c', '-o', join(dir, 'x.o'), join(dir, 'x.c')]).status, 0);
    const elf = new Uint8Array(readFileSync(join(dir, 'x.o')));
    assert.throws(() => readElfSymbols(new TextEncoder().encode('#!/bin/sh\necho hi\n')), /not an ELF file/);
    assert.throws(() => readElfSymbols(elf.subarray(0, 40)), /the ELF header .* beyond the end of the file/);
    assert.throws(() => readElfSymbols(elf.subarray(0, elf.length - 100)), ElfError);
    fc.assert(
      fc.property(fc.nat(elf.length), fc.array(fc.tuple(fc.nat(elf.length - 1), fc.nat(255)), { maxLength: 8 }), (cut, flips) => {
        const bytes = elf.slice(0, Math.max(cut, 0));
        for (const [at, v] of flips) if (at < bytes.length) bytes[at] = v;
        try {
          readElfSymbols(bytes);
        } catch (e) {
          if (!(e instanceof ElfError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
    const cli = spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'cli.js'), 'itables', dir, '--binary', join(dir, 'x.c')], {
      encoding: 'utf8',
    });
    assert.equal(cli.status, 2);
    assert.match(cli.stderr, /x\.c: not an ELF file/);
  });
});
