import { Workspace } from '../shared';
import { workspaceOfLines } from './corpus';
const files = workspaceOfLines(100_000);
const ws = new Workspace();
let t = performance.now();
for (const f of files) ws.setFile(f.path, f.text);
const n = ws.allDiagnostics().length;
console.log('cold', (performance.now() - t).toFixed(0), 'ms', files.length, 'files', n, 'diags');
const target = files.find((f) => f.path.includes('examples/fleet') && f.text.includes('{'))!;
let text = target.text;
const bodyAt = text.indexOf('{', text.indexOf('func ')) + 1;
const times: number[] = [];
for (let i = 0; i < 30; i++) {
  t = performance.now();
  ws.editFile(target.path, [{ start: bodyAt, end: bodyAt, newText: ' ' }]);
  ws.diagnostics(target.path);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log('body edit p50', times[15].toFixed(1), 'p95', times[28].toFixed(1), JSON.stringify(ws.stats));
