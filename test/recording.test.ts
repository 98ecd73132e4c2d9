import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { EXAMPLE_RECORDING, exampleRecording, fleetProgram } from './support/example-recording';
import { BACKEND_PROFILE, CProgram, DEFAULT_TARGET, RecordingWriter, Runtime, Workspace, readRecording } from '../shared';

const SOURCE = `exported struct Engine imm { fuel int; ratio float; }
exported struct Ship imm { name str; engine Engine; crew i64; }
exported struct Dock { berths int; }
export []<imm>int as Counts;
extern func inspect(dock &Dock, n int, other &Dock) Ship;
extern func count(d &Dock) i64;
extern func name() str;
extern func ok(x int) bool;
extern func ratio() float;
extern func tally() []<imm>int;
extern func spawn() Dock;
extern func touch(d &Dock) void;
extern func small() int;
`;

function program(): CProgram {
  const ws = new Workspace();
  ws.setFile('/app/ffi.vale', SOURCE);
  assert.deepEqual(
    ws.allDiagnostics().map((d) => d.message),
    [],
  );
  return new CProgram(ws.program(), 'app', DEFAULT_TARGET);
}

/** A recording of simulated calls, and what each should decode to. */
function simulate(p: CProgram, seed: number) {
  const rt = new Runtime({ seed });
  const region = rt.createRegion('main');
  const dockType = rt.defineType('Dock', 16);
  const docks = [rt.allocate(region, dockType), rt.allocate(region, dockType)];
  const refs = docks.map((d) => rt.issue(d).bytes);
  const w = new RecordingWriter(p);
  const ship = { name: 'Ägir', engine: { fuel: 7, ratio: 0.25 }, crew: '-9007199254740993' };
  w.call('inspect', refs, { kind: 'message', type: p.findKind('Ship')!, value: ship });
  w.call('count', [refs[1]], { kind: 'int', value: -5n, bits: 64 });
  w.call('name', [], { kind: 'message', type: 'str', value: 'hello' });
  w.call('ok', [], { kind: 'bool', value: true });
  w.call('ratio', [], { kind: 'float', value: -1.5 });
  w.call('tally', [], { kind: 'message', type: p.findKind('Counts')!, value: [3, -1, 4] });
  w.call('spawn', [], { kind: 'reference', bytes: refs[0] });
  w.call('touch', [refs[1]], { kind: 'void' });
  w.call('small', [], { kind: 'int', value: -2 });
  return { bytes: w.bytes(), refs, ship, rt };
}

describe('recordings', () => {
  test('every simulated call reads back: callee, references, marker, return values', () => {
    const p = program();
    const { bytes, refs, ship, rt } = simulate(p, 11);
    const r = readRecording(bytes, p);
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.deepEqual(
      r.calls.map((c) => c.callee),
      ['inspect', 'count', 'name', 'ok', 'ratio', 'tally', 'spawn', 'touch', 'small'],
    );
    assert.deepEqual(
      r.calls[0].args.map((a) => a.param),
      ['dock', 'other'],
    );
    assert.deepEqual([...r.calls[0].args[0].reference.bytes], [...refs[0]]);
    assert.ok(rt.check(r.calls[0].args[1].reference.bytes, 'Dock').ok, 'the recorded reference passes the receiver checks');
    assert.deepEqual(r.calls[0].result, {
      kind: 'message',
      type: 'Ship',
      size: r.calls[0].result.kind === 'message' ? r.calls[0].result.size : 0,
      value: ship,
      offset: r.calls[0].result.kind === 'message' ? r.calls[0].result.offset : 0,
    });
    assert.deepEqual(
      r.calls.slice(1).map((c) => ('value' in c.result ? c.result.value : c.result.kind === 'reference' ? 'ref' : c.result.kind)),
      [-5, 'hello', true, -1.5, [3, -1, 4], 'ref', 'void', -2],
    );
    assert.equal(r.calls[7].result.kind, 'void');
  });

  test('a truncated file keeps every call before the cut and says where and why', () => {
    const p = program();
    const { bytes } = simulate(p, 12);
    const full = readRecording(bytes, p);
    for (let cut = 0; cut < bytes.length; cut++) {
      const r = readRecording(bytes.subarray(0, cut), p);
      if (cut === 0) continue;
      const complete = full.calls.filter((_c, i) => (full.calls[i + 1]?.offset ?? bytes.length) <= cut).length;
      assert.ok(r.calls.length >= complete - 1 && r.calls.length <= complete + 1, `cut ${cut}: ${r.calls.length} calls`);
      const boundary = cut === 8 || full.calls.some((c) => c.offset === cut);
      if (boundary) assert.equal(r.error, undefined, `cut ${cut} ends cleanly between calls`);
      else {
        assert.ok(r.error, `cut ${cut} is reported`);
        assert.ok(r.error!.offset <= cut, `cut ${cut}: error at ${r.error!.offset}`);
        assert.match(r.error!.reason, /the file ends inside|past the end of the file|outside/);
      }
    }
    const unknown = new Workspace();
    unknown.setFile('/app/ffi.vale', SOURCE.replace('extern func count', 'extern func counted'));
    const r = readRecording(bytes, new CProgram(unknown.program(), 'app', DEFAULT_TARGET), BACKEND_PROFILE);
    assert.equal(r.calls.length, 1);
    assert.equal(r.error!.offset, r.calls.length ? full.calls[1].offset : 8);
    assert.match(r.error!.reason, /unknown callee "count"/);
  });

  test('corrupt lengths and random bytes never crash or allocate what they ask for', () => {
    const p = program();
    const { bytes } = simulate(p, 13);
    const huge = bytes.slice();
    new DataView(huge.buffer).setBigUint64(8, 0xffff_ffff_ffffn, true);
    assert.match(readRecording(huge, p).error!.reason, /runs past the end of the file/);
    assert.match(readRecording(new Uint8Array(16), p).error!.reason, /not a Vale recording/);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.nat(255)), { maxLength: 6 }), (flips) => {
        const b = bytes.slice();
        for (const [at, v] of flips) b[at] = v;
        const r = readRecording(b, p);
        assert.ok(r.calls.length <= 9);
      }),
      { numRuns: 2000 },
    );
  });

  test('the example recording is what the simulation writes today, and reads back whole', () => {
    const committed = readFileSync(EXAMPLE_RECORDING);
    assert.deepEqual([...committed], [...exampleRecording()], 'regenerate with: npx tsx test/support/example-recording.ts --write');
    const r = readRecording(committed, fleetProgram());
    assert.equal(r.error, undefined);
    assert.deepEqual(
      r.calls.map((c) => c.callee),
      ['cSumCrew_vasp', 'cFill', 'cFirstOfTriple', 'cReportFleet', 'cFlagship'],
    );
    const last = r.calls[4].result;
    assert.ok(last.kind === 'message');
    assert.deepEqual(last.value, { name: 'ship 1', engine: { fuel: 10, efficiency: 0.5 }, crew: 3, armed: true });
  });
});
