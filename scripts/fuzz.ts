// `npm run fuzz [-- --runs N] [-- --surfaces a,b] [-- --seed S] [-- --jobs J]`: every input surface
// (test/fuzz/surfaces.ts, and the LSP message stream of test/fuzz/lsp-stream.ts) with N inputs each
// (default 1,000,000), in chunks spread over J worker threads (default: one per core), with a
// progress line. A failing input is shrunk by fast-check and written to test/fuzz-cases/, which
// test/fuzz.test.ts replays. Exit status 1 when any surface failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import fc from 'fast-check';
import { repoRoot } from '../test/support/arbitraries';
import { SURFACES } from '../test/fuzz/surfaces';
import { runStream, streamItems } from '../test/fuzz/lsp-stream';

const LSP = 'lsp';
/** Inputs per work unit: small enough to spread and to report progress, large enough to amortize. */
const CHUNK = { default: 20_000, [LSP]: 25_000 } as const;

interface Unit {
  surface: string;
  seed: number;
  runs: number;
}

interface Done {
  surface: string;
  runs: number;
  ms: number;
  failure?: { seed: number; input: unknown; error: string };
}

async function runUnit(unit: Unit): Promise<Done> {
  const t = performance.now();
  if (unit.surface === LSP) {
    const items = streamItems(unit.seed, unit.runs);
    const r = await runStream(items);
    // The stream is regenerated from its seed and length (the same fast-check gives the same items).
    const failure = r.failure ? { seed: unit.seed, input: { seed: unit.seed, count: unit.runs }, error: r.failure } : undefined;
    return { surface: unit.surface, runs: unit.runs, ms: performance.now() - t, failure };
  }
  const s = SURFACES.find((x) => x.name === unit.surface)!;
  const result = fc.check(
    fc.property(s.arbitrary, (input) => {
      s.check(input);
    }),
    { numRuns: unit.runs, seed: unit.seed },
  );
  const failure = result.failed
    ? {
        seed: unit.seed,
        input: s.toJson(result.counterexample![0]),
        error: String((result.errorInstance as Error)?.stack ?? result.errorInstance),
      }
    : undefined;
  return { surface: unit.surface, runs: failure ? result.numRuns : unit.runs, ms: performance.now() - t, failure };
}

if (!isMainThread) {
  parentPort!.on('message', async (unit: Unit | null) => {
    if (unit === null) process.exit(0);
    parentPort!.postMessage(await runUnit(unit));
  });
  parentPort!.postMessage({ ready: true });
} else {
  main().then((code) => process.exit(code));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, surfaces: { type: 'string' }, seed: { type: 'string' }, jobs: { type: 'string' } },
  });
  const runs = Number(values.runs ?? 1_000_000);
  const all = [...SURFACES.map((s) => s.name), LSP];
  const surfaces = values.surfaces ? values.surfaces.split(',') : all;
  const unknown = surfaces.filter((s) => !all.includes(s));
  if (unknown.length > 0 || !(runs > 0)) {
    process.stderr.write(`fuzz: surfaces are ${all.join(', ')}; --runs is a positive number\n`);
    return 2;
  }
  const seed = Number(values.seed ?? Date.now() % 1_000_000_000);
  const jobs = Math.max(1, Number(values.jobs ?? availableParallelism()));
  const queue: Unit[] = [];
  // Interleave the surfaces so every one makes progress from the start.
  const chunks = (s: string): number => (s === LSP ? CHUNK[LSP] : CHUNK.default);
  const plans = surfaces.map((s) => ({ s, left: runs, n: 0 }));
  while (plans.some((p) => p.left > 0)) {
    for (const p of plans) {
      if (p.left <= 0) continue;
      const size = Math.min(chunks(p.s), p.left);
      queue.push({ surface: p.s, seed: seed + p.n++ * 7919, runs: size });
      p.left -= size;
    }
  }
  const done = new Map(surfaces.map((s) => [s, { runs: 0, ms: 0, failed: false }]));
  const failures: string[] = [];
  const started = performance.now();
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  const progress = (force = false): void => {
    const now = performance.now();
    if (!force && now - lastLine < (tty ? 500 : 15_000)) return;
    lastLine = now;
    const parts = surfaces.map((s) => `${s} ${Math.round((done.get(s)!.runs / runs) * 100)}%`);
    process.stderr.write(`${tty ? '\r\x1b[K' : ''}[fuzz] ${((now - started) / 1000).toFixed(0)} s  ${parts.join('  ')}${tty ? '' : '\n'}`);
  };
  process.stderr.write(`[fuzz] ${runs.toLocaleString('en')} inputs on each of ${surfaces.join(', ')}; seed ${seed}; ${jobs} workers\n`);
  await Promise.all(
    Array.from({ length: jobs }, () => {
      // The main thread's stack (V8's 984 KB), not a worker's 4 MB: the server and the binary parse
      // on the main thread, so an input that overflows there must overflow here too.
      const worker = new Worker(__filename, { resourceLimits: { stackSizeMb: 1 } });
      return new Promise<void>((resolve, reject) => {
        const next = (): void => {
          // A surface that failed stops: its shrunk input is what matters now.
          let unit = queue.shift();
          while (unit && done.get(unit.surface)!.failed) unit = queue.shift();
          worker.postMessage(unit ?? null);
          if (!unit) resolve();
        };
        worker.on('message', (m: Done | { ready: true }) => {
          if ('surface' in m) {
            const d = done.get(m.surface)!;
            d.runs += m.runs;
            d.ms += m.ms;
            if (m.failure && !d.failed) {
              d.failed = true;
              failures.push(save(m.surface, m.failure));
            }
            progress();
          }
          next();
        });
        worker.on('error', reject);
      });
    }),
  );
  progress(true);
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write('\n');
  const rows = surfaces.map((s) => {
    const d = done.get(s)!;
    const what =
      s === LSP
        ? 'LSP message stream over stdio (malformed frames and JSON, bad params, unopened documents, cancels)'
        : SURFACES.find((x) => x.name === s)!.what;
    return `| ${s} | ${d.runs.toLocaleString('en')} | ${(d.ms / 1000).toFixed(0)} s | ${d.failed ? 'FAILED' : '0 failures'} | ${what} |`;
  });
  process.stdout.write(
    `\n| surface | inputs | worker time | result | what |\n| --- | ---: | ---: | --- | --- |\n${rows.join('\n')}\n\n${seconds.toFixed(0)} s wall clock on ${jobs} workers, seed ${seed}\n`,
  );
  for (const f of failures) process.stderr.write(`[fuzz] failure written to ${f}\n`);
  return failures.length > 0 ? 1 : 0;
}

/** Writes a failing input where test/fuzz.test.ts replays it. */
function save(surface: string, failure: NonNullable<Done['failure']>): string {
  const dir = join(repoRoot(), 'test', 'fuzz-cases');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${surface}-${failure.seed}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ surface, seed: failure.seed, error: failure.error.split('\n').slice(0, 6).join('\n'), input: failure.input }, null, 1)}\n`,
  );
  return file;
}
