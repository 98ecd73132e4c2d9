import type { FunctionDecl } from '../model/declarations';
import type { TypeRef } from '../model/types';
import type { CFieldType, CKind, CProgram } from './cprogram';

/** One generated header: `<project>/<name>.h`. */
export interface GeneratedHeader {
  /** The header's name without `.h`: the export name of a kind or a function. */
  readonly name: string;
  /** `<project>/<name>.h` */
  readonly path: string;
  readonly text: string;
  readonly kind?: CKind;
  readonly function?: FunctionDecl;
  /** Why numbers in the text may differ from what the backend writes (interface tags the model cannot be sure of). */
  readonly notes?: readonly string[];
}

/** What the backend writes as `ValeBuiltins.h` (vale.cpp, generateExports). */
export const VALE_BUILTINS_HEADER = [
  '#ifndef VALE_BUILTINS_H_',
  '#define VALE_BUILTINS_H_',
  '#include <stdint.h>',
  '#include <stdlib.h>',
  '#include <string.h>',
  'typedef int32_t ValeInt;',
  'typedef struct { ValeInt length; char chars[0]; } ValeStr;',
  'ValeStr* ValeStrNew(ValeInt length);',
  'ValeStr* ValeStrFrom(char* source);',
  '#endif',
  '',
].join('\n');

function wrap(name: string, body: string): string {
  return `#ifndef VALE_EXPORTS_${name}_H_\n#define VALE_EXPORTS_${name}_H_\n#include "ValeBuiltins.h"\n${body}#endif\n`;
}

function universalRef(name: string): string {
  return `typedef struct ${name}Ref { uint64_t unused0; uint64_t unused1; uint64_t unused2; uint32_t unused3; uint32_t unused4; } ${name}Ref;\n`;
}

/** `typedef struct X X;` for a member or element that is neither an int, bool, float nor str. */
function forward(t: CFieldType): string {
  if (t.form === 'scalar' || t.string || t.form === 'void') return '';
  const name = t.text.replace(/\*$/, '');
  return `typedef struct ${name} ${name};\n`;
}

/** The header the backend generates for an exported kind (Linear/Safe generate*DefsC). */
export function kindHeader(program: CProgram, kind: CKind): GeneratedHeader {
  const cName = program.cName(kind);
  let body = '';
  let notes: readonly string[] | undefined;
  const layout = program.layout(kind);
  if (kind.mutability === 'mut') {
    body = universalRef(cName);
  } else if (kind.category === 'struct') {
    for (const f of layout.fields) body += forward(f.type);
    body += `typedef struct ${cName} { \n`;
    for (const f of layout.fields) body += `  ${f.type.text} ${f.name};\n`;
    body += `} ${cName};\n`;
  } else if (kind.category === 'interface') {
    const tags = program.interfaceTags(kind);
    tags.structs.forEach((s, i) => {
      body += `#define ${cName}_Type_${s.exportName} ${i}\n`;
    });
    if (!tags.certain) notes = tags.caveats.map((c) => `the ${cName}_Type_ numbers may differ from the backend's: ${c}`);
    body += `typedef struct ${cName} {\nvoid* obj; uint64_t type;\n} ${cName};\n`;
  } else {
    const elem = layout.fields[layout.fields.length - 1].type;
    body += forward(elem);
    if (kind.category === 'rsa') {
      body += `typedef struct ${cName} {\n  uint32_t length;\n  ${elem.text} elements[0];\n} ${cName};\n`;
    } else {
      const n = kind.length ?? 0;
      body += `#define ${cName}_SIZE ${n}\ntypedef struct ${cName} {\n  ${elem.text} elements[${n}];\n} ${cName};\n`;
    }
  }
  return { name: kind.exportName, path: `${program.project}/${kind.exportName}.h`, text: wrap(kind.exportName, body), kind, notes };
}

/** How one parameter or return crosses: by value, through a pointer at the ABI, with a size after it. */
export interface CrossingType {
  readonly type: CFieldType;
  /** The ABI passes it through a pointer (a C struct by value: interfaces and universal references). */
  readonly byPointer: boolean;
  readonly vale: TypeRef;
}

export interface FunctionC {
  readonly userName: string;
  readonly abiName: string;
  readonly params: readonly CrossingType[];
  readonly ret?: CrossingType;
  /** `_vasp` externs: the parameters followed by a `ValeInt paramNsize`. */
  readonly sizeParams: readonly number[];
  /** The prototype the user writes or calls, and the `vale_abi_` intermediate. */
  readonly userPrototype: string;
  readonly abiPrototype: string;
}

function crossing(program: CProgram, f: FunctionDecl, pkg: string, t: TypeRef): CrossingType {
  const type = program.fieldType(f.file, pkg, t);
  return { type, byPointer: type.form === 'inline', vale: t };
}

/** The C prototypes of an extern or exported function (vale.cpp, generateFunctionC). */
export function functionC(program: CProgram, f: FunctionDecl, pkg: string): FunctionC {
  const userName = program.project ? `${program.project}_${f.name}` : f.name;
  const abiName = `vale_abi_${userName}`;
  const params = f.params.map((p) => crossing(program, f, pkg, p.type));
  const ret = f.returnType ? crossing(program, f, pkg, f.returnType) : undefined;
  const retText = ret ? ret.type.text : 'void';
  const retByPointer = ret?.byPointer ?? false;
  const sizeParams = f.name.endsWith('_vasp')
    ? params.map((p, i) => (p.type.kind || p.type.unexported ? i : -1)).filter((i) => i >= 0)
    : [];
  const sizes = sizeParams.map((i) => `ValeInt param${i}size`);
  const user = [...params.map((p, i) => `${p.type.text} param${i}`), ...sizes];
  const abi = [
    ...(retByPointer ? [`${retText}* __ret`] : []),
    ...params.map((p, i) => `${p.type.text}${p.byPointer ? '*' : ''} param${i}`),
    ...sizes,
  ];
  const userLine = `extern ${retText} ${userName}(${user.join(', ')})`;
  const abiLine = `extern ${retByPointer ? 'void ' : retText} ${abiName}(${abi.join(', ')})`;
  // An extern's user prototype is the C function the user writes; an export's is the one C calls.
  return f.extern
    ? { userName, abiName, params, ret, sizeParams, userPrototype: userLine, abiPrototype: abiLine }
    : { userName, abiName, params, ret, sizeParams, userPrototype: abiLine, abiPrototype: userLine };
}

/** The header of an extern or exported function: includes, then the two prototypes. */
export function functionHeader(program: CProgram, f: FunctionDecl, pkg: string): GeneratedHeader {
  const c = functionC(program, f, pkg);
  let body = '';
  for (const t of [...c.params, ...(c.ret ? [c.ret] : [])]) {
    if (t.type.form === 'scalar' || t.type.string || t.type.form === 'void') continue;
    const name = t.type.kind?.exportName ?? t.type.unexported ?? t.type.text;
    body += `#include "${program.project}/${name}.h"\n`;
  }
  body += `${c.userPrototype};\n${c.abiPrototype};\n`;
  return { name: f.name, path: `${program.project}/${f.name}.h`, text: wrap(f.name, body), function: f };
}

/** Every header the backend writes for the workspace: kinds, then exported functions (not main), then externs. */
export function allHeaders(program: CProgram): GeneratedHeader[] {
  const out: GeneratedHeader[] = program.kinds.map((k) => kindHeader(program, k));
  const models = [...program.index.files.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const m of models)
    for (const f of m.functions) if (f.exported && !f.extern && f.name !== 'main') out.push(functionHeader(program, f, m.package));
  for (const m of models) for (const f of m.functions) if (f.extern) out.push(functionHeader(program, f, m.package));
  return out;
}
