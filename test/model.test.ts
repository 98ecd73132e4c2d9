import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Workspace } from '../shared';

const PACKAGES = 10;
const FILES = 10;

/**
 * A workspace of 100 files (10 packages of 10) whose files depend on their
 * neighbours: file j's exported struct holds file j-1's struct, and its extern
 * takes file j+1's struct. About 10,000 lines.
 */
function generate(): Map<string, string> {
  const files = new Map<string, string>();
  for (let p = 0; p < PACKAGES; p++) {
    for (let f = 0; f < FILES; f++) {
      const id = `${p}_${f}`;
      const prev = `${p}_${(f + FILES - 1) % FILES}`;
      const next = `${p}_${(f + 1) % FILES}`;
      const lines = [
        `exported struct Ship${id} imm {`,
        '  fuel int;',
        `  escort Ship${prev};`,
        '}',
        `struct Log${id} { entries int; }`,
        `exported func launch${id}(s Ship${id}) int { s.fuel }`,
        `extern func dock${id}(s Ship${next}) int;`,
      ];
      for (let k = 0; lines.length < 97; k++) {
        lines.push(`func helper${id}_${k}(x int) int {`, `  y = x * ${k + 1};`, '  return y + 1;', '}');
      }
      lines.push(`func last${id}(x int) int {`, '  return x;', '}');
      files.set(`/ws/pkg${p}/file${f}.vale`, `${lines.join('\n')}\n`);
    }
  }
  return files;
}

describe('FFI model: incremental checks', () => {
  test('a 10,000-line workspace re-checks only the files an edit can affect', () => {
    const files = generate();
    const lineCount = [...files.values()].reduce((n, t) => n + t.split('\n').length - 1, 0);
    assert.ok(lineCount >= 10_000, `${lineCount} lines`);
    const ws = new Workspace();
    for (const [path, text] of files) ws.setFile(path, text);
    assert.deepEqual(ws.allDiagnostics(), []);
    assert.equal(ws.stats.filesChecked, 100);

    // An edit inside a function body changes nothing another file reads.
    const target = '/ws/pkg3/file5.vale';
    let text = ws.text(target)!;
    const at = text.lastIndexOf('return x;') + 'return '.length;
    ws.editFile(target, [{ start: at, end: at + 1, newText: 'x + 0' }]);
    const before = { ...ws.stats };
    assert.deepEqual(ws.allDiagnostics(), []);
    assert.equal(ws.stats.filesChecked - before.filesChecked, 1, 'only the edited file is checked again');
    assert.equal(ws.stats.checksReused - before.checksReused, 99);
    assert.equal(ws.stats.modelsRead - before.modelsRead, 1, 'only the edited file is read again');

    // Un-exporting Ship3_5 affects exactly its neighbours, which use it.
    text = ws.text(target)!;
    ws.editFile(target, [{ start: 0, end: 'exported '.length, newText: '' }]);
    const mid = { ...ws.stats };
    const diagnostics = ws.allDiagnostics();
    assert.equal(ws.stats.filesChecked - mid.filesChecked, 3, 'file5 and the two files that use Ship3_5');
    assert.deepEqual(
      diagnostics.map((d) => `${d.file} ${d.code}`),
      [
        '/ws/pkg3/file4.vale ExternFunctionDependedOnNonExportedKind',
        '/ws/pkg3/file5.vale ExportedFunctionDependedOnNonExportedKind',
        '/ws/pkg3/file6.vale ExportedImmutableKindDependedOnNonExportedKind',
      ],
    );

    // Asking again without a change does no checking at all.
    const idle = { ...ws.stats };
    ws.allDiagnostics();
    assert.equal(ws.stats.filesChecked, idle.filesChecked);
    assert.equal(ws.stats.indexesBuilt, idle.indexesBuilt);
  });

  test('removing and re-adding a file brings its diagnostics back exactly', () => {
    const ws = new Workspace();
    ws.setFile('/a/kinds.vale', 'struct Ship imm { fuel int; }\n');
    ws.setFile('/a/ffi.vale', 'extern func f(s Ship) int;\n');
    assert.deepEqual(
      ws.allDiagnostics().map((d) => d.code),
      ['ExternFunctionDependedOnNonExportedKind'],
    );
    ws.removeFile('/a/kinds.vale');
    assert.deepEqual(
      ws.allDiagnostics().map((d) => d.code),
      ['UnknownKind'],
    );
    ws.setFile('/a/kinds.vale', 'exported struct Ship imm { fuel int; }\n');
    assert.deepEqual(ws.allDiagnostics(), []);
  });
});
