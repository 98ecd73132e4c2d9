// The end-to-end scenarios as data, shared by the code-server suite (test/e2e) and the desktop
// VS Code suite (test/vscode): where to look in a copy of examples/ and what a user must see
// there. Every expected value is computed by the core from the files themselves, so the editor
// is checked against the same answers the CLI gives, not against strings typed into a test.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import {
  allHeaders,
  BACKEND_PROFILE,
  DEFAULT_TARGET,
  decodeUniversalReference,
  FIELD_NAMES,
  showField,
  findUniversalReferences,
  codeLenses,
  inlayHints,
  messageDrawing,
  readRecording,
  VALE_BUILTINS_HEADER,
  Workspace,
} from '../../shared';

/**
 * The C prefix the editor shows for examples/ with nothing configured: the one its C files use
 * for the externs they implement (fleet/native/*.c define `fleet_…`).
 */
export const PROJECT = 'fleet';

/** A place in a workspace file, 0-based like the VS Code API; the UI shows line + 1, character + 1. */
export interface Spot {
  readonly file: string;
  readonly line: number;
  readonly character: number;
}

export interface Expectations {
  readonly highlight: { readonly file: string; readonly keyword: Spot & { text: string }; readonly plain: Spot & { text: string } };
  readonly problems: readonly { file: string; code: string; line: number; character: number; message: string; severity: string }[];
  readonly kindHover: {
    readonly spot: Spot;
    readonly kind: string;
    readonly size: number;
    readonly fields: readonly { name: string; offset: number }[];
  };
  readonly referenceHover: { readonly spot: Spot; readonly fields: Readonly<Record<string, string>> };
  /** A generated name in C (fleet/native/arrays.c): the Vale kind and its C layout. */
  readonly cHover: { readonly spot: Spot; readonly title: string; readonly size: number };
  readonly quickFix: {
    readonly spot: Spot;
    readonly code: string;
    readonly title: string;
    readonly before: string;
    readonly after: string;
  };
  /** An inlay hint with the C side of a kind, and the members completion offers after a parameter and a dot. */
  readonly editorFeatures: {
    readonly inlay: { readonly file: string; readonly line: number; readonly label: string };
    readonly completion: { readonly spot: Spot; readonly members: readonly string[] };
  };
  /** ExternNotImplemented's quick fix on a harbor extern: a new C file beside the package. */
  readonly createImplementation: { readonly spot: Spot; readonly title: string; readonly cName: string; readonly created: string };
  readonly header: { readonly file: string; readonly tab: string; readonly firstLines: readonly string[] };
  readonly layout: {
    readonly kind: string;
    readonly cName: string;
    readonly size: number;
    readonly align: number;
    readonly rows: readonly { offset: number; size: number; align: number; name: string }[];
    /** The message drawing of the imm kind: its size, objects and child pointers. */
    readonly message: { readonly size: number; readonly objects: number; readonly pointers: number };
  };
  readonly recording: { readonly file: string; readonly summary: string; readonly callees: readonly string[] };
  /** The code lens titles of two files, each file's own (the editor must never show one file's in the other). */
  readonly lenses: Readonly<Record<string, readonly string[]>>;
}

function valeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? valeFiles(join(dir, e.name)) : e.name.endsWith('.vale') ? [join(dir, e.name)] : [],
  );
}

const posix = (root: string, path: string): string => relative(root, path).split(sep).join('/');

function spotAt(root: string, file: string, offset: number): Spot {
  const text = readFileSync(join(root, file), 'utf8').slice(0, offset);
  const line = text.split('\n').length - 1;
  return { file, line, character: offset - (text.lastIndexOf('\n') + 1) };
}

/** The spot of `needle` (plus `shift` characters) in a workspace file; fails loudly if the example changed. */
function spotOf(root: string, file: string, needle: string, shift = 0): Spot & { text: string } {
  const at = readFileSync(join(root, file), 'utf8').indexOf(needle);
  if (at < 0) throw new Error(`the e2e scenarios expect "${needle}" in examples/${file}`);
  return { ...spotAt(root, file, at + shift), text: needle };
}

/** What every scenario must show in a workspace that is a fresh copy of examples/. */
export function expectations(root: string): Expectations {
  const ws = new Workspace();
  for (const f of valeFiles(root)) ws.setFile(f, readFileSync(f, 'utf8'));
  const program = ws.cProgram(PROJECT, DEFAULT_TARGET);
  const diagnostics = ws.allDiagnostics();

  // The first harbor extern no C file implements (one whose prototype exists: its kinds are exported).
  // No C file of examples/ implements a harbor extern: the first one whose prototype exists (no
  // ExternFunctionDependedOnNonExportedKind in its signature) gets ExternNotImplemented.
  const mistakes = join(root, 'harbor', 'mistakes.vale');
  const fn = ws
    .model(mistakes)
    ?.functions.find(
      (f) =>
        f.extern &&
        !diagnostics.some(
          (d) =>
            d.file === mistakes && d.code === 'ExternFunctionDependedOnNonExportedKind' && d.start >= f.itemStart && d.end <= f.itemEnd,
        ),
    );
  const unimplemented = fn && { file: mistakes, start: fn.nameStart, end: fn.nameEnd };
  if (!unimplemented) throw new Error('the e2e scenarios expect an ExternNotImplemented in examples/harbor');
  const spaceship = program.findKind('Spaceship')!;
  const triple = program.findKind('IntTriple')!;
  const shipsFile = join(root, 'fleet', 'ships.vale');
  const engine = program.findKind('Engine')!;
  const hint = inlayHints(program, shipsFile, { start: 0, end: Number.MAX_SAFE_INTEGER }, { kinds: true, parameters: false }).find(
    (h) => h.offset === engine.decl!.nameEnd,
  );
  if (!hint) throw new Error('the e2e scenarios expect an inlay hint after Engine in examples/fleet/ships.vale');
  const engineHint = { line: spotAt(root, 'fleet/ships.vale', hint.offset).line, label: hint.label };
  const spaceshipLayout = program.layout(spaceship);
  const spaceshipMessage = messageDrawing(program, spaceship);
  if (!spaceshipMessage) throw new Error('the e2e scenarios expect Spaceship (imm) to have a message drawing');

  const cFile = 'fleet/native/report.c';
  const cText = readFileSync(join(root, cFile), 'utf8');
  const logged = findUniversalReferences(cText).find((r) => cText.slice(r.start - 6, r.start) === 'fleet=');
  if (!logged) throw new Error(`the e2e scenarios expect a logged reference (fleet=0x...) in examples/${cFile}`);
  const decoded = decodeUniversalReference(logged.bytes, BACKEND_PROFILE);

  const body = diagnostics.find((d) => d.code === 'ExternHasBody');
  const bodyFix = body && ws.fixesOf(body)[0];
  if (!body || !bodyFix) throw new Error('the e2e scenarios expect an ExternHasBody with a quick fix in examples/harbor');
  const fixFile = posix(root, body.file);
  const before = readFileSync(body.file, 'utf8');
  let after = before;
  for (const e of [...bodyFix.edits].sort((a, b) => b.start - a.start)) after = after.slice(0, e.start) + e.newText + after.slice(e.end);

  const headerFile = join(root, 'fleet', 'ships.vale');
  const headerText = [
    { path: 'ValeBuiltins.h', text: VALE_BUILTINS_HEADER },
    ...allHeaders(program).filter((h) => (h.kind ? h.kind.file : h.function?.file) === headerFile),
  ]
    .map((h) => `// ${h.path}\n${h.text}`)
    .join('\n');

  const recordingFile = 'fleet/recordings/voyage.vale.bin';
  const recordingBytes = readFileSync(join(root, recordingFile));
  const recording = readRecording(recordingBytes, program);

  return {
    highlight: {
      file: 'harbor/mistakes.vale',
      keyword: { ...spotOf(root, 'harbor/mistakes.vale', 'extern func weigh'), text: 'extern' },
      plain: { ...spotOf(root, 'harbor/mistakes.vale', 'crate Crate'), text: 'crate' },
    },
    problems: diagnostics.map((d) => ({
      ...spotAt(root, posix(root, d.file), d.start),
      code: d.code,
      message: d.message,
      severity: d.severity,
    })),
    kindHover: {
      spot: spotOf(root, 'fleet/ships.vale', 'struct Spaceship', 'struct '.length),
      kind: 'Spaceship',
      size: spaceshipLayout.size,
      fields: spaceshipLayout.fields.map((f) => ({ name: f.name, offset: f.offset })),
    },
    referenceHover: {
      spot: spotAt(root, cFile, logged.start + 10),
      fields: Object.fromEntries(FIELD_NAMES.map((f) => [f, showField(f, decoded.fields[f])])),
    },
    cHover: {
      spot: spotOf(root, 'fleet/native/arrays.c', 'fleet_IntTriple* triple', 3),
      title: `**array ${triple.valeName}** (imm) — C \`${program.layout(triple).cName}\``,
      size: program.layout(triple).size,
    },
    quickFix: { spot: spotAt(root, fixFile, body.start), code: body.code, title: bodyFix.title, before, after },
    editorFeatures: {
      inlay: {
        file: 'fleet/ships.vale',
        line: engineHint.line,
        label: engineHint.label,
      },
      completion: {
        spot: spotOf(root, 'fleet/fleet.vale', 'fleet.ships.add(ship);', 'fleet.ships.add(ship);'.length),
        members: spaceship.decl!.members.map((m) => m.name),
      },
    },
    createImplementation: {
      spot: spotAt(root, posix(root, unimplemented.file), unimplemented.start),
      title: 'Create C implementation in harbor_externs.c',
      cName: `${PROJECT}_${readFileSync(unimplemented.file, 'utf8').slice(unimplemented.start, unimplemented.end)}`,
      created: 'harbor/native/harbor_externs.c',
    },
    header: { file: 'fleet/ships.vale', tab: 'ships.vale.h', firstLines: headerText.split('\n').slice(0, 12) },
    layout: {
      kind: 'Spaceship',
      cName: spaceshipLayout.cName,
      size: spaceshipLayout.size,
      align: spaceshipLayout.align,
      rows: spaceshipLayout.fields.map((f) => ({ offset: f.offset, size: f.size, align: f.align, name: f.name })),
      message: { size: spaceshipMessage.size, objects: spaceshipMessage.objects.length, pointers: spaceshipMessage.pointers.length },
    },
    lenses: Object.fromEntries(
      ['fleet/ships.vale', 'harbor/mistakes.vale'].map((f) => [f, codeLenses(program, join(root, f)).map((l) => l.title)]),
    ),
    recording: {
      file: recordingFile,
      summary: `${recording.calls.length} calls, ${recordingBytes.length} bytes`,
      callees: recording.calls.map((c) => c.callee),
    },
  };
}
