import { Workspace } from '../shared';
import { workspaceOfLines } from './corpus';
const files = workspaceOfLines(100_000);
const ws = new Workspace();
let t = performance.now();
for (const f of files) ws.setFile(f.path, f.text);
const n = ws.allDiagnostics().length;
ws.takeChangedFiles();
console.log('cold', (performance.now() - t).toFixed(0), 'ms', files.length, 'files', n, 'diags');
const target = files.find((f) => f.path.includes('examples/fleet/ships') )!;
const text = target.text;
const m = /exported struct (\w+)/.exec(text)!;
const at = m.index;
const times: number[] = [];
for (let i = 0; i < 30; i++) {
  t = performance.now();
  ws.editFile(target.path, [i % 2 === 0 ? { start: at, end: at + 'exported '.length, newText: '' } : { start: at, end: at, newText: 'exported ' }]);
  const changed = ws.takeChangedFiles();
  for (const f of changed) ws.diagnostics(f);
  times.push(performance.now() - t);
  if (i === 0) console.log('changed', changed.length);
}
times.sort((a, b) => a - b);
console.log('summary edit p50', times[15].toFixed(1), 'p95', times[28].toFixed(1), JSON.stringify(ws.stats));
