// Benchmark inputs generated from the project's own Vale: the FFI and layout fixtures and
// examples/, copied many times with every declared name renamed per copy (so copies do not
// collide), each copy in its own folders (packages). Deterministic: same input every run.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listFixtures, parseFixture } from '../test/support/fixture';

const REPO = join(__dirname, '..');

export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** The base set: fixtures of the checks and layouts (split at their `//- /path` headers) and examples/. */
export function baseFiles(): SourceFile[] {
  const out: SourceFile[] = [];
  for (const dir of ['checks', 'layout']) {
    const root = join(REPO, 'test', 'fixtures', dir);
    for (const path of listFixtures(root)) {
      const name = relative(root, path).replace(/\.vale$/, '');
      for (const f of parseFixture(readFileSync(path, 'utf8'), '/main.vale')) out.push({ path: `${dir}/${name}${f.path}`, text: f.text });
    }
  }
  const examples = join(REPO, 'examples');
  for (const path of listFixtures(examples)) out.push({ path: `examples/${relative(examples, path)}`, text: readFileSync(path, 'utf8') });
  return out;
}

const DECLARED = /\b(?:struct|interface|func)\s+([A-Za-z_]\w*)|\bas\s+([A-Z]\w*)/g;

/** Copy `n` of the base set: every name a file declares gets the suffix `_c<n>`. */
export function copyOf(base: readonly SourceFile[], n: number): SourceFile[] {
  const names = new Set<string>();
  for (const f of base) for (const m of f.text.matchAll(DECLARED)) names.add(m[1] ?? m[2]);
  names.delete('main');
  const pattern = new RegExp(`\\b(${[...names].join('|')})\\b`, 'g');
  return base.map((f) => ({ path: `/bench/c${n}/${f.path.replace(/^\//, '')}`, text: f.text.replace(pattern, `$1_c${n}`) }));
}

const lineCount = (text: string): number => text.split('\n').length - 1;

/** Copies of the base set until `enough` says stop. */
function copiesUntil(enough: (files: SourceFile[], lines: number, bytes: number) => boolean): SourceFile[] {
  const base = baseFiles();
  const files: SourceFile[] = [];
  let lines = 0;
  let bytes = 0;
  for (let n = 0; !enough(files, lines, bytes); n++) {
    for (const f of copyOf(base, n)) {
      files.push(f);
      lines += lineCount(f.text);
      bytes += f.text.length;
    }
  }
  return files;
}

/** At least `minBytes` of Vale in many files. */
export function corpusOfBytes(minBytes: number): SourceFile[] {
  return copiesUntil((_, __, bytes) => bytes >= minBytes);
}

/** A workspace of at least `minLines` lines. */
export function workspaceOfLines(minLines: number): SourceFile[] {
  return copiesUntil((_, lines) => lines >= minLines);
}

/** One document of at least `minLines` lines (the copies' valid FFI, examples/fleet, end to end). */
export function documentOfLines(minLines: number): string {
  const base = baseFiles().filter((f) => f.path.startsWith('examples/fleet/'));
  const parts: string[] = [];
  let lines = 0;
  for (let n = 0; lines < minLines; n++) {
    for (const f of copyOf(base, n)) {
      parts.push(f.text);
      lines += lineCount(f.text);
    }
  }
  return parts.join('');
}

/** `count` exported structs for the layout section: scalars of every size, strings, nesting. */
export function exportedKinds(count: number): string {
  const scalars = ['int', 'i64', 'bool', 'float', 'str'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const fields = [`  id i64;`];
    for (let k = 0; k < 1 + (i % 5); k++) fields.push(`  f${k} ${scalars[(i + k) % scalars.length]};`);
    if (i > 0) fields.push(`  prev Kind${i - 1};`);
    out.push(`exported struct Kind${i} imm {`, ...fields, '}', '');
  }
  return out.join('\n');
}

/** A deterministic random sequence (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * examples/ with its C files and the C fixtures (test/fixtures/c), copied `copies` times: every
 * declared name renamed per copy, in Vale and in the generated names C uses (`fleet_Ship_c3`).
 */
export function workspaceWithC(copies: number): SourceFile[] {
  const base: SourceFile[] = [];
  const examples = join(REPO, 'examples');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(vale|c|h)$/.test(e.name)) base.push({ path: `examples/${relative(examples, full)}`, text: readFileSync(full, 'utf8') });
    }
  };
  walk(examples);
  const fixtures = join(REPO, 'test', 'fixtures', 'c');
  for (const path of listFixtures(fixtures)) {
    const name = relative(fixtures, path).replace(/\.vale$/, '');
    for (const f of parseFixture(readFileSync(path, 'utf8'), '/main.vale')) base.push({ path: `c/${name}${f.path}`, text: f.text });
  }
  const names = new Set<string>();
  for (const f of base) if (f.path.endsWith('.vale')) for (const m of f.text.matchAll(DECLARED)) names.add(m[1] ?? m[2]);
  names.delete('main');
  const out: SourceFile[] = [];
  for (let n = 0; n < copies; n++) {
    // In C a generated name follows `<project>_`: the name may follow an underscore.
    const pattern = new RegExp(`(?<![A-Za-z0-9])(${[...names].join('|')})\\b`, 'g');
    for (const f of base) out.push({ path: `c${n}/${f.path.replace(/^\//, '')}`, text: f.text.replace(pattern, `$1_c${n}`) });
  }
  return out;
}
