import type { Severity } from './diagnostics';

/**
 * Every diagnostic code the project emits, declared once: severity, a one-line
 * title, an explanation, a minimal Vale example that triggers it and the fixed
 * version (both checked by test/codes.test.ts), and the quick fixes offered.
 * `vale-ffi explain`, LSP `codeDescription`, docs/diagnostics.md and the
 * README's table all read from here.
 */
export interface CodeInfo {
  readonly code: string;
  readonly severity: Severity;
  /** Who defines it: the Vale compiler (same name and cases), or vale-ffi. */
  readonly origin: 'compiler' | 'vale-ffi';
  readonly title: string;
  readonly explanation: string;
  /** A minimal program (one file) that gets this code, and the same program fixed. */
  readonly example: string;
  readonly fixed: string;
  /** Checked with the natural itable profile (what a toolchain without ITN16BA does). */
  readonly naturalItables?: boolean;
  /** Checked with this C file beside the Vale example (`native/impl.c`, project vtest), and its fixed version. */
  readonly c?: { readonly example: string; readonly fixed: string };
  /** Checked with this header of a real build (`include/vtest/<name>.h`, project vtest). */
  readonly builtHeader?: { readonly name: string; readonly text: string };
  /** The quick fixes offered, by title. */
  readonly fixes: readonly string[];
}

export const CODES: readonly CodeInfo[] = [
  {
    code: 'SyntaxError',
    severity: 'error',
    origin: 'vale-ffi',
    title: 'the text is not valid Vale here',
    explanation:
      'The parser could not read this part of the file. It recovers at the next item, so the rest of the file is still checked, but the item holding the error may be read incompletely: its FFI checks can be missing until the syntax is fixed. An item shows its first 100 syntax errors; the last one says how many more there were.',
    example: 'exported func total(x int) int { x +; }\n',
    fixed: 'exported func total(x int) int { x + 1 }\n',
    fixes: [],
  },
  {
    code: 'ExportedFunctionDependedOnNonExportedKind',
    severity: 'error',
    origin: 'compiler',
    title: 'an exported function takes or returns a kind that is not exported from its package',
    explanation:
      'C calls an `exported func`, so every struct, interface or array in its parameters and return type needs a C definition, and the backend only writes definitions for kinds exported from the same package. Primitives (ints, bool, float, str, void) need nothing.',
    example: 'struct Ship imm { fuel int; }\nexported func fuelOf(s Ship) int { s.fuel }\n',
    fixed: 'exported struct Ship imm { fuel int; }\nexported func fuelOf(s Ship) int { s.fuel }\n',
    fixes: ['Add `exported` to the struct or interface', 'Export the array with an `export ... as` line'],
  },
  {
    code: 'ExternFunctionDependedOnNonExportedKind',
    severity: 'error',
    origin: 'compiler',
    title: 'an extern function takes or returns a kind that is not exported from its package',
    explanation:
      "C implements an `extern func`, so it needs the C definition of every kind in the signature, and only kinds exported from the extern's package get one.",
    example: 'struct Ship imm { fuel int; }\nextern func weigh(s Ship) int;\n',
    fixed: 'exported struct Ship imm { fuel int; }\nextern func weigh(s Ship) int;\n',
    fixes: ['Add `exported` to the struct or interface', 'Export the array with an `export ... as` line'],
  },
  {
    code: 'ExportedImmutableKindDependedOnNonExportedKind',
    severity: 'error',
    origin: 'compiler',
    title: 'an exported immutable struct or array holds a kind that is not exported',
    explanation:
      'An immutable value crosses the boundary as a deep copy, so C needs the definition of everything inside it: every member of an exported immutable struct and the element of an exported immutable array must be exported from the same package too. Members of mutable structs are not checked: those cross as references.',
    example: 'struct Engine imm { fuel int; }\nexported struct Ship imm { engine Engine; }\n',
    fixed: 'exported struct Engine imm { fuel int; }\nexported struct Ship imm { engine Engine; }\n',
    fixes: ['Add `exported` to the struct or interface', 'Export the array with an `export ... as` line'],
  },
  {
    code: 'TypeExportedMultipleTimes',
    severity: 'error',
    origin: 'compiler',
    title: 'a kind is exported more than once in a package',
    explanation:
      'The backend gives each exported kind exactly one C name, so a package may export a kind once: either with `exported` on its declaration or with one `export T as Name;` line.',
    example: 'exported struct Ship imm { fuel int; }\nexport Ship as Vessel;\n',
    fixed: 'exported struct Ship imm { fuel int; }\n',
    fixes: ['Remove the duplicate export line', 'Remove `exported` from the declaration'],
  },
  {
    code: 'ExternHasBody',
    severity: 'error',
    origin: 'compiler',
    title: 'an extern function has a body',
    explanation:
      'An `extern func` is implemented in C; a Vale body would never run. Declare it with `;`. (`extern("name") func` is different: a builtin whose body the compiler generates, so no FFI rule applies to it.)',
    example: 'extern func now() int { 0 }\n',
    fixed: 'extern func now() int;\n',
    fixes: ['Replace the body with `;`'],
  },
  {
    code: 'NonHierarchicalImmutable',
    severity: 'error',
    origin: 'vale-ffi',
    title: 'an immutable kind that crosses the boundary cannot be deep-copied as a tree',
    explanation:
      'Immutable values cross as messages: trees of owned immutable objects that C receives as a copy. An unsealed immutable interface cannot be copied (C cannot know every struct that implements it), nor a sealed one implemented by a struct that is not exported, nor a borrowed (`&`) or weak (`&&`) reference or a mutable kind inside an immutable one. The Vale compiler does not check this; the program fails at the boundary instead. The message names the signature that makes the kind cross and the members walked to reach it.',
    example: 'exported interface Cargo imm { }\nextern func load(c Cargo) int;\n',
    fixed: 'sealed exported interface Cargo imm { }\nextern func load(c Cargo) int;\n',
    fixes: ['Add `sealed` to the interface', 'Add `exported` to the implementing struct'],
  },
  {
    code: 'UncheckedExternalKind',
    severity: 'information',
    origin: 'vale-ffi',
    title: 'a kind in an FFI signature is not declared in the workspace',
    explanation:
      'The kind comes from outside the files vale-ffi reads: a builtin (Opt, Result, Tup...) or a name that an import of a module outside the workspace (`import stdlib.collections.*;`) may provide. Whether it is exported, and hierarchical if immutable, could not be checked; add the module that declares it to the workspace to have it checked. A name that no import could provide is UnknownKind, an error.',
    example: 'extern func weigh(cargo Opt<int>) int;\n',
    fixed: 'exported struct Cargo imm { weight int; }\nextern func weigh(cargo Cargo) int;\n',
    fixes: [],
  },
  {
    code: 'UnknownKind',
    severity: 'error',
    origin: 'vale-ffi',
    title: 'a kind in an FFI signature is declared nowhere',
    explanation:
      "No package of the workspace declares this name, it is not one of Vale's builtins (Opt, Result, Tup...), and the file imports nothing from outside the workspace that could provide it: a typo, or a missing import. The compiler rejects the program; the closest declared name the file can see is suggested.",
    example: 'exported struct Cargo imm { weight int; }\nextern func weigh(cargo Crago) int;\n',
    fixed: 'exported struct Cargo imm { weight int; }\nextern func weigh(cargo Cargo) int;\n',
    fixes: ['Change to the closest declared name'],
  },
  {
    code: 'UnalignedItable',
    severity: 'error',
    origin: 'vale-ffi',
    title: 'an itable is not 16-byte aligned',
    explanation:
      'A universal reference keeps only 52 bits of its type pointer, so the itable it points at must sit at a multiple of 16 (ITN16BA). The backend aligns every itable to 16; a toolchain or linker script that does not (simulated by the `natural` profile), or a real build whose symbols say otherwise (`--binary`), loses the low bits and sends C a wrong type.',
    example:
      'sealed exported interface Vehicle { }\nabstract func drive(virtual v &Vehicle) int;\nexported struct Ship { }\nimpl Vehicle for Ship;\n',
    fixed: 'sealed exported interface Vehicle { }\nabstract func drive(virtual v &Vehicle) int;\nexported struct Ship { }\n',
    naturalItables: true,
    fixes: [],
  },
  {
    code: 'StaleGeneratedHeader',
    severity: 'warning',
    origin: 'vale-ffi',
    title: "a real build's generated header no longer matches the source",
    explanation:
      'With `--build DIR` (or `valeFfi.buildDir`), the headers a Vale build wrote under `DIR/include/<project>/` are compared with what the current source generates. C compiled against an older header reads members at old offsets or calls with an old signature, and nothing fails until run time: the usual FFI bug after editing only the Vale side. The message shows the lines that differ; rebuild before compiling the C side.',
    example: 'exported struct Ship imm { fuel int; cargo int; }\n',
    fixed: 'exported struct Ship imm { fuel int; }\n',
    builtHeader: {
      name: 'Ship',
      text: '#ifndef VALE_EXPORTS_Ship_H_\n#define VALE_EXPORTS_Ship_H_\n#include "ValeBuiltins.h"\ntypedef struct vtest_Ship { \n  int32_t fuel;\n} vtest_Ship;\n#endif\n',
    },
    fixes: [],
  },
  {
    code: 'CSignatureMismatch',
    severity: 'error',
    origin: 'vale-ffi',
    title: "a C function's signature differs from the prototype the backend generates for its extern",
    explanation:
      'The backend calls `<project>_<name>` with the parameter and return types of the generated prototype (`int` is `int32_t`, `i64` `int64_t`, `float` `double`, `bool` `int8_t`, `str` `ValeStr*`, an immutable struct a pointer, a mutable kind its `...Ref` by value). A C definition that declares other types compiles and links when its file does not include the generated header, then reads its arguments through the wrong ABI at run time. Types are compared after typedefs, as gcc compares them; the quick fix writes the generated signature.',
    example: 'extern func cAdd(a int, b i64) i64;\n',
    fixed: 'extern func cAdd(a int, b i64) i64;\n',
    c: {
      example: '#include <stdint.h>\nint64_t vtest_cAdd(int32_t a, int32_t b) { return a + b; }\n',
      fixed: '#include <stdint.h>\nint64_t vtest_cAdd(int32_t a, int64_t b) { return a + b; }\n',
    },
    fixes: ['Use the signature the backend generates'],
  },
  {
    code: 'ExternNotImplemented',
    severity: 'information',
    origin: 'vale-ffi',
    title: 'no C file of the workspace defines an extern function',
    explanation:
      "An `extern func` is implemented in C as `<project>_<name>`. When none of the workspace's C files defines it, the program will not link (or the definition lives outside the workspace). Reported when the C files are where the externs are implemented: the project name is set, or they define at least one extern (unrelated C files, such as logs or a library, do not count). The quick fix writes the definition into the C file that implements the package's other externs, or a new one beside it.",
    example: 'extern func cAdd(a int) int;\n',
    fixed: 'extern func cAdd(a int) int;\n',
    c: {
      example: '#include <stdint.h>\nint32_t vtest_cAdds(int32_t a) { return a; }\n',
      fixed: '#include <stdint.h>\nint32_t vtest_cAdd(int32_t a) { return a; }\n',
    },
    fixes: ['Create C implementation in FILE'],
  },
  {
    code: 'UnknownCField',
    severity: 'error',
    origin: 'vale-ffi',
    title: 'C reads a member that the generated struct does not have',
    explanation:
      'A pointer to a generated kind (`vtest_Ship*`) has exactly the members of the Vale declaration, in its order. A member the Vale side does not declare (a typo, or one renamed in Vale since) is the closest thing to a compile error C gets here, and the compiler only sees it when the file includes the generated header.',
    example: 'exported struct Ship imm { fuel int; }\nextern func cFuel(s Ship) int;\n',
    fixed: 'exported struct Ship imm { fuel int; }\nextern func cFuel(s Ship) int;\n',
    c: {
      example: '#include <stdint.h>\nint32_t vtest_cFuel(vtest_Ship* s) { return s->fule; }\n',
      fixed: '#include <stdint.h>\nint32_t vtest_cFuel(vtest_Ship* s) { return s->fuel; }\n',
    },
    fixes: ['Change to the closest member'],
  },
  {
    code: 'MissingInterfaceCase',
    severity: 'warning',
    origin: 'vale-ffi',
    title: "a C switch on an interface value's type misses some of its structs",
    explanation:
      'An immutable interface value reaches C as `{obj, type}`, where `type` is one of the `<Iface>_Type_<Struct>` constants. A switch that handles some of them, none of the others and has no `default` silently does nothing for the others; adding an `impl` on the Vale side adds a constant the C code never sees.',
    example:
      'sealed exported interface IShip imm { }\nexported struct Kite imm { a int; }\nexported struct Barge imm { b int; }\nimpl IShip for Kite;\nimpl IShip for Barge;\nextern func cKind(s IShip) int;\n',
    fixed:
      'sealed exported interface IShip imm { }\nexported struct Kite imm { a int; }\nexported struct Barge imm { b int; }\nimpl IShip for Kite;\nimpl IShip for Barge;\nextern func cKind(s IShip) int;\n',
    c: {
      example:
        '#include <stdint.h>\nint32_t vtest_cKind(vtest_IShip s) {\n  switch (s.type) { case vtest_IShip_Type_Kite: return 1; }\n  return 0;\n}\n',
      fixed:
        '#include <stdint.h>\nint32_t vtest_cKind(vtest_IShip s) {\n  switch (s.type) { case vtest_IShip_Type_Kite: return 1; default: return 2; }\n}\n',
    },
    fixes: [],
  },
  {
    code: 'ExportedFunctionMisuse',
    severity: 'error',
    origin: 'vale-ffi',
    title: 'C calls an exported Vale function with the wrong number of arguments',
    explanation:
      'C calls an `exported func` through `<project>_<name>` with one argument per Vale parameter (and a size after each message parameter of a `_vasp` function). Without the generated header in scope, C compiles a call with any number of arguments.',
    example: 'exported func twice(x int) int { x * 2 }\nextern func cRun() int;\n',
    fixed: 'exported func twice(x int) int { x * 2 }\nextern func cRun() int;\n',
    c: {
      example: '#include <stdint.h>\nint32_t vtest_twice();\nint32_t vtest_cRun(void) { return vtest_twice(1, 2); }\n',
      fixed: '#include <stdint.h>\nint32_t vtest_twice();\nint32_t vtest_cRun(void) { return vtest_twice(1); }\n',
    },
    fixes: [],
  },
];

const BY_CODE = new Map(CODES.map((c) => [c.code, c]));

export function codeInfo(code: string): CodeInfo | undefined {
  return BY_CODE.get(code);
}

/** The registered code nearest to a misspelt one (case-insensitive edit distance). */
export function nearestCode(wanted: string): string {
  const w = wanted.toLowerCase();
  let best = CODES[0].code;
  let bestDistance = Infinity;
  for (const { code } of CODES) {
    const d = editDistance(w, code.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = code;
    }
  }
  return best;
}

/** Levenshtein distance (for "did you mean" suggestions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row.push(Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[b.length];
}

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
/** Per UTF-16 unit: the bits of the positions where the pattern has it (Myers); zero outside a call. */
const peq = new Int32Array(65536);

/**
 * `editDistance(a, b)` when it is at most `limit`, otherwise `limit + 1`, allocating nothing
 * (suggestions compare a name with many). A word of up to 32 units is compared with Myers'
 * bit-parallel algorithm (one pass over `b`, a few word operations per unit); a longer one row by
 * row, stopping as soon as every cell of a row is over the limit.
 */
export function editDistanceBelow(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const m = a.length;
  if (m === 0) return Math.min(b.length, limit + 1);
  if (m > 32) return rowsBelow(a, b, limit);
  for (let i = 0; i < m; i++) peq[a.charCodeAt(i)] |= 1 << i;
  const high = 1 << (m - 1);
  // Pv/Mv: the vertical deltas (+1/-1) of the current column, one bit per row of `a`.
  let pv = -1;
  let mv = 0;
  let score = m;
  const n = b.length;
  for (let j = 0; j < n; j++) {
    const eq = peq[b.charCodeAt(j)];
    const xv = eq | mv;
    const xh = ((((eq & pv) + pv) | 0) ^ pv) | eq;
    let ph = mv | ~(xh | pv);
    let mh = pv & xh;
    if (ph & high) score++;
    else if (mh & high) score--;
    // The first row is 0, 1, 2, …: its horizontal delta is always +1.
    ph = (ph << 1) | 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
    // Each remaining unit lowers the score by one at most.
    if (score - (n - 1 - j) > limit) {
      score = limit + 1;
      break;
    }
  }
  for (let i = 0; i < m; i++) peq[a.charCodeAt(i)] = 0;
  return Math.min(score, limit + 1);
}

function rowsBelow(a: string, b: string, limit: number): number {
  if (rowA.length <= b.length) {
    rowA = new Int32Array(b.length * 2 + 1);
    rowB = new Int32Array(b.length * 2 + 1);
  }
  let previous = rowA;
  let row = rowB;
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let least = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1));
      row[j] = v;
      if (v < least) least = v;
    }
    if (least > limit) return limit + 1;
    const t = previous;
    previous = row;
    row = t;
  }
  return Math.min(previous[b.length], limit + 1);
}

/** The anchor of a code's section in docs/diagnostics.md. */
export function codeAnchor(code: string): string {
  return code.toLowerCase();
}

/** One code explained as Markdown (what `vale-ffi explain CODE` prints and docs/diagnostics.md holds). */
export function explainMarkdown(info: CodeInfo): string {
  const lines = [
    `## ${info.code}`,
    '',
    `${info.severity} (${info.origin === 'compiler' ? "the Vale compiler's own error name" : 'vale-ffi'}): ${info.title}.`,
    '',
    info.explanation,
    '',
    info.naturalItables
      ? 'For example (with the `natural` itable profile):'
      : info.builtHeader
        ? `For example, with a build whose \`include/vtest/${info.builtHeader.name}.h\` is`
        : 'For example:',
    '',
    ...(info.builtHeader ? ['```c', info.builtHeader.text.trimEnd(), '```', '', 'and the source:', ''] : []),
    '```vale',
    info.example.trimEnd(),
    '```',
    ...(info.c ? ['', 'with the C file (project `vtest`):', '', '```c', info.c.example.trimEnd(), '```'] : []),
    '',
    'Fixed:',
    '',
    ...(info.c && info.c.fixed !== info.c.example && info.fixed === info.example
      ? ['```c', info.c.fixed.trimEnd(), '```']
      : ['```vale', info.fixed.trimEnd(), '```']),
  ];
  if (info.fixes.length > 0) lines.push('', `Quick fixes: ${info.fixes.join('; ')}.`);
  return `${lines.join('\n')}\n`;
}

/** docs/diagnostics.md: every code explained. */
export function diagnosticsDocument(): string {
  return [
    '# Diagnostics',
    '',
    'Every code vale-ffi reports. `vale-ffi explain CODE` prints the same text.',
    '',
    ...CODES.map(explainMarkdown),
  ].join('\n');
}

/** The README's table of codes. */
export function codesTable(): string {
  return `${[
    '| code | severity | what it means |',
    '| --- | --- | --- |',
    ...CODES.map((c) => `| \`${c.code}\` | ${c.severity} | ${c.title}${c.origin === 'compiler' ? " (the compiler's rule)" : ''} |`),
  ].join('\n')}\n`;
}
