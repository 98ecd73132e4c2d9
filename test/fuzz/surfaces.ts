// Every input surface of the core, as a fuzz target: inputs (JSON-friendly, so a failing one can be
// saved and replayed), and the invariants each must keep. `npm run fuzz` runs them by the million;
// test/fuzz.test.ts replays saved failures and runs a short smoke of each.
import fc from 'fast-check';
import {
  BACKEND_PROFILE,
  type CKind,
  type CProgram,
  DEFAULT_TARGET,
  ElfError,
  FIELD_NAMES,
  type HoverOptions,
  type JsonValue,
  MessageError,
  PROFILES,
  RecordingWriter,
  type UrslFields,
  Workspace,
  applyEdit,
  decodeMessage,
  decodeUniversalReference,
  encodeUniversalReference,
  findUniversalReferences,
  hoverInVale,
  hoverReferenceInText,
  parse,
  parseUniversalReference,
  readElfSymbols,
  readRecording,
  reparse,
  serializeMessage,
} from '../../shared';
import { setBodyMinimum } from '../../shared/syntax/body';
import { setWindowSlack } from '../../shared/syntax/tree';
import { ARG_TURNS } from '../../shared/syntax/grammar/common';
import { FRAGMENTS, anyText, argumentsOf, editOf, fixtureTexts, longBody, longList, mutatedText, tokenSoup } from '../support/arbitraries';
import { elfWithSymbols } from '../support/elf';
import { assertSameReading } from '../support/quick';
import { fingerprint } from '../support/trees';

export interface Surface<I> {
  readonly name: string;
  readonly what: string;
  readonly arbitrary: fc.Arbitrary<I>;
  /** Throws when an invariant does not hold for the input. */
  check(input: I): void;
  /** The input as JSON (saved failures) and back. */
  toJson(input: I): unknown;
  fromJson(json: unknown): I;
}

const identity = <T>(x: T): T => x;
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

function fail(message: string): never {
  throw new Error(message);
}

/** Real Vale cut into top-level items, so mutated inputs stay small and fast. */
const SNIPPETS = fixtureTexts().flatMap((t) => t.split(/\n(?=\S)/).filter((s) => s.trim().length > 0));

/** Deep nesting of every construct that nests, closed or not. */
const deepNesting = fc
  .tuple(fc.constantFrom('(', '{', 'A<', '[]<imm>', '{(x) => ', 'f(', '[', 'if x { '), fc.integer({ min: 1, max: 1500 }), fc.boolean())
  .map(([open, n, closed]) => {
    const body = `func f() { ${open.repeat(n)}x`;
    const close = closed
      ? open.includes('(')
        ? ')'
        : open.includes('<')
          ? '>'
          : open.includes('[') && !open.includes('<')
            ? ']'
            : '}'
      : '';
    return `${body}${close.repeat(closed ? n : 0)} }\n`;
  });

/**
 * One short run of tokens repeated thousands of times, in a body, a value, a type or an if's
 * arms: what a parser that recurses once per link (not per bracket, which its nesting limit
 * counts) overflows the stack on. It found none left; an else-if arm and a range's end each
 * recursed so, and 20,000 of either overflowed it.
 */
const longChains = fc
  .tuple(
    fc.constantFrom('func f() { x = a', 'func f() int { return ', 'struct S { m ', 'func f() { ', ''),
    fc.array(
      fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom(...FRAGMENTS) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(' .. a', 'if a { } else ', '.b', '.b()', '&', 'not ', ' + a', '(x) => ', '[]<imm>', 'A<', ' = '),
        },
      ),
      { minLength: 1, maxLength: 3 },
    ),
    fc.integer({ min: 2_000, max: 25_000 }),
  )
  .map(([head, link, n]) => `${head}${link.join('').repeat(n)} }\n`);

const valeText = fc.oneof(
  { weight: 9, arbitrary: anyText },
  { weight: 9, arbitrary: mutatedText(SNIPPETS) },
  { weight: 3, arbitrary: deepNesting },
  { weight: 6, arbitrary: tokenSoup },
  // Rare (each is 10–200 KB): one input in 28.
  { weight: 1, arbitrary: longChains },
);

function checkTree(text: string): void {
  const tree = parse(text);
  if (tree.print() !== text) fail('the tree does not print back its text');
  for (const e of tree.errors)
    if (!(e.start >= 0 && e.start <= e.end && e.end <= text.length)) fail(`error range ${e.start}-${e.end} outside the text`);
}

const parseSurface: Surface<string> = {
  name: 'parse',
  what: 'parser: random text, token soup, mutated real Vale, deep nesting, long chains',
  arbitrary: valeText,
  check: checkTree,
  toJson: identity,
  fromJson: (j) => j as string,
};

interface ReparseInput {
  text: string;
  edit: { start: number; end: number; newText: string };
}

const reparseSurface: Surface<ReparseInput> = {
  name: 'reparse',
  what: 'incremental reparse equals a full parse after a random edit',
  arbitrary: fc.oneof(mutatedText(SNIPPETS), tokenSoup, anyText).chain((text) => editOf(text).map((edit) => ({ text, edit }))),
  check: ({ text, edit }) => {
    const after = applyEdit(text, edit);
    const incremental = reparse(parse(text), edit);
    if (incremental.print() !== after) fail('the reparsed tree does not print the edited text');
    if (fingerprint(incremental.green) !== fingerprint(parse(after).green)) fail('incremental reparse differs from a full parse');
  },
  toJson: identity,
  fromJson: (j) => j as ReparseInput,
};

/** A function of argument lists where the re-parse goes down to one (a let's value, a statement's call, a method's, a lambda's block, a `return`'s). */
const LISTS =
  `func f(ship &Ship) int {\n  a = [#](${argumentsOf(9, 1)});\n  launch(${argumentsOf(8, 2)});\n  ship.go(${argumentsOf(7, 3)}).then(${argumentsOf(5, 4)});\n` +
  `  list.each((y) => {\n    z = [](${argumentsOf(9, 6)});\n    if y { g(${argumentsOf(6, 7)}); } else { h(1, 2, 3); }\n  });\n  return #[](${argumentsOf(8, 8)});\n}\n`;

/**
 * `reparseSurface` with every list of turns short enough to be re-parsed by its turns: bodies and
 * blocks of any size by their statements (or members), argument lists of three or more by their
 * arguments (`ARG_TURNS`), both parses under the same lengths.
 */
const turnsSurface: Surface<ReparseInput> = {
  ...reparseSurface,
  // Whole texts that parse (mostly) without errors, where lists of turns are re-parsed as such: the fixtures, and lists of every argument's shape.
  arbitrary: fc.constantFrom(...fixtureTexts(), LISTS).chain((text) => editOf(text).map((edit) => ({ text, edit }))),
  name: 'turns',
  what: "incremental reparse by a block's statements, a kind's members or a list's arguments (short ones too) equals a full parse",
  check: (input) => {
    const minimum = ARG_TURNS.minimum;
    const bodies = setBodyMinimum(0);
    ARG_TURNS.minimum = 6;
    try {
      reparseSurface.check(input);
    } finally {
      setBodyMinimum(bodies);
      ARG_TURNS.minimum = minimum;
    }
  },
};

interface EditsInput {
  text: string;
  edits: { start: number; end: number; newText: string }[];
}

/**
 * Up to four edits of a long function's statements or a long list's elements, each re-parse equal
 * to a full parse, under windows short enough that re-parses read more than one and take old
 * statements and elements whole (reuse.ts), with every list of turns as short as `turnsSurface`'s.
 */
const reuseSurface: Surface<EditsInput> = {
  name: 'reuse',
  what: 'incremental reparses that take old statements and elements whole, wherever they moved, equal a full parse after each of a few edits',
  arbitrary: fc
    .tuple(
      fc.oneof(longBody({ min: 40, max: 120 }), longList({ min: 20, max: 100 }), fc.constantFrom(LISTS)),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.nat({ max: 12 }),
          fc.oneof(fc.constantFrom('{', '}', '(', ')', '[', ']', ',', ';', 'if ', '"', '//', '=', '\n', 'x'), tokenSoup),
          fc.boolean(),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    )
    .map(([text, list]) => {
      const edits: EditsInput['edits'] = [];
      let t = text;
      for (const [at, cut, ins, del] of list) {
        const start = at % (t.length + 1);
        const edit = { start, end: Math.min(t.length, start + (del ? cut : 0)), newText: del && cut > 0 ? '' : ins };
        edits.push(edit);
        t = applyEdit(t, edit);
      }
      return { text, edits };
    }),
  check: ({ text, edits }) => {
    const minimum = ARG_TURNS.minimum;
    const bodies = setBodyMinimum(0);
    ARG_TURNS.minimum = 6;
    setWindowSlack(16);
    try {
      let tree = parse(text);
      for (const edit of edits) {
        tree = reparse(tree, edit);
        const full = parse(tree.text);
        if (fingerprint(tree.green) !== fingerprint(full.green)) fail('incremental reparse differs from a full parse');
        if (JSON.stringify(tree.errors) !== JSON.stringify(full.errors)) fail('incremental reparse reports other errors than a full parse');
      }
    } finally {
      setBodyMinimum(bodies);
      ARG_TURNS.minimum = minimum;
      setWindowSlack(1024);
    }
  },
  toJson: identity,
  fromJson: (j) => j as EditsInput,
};

const quickSurface: Surface<string> = {
  name: 'quick',
  what: 'one-shot quick reading equals the parse and the model reading (declarations, errors, elements)',
  arbitrary: fc.oneof(mutatedText(SNIPPETS), tokenSoup, anyText, deepNesting),
  check: (text) => assertSameReading(text),
  toJson: identity,
  fromJson: (j) => j as string,
};

const HOVER: HoverOptions = { layout: true, functions: true, references: true, numbers: 'both', profile: BACKEND_PROFILE };
const COMPANION = 'exported struct Ship imm { fuel int; }\nexported interface Hull { }\nextern func weigh(s Ship) int;\n';

interface AnalysisInput {
  text: string;
  offset: number;
}

const analysisSurface: Surface<AnalysisInput> = {
  name: 'analysis',
  what: 'model, checks, quick fixes, layout, headers and hovers of a file beside a fixed one',
  arbitrary: fc
    .oneof(
      { weight: 10, arbitrary: mutatedText(SNIPPETS) },
      { weight: 10, arbitrary: tokenSoup },
      { weight: 10, arbitrary: deepNesting },
      { weight: 1, arbitrary: longChains },
    )
    .chain((text) => fc.nat(text.length).map((offset) => ({ text, offset }))),
  check: ({ text, offset }) => {
    const ws = new Workspace();
    ws.setFile('/p/companion.vale', COMPANION);
    ws.setFile('/p/fuzz.vale', text);
    for (const d of ws.allDiagnostics()) {
      const length = (d.file === '/p/fuzz.vale' ? text : COMPANION).length;
      if (!(d.start >= 0 && d.start <= d.end && d.end <= length)) fail(`${d.code} range ${d.start}-${d.end} outside ${d.file}`);
      for (const fix of ws.fixesOf(d)) for (const e of fix.edits) if (e.start > e.end) fail(`fix edit ${e.start}-${e.end} is reversed`);
    }
    const program = ws.cProgram('fuzz', DEFAULT_TARGET);
    for (const k of program.kinds) program.layout(k);
    hoverInVale(program, '/p/fuzz.vale', text, offset, HOVER);
  },
  toJson: identity,
  fromJson: (j) => j as AnalysisInput,
};

/** Text that holds universal references in every form, among noise. */
const referenceText = fc.oneof(
  anyText,
  fc
    .tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom('i256', 'bytes', 'gdb', 'words'), anyText)
    .map(([b, form, noise]) => {
      const words = [0, 1, 2, 3].map((i) => Buffer.from(b).readBigUInt64LE(i * 8));
      const text =
        form === 'i256'
          ? `0x${toHex(b.slice().reverse())}`
          : form === 'bytes'
            ? [...b].map((x) => `0x${x.toString(16)}`).join(', ')
            : form === 'gdb'
              ? `0x7ffd0000:\t0x${words[0].toString(16)}\t0x${words[1].toString(16)}\n0x7ffd0010:\t0x${words[2].toString(16)}\t0x${words[3].toString(16)}`
              : `{ 0x${words[0].toString(16)}, 0x${words[1].toString(16)}, 0x${words[2].toString(16)}, 0x${words[3].toString(16)}, 0x0 }`;
      return `${noise.slice(0, 40)}${text}${noise.slice(40)}`;
    }),
);

interface ReferenceTextInput {
  text: string;
  offset: number;
}

const recognizeSurface: Surface<ReferenceTextInput> = {
  name: 'recognize',
  what: 'universal-reference recognizers and the reference hover on any text',
  arbitrary: referenceText.chain((text) => fc.nat(text.length).map((offset) => ({ text, offset }))),
  check: ({ text, offset }) => {
    for (const p of PROFILES) {
      for (const r of findUniversalReferences(text, p)) {
        if (!(r.start >= 0 && r.start < r.end && r.end <= text.length)) fail(`a reference at ${r.start}-${r.end} outside the text`);
        if (r.bytes.length !== 32) fail('a recognized reference is not 32 bytes');
      }
    }
    parseUniversalReference(text);
    hoverReferenceInText(text, offset, HOVER);
  },
  toJson: identity,
  fromJson: (j) => j as ReferenceTextInput,
};

const pointer52 = fc.bigInt(0n, (1n << 47n) - 1n).map((v) => v & ~0xfn);
const fieldsArb = fc.record({
  objectGeneration: fc.bigInt(0n, (1n << 32n) - 1n),
  regionGeneration: fc.bigInt(0n, (1n << 32n) - 1n),
  objectPointer: fc.oneof(fc.bigInt(0n, (1n << 55n) - 1n), fc.bigInt((1n << 64n) - (1n << 55n), (1n << 64n) - 1n)),
  typePointer: pointer52,
  regionPointer: pointer52,
  offsetToGeneration: fc.bigInt(0n, 0xffffn),
  scopeTetherMask: fc.bigInt(0n, 0xffffn),
});

interface CodecInput {
  profile: number;
  bytes: string;
  fields: Record<string, string>;
}

const codecSurface: Surface<CodecInput> = {
  name: 'codec',
  what: 'URSL encode(decode(b)) == b and decode(encode(f)) == f, both profiles',
  arbitrary: fc
    .tuple(fc.nat(PROFILES.length - 1), fc.uint8Array({ minLength: 32, maxLength: 32 }), fieldsArb)
    .map(([profile, bytes, fields]) => ({
      profile,
      bytes: toHex(bytes),
      fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.toString()])),
    })),
  check: ({ profile, bytes, fields }) => {
    const p = PROFILES[profile];
    const b = fromHex(bytes);
    if (toHex(encodeUniversalReference(decodeUniversalReference(b, p).fields, p).bytes) !== bytes) fail('encode(decode(b)) != b');
    const f = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, BigInt(v)])) as unknown as UrslFields;
    const back = decodeUniversalReference(encodeUniversalReference(f, p).bytes, p);
    for (const n of FIELD_NAMES) if (back.fields[n] !== f[n]) fail(`decode(encode(f)).${n} != f.${n}`);
  },
  toJson: identity,
  fromJson: (j) => j as CodecInput,
};

const KINDS_SOURCE = `exported struct Engine imm { fuel int; ratio float; on bool; }
exported struct Ship imm { name str; engine Engine; crew i64; }
sealed exported interface Cargo imm { }
exported struct Crate imm { w int; }
exported struct Barrel imm { litres int; inner Engine; }
impl Cargo for Crate;
impl Cargo for Barrel;
export []<imm>Ship as Fleet;
export [#3]<imm>int as Triple;
exported struct Dock { n int; }
extern func weigh(d &Dock, s Ship) Ship;
extern func count(t Triple) int;
extern func load(c Cargo) Fleet;
extern func flag() bool;
`;

/** The program the message and recording surfaces use (built once per worker). */
let program: CProgram | undefined;
function fuzzProgram(): CProgram {
  if (!program) {
    const ws = new Workspace();
    ws.setFile('/k/kinds.vale', KINDS_SOURCE);
    program = ws.cProgram('fuzz', DEFAULT_TARGET);
  }
  return program;
}

/** A base recording with a call of each shape, to mutate. */
let baseRecording: Uint8Array | undefined;
function recordingBytes(): Uint8Array {
  if (!baseRecording) {
    const p = fuzzProgram();
    const w = new RecordingWriter(p);
    const ref = new Uint8Array(32);
    ref[8] = 0x10;
    ref[16] = 0x7f;
    const ship = { name: 'Ägir', engine: { fuel: 7, ratio: 0.25, on: true }, crew: '-5' };
    w.call('weigh', [ref], { kind: 'message', type: p.findKind('Ship')!, value: ship });
    w.call('count', [], { kind: 'int', value: 7 });
    w.call('load', [], { kind: 'message', type: p.findKind('Fleet')!, value: [ship, ship] });
    w.call('flag', [], { kind: 'bool', value: true });
    baseRecording = w.bytes();
  }
  return baseRecording;
}

/** Cuts and byte flips of a base file. */
const mutations = fc.record({
  cut: fc.option(fc.nat(), { nil: undefined }),
  flips: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 12 }),
  splice: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 24 })), { nil: undefined }),
});
type Mutation = ReturnType<typeof mutationJson>;
function mutationJson(m: { cut?: number; flips: [number, number][]; splice?: [number, Uint8Array] }) {
  return { cut: m.cut, flips: m.flips, splice: m.splice && ([m.splice[0], toHex(m.splice[1])] as [number, string]) };
}
function mutate(base: Uint8Array, m: Mutation): Uint8Array {
  let bytes = base.slice(0, m.cut === undefined ? base.length : m.cut % (base.length + 1));
  if (m.splice) {
    const at = m.splice[0] % (bytes.length + 1);
    const extra = fromHex(m.splice[1]);
    const out = new Uint8Array(bytes.length + extra.length);
    out.set(bytes.subarray(0, at), 0);
    out.set(extra, at);
    out.set(bytes.subarray(at), at + extra.length);
    bytes = out;
  }
  for (const [at, value] of m.flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
  return bytes;
}

const recordingSurface: Surface<Mutation> = {
  name: 'recording',
  what: 'recording reader on cut, flipped and spliced recordings',
  arbitrary: mutations.map(mutationJson),
  check: (m) => {
    const bytes = mutate(recordingBytes(), m);
    const r = readRecording(bytes, fuzzProgram());
    if (r.error && !(r.error.offset >= 0 && r.error.offset <= bytes.length)) fail(`stopped at ${r.error.offset}, outside the file`);
    let last = -1;
    for (const c of r.calls) {
      if (c.offset <= last) fail('calls out of order');
      last = c.offset;
    }
  },
  toJson: identity,
  fromJson: (j) => j as Mutation,
};

const BASE_ELF = elfWithSymbols([
  { name: 'ShipVehicle', value: 0x4010n },
  { name: 'BoatVehicle', value: 0x4028n },
  { name: 'main', value: 0x1120n },
]);

const elfSurface: Surface<Mutation> = {
  name: 'elf',
  what: 'ELF symbol reader on cut, flipped and spliced objects',
  arbitrary: mutations.map(mutationJson),
  check: (m) => {
    try {
      readElfSymbols(mutate(BASE_ELF, m));
    } catch (e) {
      if (!(e instanceof ElfError)) throw e;
    }
  },
  toJson: identity,
  fromJson: (j) => j as Mutation,
};

interface MessageInput {
  kind: number;
  value: JsonValue;
  bytes: string;
}

/** Values shaped like the kinds (so serialization succeeds often), and anything else. */
const messageValue: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.string({ maxLength: 12 }),
    fc.bigInt(-(1n << 63n), (1n << 63n) - 1n).map(String),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.record(
      {
        fuel: tie('v'),
        ratio: tie('v'),
        on: tie('v'),
        name: tie('v'),
        engine: tie('v'),
        crew: tie('v'),
        w: tie('v'),
        litres: tie('v'),
        inner: tie('v'),
        $kind: fc.constantFrom('Crate', 'Barrel', 'Ship', 'Nope'),
      },
      { requiredKeys: [] },
    ),
  ),
})).v;

const messageSurface: Surface<MessageInput> = {
  name: 'message',
  what: 'message serializer and decoder: serialize(decode(serialize(v))) == serialize(v); random bytes decode or fail cleanly',
  arbitrary: fc.record({ kind: fc.nat(20), value: messageValue, bytes: fc.uint8Array({ maxLength: 160 }).map(toHex) }),
  check: ({ kind, value, bytes }) => {
    const p = fuzzProgram();
    const kinds: readonly CKind[] = p.kinds;
    const k = kinds[kind % kinds.length];
    const clean = (f: () => void): void => {
      try {
        f();
      } catch (e) {
        if (!(e instanceof MessageError)) throw e;
      }
    };
    clean(() => {
      const m = serializeMessage(p, k, value);
      const again = serializeMessage(p, k, decodeMessage(p, k, m.bytes));
      if (toHex(again.bytes) !== toHex(m.bytes)) fail('serialize(decode(serialize(v))) != serialize(v)');
    });
    clean(() => decodeMessage(p, k, fromHex(bytes)));
  },
  toJson: identity,
  fromJson: (j) => j as MessageInput,
};

export const SURFACES: readonly Surface<unknown>[] = [
  parseSurface,
  reparseSurface,
  turnsSurface,
  reuseSurface,
  quickSurface,
  analysisSurface,
  recognizeSurface,
  codecSurface,
  recordingSurface,
  elfSurface,
  messageSurface,
] as Surface<unknown>[];
