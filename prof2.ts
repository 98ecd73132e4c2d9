import { exportedKinds } from './bench/corpus';
import { Workspace, DEFAULT_TARGET } from './shared';
const text = exportedKinds(1000);
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  const ws = new Workspace(); ws.setFile('/bench/kinds.vale', text);
  const t1 = performance.now();
  const p = ws.cProgram('bench', DEFAULT_TARGET);
  const t2 = performance.now();
  for (const k of p.kinds) p.layout(k);
  if (i == 19) console.log((t1 - t).toFixed(1), (t2 - t1).toFixed(1), (performance.now() - t2).toFixed(1));
}
