// Run by test/heap.test.ts in a process of its own: a heap policy, files read and an allocation
// that keeps much (as reading a workspace does), then the young generation's size on stdout.
// With `old` after the policy, a run that keeps everything it reads (as a one-shot analysis
// does), to be run with `--trace-gc`: the test reads V8's lines about its full collections.
import { getHeapSpaceStatistics } from 'node:v8';
import { heapPolicyReading, heapPolicyTick, oneShotHeap, serverHeap } from '../../server/heap';

const policy = process.argv[2];
if (policy === 'server') serverHeap();
else if (policy === 'one-shot') oneShotHeap();
const young = (): number => (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) / (1024 * 1024);
const before = young();
heapPolicyReading();
if (process.argv[3] === 'old') {
  // 3,000 "files" of 400 kept objects each (about 170 MB in all), with garbage made between them.
  const kept: object[][] = [];
  let garbage = 0;
  for (let file = 0; file < 3000; file++) {
    const items: object[] = [];
    for (let i = 0; i < 400; i++) items.push({ file, i, name: `item ${i}`, more: [i] });
    kept.push(items);
    for (let j = 0; j < 400; j++) garbage += [j, j + 1].join(',').length;
    heapPolicyTick();
  }
  const heapMB = process.memoryUsage().heapUsed / (1024 * 1024);
  process.stdout.write(`kept ${kept.length} files (${garbage} characters made and dropped), heap ${heapMB.toFixed(1)} MB\n`);
} else {
  // A thousand "files" of 2,000 kept objects each, with a look after each file.
  const kept: object[][] = [];
  for (let file = 0; file < 1000; file++) {
    const items: object[] = [];
    for (let i = 0; i < 2000; i++) items.push({ file, i, name: `item ${i}` });
    kept.push(items);
    if (kept.length > 200) kept.shift();
    heapPolicyTick();
  }
  process.stdout.write(JSON.stringify({ before, after: young() }));
}
