// The end-to-end scenarios of test/e2e, through the VS Code API inside the extension host of a
// desktop VS Code (npm run test:vscode). Expected values come from the same expectations() as
// the code-server suite. Bundled by test/vscode/run.ts; it works on the window's first workspace
// folder (or VALE_FFI_WORKSPACE), a scratch copy of examples/. Each scenario waits for conditions and is retried once.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { expectations, type Expectations, type Spot } from '../e2e/scenarios';
import { until } from '../e2e/until';

const hoverText = (hovers: vscode.Hover[]): string =>
  hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');

/** Thrown by a scenario the host cannot run; reported as SKIPPED with the reason. */
class Skipped extends Error {}

const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);

export async function run(): Promise<void> {
  const root = process.env.VALE_FFI_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(root, 'open a copy of examples/ as the workspace, or name it in VALE_FFI_WORKSPACE');
  const expected: Expectations = expectations(root);
  const uri = (file: string) => vscode.Uri.file(join(root, file));
  const at = (s: Spot) => new vscode.Position(s.line, s.character);
  const open = async (file: string) => vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri(file)));

  const scenarios: [string, () => Promise<void>][] = [
    [
      'a Vale file is highlighted: keywords in their own colour',
      async () => {
        const { file, keyword, plain } = expected.highlight;
        await open(file);
        type Token = { c: string; t: string; r: Record<string, string> };
        // Desktop VS Code has this command (its own colorizer tests use it); the web workbench
        // of code-server does not, and the code-server suite checks the colours on screen instead.
        if (!(await vscode.commands.getCommands(true)).includes('_workbench.captureSyntaxTokens')) {
          throw new Skipped('this host has no _workbench.captureSyntaxTokens (a web workbench)');
        }
        const tokens = await until("the grammar's tokens", async () => {
          const t = (await vscode.commands.executeCommand<Token[]>('_workbench.captureSyntaxTokens', uri(file))) ?? [];
          return t.some((x) => x.c === keyword.text) ? t : undefined;
        });
        const k = tokens.find((x) => x.c === keyword.text)!;
        const p = tokens.find((x) => x.c === plain.text);
        assert.ok(p, `a token "${plain.text}"`);
        assert.match(k.t, /keyword|storage/, `the scopes of "${keyword.text}": ${k.t}`);
        assert.notEqual(
          JSON.stringify(k.r),
          JSON.stringify(p.r),
          `"${keyword.text}" and "${plain.text}" in the same colour in every theme`,
        );
      },
    ],
    [
      'the Problems panel lists the FFI diagnostics with their codes',
      async () => {
        await open(expected.highlight.file);
        await until(`${expected.problems.length} diagnostics with our codes`, () =>
          expected.problems.every((p) =>
            vscode.languages
              .getDiagnostics(uri(p.file))
              .some(
                (d) =>
                  codeOf(d) === p.code &&
                  d.source === 'vale-ffi' &&
                  d.range.start.line === p.line &&
                  d.range.start.character === p.character &&
                  d.message === p.message,
              ),
          ),
        );
      },
    ],
    [
      'hovering an exported kind shows its size and field offsets',
      async () => {
        const { spot, kind, size, fields } = expected.kindHover;
        await open(spot.file);
        const text = await until(`the layout hover of ${kind}`, async () => {
          const t = hoverText(
            await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri(spot.file), at(spot)),
          );
          return t.includes(kind) && t.includes('offset') ? t : undefined;
        });
        assert.match(text, new RegExp(`size ${size}, align`));
        for (const f of fields)
          assert.match(text, new RegExp(`^\\| ${f.offset} \\|.*\`${f.name}\``, 'm'), `a row "${f.offset} … ${f.name}" in:\n${text}`);
      },
    ],
    [
      'hovering a universal reference in a C file decodes it',
      async () => {
        const { spot, fields } = expected.referenceHover;
        await open(spot.file);
        const text = await until('the universal reference hover', async () => {
          const t = hoverText(
            await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri(spot.file), at(spot)),
          );
          return t.includes('universal reference') ? t : undefined;
        });
        for (const [name, value] of Object.entries(fields))
          assert.ok(text.includes(`- **${name}** \`${value}\``), `${name} = ${value} in:\n${text}`);
      },
    ],
    [
      'a quick fix from the light bulb changes the file and the diagnostic goes',
      async () => {
        const { spot, code, title, before, after } = expected.quickFix;
        writeFileSync(uri(spot.file).fsPath, before); // a retry starts from the example as committed
        const editor = await open(spot.file);
        await until(`${code} on the file`, () => vscode.languages.getDiagnostics(editor.document.uri).some((d) => codeOf(d) === code));
        const actions = await until(`the code action "${title}"`, async () => {
          const a = await vscode.commands.executeCommand<vscode.CodeAction[]>(
            'vscode.executeCodeActionProvider',
            editor.document.uri,
            new vscode.Range(at(spot), at(spot)),
          );
          return a?.some((x) => x.title === title) ? a : undefined;
        });
        const fix = actions.find((x) => x.title === title)!;
        assert.equal(fix.kind?.value, 'quickfix');
        assert.ok(fix.edit && (await vscode.workspace.applyEdit(fix.edit)), 'the edit applies');
        assert.ok(await editor.document.save(), 'the file saves');
        assert.equal(readFileSync(uri(spot.file).fsPath, 'utf8'), after);
        await until(`${code} to go`, () => !vscode.languages.getDiagnostics(editor.document.uri).some((d) => codeOf(d) === code));
      },
    ],
    [
      'Show Generated C Header opens the header of the active file',
      async () => {
        const { file, tab, firstLines } = expected.header;
        await open(file);
        await vscode.commands.executeCommand('valeFfi.showHeader');
        const doc = await until(`the editor ${tab}`, () => {
          const d = vscode.window.activeTextEditor?.document;
          return d?.uri.path.endsWith(tab) && d.getText().length > 0 ? d : undefined;
        });
        assert.equal(doc.languageId, 'c');
        assert.deepEqual(doc.getText().split('\n').slice(0, firstLines.length), firstLines);
      },
    ],
    [
      'Show Memory Layout draws the fields of a kind',
      async () => {
        const { kind } = expected.layout;
        await open(expected.kindHover.spot.file);
        await vscode.commands.executeCommand('valeFfi.showLayout', kind);
        // A webview's content is not readable through the API; the code-server suite reads it.
        await until(`the webview tab "Layout: ${kind}"`, () =>
          vscode.window.tabGroups.all
            .flatMap((g) => g.tabs)
            .some(
              (t) =>
                t.label === `Layout: ${kind}` && t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('valeFfi.layout'),
            ),
        );
      },
    ],
    [
      'a recording opens in the custom editor with its calls',
      async () => {
        const { file } = expected.recording;
        await vscode.commands.executeCommand('vscode.open', uri(file));
        await until(`${file} in the recording editor`, () =>
          vscode.window.tabGroups.all
            .flatMap((g) => g.tabs)
            .some(
              (t) =>
                t.input instanceof vscode.TabInputCustom &&
                t.input.viewType === 'valeFfi.recording' &&
                t.input.uri.fsPath === uri(file).fsPath,
            ),
        );
      },
    ],
  ];

  const failures: string[] = [];
  let skipped = 0;
  for (const [name, body] of scenarios) {
    for (let attempt = 1; ; attempt++) {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      try {
        await body();
        console.log(`  ✔ ${name}${attempt > 1 ? ' (on the retry)' : ''}`);
        break;
      } catch (e) {
        if (e instanceof Skipped) {
          console.log(`  - ${name}: SKIPPED, ${e.message}`);
          skipped++;
          break;
        }
        if (attempt === 2) {
          console.log(`  ✖ ${name}: ${(e as Error).message}`);
          failures.push(name);
          break;
        }
        console.log(`  … ${name}: attempt 1 failed (${(e as Error).message.split('\n')[0]}), retrying once`);
      }
    }
  }
  console.log(`vale-ffi scenarios: ${scenarios.length - failures.length - skipped} passed, ${skipped} skipped, ${failures.length} failed`);
  if (failures.length) throw new Error(`failed: ${failures.join('; ')}`);
}
