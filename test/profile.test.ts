// The bench's profiles (bench/profile.ts): what it prints of a missed goal's run is where the
// samples were, by the bundle's module and by function.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CpuProfile, profiled, summarizeProfile } from '../bench/profile';

test("a profile's self time goes to the module whose code the bundle holds at each frame's line", () => {
  const bundle = {
    url: 'file:///x/.bench/main.js',
    text: [
      '"use strict";', // 0
      '// node_modules/vscode-languageserver/node_modules/vscode-jsonrpc/lib/common/is.js', // 1
      'function is() {}', // 2
      '// shared/model/program.ts', // 3
      'function resolve() {}', // 4
      'function walk() {}', // 5
      '// shared/syntax/lexer.ts', // 6
      'function next() {}', // 7
    ].join('\n'),
  };
  const frame = (functionName: string, lineNumber: number, url = bundle.url) => ({ functionName, url, lineNumber });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', -1, '') },
      { id: 2, callFrame: frame('resolve', 4) },
      { id: 3, callFrame: frame('walk', 5) },
      { id: 4, callFrame: frame('next', 7) },
      { id: 5, callFrame: frame('(garbage collector)', -1, '') },
      { id: 6, callFrame: frame('is', 2) },
      { id: 7, callFrame: frame('readFileSync', 10, 'node:fs') },
      { id: 8, callFrame: frame('wasm-function[253]', 0, 'wasm://wasm/000b836e') },
    ],
    // A sample stands for the time until the next: the deltas (µs) after each.
    samples: [2, 3, 2, 4, 5, 6, 7, 8, 2],
    timeDeltas: [0, 1000, 2000, 1000, 4000, 500, 250, 3000, 1500],
  };
  const s = summarizeProfile(profile, bundle);
  const of = (xs: readonly { name: string; ms: number }[]) => Object.fromEntries(xs.map((x) => [x.name, x.ms]));
  // resolve 1 + 1 + 1.5 (the last sample takes its own delta), walk 2.
  assert.deepEqual(of(s.modules), {
    'shared/model/program.ts': 5.5,
    'shared/syntax/lexer.ts': 4,
    "(V8's collector)": 0.5,
    'vscode-jsonrpc': 0.25,
    '(Node)': 3,
    '(WebAssembly)': 1.5,
  });
  assert.equal(of(s.functions)['walk (shared/model/program.ts, bundle line 6)'], 2);
  assert.equal(s.totalMs, 14.75);
  assert.equal(of(s.functions)['readFileSync ((Node))'], 3);
  assert.deepEqual(
    s.modules.map((m) => m.name),
    ['shared/model/program.ts', 'shared/syntax/lexer.ts', '(Node)', '(WebAssembly)', "(V8's collector)", 'vscode-jsonrpc'],
    'largest first',
  );
});

test('profiled returns the value and a profile whose samples name the function that ran', () => {
  function busyProfiledLoop(): number {
    let x = 0;
    const until = performance.now() + 60;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    return x;
  }
  const { value, profile } = profiled(100, busyProfiledLoop);
  assert.ok(value > 0);
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  const hits = profile.samples.filter((id) => byId.get(id) === 'busyProfiledLoop').length;
  assert.ok(hits > 10, `samples in the busy function: ${hits} of ${profile.samples.length}`);
  assert.throws(() =>
    profiled(100, () => {
      throw new Error('boom');
    }),
  );
});
