// The recording shipped in examples/fleet/recordings: a simulated run of fleet's externs.
// `npx tsx test/support/example-recording.ts --write` regenerates it; test/recording.test.ts
// checks the committed file is exactly what this produces.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CProgram, DEFAULT_TARGET, RecordingWriter, Runtime, Workspace } from '../../shared';

export const EXAMPLE_RECORDING = join(__dirname, '..', '..', 'examples', 'fleet', 'recordings', 'voyage.vale.bin');
const FLEET = join(__dirname, '..', '..', 'examples', 'fleet');

export function fleetProgram(): CProgram {
  const ws = new Workspace();
  for (const f of ['arrays.vale', 'fleet.vale', 'ships.vale']) ws.setFile(join(FLEET, f), readFileSync(join(FLEET, f), 'utf8'));
  return new CProgram(ws.program(), 'fleet', DEFAULT_TARGET);
}

export function exampleRecording(): Uint8Array {
  const p = fleetProgram();
  const rt = new Runtime({ seed: 2026 });
  const region = rt.createRegion('main');
  const fleet = rt.issue(rt.allocate(region, rt.defineType('Fleet', 16))).bytes;
  const arr = rt.issue(rt.allocate(region, rt.defineType('MutIntArray', 16))).bytes;
  const w = new RecordingWriter(p);
  w.call('cSumCrew_vasp', [], { kind: 'int', value: 6n, bits: 64 });
  w.call('cFill', [arr], { kind: 'void' });
  w.call('cFirstOfTriple', [], { kind: 'int', value: 1 });
  w.call('cReportFleet', [fleet], { kind: 'void' });
  const flagship = { name: 'ship 1', engine: { fuel: 10, efficiency: 0.5 }, crew: '3', armed: true };
  w.call('cFlagship', [fleet], { kind: 'message', type: p.findKind('Spaceship')!, value: flagship });
  return w.bytes();
}

if (require.main === module && process.argv.includes('--write')) {
  writeFileSync(EXAMPLE_RECORDING, exampleRecording());
  console.log(`wrote ${EXAMPLE_RECORDING}`);
}
