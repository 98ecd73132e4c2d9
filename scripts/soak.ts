// `npm run soak [-- --ops N] [-- --lines L]`: the bundled server on a generated workspace on disk
// (L lines, default 20,000) gets N operations (default 100,000: about 70% edits of open documents,
// bodies and declarations alike, 30% requests), an hour of editing compressed into minutes. It
// samples the server's resident memory every second and checks, at the end, that every open
// document's diagnostics equal a from-scratch analysis of its final text (nothing lost), that every
// request was answered, and that memory did not grow: the median of the run's last quarter at most
// 50 MB over that of its second quarter (the first quarter is warm-up).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { URI } from 'vscode-uri';
import { Workspace } from '../shared';
import { workspaceOfLines } from '../bench/corpus';
import { repoRoot } from '../test/support/arbitraries';
import { TestClient } from '../test/support/lsp-client';
import { tempDir } from '../test/support/temp';

const GROWTH_BOUND_MB = 50;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** A small deterministic PRNG (mulberry32), so a run can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { ops: { type: 'string' }, lines: { type: 'string' }, seed: { type: 'string' } } });
  const ops = Number(values.ops ?? 100_000);
  const rand = random(Number(values.seed ?? 7));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const root = tempDir('vale-ffi-soak-');
  const files = workspaceOfLines(Number(values.lines ?? 20_000));
  for (const f of files) {
    const path = join(root, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.text);
  }
  process.stderr.write(`[soak] ${files.length} files in ${root}; ${ops.toLocaleString('en')} operations\n`);
  const client = new TestClient(join(repoRoot(), 'dist', 'server.js'));
  const started = performance.now();
  await client.initialize(URI.file(root).toString(), { projectName: 'soak' });
  // Five open documents: the ones declaring the most, so edits reach other files too.
  const open = [...files].sort((a, b) => b.text.length - a.text.length).slice(0, 5);
  const texts = new Map<string, string>();
  const versions = new Map<string, number>();
  for (const f of open) {
    const uri = URI.file(join(root, f.path)).toString();
    texts.set(uri, f.text);
    versions.set(uri, 1);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'vale', version: 1, text: f.text },
    });
  }
  const uris = [...texts.keys()];
  const samples: { s: number; op: number; mb: number }[] = [];
  let done = 0;
  const sampler = setInterval(
    () => samples.push({ s: (performance.now() - started) / 1000, op: done, mb: rssMb(client.process.pid!) }),
    1000,
  );
  const latencies: number[] = [];
  let edits = 0;
  let requests = 0;
  const positionOf = (text: string, offset: number): { line: number; character: number } => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1) };
  };
  // Declaration edits flip what other files see; body edits are the common keystroke.
  const toggles: [string, string][] = [
    ['exported struct', 'struct'],
    ['sealed ', ''],
    [' imm {', ' {'],
  ];
  for (; done < ops; done++) {
    const uri = pick(uris);
    const text = texts.get(uri)!;
    if (rand() < 0.7) {
      let start: number;
      let end: number;
      let newText: string;
      const toggle = rand() < 0.1 ? pick(toggles) : undefined;
      const at = toggle ? text.indexOf(rand() < 0.5 ? toggle[0] : toggle[1], Math.floor(rand() * text.length)) : -1;
      if (toggle && at >= 0) {
        const from = text.startsWith(toggle[0], at) ? toggle[0] : toggle[1];
        [start, end, newText] = [at, at + from.length, from === toggle[0] ? toggle[1] : toggle[0]];
      } else {
        start = Math.floor(rand() * text.length);
        const del = rand() < 0.4 && start < text.length && text[start] !== '\n';
        [end, newText] = del ? [start + 1, ''] : [start, pick(['x', ' ', '1', ';', 'a', '(', ')'])];
      }
      const version = versions.get(uri)! + 1;
      versions.set(uri, version);
      texts.set(uri, text.slice(0, start) + newText + text.slice(end));
      edits++;
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: positionOf(text, start), end: positionOf(text, end) }, text: newText }],
      });
    } else {
      const position = positionOf(text, Math.floor(rand() * text.length));
      const method = pick([
        'textDocument/hover',
        'textDocument/definition',
        'textDocument/references',
        'textDocument/documentSymbol',
        'textDocument/codeAction',
        'textDocument/codeLens',
      ]);
      const params: Record<string, unknown> = {
        textDocument: { uri },
        position,
        range: { start: position, end: position },
        context: { includeDeclaration: true, diagnostics: [] },
      };
      const t = performance.now();
      await client.connection.sendRequest(method, params);
      latencies.push(performance.now() - t);
      requests++;
    }
    if (done % 10_000 === 0)
      process.stderr.write(
        `[soak] ${done.toLocaleString('en')} operations, ${((performance.now() - started) / 1000).toFixed(0)} s, server ${rssMb(client.process.pid!).toFixed(0)} MB\n`,
      );
  }
  // Every open document's last version gets its diagnostics, equal to a fresh analysis of the final texts.
  await client.waitFor('the last versions diagnosed', () => uris.every((u) => client.versions.get(u) === versions.get(u)), 120_000);
  clearInterval(sampler);
  const fresh = new Workspace();
  for (const f of files) {
    const uri = URI.file(join(root, f.path)).toString();
    fresh.setFile(URI.parse(uri).path, texts.get(uri) ?? f.text);
  }
  fresh.setModules([
    {
      name: root
        .split('/')
        .pop()!
        .replace(/[^A-Za-z0-9_]/g, '_'),
      root,
    },
  ]);
  let mismatches = 0;
  for (const uri of uris) {
    const expected = fresh
      .diagnostics(URI.parse(uri).path)
      .map((d) => `${d.code}@${d.start}`)
      .sort();
    const lines = texts.get(uri)!.split('\n');
    const offsetOf = (p: { line: number; character: number }): number =>
      lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    const got = (client.diagnostics.get(uri) ?? []).map((d) => `${d.code}@${offsetOf(d.range.start)}`).sort();
    if (JSON.stringify(expected) !== JSON.stringify(got)) {
      mismatches++;
      process.stderr.write(`[soak] ${uri}: ${got.length} diagnostics, a fresh analysis gives ${expected.length}\n`);
    }
  }
  const exit = await client.shutdown();
  const seconds = (performance.now() - started) / 1000;
  // Growth, robust to the collector's sawtooth: the median of the last quarter of the run against
  // the median of its second quarter (after the first quarter's warm-up: indexing, first parses).
  const median = (xs: number[]): number => percentile(xs, 50);
  const quarter = (from: number, to: number): number[] =>
    samples.filter((_, i) => i >= Math.floor(from * samples.length) && i < Math.ceil(to * samples.length)).map((x) => x.mb);
  const warm = median(quarter(0.25, 0.5));
  const late = median(quarter(0.75, 1));
  const growth = late - warm;
  const rows = [0, 0.1, 0.25, 0.5, 0.75, 1].map((f) => samples[Math.min(samples.length - 1, Math.floor(f * (samples.length - 1)))]);
  process.stdout.write(
    `\n${edits.toLocaleString('en')} edits and ${requests.toLocaleString('en')} requests in ${seconds.toFixed(0)} s (${files.length} files, 5 open); request p50 ${percentile(latencies, 50).toFixed(2)} ms, p95 ${percentile(latencies, 95).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms\n\n` +
      `| time | operations | server RSS MB |\n| ---: | ---: | ---: |\n${rows.map((r) => `| ${r.s.toFixed(0)} s | ${r.op.toLocaleString('en')} | ${r.mb.toFixed(0)} |`).join('\n')}\n\n` +
      `peak ${Math.max(...samples.map((x) => x.mb)).toFixed(0)} MB; median RSS ${warm.toFixed(0)} MB in the second quarter, ${late.toFixed(0)} MB in the last: growth ${growth.toFixed(1)} MB (bound ${GROWTH_BOUND_MB} MB); diagnostics equal to a fresh analysis: ${uris.length - mismatches}/${uris.length}; exit ${exit}\n`,
  );
  return growth <= GROWTH_BOUND_MB && mismatches === 0 && exit === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`[soak] ${(e as Error).stack}\n`);
    process.exit(1);
  },
);
