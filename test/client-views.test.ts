import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layoutPage, referenceMarkdown } from '../client/views';

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
  assert.match(html, /title="crew: offset 8, 8 bytes"/);
  assert.match(html, /Ship&#60;T&#62;/, 'names are escaped');
  assert.match(html, /size 24 bytes, align 8, target x86_64-linux, message 48 bytes/);
  assert.match(html, /default-src 'none'/, 'the webview runs no scripts');
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
