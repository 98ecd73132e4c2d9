// IDE behaviour as fixtures, in rust-analyzer's style: test/fixtures/ide/<behaviour>/<case>.<ext>
// is a small text (several files with `//- /path` headers) with `$0` at the cursor, and
// <case>.expect beside it holds what the editor would show. One runner for all of them; a
// failure shows the diff. UPDATE_EXPECT=1 rewrites the .expect files (review them before
// committing). Behaviours: hover, definition, references, symbols, fixes, folding, inlay, semantic, completion, signature, rename.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { describe, test } from 'node:test';
import {
  BACKEND_PROFILE,
  DEFAULT_TARGET,
  type HoverOptions,
  LineIndex,
  type OutlineSymbol,
  Workspace,
  applyEdit,
  completionsAt,
  documentSymbols,
  foldingRegions,
  hoverInVale,
  inlayHints,
  hoverReferenceInText,
  nameRangeOf,
  referencesTo,
  renameEdits,
  renameTarget,
  semanticTokens,
  signatureAt,
  symbolAt,
} from '../shared';
import { parseFixture } from './support/fixture';

const ROOT = join(__dirname, 'fixtures', 'ide');
const HOVER: HoverOptions = { layout: true, functions: true, references: true, numbers: 'decimal', profile: BACKEND_PROFILE };

interface Case {
  ws: Workspace;
  files: { path: string; text: string; cursor?: number }[];
  /** The file with the cursor, and where. */
  path: string;
  offset: number;
}

function load(file: string): Case {
  const ext = extname(file);
  const files = parseFixture(readFileSync(file, 'utf8'), `/main${ext}`);
  const ws = new Workspace();
  for (const f of files) if (f.path.endsWith('.vale')) ws.setFile(f.path, f.text);
  const at = files.find((f) => f.cursor !== undefined);
  assert.ok(at, `${file} has a $0 cursor`);
  return { ws, files, path: at.path, offset: at.cursor! };
}

/** `path:line:col` (1-based) and the line with the range marked. */
function place(c: Case, path: string, start: number, end: number): string {
  const text = c.files.find((f) => f.path === path)!.text;
  const lines = new LineIndex(text);
  const s = lines.positionAt(start);
  const line = text.split('\n')[s.line];
  const e = lines.positionAt(end);
  const width = e.line === s.line ? Math.max(1, e.character - s.character) : 1;
  return `${path}:${s.line + 1}:${s.character + 1}\n  ${line}\n  ${' '.repeat(s.character)}${'^'.repeat(width)}`;
}

const BEHAVIOURS: Record<string, (c: Case) => string> = {
  folding(c) {
    const tree = c.ws.tree(c.path)!;
    const regions = foldingRegions(tree);
    if (regions.length === 0) return '(nothing to fold)\n';
    return `${regions
      .map((r) => {
        const a = tree.lines.positionAt(r.start).line;
        const b = tree.lines.positionAt(r.end).line;
        return `${r.kind} ${a + 1}-${b + 1}: ${tree.text.split('\n')[a].trim()}`;
      })
      .join('\n')}\n`;
  },
  completion(c) {
    const text = c.files.find((f) => f.path === c.path)!.text;
    const items = completionsAt(c.ws.cProgram('vtest', DEFAULT_TARGET), c.path, text, c.offset);
    if (items.length === 0) return '(no completions)\n';
    return `${items.map((i) => `${i.kind} ${i.label}${i.detail ? ` — ${i.detail}` : ''}${i.snippet ? ` [${i.snippet}]` : ''}`).join('\n')}\n`;
  },
  signature(c) {
    const text = c.files.find((f) => f.path === c.path)!.text;
    const sig = signatureAt(c.ws.cProgram('vtest', DEFAULT_TARGET), c.path, text, c.offset);
    if (!sig) return '(no signature)\n';
    const p = sig.parameters[sig.active];
    return `${sig.label}\nactive: ${p ? sig.label.slice(p.start, p.end) : '(none)'}${p?.documentation ? ` — ${p.documentation}` : ''}\n${sig.documentation ?? ''}\n`;
  },
  rename(c) {
    // As in the server: files other than the one renamed in are closed, their syntax let go.
    for (const f of c.files) if (f.path !== c.path && f.path.endsWith('.vale')) c.ws.releaseSyntax(f.path);
    const program = c.ws.cProgram('vtest', DEFAULT_TARGET);
    const target = renameTarget(program, c.path, c.offset);
    if ('refused' in target) return `(refused: ${target.refused})\n`;
    const newName = target.tag === 'kind' ? 'Vessel' : target.tag === 'member' ? 'payload' : 'heft';
    const r = renameEdits(program, target, newName, [], (f, name) => c.ws.syntaxTree(f, name));
    if ('refused' in r) return `(refused: ${r.refused})\n`;
    const out: string[] = [];
    for (const f of c.files) {
      const edits = r.edits.filter((e) => e.file === f.path).sort((a, b) => b.start - a.start);
      if (edits.length === 0) continue;
      let text = f.text;
      for (const e of edits) text = applyEdit(text, e);
      out.push(`--- ${f.path}`, text.trimEnd());
    }
    return `${out.join('\n')}\n`;
  },
  semantic(c) {
    const text = c.files.find((f) => f.path === c.path)!.text;
    const lines = new LineIndex(text);
    return `${semanticTokens(c.ws.program(), c.path)
      .map((t) => {
        const p = lines.positionAt(t.start);
        return `${p.line + 1}:${p.character + 1} ${text.slice(t.start, t.end)} ${t.type}${t.modifiers.map((m) => `+${m}`).join('')}`;
      })
      .join('\n')}\n`;
  },
  inlay(c) {
    const text = c.files.find((f) => f.path === c.path)!.text;
    const hints = inlayHints(
      c.ws.cProgram('vtest', DEFAULT_TARGET),
      c.path,
      { start: 0, end: text.length },
      { kinds: true, parameters: true },
    );
    if (hints.length === 0) return '(no hints)\n';
    const lines = new LineIndex(text);
    return `${hints
      .map((h) => {
        const p = lines.positionAt(h.offset);
        const line = text.split('\n')[p.line];
        return `${p.line + 1}:${p.character + 1}  ${line.slice(0, p.character)}⟨${h.label}⟩${line.slice(p.character)}`;
      })
      .join('\n')}\n`;
  },
  hover(c) {
    const text = c.files.find((f) => f.path === c.path)!.text;
    const h = c.path.endsWith('.vale')
      ? hoverInVale(c.ws.cProgram('vtest', DEFAULT_TARGET), c.path, text, c.offset, HOVER)
      : hoverReferenceInText(text, c.offset, HOVER);
    if (!h) return '(no hover)\n';
    return `${place(c, c.path, h.start, h.end)}\n\n${h.contents}\n`;
  },
  definition(c) {
    const s = symbolAt(c.ws.program(), c.path, c.offset);
    const target =
      s?.tag === 'kind'
        ? s.decl && { file: s.decl.file, range: nameRangeOf(s.decl) }
        : s?.tag === 'field'
          ? { file: s.decl.file, range: nameRangeOf(s.member) }
          : s?.tag === 'function'
            ? { file: s.fn.file, range: nameRangeOf(s.fn) }
            : undefined;
    return target ? `${place(c, target.file, target.range.start, target.range.end)}\n` : '(no definition)\n';
  },
  references(c) {
    const index = c.ws.program();
    const s = symbolAt(index, c.path, c.offset);
    if (s?.tag !== 'kind' || !s.decl) return '(not a kind)\n';
    const refs = referencesTo(index, s.decl);
    return refs.length === 0 ? '(no references)\n' : `${refs.map((r) => place(c, r.file, r.range.start, r.range.end)).join('\n')}\n`;
  },
  symbols(c) {
    const out: string[] = [];
    const walk = (xs: readonly OutlineSymbol[], depth: number): void => {
      for (const x of xs) {
        const text = c.files.find((f) => f.path === c.path)!.text;
        out.push(
          `${'  '.repeat(depth)}${x.kind} ${x.name}${x.detail ? ` — ${x.detail}` : ''}  [${text.slice(x.selection.start, x.selection.end)}]`,
        );
        walk(x.children, depth + 1);
      }
    };
    walk(documentSymbols(c.ws.model(c.path)!), 0);
    return `${out.join('\n')}\n`;
  },
  fixes(c) {
    const at = c.ws.diagnostics(c.path).filter((d) => d.start <= c.offset && c.offset <= d.end && c.ws.fixesOf(d).length > 0);
    if (at.length === 0) return '(no fix here)\n';
    const out: string[] = [];
    for (const d of at) {
      for (const fix of c.ws.fixesOf(d)) {
        out.push(`${d.code}: ${fix.title}${fix.preferred ? ' (preferred)' : ''}`);
        const byFile = new Map<string, (typeof fix.edits)[number][]>();
        for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
        for (const [file, edits] of byFile) {
          let text = c.ws.text(file)!;
          for (const e of [...edits].sort((a, b) => b.start - a.start)) text = applyEdit(text, e);
          out.push(`--- ${file} after`, text.trimEnd());
          // The fixed text no longer has this diagnostic there.
          const after = new Workspace();
          for (const f of c.files) if (f.path.endsWith('.vale')) after.setFile(f.path, f.path === file ? text : c.ws.text(f.path)!);
          const still = after.diagnostics(d.file).filter((x) => x.code === d.code && x.message === d.message);
          if (still.length > 0) out.push(`!!! ${d.code} is still reported after this fix`);
        }
      }
    }
    return `${out.join('\n')}\n`;
  },
};

describe('IDE behaviour fixtures', () => {
  for (const behaviour of readdirSync(ROOT).sort()) {
    const run = BEHAVIOURS[behaviour];
    assert.ok(run, `test/fixtures/ide/${behaviour}: no such behaviour (${Object.keys(BEHAVIOURS).join(', ')})`);
    for (const name of readdirSync(join(ROOT, behaviour)).sort()) {
      if (name.endsWith('.expect')) continue;
      const file = join(ROOT, behaviour, name);
      const expectFile = join(ROOT, behaviour, `${basename(name, extname(name))}.expect`);
      test(`${behaviour}: ${name}`, () => {
        const actual = run(load(file));
        if (process.env.UPDATE_EXPECT === '1') writeFileSync(expectFile, actual);
        assert.ok(existsSync(expectFile), `${expectFile} is missing (UPDATE_EXPECT=1 writes it; review it)`);
        assert.equal(actual, readFileSync(expectFile, 'utf8'));
      });
    }
  }
});

/** What `symbolAt` answers, found the slow way: every declaration of the file, in its order. */
function symbolByScan(ws: Workspace, file: string, offset: number): unknown {
  const model = ws.program().model(file)!;
  const inside = (r: { start: number; end: number }): boolean => r.start <= offset && offset <= r.end;
  for (const k of model.kinds) {
    if (inside(nameRangeOf(k))) return { tag: 'kind', range: nameRangeOf(k), name: k.name };
    for (const m of k.members) if (inside(nameRangeOf(m))) return { tag: 'field', range: nameRangeOf(m), name: m.name };
  }
  for (const f of model.functions) if (inside(nameRangeOf(f))) return { tag: 'function', range: nameRangeOf(f), name: f.name };
  const refs = [
    ...model.kinds.flatMap((k) => k.members.map((m) => m.type)),
    ...model.functions.flatMap((f) => [...f.params.map((p) => p.type), ...(f.returnType ? [f.returnType] : [])]),
    ...model.exports.map((e) => e.type),
    ...model.impls.flatMap((i) => [i.interfaceType, i.structType]),
  ];
  for (const ref of refs) {
    // The innermost named or array type covering the offset.
    const at = (t: typeof ref): typeof ref | undefined => {
      if (!inside(t)) return undefined;
      if (t.tag === 'array') return at(t.element) ?? t;
      if (t.tag === 'tuple') return t.elements.map(at).find((x) => x) ?? t;
      if (t.tag === 'named') return t.args.map(at).find((x) => x) ?? t;
      return t.tag === 'primitive' || t.tag === 'rune' || t.tag === 'other' ? undefined : t;
    };
    const t = at(ref);
    if (t) return { tag: 'kind', type: t.text, start: t.start };
  }
  return undefined;
}

test('what is under the cursor: the items around it answer as a scan of the whole file, at every offset, before and after edits that move the items', () => {
  const root = join(__dirname, '..', 'examples');
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.vale')) texts.push(readFileSync(join(dir, e.name), 'utf8'));
  };
  walk(root);
  for (const behaviour of ['hover', 'definition', 'references', 'rename'])
    for (const name of readdirSync(join(ROOT, behaviour)))
      if (name.endsWith('.vale'))
        for (const f of parseFixture(readFileSync(join(ROOT, behaviour, name), 'utf8'), '/main.vale')) texts.push(f.text);
  assert.ok(texts.length > 20, `${texts.length} texts`);
  const found = (s: ReturnType<typeof symbolAt>): unknown =>
    !s
      ? undefined
      : s.tag === 'kind' && s.type
        ? { tag: 'kind', type: s.type.text, start: s.type.start }
        : { tag: s.tag, range: s.range, name: s.tag === 'function' ? s.fn.name : s.tag === 'field' ? s.member.name : s.decl!.name };
  let named = 0;
  for (const text of texts) {
    const ws = new Workspace();
    ws.setFile('/w/a.vale', text);
    // The same text again after an edit in front of everything: every item moved.
    const moved = new Workspace();
    moved.setFile('/w/a.vale', text);
    moved.program();
    moved.editFile('/w/a.vale', [{ start: 0, end: 0, newText: '// moved\n' }]);
    for (let at = 0; at <= text.length; at++) {
      const expected = symbolByScan(ws, '/w/a.vale', at);
      if (expected) named++;
      assert.deepEqual(found(symbolAt(ws.program(), '/w/a.vale', at)), expected, `${at} in ${text.slice(0, 60)}`);
      const shifted = symbolByScan(moved, '/w/a.vale', at + 9);
      assert.deepEqual(found(symbolAt(moved.program(), '/w/a.vale', at + 9)), shifted, `${at} + 9 in ${text.slice(0, 60)}`);
    }
  }
  assert.ok(named > 1000, `${named} offsets name something`);
});

// A chain of operators, calls or members nests the tree as deep as it is long (the parser's
// nesting limit is for brackets): every feature answers on such a document, where the recursive
// walks of folding, rename and the trimmed range of a node overflowed the call stack.
test('documents whose trees nest as deep as they are long: every feature answers, and rename finds every use', () => {
  const program = (ws: Workspace) => ws.cProgram('vtest', DEFAULT_TARGET);
  const n = 100_000;
  for (const [what, body] of [
    ['operators', `return ${'s.fuel + '.repeat(n)}1;`],
    ['calls and members', `return s${'.fuel.abs()'.repeat(n / 2)};`],
    ['comparisons', `x = s.fuel${' <'.repeat(n)};`],
    // Read in a loop now (each arm recursed, and 20,000 overflowed the parser's stack).
    ['else-if arms', `${Array.from({ length: n / 5 }, (_, i) => `if s.fuel == ${i} { return s.fuel; }`).join(' else ')}\n  return 0;`],
    // A chain of ranges recursed per `..`: cut at the parser's nesting limit, with its error.
    ['ranges', `x = s.fuel${' .. s.fuel'.repeat(n / 5)};\n  return s.fuel;`],
  ]) {
    const text = `exported struct Ship { fuel int; }\n// one\n// two\nfunc f(s &Ship) int {\n  ${body}\n}\n`;
    const ws = new Workspace();
    const path = '/w/vtest/a.vale';
    ws.setFile(path, text);
    const diagnostics = ws.allDiagnostics();
    assert.equal(
      diagnostics.some((d) => /nested more than/.test(d.message)),
      what === 'ranges',
      what,
    );
    const tree = ws.syntaxTree(path)!;
    // The function folds, and so do the two comments.
    const regions = foldingRegions(tree);
    assert.ok(
      regions.some((r) => r.kind === 'comment'),
      what,
    );
    assert.ok(
      regions.some((r) => r.kind === 'region' && text.slice(r.start).startsWith('func f')),
      what,
    );
    // The function's text printed from its tree (compared as a boolean: a failure's diff would be megabytes).
    assert.ok(tree.root.childNodes().at(-1)!.text().trimEnd() === text.slice(text.indexOf('func f')).trimEnd(), what);
    documentSymbols(ws.model(path)!);
    semanticTokens(ws.program(), path);
    inlayHints(program(ws), path, { start: 0, end: text.length }, { kinds: true, parameters: true });
    for (const at of [text.indexOf('fuel'), text.indexOf('s.fuel') + 3, text.length >> 1, text.length - 5]) {
      hoverInVale(program(ws), path, text, at, HOVER);
      completionsAt(program(ws), path, text, at);
      signatureAt(program(ws), path, text, at);
      symbolAt(ws.program(), path, at);
    }
    // Renaming the member renames its every use in the body.
    const target = renameTarget(program(ws), path, text.indexOf('fuel'));
    assert.ok(!('refused' in target), what);
    const r = renameEdits(program(ws), target as Exclude<typeof target, { refused: string }>, 'gas', [], (f, name) =>
      ws.syntaxTree(f, name),
    );
    assert.ok(!('refused' in r), what);
    const uses = text.split('fuel').length - 1;
    assert.equal(r.edits.length, uses, what);
  }
});
