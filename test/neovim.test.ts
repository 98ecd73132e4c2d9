// Neovim (Debian package neovim, headless) as a third-party LSP client; skipped with the
// install line where it is missing (failed under CI=true).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SERVER } from './support/lsp-client';
import { haveTools } from './support/tools';
import { tempDir } from './support/temp';

test('Neovim attaches the server to a .vale buffer, shows its diagnostics and a hover', (t) => {
  if (!haveTools(t, 'neovim')) return;
  const examples = join(__dirname, '..', 'examples');
  const file = join(examples, 'harbor', 'mistakes.vale');
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.startsWith('exported struct Ticket'));
  const out = join(tempDir('vale-ffi-nvim-'), 'result.json');
  const r = spawnSync(
    'nvim',
    ['--headless', '--noplugin', '-u', 'NONE', '-i', 'NONE', '-c', `luafile ${join(__dirname, 'neovim', 'attach.lua')}`, '-c', 'cquit 3'],
    {
      encoding: 'utf8',
      timeout: 60000,
      env: {
        ...process.env,
        VALE_FFI_NODE: process.execPath,
        VALE_FFI_SERVER: SERVER,
        VALE_FFI_ROOT: examples,
        VALE_FFI_FILE: file,
        VALE_FFI_LINE: String(line),
        VALE_FFI_COL: String('exported struct T'.length),
        VALE_FFI_OUT: out,
      },
    },
  );
  let result: { attached: boolean; diagnostics: { code: string; line: number; col: number; message: string }[]; hover: string };
  try {
    result = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    return assert.fail(`nvim wrote no result (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  assert.equal(result.attached, true, 'diagnostics arrived');
  const codes = new Set(result.diagnostics.map((d) => d.code));
  for (const code of ['ExternFunctionDependedOnNonExportedKind', 'ExternHasBody', 'TypeExportedMultipleTimes', 'NonHierarchicalImmutable'])
    assert.ok(codes.has(code), `${code} in ${[...codes]}`);
  const body = result.diagnostics.find((d) => d.code === 'ExternHasBody')!;
  assert.equal(lines[body.line].slice(body.col, body.col + 1), '{');
  assert.match(result.hover, /\*\*struct Ticket\*\* \(imm\) — C `nv_Ticket`/);
  assert.match(result.hover, /size 40, align 8/);
  assert.match(result.hover, /`berth` \| `nv_BerthRef`/);
});
