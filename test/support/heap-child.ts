// Run by test/heap.test.ts in a process of its own: a heap policy, files read and an allocation
// that keeps much (as reading a workspace does), then the young generation's size on stdout.
import { getHeapSpaceStatistics } from 'node:v8';
import { heapPolicyReading, heapPolicyTick, oneShotHeap, serverHeap } from '../../server/heap';

const policy = process.argv[2];
if (policy === 'server') serverHeap();
else if (policy === 'one-shot') oneShotHeap();
const young = (): number => (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) / (1024 * 1024);
const before = young();
heapPolicyReading();
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
