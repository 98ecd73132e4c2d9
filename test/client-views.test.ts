import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LENS_REFRESH_DELAYS, LensRefresh } from '../client/lenses';
import { layoutPage, referenceMarkdown, statusItem } from '../client/views';
import { CProgram, DEFAULT_TARGET, messageDrawing, serializeMessage, Workspace } from '../shared';

test('the memory layout view draws every field and hole as a cell, with offsets', () => {
  const html = layoutPage({
    target: 'x86_64-linux',
    name: 'Ship<T>',
    cName: 'fleet_Ship',
    size: 24,
    align: 8,
    messageSize: 48,
    fields: [
      { name: 'armed', cType: 'int8_t', offset: 0, size: 1, align: 1 },
      { name: 'crew', cType: 'int64_t', offset: 8, size: 8, align: 8 },
      { name: 'fuel', cType: 'int32_t', offset: 16, size: 4, align: 4 },
    ],
    padding: [
      { offset: 1, size: 7, tail: false },
      { offset: 20, size: 4, tail: true },
    ],
  });
  assert.equal(html.match(/class="cell field"/g)?.length, 3);
  assert.equal(html.match(/class="cell pad"/g)?.length, 2);
  assert.match(html, /title="crew: offset 8, 8 bytes, align 8"/);
  assert.match(html, /Ship&#60;T&#62;/, 'names are escaped');
  assert.match(html, /size 24 bytes, align 8, target x86_64-linux, message 48 bytes/);
  assert.match(html, /default-src 'none'/, 'the webview runs no scripts');
  // A name too long for its cell shows its number (the table's first column), never a cut name.
  assert.match(html, /title="armed: offset 0, 1 bytes, align 1"><span class="off">0<\/span><span class="name">1<\/span>/);
  assert.doesNotMatch(html, /<span class="name">ar<\/span>/);
  assert.match(html, /<th>#<\/th><th>offset<\/th><th>size<\/th><th>align<\/th><th>field<\/th><th>C type<\/th>/);
  assert.match(html, /<tr class=""><td>1<\/td><td>0<\/td><td>1<\/td><td>1<\/td><td>armed<\/td>/);
  assert.match(html, /<span class="name">crew<\/span>/, 'a name that fits is written in its cell');
  assert.doesNotMatch(html, /As a message/, 'no message drawing without a message');
});

test('an imm kind also shows the message a sample value becomes: objects at 16-byte boundaries, arrows for child pointers', () => {
  const ws = new Workspace();
  ws.setFile(
    '/m/main.vale',
    'exported struct Engine imm { fuel int; }\nexported struct Ship imm { name str; engine Engine; crew []<imm>int; }\nexport []<imm>int as Crew;\nextern func cShip(s Ship) int;\n',
  );
  const program = new CProgram(ws.program(), 'vtest', DEFAULT_TARGET);
  const ship = program.findKind('Ship')!;
  const drawing = messageDrawing(program, ship)!;
  assert.deepEqual(drawing.value, { name: 'text', engine: { fuel: 1 }, crew: [1, 2] });
  // The same message `vale-ffi message` writes for that value.
  const m = serializeMessage(program, ship, drawing.value);
  assert.equal(drawing.size, m.size);
  assert.deepEqual(
    drawing.objects.map((o) => [o.kind, o.offset]),
    m.objects.map((o) => [o.kind, o.offset]),
  );
  assert.deepEqual(
    drawing.objects.map((o) => o.kind),
    ['Ship', 'str', 'Engine', '[]<imm>int'],
  );
  assert.ok(drawing.objects.every((o) => o.offset % 16 === 0));
  // One pointer per child object, written in the root's members (name, engine, crew at 0, 8, 16).
  assert.deepEqual(drawing.pointers, [
    { at: 0, to: drawing.objects[1].offset },
    { at: 8, to: drawing.objects[2].offset },
    { at: 16, to: drawing.objects[3].offset },
  ]);
  assert.equal(messageDrawing(program, program.findKind('Crew')!)?.objects.length, 1);
  const l = program.layout(ship);
  const html = layoutPage({
    target: 'x86_64-linux',
    name: 'Ship',
    cName: l.cName,
    size: l.size,
    align: l.align,
    messageSize: null,
    fields: l.fields.map((f) => ({ name: f.name, cType: f.type.text, offset: f.offset, size: f.size, align: f.align })),
    padding: [],
    message: drawing,
  });
  assert.match(
    html,
    new RegExp(`becomes a message of ${drawing.size} bytes \\(the size a <code>_vasp</code> extern receives\\): 4 objects in pre-order`),
  );
  assert.equal(html.match(/<g class="message-object">/g)?.length, 4);
  assert.equal(html.match(/<g class="message-pointer">/g)?.length, 3);
});

test('a decoded reference reads as a Markdown table with its checks', () => {
  const md = referenceMarkdown('0x1', {
    profile: 'backend',
    fields: { objectGeneration: '0x1320' },
    raw: { objectGeneration: '0x1320' },
    bytesHex: '00',
    cWords: { unused0: '0x0' },
    problems: [{ field: 'objectGeneration', code: 'Placeholder', message: 'placeholder' }],
  });
  assert.match(md, /\| objectGeneration \| `0x1320` \(4896\) \| `0x1320` \|/);
  assert.match(md, /- \*\*Placeholder\*\* \(objectGeneration\): placeholder/);
});

test('a recording reads as a table of calls with expandable values', async () => {
  const { recordingPage } = await import('../client/views');
  const ref = { profile: 'backend', fields: { objectPointer: '0x7f00' }, raw: {}, bytesHex: '', cWords: {}, problems: [] };
  const html = recordingPage('recording.vale.bin', {
    size: 120,
    calls: [
      {
        offset: 8,
        callee: 'weigh',
        args: [{ param: 'd', offset: 24, reference: ref }],
        params: [
          { name: 'd', type: '&Dock', recorded: true },
          { name: 'n', type: 'Crate', recorded: false },
        ],
        result: { kind: 'message', type: 'Crate', size: 16, value: { w: 42 } },
      },
      { offset: 80, callee: 'count<x>', args: [], params: [], result: { kind: 'int', value: 7 } },
    ],
    error: { offset: 110, reason: 'the file ends inside a callee name' },
  });
  assert.equal(html.match(/<tr><td>\d/g)?.length, 2);
  assert.match(html, /<summary>Crate \(16 bytes\)<\/summary><pre>\{\n {2}&#34;w&#34;: 42\n\}<\/pre>/);
  assert.match(html, /count&#60;x&#62;/);
  assert.match(
    html,
    /<div>n: <code>Crate<\/code> <small>\(not recorded\)<\/small><\/div>/,
    'a parameter the format does not carry is listed, marked',
  );
  assert.match(html, /<div>d: <details>/);
  assert.match(html, /Stopped at byte 110: the file ends inside a callee name/);
});

test('the status bar item: indexing, then files and problems, with the project in the tooltip', () => {
  assert.deepEqual(statusItem(undefined, { errors: 0, warnings: 0 }).text, '$(sync~spin) Vale FFI');
  assert.equal(
    statusItem({ state: 'indexing', valeFiles: 12, cFiles: 0, project: 'p' }, { errors: 3, warnings: 0 }).text,
    '$(sync~spin) Vale FFI: indexing 12 files',
  );
  const ready = { state: 'ready' as const, valeFiles: 6, cFiles: 2, project: 'fleet' };
  assert.equal(statusItem(ready, { errors: 0, warnings: 0 }).text, '$(check) Vale FFI');
  const item = statusItem(ready, { errors: 3, warnings: 1 });
  assert.equal(item.text, '$(error) 3 $(warning) 1 Vale FFI');
  assert.equal(item.tooltip, 'Vale FFI: 6 Vale files, 2 C files, C project fleet; 3 errors, 1 warning. Click to show its output.');
});

test('after a switch the client asks for the lenses at each delay; a newer switch replaces the pending asks', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const asked: string[] = [];
  const refresh = new LensRefresh([0, 500, 1_500]);
  refresh.switched(() => asked.push('ships'));
  t.mock.timers.tick(0);
  assert.deepEqual(asked, ['ships']);
  t.mock.timers.tick(500);
  assert.deepEqual(asked, ['ships', 'ships']);
  // Another file before the last ask: only its asks are left.
  refresh.switched(() => asked.push('mistakes'));
  t.mock.timers.tick(2_000);
  assert.deepEqual(asked, ['ships', 'ships', 'mistakes', 'mistakes', 'mistakes']);
  refresh.switched(() => asked.push('ships'));
  refresh.dispose();
  t.mock.timers.tick(2_000);
  assert.equal(asked.length, 5, 'nothing asked after dispose');
  assert.ok(
    (LENS_REFRESH_DELAYS.at(-1) ?? 0) >= 1_000,
    'the last ask comes when a palette opened at the switch has surely taken the focus',
  );
});
