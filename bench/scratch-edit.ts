import { TextDocument } from 'vscode-languageserver-textdocument';
import { Workspace } from '../shared';
import { documentOfLines, random } from './corpus';
const text = documentOfLines(10_000);
const ws = new Workspace();
ws.setFile('/b/fleet.vale', text);
ws.diagnostics('/b/fleet.vale'); ws.takeChangedFiles();
let doc = TextDocument.create('x', 'vale', 1, text);
const rng = random(42);
const chars = 'abcxyz019 _;,.(){}<>&';
const times: number[] = [];
const kinds: Record<string, number[]> = {};
for (let i = 0; i < 300; i++) {
  const off = Math.floor(rng() * doc.getText().length);
  const ch = chars[Math.floor(rng() * chars.length)];
  const before = { ...ws.stats };
  const t = performance.now();
  doc = TextDocument.update(doc, [{ range: { start: doc.positionAt(off), end: doc.positionAt(off) }, text: ch }], doc.version + 1);
  ws.editFile('/b/fleet.vale', [{ start: off, end: off, newText: ch }], doc.getText());
  for (const f of ws.takeChangedFiles()) ws.diagnostics(f);
  const ms = performance.now() - t;
  times.push(ms);
  const k = ws.stats.indexesBuilt > before.indexesBuilt ? 'rebuild' : 'local';
  (kinds[k] ??= []).push(ms);
  if (ms > 30 && i > 20) console.log(i, JSON.stringify(ch), ms.toFixed(1), 'items checked', ws.stats.itemsChecked - before.itemsChecked, 'read', ws.stats.itemsRead - before.itemsRead, 'parsed', ws.tree('/b/fleet.vale')!.stats.parsedItems);
}
const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)];
console.log('p50', p(times, 0.5).toFixed(1), 'p95', p(times, 0.95).toFixed(1));
for (const [k, xs] of Object.entries(kinds)) console.log(k, xs.length, 'p50', p(xs, 0.5).toFixed(1), 'p95', p(xs, 0.95).toFixed(1));
