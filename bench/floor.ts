// The floor of a compact one-shot analysis: what the cold 100k-line figure could come down to
// were the analysis made of numbers instead of objects. Not the product and not its semantics:
// a sketch that does less than `Workspace` does (no diagnostics made, no messages, no positions,
// no imports, no syntax errors outside bodies, only plain names resolved), so its time is a
// lower bound for any design that reads the same text. It takes the lexer's tokens into flat
// arrays, each item's declarations into numbers (names and type texts interned), builds a
// kind table keyed by numbers, resolves each type text once per package, walks the kinds
// breadth first over typed arrays from the FFI signatures and exported kinds, and counts the
// FFI problems it meets. With `bodies`, each function body is also parsed by the product's
// block grammar (`Parser.measureBody`), as the product must for its syntax errors, and lexed by
// that parser alone (each character lexed once, as the product's reading does); `floorBodies`
// parses the same bodies alone, for a second thread (bench/floor-worker.ts) while this one reads
// the declarations: the floor of a design that uses both cores.

import { SyntaxKind as K } from '../shared/syntax/kinds';
import { Lexer } from '../shared/syntax/lexer';
import { Parser } from '../shared/syntax/parser';

const PRIMITIVES = new Set([
  'int',
  'i8',
  'i16',
  'i32',
  'i64',
  'u8',
  'u16',
  'u32',
  'u64',
  'bool',
  'float',
  'str',
  'void',
  'never',
  '__Never',
]);

/** Strings as dense ids. */
class Interner {
  private readonly ids = new Map<string, number>();
  readonly texts: string[] = [];

  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(text);
      this.ids.set(text, id);
    }
    return id;
  }
}

const KIND_EXPORTED = 1;
const KIND_IMM = 2;
const KIND_INTERFACE = 4;

/** One file's declarations as numbers. */
interface Summary {
  readonly pkg: number;
  /** Per kind: name id, flags, first member, member count. */
  readonly kinds: number[];
  /** Member type text ids. */
  readonly members: number[];
  /** Per FFI function: first type, type count (parameters, then the return when written). */
  readonly functions: number[];
  readonly types: number[];
  /** Per `export T as N;`: the type text id. */
  readonly exportsAs: number[];
  /** Per impl: interface type id, struct type id. */
  readonly impls: number[];
  /** Function bodies parsed. */
  readonly bodies: number;
}

/** The significant tokens of one file (buffers reused across files). */
class Tokens {
  kinds: Int32Array = new Int32Array(1 << 14);
  starts: Int32Array = new Int32Array(1 << 14);
  ends: Int32Array = new Int32Array(1 << 14);
  n = 0;

  /**
   * Reads the significant tokens. With `bodies`, each function body (a `{` after `func` outside
   * any braces) is parsed by the product's block grammar from its `{` on, its own parser lexing
   * it, and only its `{` and `}` are kept here: each character is lexed once, as the product's
   * reading lexes it. Returns the bodies parsed.
   */
  read(text: string, bodies: boolean): number {
    let lexer = new Lexer(text, 0, '');
    this.n = 0;
    let depth = 0;
    let inFunction = false;
    let parsed = 0;
    for (;;) {
      const start = lexer.pos;
      const kind = lexer.next();
      if (kind <= K.EllipsisComment) continue;
      if (bodies && kind === K.LBrace && depth === 0 && inFunction) {
        const end = parseBody(text, start);
        parsed++;
        inFunction = false;
        this.push(K.LBrace, start, start + 1);
        this.push(K.RBrace, end - 1, end);
        lexer = new Lexer(text, end, '');
        continue;
      }
      if (bodies) {
        if (kind === K.LBrace) depth++;
        else if (kind === K.RBrace) depth--;
        else if (depth === 0 && kind === K.Semi) inFunction = false;
        else if (depth === 0 && kind === K.Ident && lexer.tokenEnd - start === 4 && text.startsWith('func', start)) inFunction = true;
      }
      this.push(kind, start, lexer.tokenEnd);
      if (kind === K.EOF) return parsed;
    }
  }

  private push(kind: number, start: number, end: number): void {
    if (this.n === this.kinds.length) this.grow();
    this.kinds[this.n] = kind;
    this.starts[this.n] = start;
    this.ends[this.n] = end;
    this.n++;
  }

  private grow(): void {
    const twice = (a: Int32Array): Int32Array => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.kinds = twice(this.kinds);
    this.starts = twice(this.starts);
    this.ends = twice(this.ends);
  }
}

/** A function body parsed by the product's block grammar from its `{` (at `start`); returns where it ends. */
function parseBody(text: string, start: number): number {
  const parser = new Parser(text, start);
  parser.measureBody(start);
  const end = parser.prevEnd();
  parser.release();
  return end;
}

/**
 * The bodies alone, for a thread of its own while another reads the declarations: each file's
 * tokens read and its function bodies parsed, as `summarize` reads them with `bodies`. Returns the
 * bodies parsed.
 */
export function floorBodies(texts: readonly string[]): number {
  const tokens = new Tokens();
  let parsed = 0;
  for (const text of texts) parsed += tokens.read(text, true);
  return parsed;
}

function summarize(text: string, pkg: number, tokens: Tokens, strings: Interner, bodies: boolean): Summary {
  const parsed = tokens.read(text, bodies);
  const { kinds, starts, ends, n } = tokens;
  const s: Summary = { pkg, kinds: [], members: [], functions: [], types: [], exportsAs: [], impls: [], bodies: parsed };
  const word = (i: number): string => text.slice(starts[i], ends[i]);
  const is = (i: number, w: string): boolean => kinds[i] === K.Ident && ends[i] - starts[i] === w.length && text.startsWith(w, starts[i]);
  /** A type from token `i` on, up to a delimiter outside brackets: its text's id goes to `out`; returns the token after it. */
  const type = (i: number, out: number[]): number => {
    const from = i;
    let depth = 0;
    for (; i < n; i++) {
      const k = kinds[i];
      if (k === K.Lt || k === K.LParen || k === K.LBracket) depth++;
      else if (k === K.Gt || k === K.RParen || k === K.RBracket) {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (k === K.Semi || k === K.Comma || k === K.LBrace || k === K.EOF)) break;
      else if (depth === 0 && k === K.Ident && i > from && kinds[i - 1] === K.Ident) break;
    }
    out.push(strings.id(text.slice(starts[from], ends[i - 1]).replace(/\s+/g, '')));
    return i;
  };
  const pastBraces = (i: number): number => {
    for (let depth = 0; i < n; i++) {
      if (kinds[i] === K.LBrace) depth++;
      else if (kinds[i] === K.RBrace && --depth === 0) return i + 1;
    }
    return i;
  };
  let i = 0;
  while (i < n && kinds[i] !== K.EOF) {
    let exported = false;
    let extern = false;
    for (; ; i++) {
      if (is(i, 'exported')) exported = true;
      else if (is(i, 'extern')) {
        extern = true;
        if (kinds[i + 1] === K.LParen) while (i < n && kinds[i] !== K.RParen) i++;
      } else if (!is(i, 'sealed') && !is(i, 'abstract') && !is(i, 'pure')) break;
    }
    if (is(i, 'struct') || is(i, 'interface')) {
      const iface = is(i, 'interface');
      const name = strings.id(word(i + 1));
      let imm = false;
      for (i += 2; i < n && kinds[i] !== K.LBrace; i++) if (is(i, 'imm')) imm = true;
      const first = s.members.length;
      if (iface) i = pastBraces(i);
      else {
        for (i++; i < n && kinds[i] !== K.RBrace; ) {
          i = type(i + 1, s.members);
          if (kinds[i] === K.Semi) i++;
        }
        i++;
      }
      const flags = (exported ? KIND_EXPORTED : 0) | (imm ? KIND_IMM : 0) | (iface ? KIND_INTERFACE : 0);
      s.kinds.push(name, flags, first, s.members.length - first);
    } else if (is(i, 'func')) {
      i += 2;
      if (kinds[i] === K.Lt) while (i < n && kinds[i] !== K.Gt) i++;
      const first = s.types.length;
      for (i++; i < n && kinds[i] !== K.RParen; ) {
        if (is(i, 'virtual')) i++;
        i = type(i + 1, s.types);
        if (kinds[i] === K.Comma) i++;
      }
      i++;
      if (kinds[i] !== K.LBrace && kinds[i] !== K.Semi) i = type(i, s.types);
      if (exported || extern) s.functions.push(first, s.types.length - first);
      else s.types.length = first;
      // A body: its tokens were read as its `{` and `}` when `bodies` parsed it.
      if (kinds[i] === K.LBrace) {
        i = pastBraces(i);
      } else i++;
    } else if (is(i, 'export')) {
      i = type(i + 1, s.exportsAs) + 3;
    } else if (is(i, 'impl')) {
      i = type(i + 1, s.impls);
      i = type(i + 1, s.impls) + 1;
    } else i++;
  }
  return s;
}

export interface FloorResult {
  readonly kinds: number;
  readonly reached: number;
  readonly problems: number;
  /** Function bodies parsed (with `bodies`). */
  readonly bodies: number;
}

/** The sketch over a workspace's files (package: the file's directory). */
export function floorAnalysis(files: readonly { readonly path: string; readonly text: string }[], bodies: boolean): FloorResult {
  const strings = new Interner();
  const packages = new Interner();
  const tokens = new Tokens();
  const summaries: Summary[] = [];
  for (const f of files) summaries.push(summarize(f.text, packages.id(f.path.slice(0, f.path.lastIndexOf('/'))), tokens, strings, bodies));

  // Kinds by package and name, the first declaration winning: a table per package, keyed by the
  // name's id (small integers: one map keyed by package and name together needs keys past V8's
  // small integers, which it hashes as heap numbers, several times slower).
  const kindsOf: Map<number, number>[] = [];
  const tableOf = (tables: Map<number, number>[], pkg: number): Map<number, number> => {
    let table = tables[pkg];
    if (table === undefined) tables[pkg] = table = new Map();
    return table;
  };
  const flags: number[] = [];
  const home: number[] = []; // summary, kind record
  for (let f = 0; f < summaries.length; f++) {
    const s = summaries[f];
    const kindOf = tableOf(kindsOf, s.pkg);
    for (let k = 0; k < s.kinds.length; k += 4) {
      if (kindOf.has(s.kinds[k])) continue;
      kindOf.set(s.kinds[k], flags.length);
      flags.push(s.kinds[k + 1]);
      home.push(f, k);
    }
  }
  // A type text's kind in a package: -1 a primitive or a shape this sketch does not follow, -2 unknown.
  const nameOfType: number[] = [];
  const resolvedIn: Map<number, number>[] = [];
  const resolve = (pkg: number, type: number): number => {
    const resolved = tableOf(resolvedIn, pkg);
    let kind = resolved.get(type);
    if (kind === undefined) {
      let name = nameOfType[type];
      if (name === undefined) {
        const m = /^[&^@*]*(?:\[[^\]]*\]<\w+>)?([A-Za-z_]\w*)/.exec(strings.texts[type]);
        name = nameOfType[type] = m ? strings.id(m[1]) : -1;
      }
      kind = name < 0 || PRIMITIVES.has(strings.texts[name]) ? -1 : (kindsOf[pkg]?.get(name) ?? -2);
      resolved.set(type, kind);
    }
    return kind;
  };
  const exportedAs = new Uint8Array(flags.length);
  const implementations = new Map<number, number[]>();
  for (const s of summaries) {
    for (const t of s.exportsAs) {
      const k = resolve(s.pkg, t);
      if (k >= 0) exportedAs[k] = 1;
    }
    for (let e = 0; e < s.impls.length; e += 2) {
      const iface = resolve(s.pkg, s.impls[e]);
      const struct = resolve(s.pkg, s.impls[e + 1]);
      if (iface < 0 || struct < 0) continue;
      const list = implementations.get(iface);
      if (list) list.push(struct);
      else implementations.set(iface, [struct]);
    }
  }
  // Each kind's members as kind ids, one list after another (-3 ends a list).
  const members: number[] = [];
  const firstMember = new Int32Array(flags.length);
  for (let k = 0; k < flags.length; k++) {
    const s = summaries[home[2 * k]];
    const at = home[2 * k + 1];
    firstMember[k] = members.length;
    for (let m = 0; m < s.kinds[at + 3]; m++) members.push(resolve(s.pkg, s.members[s.kinds[at + 2] + m]));
    members.push(-3);
  }
  const exported = (k: number): boolean => (flags[k] & KIND_EXPORTED) !== 0 || exportedAs[k] === 1;

  // Breadth first from the roots: each kind keeps the first root that reaches it.
  const reachedFrom = new Int32Array(flags.length).fill(-1);
  const queue = new Int32Array(flags.length);
  let head = 0;
  let tail = 0;
  let problems = 0;
  const reach = (k: number, root: number): void => {
    if (k < 0 || reachedFrom[k] >= 0) return;
    reachedFrom[k] = root;
    queue[tail++] = k;
  };
  for (let f = 0; f < summaries.length; f++) {
    const s = summaries[f];
    for (let x = 0; x < s.functions.length; x += 2)
      for (let t = 0; t < s.functions[x + 1]; t++) {
        const k = resolve(s.pkg, s.types[s.functions[x] + t]);
        if (k === -2 || (k >= 0 && !exported(k))) problems++;
        reach(k, f);
      }
  }
  for (let k = 0; k < flags.length; k++) if (exported(k)) reach(k, home[2 * k]);
  while (head < tail) {
    const k = queue[head++];
    if (!(flags[k] & KIND_IMM)) continue;
    if (flags[k] & KIND_INTERFACE) {
      for (const s of implementations.get(k) ?? []) reach(s, reachedFrom[k]);
      continue;
    }
    for (let m = firstMember[k]; members[m] !== -3; m++) {
      const c = members[m];
      if (c >= 0 && flags[c] & KIND_IMM && !exported(c)) problems++;
      reach(c, reachedFrom[k]);
    }
  }
  let bodiesParsed = 0;
  for (const s of summaries) bodiesParsed += s.bodies;
  return { kinds: flags.length, reached: tail, problems, bodies: bodiesParsed };
}
